"""Route templates as data, and matching request paths against them.

Matching follows ASP.NET Core's ``RoutePatternMatcher`` (dotnet/aspnetcore
``src/Http/Routing/src/Patterns/RoutePatternMatcher.cs`` and ``PathTokenizer.cs``): the path
is split on ``/`` after its leading slash and one trailing slash is ignored; an empty segment
(``a//b``) never matches; literals compare ignoring case; a simple parameter takes the whole
segment; a catch-all takes the rest of the path, slashes included (and may be empty);
segments missing at the end are fine when their parameters are optional, have defaults or
are a catch-all; defaults fill in missing values; complex segments (``{name}.{ext}``) are
matched right to left, each literal found with a last-index search, every parameter taking
at least one character. Constraints run on the values afterwards; an optional parameter
without a value skips its constraints.

Kestrel decodes the request path before routing, except ``%2F``, which stays encoded so that
it cannot split a segment; :func:`decode_route_path` does the same.
"""

from __future__ import annotations

import re

from funcls.model.fastclass import dataclass
from funcls.model.lazy_re import compiled_on_use
from funcls.model.parsers.errors import ParseWarning
from funcls.model.parsers.route_constraints import RouteConstraint


@dataclass(frozen=True, slots=True)
class RouteLiteral:
    text: str  # with {{ and }} decoded
    start: int
    end: int
    separator: bool = False  # the '.' before an optional last parameter: {name}.{ext?}


@dataclass(frozen=True, slots=True)
class RouteParameter:
    name: str
    start: int  # the braces included
    end: int
    catch_all: bool = False
    encode_slashes: bool = True  # False for {**name} (matters only when generating URLs)
    optional: bool = False
    default: str | None = None
    constraints: tuple[RouteConstraint, ...] = ()

    @property
    def omittable(self) -> bool:
        return self.optional or self.default is not None or self.catch_all


RoutePart = RouteLiteral | RouteParameter


@dataclass(frozen=True, slots=True)
class RouteSegment:
    parts: tuple[RoutePart, ...]
    start: int
    end: int

    @property
    def is_simple(self) -> bool:
        return len(self.parts) == 1


@dataclass(frozen=True, slots=True)
class RouteTemplate:
    text: str
    segments: tuple[RouteSegment, ...]
    warnings: tuple[ParseWarning, ...] = ()

    @property
    def parameters(self) -> tuple[RouteParameter, ...]:
        return tuple(p for s in self.segments for p in s.parts if isinstance(p, RouteParameter))

    @property
    def parameter_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parameters)

    def match(self, path: str, *, decoded: bool = False) -> dict[str, str] | None:
        """Route values for a request path below the route prefix, or None.

        ``path`` is the raw, percent-encoded path (e.g. ASGI ``raw_path``) unless ``decoded``;
        anything from ``?`` or ``#`` on is ignored, and the leading '/' is optional.
        """
        return match_route(self, path, decoded=decoded)

    def precedence(self) -> tuple[tuple[int, ...], int, str]:
        """Sort key: smaller = more specific, tried first.

        Per segment, ASP.NET Core's ``RoutePrecedence.ComputeInbound`` digit: 1 literal,
        2 constrained parameter or multi-part segment, 3 parameter, 4 constrained catch-all,
        5 catch-all; earlier segments weigh more. Ties go to the template with fewer optional
        or defaulted parameters, then to the template text, so the order is total.
        """
        digits: list[int] = []
        for segment in self.segments:
            part = segment.parts[0]
            if not segment.is_simple:
                digits.append(2)
            elif isinstance(part, RouteLiteral):
                digits.append(1)
            else:
                digits.append((5 if part.catch_all else 3) - (1 if part.constraints else 0))
        optional = sum(1 for p in self.parameters if p.optional or p.default is not None)
        return (tuple(digits), optional, self.text.casefold())

    def shape_key(self) -> tuple[object, ...]:
        """Equal for templates that match exactly the same URLs, for duplicate detection.

        Parameter names do not count (``items/{id}`` == ``items/{name}``); literals compare
        ignoring case, as the matcher does; constraints count by their normalised text, in
        any order (``{id:int:min(1)}`` == ``{x:min(1):int}``, but ``{id:int}`` != ``{id}``:
        they match different URLs even though they overlap); ``{id?}`` and ``{id=5}`` are
        the same shape, since both match with or without the segment; a trailing '/' and a
        leading '/' or '~/' (without a prefix) do not count.
        """
        return tuple(tuple(_part_shape(part) for part in s.parts) for s in self.segments)


def _part_shape(part: RoutePart) -> tuple[object, ...]:
    if isinstance(part, RouteLiteral):
        return ("literal", part.text.casefold())
    constraints = tuple(sorted({c.canonical for c in part.constraints}))
    kind = "catch-all" if part.catch_all else "parameter"
    return (kind, constraints, part.optional or part.default is not None)


_PERCENT_RUN = compiled_on_use(r"(?:%[0-9A-Fa-f]{2})+")


