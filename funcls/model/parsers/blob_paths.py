"""Blob ``path`` patterns: ``container/blob-pattern`` with ``{name}`` captures.

A blob trigger's path is read by ``BlobPathSource.Create`` (Azure/azure-sdk-for-net,
Microsoft.Azure.WebJobs.Extensions.Storage.Blobs): the container is everything before the
first ``/``; a path with a ``/`` needs text on both sides; the container may not contain
``\\`` or ``{``. The whole path then becomes a ``BindingTemplateSource``: each literal is
matched exactly (case-sensitive) and each ``{name}`` becomes ``(?<name>.*)`` — greedy, may be
empty, may span ``/`` — anchored at both ends. A path without a ``/`` watches every blob in
the container. Dotted names, formats and built-ins cannot be captured.

Input/output blob bindings use the same ``container/blob`` split but may use expressions
(and ``%settings%``) in both parts, since those are filled in rather than matched.
"""

from __future__ import annotations

import re
from enum import Enum

from funcls.model.fastclass import dataclass
from funcls.model.parsers.errors import ParseError
from funcls.model.parsers.expressions import (
    BindingParameter,
    BindingTemplate,
    ExpressionError,
    LiteralText,
    ParameterKind,
    parse_binding_template,
)


class BlobPathErrorKind(str, Enum):
    FORMAT = "format"
    CONTAINER_EXPRESSION = "container-expression"
    CAPTURE = "capture"
    EXPRESSION = "expression"


class BlobPathError(ParseError):
    def __init__(self, kind: BlobPathErrorKind, message: str, start: int, end: int) -> None:
        super().__init__(message, start, end)
        self.kind = kind


@dataclass(frozen=True, slots=True)
class BlobPathPattern:
    text: str
    container: str
    blob: str  # "" when the path names a container only
    template: BindingTemplate
    for_trigger: bool

    @property
    def container_span(self) -> tuple[int, int]:
        return (0, len(self.container))

    @property
    def blob_span(self) -> tuple[int, int]:
        start = len(self.container) + 1 if self.blob else len(self.text)
        return (start, len(self.text))

    @property
    def parameter_names(self) -> tuple[str, ...]:
        """Captured names in order of first appearance (what a trigger adds to binding data)."""
        seen: dict[str, str] = {}
        for parameter in self.template.parameters:
            seen.setdefault(parameter.root.casefold(), parameter.root)
        return tuple(seen.values())

    def match(self, blob_path: str) -> dict[str, str] | None:
        """Captures from a concrete ``container/blob`` path, or None when it does not match.

        ``%settings%`` must be resolved first (re-parse the resolved text): a pattern that
        still holds one cannot be matched.
        """
        if self.template.settings:
            raise ValueError(
                f"resolve the app settings in '{self.text}' before matching blob paths"
            )
        if not self.blob:
            container, sep, name = blob_path.partition("/")
            return {} if sep and name and container == self.container else None
        regex, groups = _capture_regex(self.template)
        found = regex.match(blob_path)
        if found is None:
            return None
        values: dict[str, str] = {}
        for group, name in groups:  # .NET keeps the last capture of a repeated name
            values[name] = found.group(group)
        return values


def parse_blob_path(
    text: str, *, for_trigger: bool = True, container_client: bool = False
) -> BlobPathPattern:
    """Parse a blob binding ``path``; raise :class:`BlobPathError` when the host would.
    ``container_client``: the binding gives a container client, which a bare container name
    feeds."""
    slash = text.find("/")
    container = text if slash < 0 else text[:slash]
    blob = "" if slash < 0 else text[slash + 1 :]
    if slash == 0 or (slash > 0 and not blob) or not text:
        start, end = (slash, slash + 1) if slash >= 0 else (0, len(text))
        raise BlobPathError(
            BlobPathErrorKind.FORMAT,
            f"blob path '{text}' must be 'container/blob-pattern' (or just 'container' for a "
            "trigger that watches a whole container)",
            start,
            end,
        )
    if not for_trigger and slash < 0 and not container_client:
        raise BlobPathError(
            BlobPathErrorKind.FORMAT,
            f"blob path '{text}' names no blob; write 'container/blob-name'",
            0,
            len(text),
        )
    if for_trigger and (bad := _first_of(container, "\\{")) >= 0:
        if container[bad] == "\\":
            kind = BlobPathErrorKind.FORMAT
            message = (
                f"blob trigger path '{text}' has a '\\' in its container name; separate the "
                "container from the blob pattern with '/'"
            )
        else:
            kind = BlobPathErrorKind.CONTAINER_EXPRESSION
            message = (
                "the container part of a blob trigger path cannot contain a {…} expression; "
                "the host only captures names from the blob part (use %Setting% to configure "
                "the container)"
            )
        raise BlobPathError(kind, message, bad, bad + 1)
    try:
        template = parse_binding_template(text)
    except ExpressionError as error:
        raise BlobPathError(
            BlobPathErrorKind.EXPRESSION, error.message, error.start, error.end
        ) from error
    if for_trigger:
        for parameter in template.parameters:
            _check_capturable(text, parameter)
    return BlobPathPattern(text, container, blob, template, for_trigger)


def _first_of(text: str, chars: str) -> int:
    return next((i for i, ch in enumerate(text) if ch in chars), -1)


def _check_capturable(text: str, parameter: BindingParameter) -> None:
    reason = None
    if parameter.kind is not ParameterKind.USER:
        reason = "built-in and sys expressions have no value to capture"
    elif len(parameter.path) > 1:
        reason = "a dotted name cannot be captured"
    elif parameter.format is not None:
        reason = "a :format cannot be applied to a captured name"
    elif "-" in parameter.root:
        reason = "a captured name cannot contain '-'"
    if reason is not None:
        raise BlobPathError(
            BlobPathErrorKind.CAPTURE,
            f"'{text[parameter.start : parameter.end]}' cannot be used in a blob trigger path: "
            f"{reason}; "
            "use a plain name such as {name}",
            parameter.start,
            parameter.end,
        )


def _capture_regex(template: BindingTemplate) -> tuple[re.Pattern[str], list[tuple[str, str]]]:
    pieces: list[str] = []
    groups: list[tuple[str, str]] = []
    for part in template.parts:
        if isinstance(part, LiteralText):
            pieces.append(re.escape(part.text))
        elif isinstance(part, BindingParameter):
            group = f"g{len(groups)}"
            groups.append((group, part.root))
            pieces.append(f"(?P<{group}>.*)")
    return re.compile("".join(pieces) + r"\Z"), groups
