"""Binding expressions inside binding property strings: ``%AppSetting%`` and ``{parameter}``.

How the host reads them (Azure/azure-webjobs-sdk):

* ``%name%`` — ``NameResolverExtensions.ResolveWholeString`` replaces *every* ``%…%`` pair in
  the string with the app setting's value, left to right, before anything else. A ``%``
  without a partner is an error ("The '%' at position N does not have a closing '%'"), and a
  name with no value fails with "'%name%' does not resolve to a value". Setting lookups go
  through .NET configuration, so they ignore case, and ``:`` in a name matches ``__`` in an
  environment variable / local.settings.json key (``%Jobs:Queue%`` ↔ ``Jobs__Queue``).
* ``{expr}`` — ``BindingTemplateParser``: ``{{`` and ``}}`` are literal braces; ``{…}`` holds
  no brace; a lone brace is "Missing closing/opening bracket". ``BindingTemplateToken``
  then splits an optional ``:format`` off, requires a C#-identifier-like name (letters,
  digits, ``_``, plus ``.`` and ``-`` after the first character), splits it on ``.`` into a
  path whose first part may not contain ``-``, and rejects empty parts.
* Built-ins (``BindingParameterResolver``): any expression *starting with* ``rand-guid`` or
  ``datetime`` (any case), optionally with ``:format`` — ``{rand-guid}``, ``{DateTime}``,
  ``{datetime:yyyy-MM-dd}``. The ``sys`` object (``SystemBindingData``) offers
  ``{sys.MethodName}``, ``{sys.UtcNow}`` and ``{sys.RandGuid}``.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Mapping
from enum import Enum

from funcls.model.fastclass import dataclass
from funcls.model.parsers.errors import ParseError


class ExpressionErrorKind(str, Enum):
    UNCLOSED_PERCENT = "unclosed-percent"
    EMPTY_SETTING = "empty-setting"
    MISSING_SETTING = "missing-setting"
    UNBALANCED_BRACE = "unbalanced-brace"
    EMPTY_PARAMETER = "empty-parameter"
    INVALID_PARAMETER = "invalid-parameter"


class ExpressionError(ParseError):
    def __init__(self, kind: ExpressionErrorKind, message: str, start: int, end: int) -> None:
        super().__init__(message, start, end)
        self.kind = kind


class ParameterKind(str, Enum):
    USER = "user"  # trigger metadata, route parameters, JSON payload members…
    SYSTEM = "system"  # the ``sys`` object
    BUILTIN = "builtin"  # rand-guid, datetime


@dataclass(frozen=True, slots=True)
class AppSettingRef:
    """``%name%``; ``start``/``end`` cover the percent signs too."""

    name: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class BindingParameter:
    """``{expression[:format]}``; ``start``/``end`` cover the braces."""

    expression: str
    path: tuple[str, ...]
    format: str | None
    kind: ParameterKind
    start: int
    end: int

    @property
    def root(self) -> str:
        """The binding-data name the host looks up: ``data`` for ``{data.id}``."""
        return self.path[0]


@dataclass(frozen=True, slots=True)
class LiteralText:
    """Plain text with brace escapes undone (``{{`` → ``{``)."""

    text: str
    start: int
    end: int


TemplatePart = LiteralText | AppSettingRef | BindingParameter


@dataclass(frozen=True, slots=True)
class BindingTemplate:
    text: str
    parts: tuple[TemplatePart, ...]

    @property
    def settings(self) -> tuple[AppSettingRef, ...]:
        return tuple(p for p in self.parts if isinstance(p, AppSettingRef))

    @property
    def parameters(self) -> tuple[BindingParameter, ...]:
        return tuple(p for p in self.parts if isinstance(p, BindingParameter))

    @property
    def is_literal(self) -> bool:
        return all(isinstance(p, LiteralText) for p in self.parts)


BUILTIN_NAMES = ("rand-guid", "datetime")
SYSTEM_PROPERTIES: dict[str, str] = {
    "MethodName": "the name of the function",
    "UtcNow": "the current UTC date and time",
    "RandGuid": "a new random GUID",
}
BUILTIN_DESCRIPTIONS: dict[str, str] = {
    "rand-guid": "a new random GUID, e.g. {rand-guid} → 50710cb5-84b9-4d87-9d83-a03d6976a682",
    "datetime": "the current UTC date and time (DateTime.UtcNow); add :format for a .NET "
    "format string, e.g. {DateTime:yyyy-MM-dd}",
}


def find_app_settings(text: str) -> tuple[AppSettingRef, ...]:
    """Every ``%name%`` in ``text``, paired left to right as the host pairs them."""
    refs: list[AppSettingRef] = []
    i = 0
    while (start := text.find("%", i)) >= 0:
        end = text.find("%", start + 1)
        if end < 0:
            raise ExpressionError(
                ExpressionErrorKind.UNCLOSED_PERCENT,
                f"the '%' at position {start} has no closing '%'; app-setting references are "
                "written %SettingName% (there is no way to escape a single '%')",
                start,
                start + 1,
            )
        name = text[start + 1 : end]
        if not name:
            raise ExpressionError(
                ExpressionErrorKind.EMPTY_SETTING,
                "'%%' names no app setting; write %SettingName%",
                start,
                end + 1,
            )
        refs.append(AppSettingRef(name, start, end + 1))
        i = end + 1
    return tuple(refs)


def setting_key(name: str) -> str:
    """How .NET configuration compares setting names: case-insensitive, ``__`` == ``:``."""
    return name.replace("__", ":").casefold()


def lookup_setting(name: str, settings: Mapping[str, str]) -> str | None:
    wanted = setting_key(name)
    for key, value in settings.items():
        if setting_key(key) == wanted:
            return value
    return None


def resolve_app_settings(text: str, settings: Mapping[str, str]) -> str:
    """Replace every ``%name%`` with its value, failing like the host when one is missing."""
    out: list[str] = []
    position = 0
    for ref in find_app_settings(text):
        value = lookup_setting(ref.name, settings)
        if value is None:
            raise ExpressionError(
                ExpressionErrorKind.MISSING_SETTING,
                f"'%{ref.name}%' does not resolve to a value; add '{ref.name}' to "
                "local.settings.json Values (or the app settings in Azure)",
                ref.start,
                ref.end,
            )
        out.append(text[position : ref.start])
        out.append(value)
        position = ref.end
    out.append(text[position:])
    return "".join(out)


@functools.lru_cache(maxsize=4096)
def parse_binding_template(text: str) -> BindingTemplate:
    """Split ``text`` into literal text, ``%setting%`` references and ``{parameters}``.

    Kept by text (the template is immutable; an ExpressionError is raised again each time):
    the rules parse the same queue names and paths over and over (issue 16)."""
    parts: list[TemplatePart] = []
    position = 0
    for ref in find_app_settings(text):
        parts.extend(_parse_braces(text, position, ref.start))
        parts.append(ref)
        position = ref.end
    parts.extend(_parse_braces(text, position, len(text)))
    return BindingTemplate(text, tuple(_merge_literals(parts)))


def _parse_braces(text: str, start: int, end: int) -> list[TemplatePart]:
    parts: list[TemplatePart] = []
    i = start
    while i < end:
        ch = text[i]
        pair = text[i : i + 2] if i + 1 < end else ch
        if pair in ("{{", "}}"):
            parts.append(LiteralText(ch, i, i + 2))
            i += 2
        elif ch == "{":
            close = _find_any(text, "{}", i + 1, end)
            if close < 0 or text[close] == "{":
                raise ExpressionError(
                    ExpressionErrorKind.UNBALANCED_BRACE,
                    f"the '{{' at position {i} has no closing '}}'; write {{{{ for a literal brace",
                    i,
                    i + 1,
                )
            parts.append(_parameter(text, i, close + 1))
            i = close + 1
        elif ch == "}":
            raise ExpressionError(
                ExpressionErrorKind.UNBALANCED_BRACE,
                f"the '}}' at position {i} has no opening '{{'; write }}}} for a literal brace",
                i,
                i + 1,
            )
        else:
            stop = _find_any(text, "{}", i, end)
            stop = end if stop < 0 else stop
            parts.append(LiteralText(text[i:stop], i, stop))
            i = stop
    return parts


def _find_any(text: str, chars: str, start: int, end: int) -> int:
    for i in range(start, end):
        if text[i] in chars:
            return i
    return -1


def _parameter(text: str, start: int, end: int) -> BindingParameter:
    inner = text[start + 1 : end - 1]
    if not inner:
        raise ExpressionError(
            ExpressionErrorKind.EMPTY_PARAMETER,
            "'{}' names no binding parameter; write {name}, or {{}} for literal braces",
            start,
            end,
        )
    if any(inner.casefold().startswith(b) for b in BUILTIN_NAMES):
        name, colon, builtin_format = inner.partition(":")
        fmt = builtin_format if colon else None
        return BindingParameter(name, (name,), fmt, ParameterKind.BUILTIN, start, end)
    colon_at = inner.find(":")
    expression = inner[:colon_at] if colon_at > 0 else inner
    fmt = inner[colon_at + 1 :] if colon_at > 0 else None
    problem = _identifier_problem(expression)
    path = tuple(expression.split("."))
    if problem is None and any(not p.strip() for p in path):
        problem = "a dotted path cannot have an empty part"
    if problem is None and "-" in path[0]:
        problem = f"'-' is not allowed in the first part of a name ('{path[0]}')"
    if problem is not None:
        raise ExpressionError(
            ExpressionErrorKind.INVALID_PARAMETER,
            f"'{{{inner}}}' is not a valid binding expression: {problem}",
            start,
            end,
        )
    kind = ParameterKind.SYSTEM if path[0].casefold() == "sys" else ParameterKind.USER
    return BindingParameter(expression, path, fmt, kind, start, end)


_LETTERS = {"Lu", "Ll", "Lt", "Lm", "Lo", "Nl"}
_PART_CATEGORIES = _LETTERS | {"Nd", "Pc", "Mn", "Mc", "Cf"}


def _identifier_problem(name: str) -> str | None:
    first = name[0]
    if first != "_" and unicodedata.category(first) not in _LETTERS:
        return f"a name starts with a letter or '_', not '{first}'"
    for ch in name[1:]:
        if ch not in ".-" and unicodedata.category(ch) not in _PART_CATEGORIES:
            shown = "a space" if ch.isspace() else f"'{ch}'"
            return f"{shown} is not allowed in a name (letters, digits, '_', '.', '-')"
    return None


def _merge_literals(parts: list[TemplatePart]) -> list[TemplatePart]:
    merged: list[TemplatePart] = []
    for part in parts:
        last = merged[-1] if merged else None
        if isinstance(part, LiteralText) and isinstance(last, LiteralText):
            merged[-1] = LiteralText(last.text + part.text, last.start, part.end)
        else:
            merged.append(part)
    return merged


def describe_parameter(parameter: BindingParameter) -> str | None:
    """Hover text for a built-in or ``sys`` expression; None for user names."""
    if parameter.kind is ParameterKind.BUILTIN:
        key = "rand-guid" if parameter.root.casefold().startswith("rand-guid") else "datetime"
        return BUILTIN_DESCRIPTIONS[key]
    if parameter.kind is ParameterKind.SYSTEM and len(parameter.path) == 2:
        for name, text in SYSTEM_PROPERTIES.items():
            if name.casefold() == parameter.path[1].casefold():
                return f"sys.{name}: {text}"
    return None
