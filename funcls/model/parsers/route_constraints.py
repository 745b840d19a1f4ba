"""Inline route constraints (``{id:int}``, ``{name:minlength(3)}``) as ASP.NET Core reads them.

The Functions host builds its HTTP routes with ASP.NET Core ``Route`` objects and the
``IInlineConstraintResolver`` from dependency injection (Azure/azure-webjobs-sdk-extensions
``WebJobsRouteBuilder``), i.e. ``DefaultInlineConstraintResolver`` over the default
``RouteOptions`` constraint map of .NET 8 (dotnet/aspnetcore ``RouteOptions.cs``): int bool
datetime decimal double float guid long minlength maxlength length min max range alpha regex
required file nonfile. Names are case-insensitive. ``ParameterPolicyActivator`` splits the
text in parentheses on ``,`` (except for ``regex``, which takes it whole), trims each argument
and converts it with ``Convert.ChangeType(…, InvariantCulture)``; the constraint constructors
then reject negative lengths and reversed bounds.

Value checks follow the constraint classes: numbers go through ``TryParse`` with the
invariant culture, ``alpha`` is ``^[a-z]*$`` ignoring case, ``regex`` is an unanchored,
case-insensitive search, lengths count UTF-16 code units. ``datetime`` accepts the common
invariant-culture forms (ISO 8601 and ``M/d/yyyy [h:mm[:ss] [AM|PM]]``), a subset of
``DateTime.TryParse``; ``regex`` patterns are run by Python's ``re``, so .NET-only syntax
is not checked and a pattern Python cannot compile matches everything.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import Enum

from funcls.model.fastclass import dataclass
from funcls.model.lazy_re import compiled_on_use
from funcls.model.parsers.errors import ParseError

INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)


class RouteErrorKind(str, Enum):
    UNBALANCED_BRACE = "unbalanced-brace"
    EMPTY_NAME = "empty-name"
    INVALID_NAME = "invalid-name"
    DUPLICATE_NAME = "duplicate-name"
    UNKNOWN_CONSTRAINT = "unknown-constraint"
    BAD_CONSTRAINT_ARGUMENT = "bad-constraint-argument"
    CATCH_ALL_NOT_LAST = "catch-all-not-last"
    CATCH_ALL_OPTIONAL = "catch-all-optional"
    OPTIONAL_WITH_DEFAULT = "optional-with-default"
    OPTIONAL_IN_SEGMENT = "optional-in-segment"
    CONSECUTIVE_PARAMETERS = "consecutive-parameters"
    CONSECUTIVE_SEPARATORS = "consecutive-separators"
    INVALID_LITERAL = "invalid-literal"
    INVALID_START = "invalid-start"


class RouteError(ParseError):
    def __init__(self, kind: RouteErrorKind, message: str, start: int, end: int) -> None:
        super().__init__(message, start, end)
        self.kind = kind


_INTEGER = compiled_on_use(r"\s*[+-]?\d+\s*")
_DECIMAL = compiled_on_use(r"\s*[+-]?(\d{1,3}(,\d{3})*|\d+)?(\.\d*)?\s*")
_FLOAT = compiled_on_use(r"\s*[+-]?(\d[\d,]*)?(\.\d*)?([eE][+-]?\d+)?\s*")
_FLOAT_WORDS = {"nan", "infinity", "-infinity", "+infinity", "∞", "-∞", "+∞"}
_US_DATE = compiled_on_use(
    r"(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp][Mm]))?)?"
)


def _in(text: str, bounds: tuple[int, int]) -> bool:
    return bool(_INTEGER.fullmatch(text)) and bounds[0] <= int(text) <= bounds[1]


def _decimal(text: str) -> bool:
    return bool(_DECIMAL.fullmatch(text)) and any(ch.isdigit() for ch in text)


def _float(text: str) -> bool:
    if text.strip().casefold() in _FLOAT_WORDS:
        return True
    return bool(_FLOAT.fullmatch(text)) and any(ch.isdigit() for ch in re.split("[eE]", text)[0])


def _guid(text: str) -> bool:
    candidate = text.strip()
    if candidate.startswith("{0x"):  # the "X" format: {0x…,0x…,0x…,{0x…,…}}
        return (
            re.fullmatch(
                r"\{0x[\da-fA-F]{8},0x[\da-fA-F]{4},0x[\da-fA-F]{4},"
                r"\{(0x[\da-fA-F]{2},){7}0x[\da-fA-F]{2}\}\}",
                candidate,
            )
            is not None
        )
    if (candidate[:1], candidate[-1:]) in (("{", "}"), ("(", ")")):
        candidate = candidate[1:-1]
        if "-" not in candidate:
            return False
    elif len(candidate) not in (32, 36):
        return False
    import uuid  # on first use: it imports platform (issue 16: no work at import time)

    try:
        uuid.UUID(candidate)
    except ValueError:
        return False
    return True


def _datetime(text: str) -> bool:
    # Imported here: the constraint is rare, and datetime was ~4 M instructions of every
    # `funcls check` start (issue 16, ninth pass).
    from datetime import datetime

    candidate = text.strip()
    try:
        datetime.fromisoformat(candidate.replace("Z", "+00:00"))
        return True
    except ValueError:
        pass
    found = _US_DATE.fullmatch(candidate)
    if found is None:
        return False
    month, day, year, hour, minute, second, half = found.groups()
    hour_value = int(hour or 0)
    if half is not None and not 1 <= hour_value <= 12:
        return False
    try:
        datetime(
            int(year), int(month), int(day), hour_value % 24, int(minute or 0), int(second or 0)
        )
    except ValueError:
        return False
    return True


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _is_file(text: str) -> bool:
    last = text.rsplit("/", 1)[-1]
    dot = last.rfind(".")
    return dot >= 0 and dot < len(last) - 1


def _regex(pattern: str, value: str) -> bool:
    try:
        compiled = re.compile(re.sub(r"\(\?<(?=[A-Za-z_])", "(?P<", pattern), re.IGNORECASE)
    except re.error:
        return True
    return compiled.search(value) is not None


Check = Callable[[str, tuple[int, ...], str], bool]


@dataclass(frozen=True, slots=True)
class ConstraintSpec:
    name: str
    arities: tuple[int, ...]
    bounds: tuple[int, int] | None  # numeric arguments: their range; None = text (regex)
    usage: str
    description: str
    check: Check


def _spec(
    name: str,
    arities: tuple[int, ...],
    usage: str,
    description: str,
    check: Check,
    bounds: tuple[int, int] | None = INT32,
) -> ConstraintSpec:
    return ConstraintSpec(name, arities, bounds, usage, description, check)


CONSTRAINTS: dict[str, ConstraintSpec] = {
    spec.name: spec
    for spec in (
        _spec("int", (0,), "int", "a 32-bit integer", lambda v, a, r: _in(v, INT32)),
        _spec("long", (0,), "long", "a 64-bit integer", lambda v, a, r: _in(v, INT64)),
        _spec(
            "bool",
            (0,),
            "bool",
            "true or false (any case)",
            lambda v, a, r: v.strip().casefold() in ("true", "false"),
        ),
        _spec(
            "datetime",
            (0,),
            "datetime",
            "a date and time in the invariant culture",
            lambda v, a, r: _datetime(v),
        ),
        _spec("decimal", (0,), "decimal", "a decimal number", lambda v, a, r: _decimal(v)),
        _spec(
            "double", (0,), "double", "a 64-bit floating-point number", lambda v, a, r: _float(v)
        ),
        _spec("float", (0,), "float", "a 32-bit floating-point number", lambda v, a, r: _float(v)),
        _spec("guid", (0,), "guid", "a GUID", lambda v, a, r: _guid(v)),
        _spec(
            "minlength",
            (1,),
            "minlength(3)",
            "at least N characters",
            lambda v, a, r: _utf16_length(v) >= a[0],
        ),
        _spec(
            "maxlength",
            (1,),
            "maxlength(8)",
            "at most N characters",
            lambda v, a, r: _utf16_length(v) <= a[0],
        ),
        _spec(
            "length",
            (1, 2),
            "length(6) or length(1,20)",
            "exactly N characters, or between M and N",
            lambda v, a, r: a[0] <= _utf16_length(v) <= a[-1],
        ),
        _spec(
            "min",
            (1,),
            "min(1)",
            "an integer of at least N",
            lambda v, a, r: _in(v, INT64) and int(v) >= a[0],
            INT64,
        ),
        _spec(
            "max",
            (1,),
            "max(100)",
            "an integer of at most N",
            lambda v, a, r: _in(v, INT64) and int(v) <= a[0],
            INT64,
        ),
        _spec(
            "range",
            (2,),
            "range(1,100)",
            "an integer from M to N",
            lambda v, a, r: _in(v, INT64) and a[0] <= int(v) <= a[1],
            INT64,
        ),
        _spec(
            "alpha",
            (0,),
            "alpha",
            "letters a–z only (any case)",
            lambda v, a, r: re.fullmatch(r"[a-zA-Z]*", v) is not None,
        ),
        _spec(
            "regex",
            (1,),
            "regex(^\\d{{3}}$)",
            "text matching a regular expression",
            lambda v, a, r: _regex(r, v),
            None,
        ),
        _spec("required", (0,), "required", "a non-empty value", lambda v, a, r: v != ""),
        _spec(
            "file",
            (0,),
            "file",
            "a file name with an extension (a.txt)",
            lambda v, a, r: _is_file(v),
        ),
        _spec(
            "nonfile",
            (0,),
            "nonfile",
            "anything but a file name with an extension",
            lambda v, a, r: not _is_file(v),
        ),
    )
}
# Names people reach for that ASP.NET Core does not have.
_ALIASES = {
    "integer": "int",
    "int32": "int",
    "int64": "long",
    "number": "int",
    "num": "int",
    "boolean": "bool",
    "uuid": "guid",
    "date": "datetime",
    "time": "datetime",
    "string": "alpha",
    "str": "alpha",
    "letters": "alpha",
    "minlen": "minlength",
    "maxlen": "maxlength",
    "len": "length",
    "between": "range",
    "regexp": "regex",
    "pattern": "regex",
}


def suggest_constraint(name: str) -> str | None:
    key = name.casefold()
    if key in _ALIASES:
        return _ALIASES[key]
    import difflib  # on first use, as uuid above

    close = difflib.get_close_matches(key, list(CONSTRAINTS), n=1, cutoff=0.6)
    return close[0] if close else None


@dataclass(frozen=True, slots=True)
class RouteConstraint:
    """One inline constraint; ``start``/``end`` locate its text in the route template."""

    text: str
    name: str  # canonical (lower-case) name
    arguments: tuple[int, ...]  # numeric arguments; empty for regex and argument-less ones
    raw_argument: str  # the text between the parentheses ("" when there are none)
    start: int
    end: int

    @property
    def spec(self) -> ConstraintSpec:
        return CONSTRAINTS[self.name]

    @property
    def canonical(self) -> str:
        """Normalised text, for comparing constraints: ``min( 01 )`` → ``min(1)``."""
        if self.name == "regex":
            return f"regex({self.raw_argument})"
        if self.arguments:
            return f"{self.name}({','.join(str(a) for a in self.arguments)})"
        return self.name

    def matches(self, value: str) -> bool:
        return self.spec.check(value, self.arguments, self.raw_argument)


def resolve_constraint(text: str, start: int, end: int | None = None) -> RouteConstraint:
    """Resolve inline constraint ``text`` found at ``start`` (to ``end``) in the template."""
    end = start + len(text) if end is None else end
    open_paren = text.find("(")
    has_arguments = open_paren >= 0 and text.endswith(")")
    name = text[:open_paren] if has_arguments else text
    raw = text[open_paren + 1 : -1] if has_arguments else ""
    spec = CONSTRAINTS.get(name.casefold())
    if spec is None:
        if open_paren >= 0 and not has_arguments:
            message = f"constraint '{text}' is missing its closing ')'"
        else:
            hint = suggest_constraint(name)
            known = ", ".join(CONSTRAINTS)
            message = f"'{name}' is not a route constraint; " + (
                f"did you mean '{hint}'?" if hint else f"the host knows {known}"
            )
        raise RouteError(RouteErrorKind.UNKNOWN_CONSTRAINT, message, start, end)
    if spec.bounds is None:
        pieces = [raw] if has_arguments else []
    else:
        pieces = [piece.strip() for piece in raw.split(",")] if has_arguments else []
    if len(pieces) not in spec.arities:
        takes = "no arguments" if spec.arities == (0,) else f"arguments as in {spec.usage}"
        raise RouteError(
            RouteErrorKind.BAD_CONSTRAINT_ARGUMENT,
            f"constraint '{text}': {spec.name} takes {takes}",
            start,
            end,
        )
    numbers: list[int] = []
    if spec.bounds is not None:
        for piece in pieces:
            if not _in(piece, spec.bounds):
                what = "a whole number" if not _INTEGER.fullmatch(piece) else "in range"
                raise RouteError(
                    RouteErrorKind.BAD_CONSTRAINT_ARGUMENT,
                    f"constraint '{text}': '{piece}' is not {what}; write {spec.usage}",
                    start,
                    end,
                )
            numbers.append(int(piece))
    _check_argument_values(spec.name, text, numbers, start, end)
    return RouteConstraint(text, spec.name, tuple(numbers), raw, start, end)


def _check_argument_values(name: str, text: str, numbers: list[int], start: int, end: int) -> None:
    problem = None
    if name in ("minlength", "maxlength", "length") and any(n < 0 for n in numbers):
        problem = "a length cannot be negative"
    elif name in ("length", "range") and len(numbers) == 2 and numbers[0] > numbers[1]:
        problem = f"the lower bound {numbers[0]} is above the upper bound {numbers[1]}"
    if problem is not None:
        raise RouteError(
            RouteErrorKind.BAD_CONSTRAINT_ARGUMENT, f"constraint '{text}': {problem}", start, end
        )