def decode_route_path(raw: str) -> str:
    """Percent-decode a URL path like Kestrel: UTF-8, ``%2F`` kept, bad bytes left encoded."""

    def decode(run: re.Match[str]) -> str:
        out: list[str] = []
        for piece in re.split(r"(%2[fF])", run.group()):
            if not piece or piece.casefold() == "%2f":
                out.append(piece)
                continue
            try:
                out.append(bytes.fromhex(piece.replace("%", "")).decode("utf-8"))
            except UnicodeDecodeError:
                out.append(piece)
        return "".join(out)

    return _PERCENT_RUN.sub(decode, raw)


def _split(path: str) -> list[tuple[int, int]]:
    """Segment spans of ``path`` (which starts with '/'), ignoring one trailing '/'."""
    body_end = len(path) - 1 if len(path) > 1 and path.endswith("/") else len(path)
    if body_end <= 1:
        return []
    spans: list[tuple[int, int]] = []
    start = 1
    while True:
        slash = path.find("/", start, body_end)
        if slash < 0:
            spans.append((start, body_end))
            return spans
        spans.append((start, slash))
        start = slash + 1


def _catch_all(parts: tuple[RoutePart, ...]) -> RouteParameter | None:
    part = parts[0]
    if len(parts) == 1 and isinstance(part, RouteParameter) and part.catch_all:
        return part
    return None


def match_route(
    template: RouteTemplate, path: str, *, decoded: bool = False
) -> dict[str, str] | None:
    """Route values for ``path`` (the URL path below the route prefix), or None.

    ``path`` is the raw, percent-encoded path (e.g. ASGI ``raw_path``) unless ``decoded``;
    anything from ``?`` or ``#`` on is ignored. A leading '/' is optional.
    """
    path = re.split(r"[?#]", path, maxsplit=1)[0]
    text = path if decoded else decode_route_path(path)
    text = text if text.startswith("/") else "/" + text
    spans = _split(text)
    segments = template.segments
    matched = 0
    for start, end in spans:
        if start == end or matched >= len(segments):
            return None
        parts = segments[matched].parts
        if _catch_all(parts) is not None:
            break
        literal = parts[0] if len(parts) == 1 else None
        if isinstance(literal, RouteLiteral) and text[start:end].lower() != literal.text.lower():
            return None
        matched += 1
    for segment in segments[matched:]:
        part = segment.parts[0]
        if not segment.is_simple or isinstance(part, RouteLiteral):
            return None
        if part.catch_all:
            break
        if not part.optional and part.default is None:
            return None

    values: dict[str, str] = {}
    for index, (start, end) in enumerate(spans):
        parts = segments[index].parts
        catch_all = _catch_all(parts)
        if catch_all is not None:
            rest = text[start:]
            if rest:
                values[catch_all.name] = rest
            break
        part = parts[0]
        if len(parts) == 1 and isinstance(part, RouteParameter):
            values[part.name] = text[start:end]
        elif len(parts) > 1 and not _match_complex(parts, text[start:end], values):
            return None
    for parameter in template.parameters:
        if parameter.default is not None and parameter.name not in values:
            values[parameter.name] = parameter.default
    for parameter in template.parameters:
        value = values.get(parameter.name)
        if value is not None and not all(c.matches(value) for c in parameter.constraints):
            return None
    return {p.name: values[p.name] for p in template.parameters if p.name in values}


def _match_complex(parts: tuple[RoutePart, ...], segment: str, values: dict[str, str]) -> bool:
    last = len(parts) - 1
    final, before = parts[last], parts[last - 1]
    if (
        isinstance(final, RouteParameter)
        and final.optional
        and isinstance(before, RouteLiteral)
        and before.separator
    ):
        # {name}.{ext?}: try with the extension; without it only if the segment does not
        # end with the separator ("file." matches neither way).
        if _match_complex_from(parts, segment, values, last):
            return True
        if segment.lower().endswith(before.text.lower()):
            return False
        return _match_complex_from(parts, segment, values, last - 2)
    return _match_complex_from(parts, segment, values, last)


def _match_complex_from(
    parts: tuple[RoutePart, ...], segment: str, values: dict[str, str], index: int
) -> bool:
    lowered = segment.lower()
    end = len(segment)
    pending: RouteParameter | None = None
    literal: RouteLiteral | None = None
    found: dict[str, str] = {}
    while index >= 0:
        new_end = end
        part = parts[index]
        if isinstance(part, RouteParameter):
            pending = part
        else:
            literal = part
            limit = end - 1 if pending is not None else end  # leave the parameter a character
            if limit == 0:
                return False
            at = lowered.rfind(part.text.lower(), 0, limit)
            if at < 0:
                return False
            if index == len(parts) - 1 and at + len(part.text) != len(segment):
                return False  # a trailing literal must end the segment
            new_end = at
        if pending is not None and (
            (literal is not None and isinstance(part, RouteLiteral)) or index == 0
        ):
            if literal is None or (index == 0 and isinstance(part, RouteParameter)):
                value = segment[:end]
            else:
                value = segment[new_end + len(literal.text) : end]
            if not value:
                return False
            found[pending.name] = value
            pending, literal = None, None
        end = new_end
        index -= 1
    if end == 0 or isinstance(parts[0], RouteParameter):
        values.update(found)
        return True
    return False
