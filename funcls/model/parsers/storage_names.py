"""Azure Storage naming rules for queue, container, blob and table names.

Sources (Azure Storage REST API docs): "Naming Queues and Metadata" — 3–63 characters,
lowercase letters, digits and '-', starting and ending with a letter or digit, no '--'.
"Naming and Referencing Containers, Blobs, and Metadata" — container names follow the same
rules, plus the system containers ``$root``, ``$web`` and ``$logs``; blob names are 1–1024
characters, case-sensitive, at most 254 '/'-separated segments, may not contain control
characters (0x00–0x1F, 0x7F–0x9F), and should not end with '.' or '/' (nor should any
segment end with '.'). "Understanding the Table service data model" — table names are 3–63
letters and digits, do not start with a digit, ignore case, and ``tables`` is reserved.

Names built from binding expressions (``{id}``, ``%Setting%``) are checked only where the
literal text alone decides: characters in literal parts, a literal first or last character,
'--' inside a literal part, a literal part already longer than the maximum; a name made of
literal text only gets every check. Each check returns a list of problems, empty when fine.
"""

from __future__ import annotations

from collections.abc import Callable

from funcls.model.fastclass import dataclass
from funcls.model.parsers.expressions import ExpressionError, LiteralText, parse_binding_template

SYSTEM_CONTAINERS = ("$root", "$web", "$logs")
MAX_BLOB_NAME = 1024
MAX_BLOB_SEGMENTS = 254


@dataclass(frozen=True, slots=True)
class NameProblem:
    message: str
    start: int
    end: int
    kind: str
    warning: bool = False  # the service accepts it, but it causes trouble


@dataclass(frozen=True, slots=True)
class _Literal:
    text: str
    start: int
    end: int

    def offset(self, index: int) -> tuple[int, int]:
        if len(self.text) == self.end - self.start:  # no {{ or }} escapes inside
            return (self.start + index, self.start + index + 1)
        return (self.start, self.end)


@dataclass(frozen=True, slots=True)
class _Rules:
    what: str
    allowed: Callable[[str], bool]
    allowed_text: str
    first: Callable[[str], bool]
    first_text: str
    lowercase: bool
    no_double_dash: bool


def _lower_alnum(ch: str) -> bool:
    return ch.isascii() and (ch.islower() or ch.isdigit())


def _dns_char(ch: str) -> bool:
    return _lower_alnum(ch) or ch == "-"


def _alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _alpha(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


_QUEUE = _Rules(
    "queue name",
    _dns_char,
    "lowercase letters, digits and '-'",
    _lower_alnum,
    "a lowercase letter or a digit",
    True,
    True,
)
_CONTAINER = _Rules(
    "container name",
    _dns_char,
    "lowercase letters, digits and '-'",
    _lower_alnum,
    "a lowercase letter or a digit",
    True,
    True,
)
_TABLE = _Rules("table name", _alnum, "letters and digits", _alpha, "a letter", False, False)


def _literals(name: str) -> tuple[list[_Literal], bool] | None:
    """Literal parts of ``name`` and whether that is all of it; None if it does not parse."""
    try:
        template = parse_binding_template(name)
    except ExpressionError:
        return None  # the expression checks report that
    literals = [
        _Literal(p.text, p.start, p.end) for p in template.parts if isinstance(p, LiteralText)
    ]
    return literals, len(literals) == len(template.parts)


# Each name's problems, by name and kind of name: apps repeat their queue and container names
# across functions, and the answer depends on nothing else (issue 16). The problems are frozen;
# callers get a list of their own.
_CHECKED: dict[tuple[str, str], tuple[NameProblem, ...]] = {}
_CHECKED_MAX = 4096


def _check_dns_like(name: str, rules: _Rules) -> list[NameProblem]:
    key = (name, rules.what)
    known = _CHECKED.get(key)
    if known is None:
        if len(_CHECKED) >= _CHECKED_MAX:
            _CHECKED.clear()
        known = _CHECKED[key] = tuple(_dns_like_problems(name, rules))
    return list(known)


def _dns_like_problems(name: str, rules: _Rules) -> list[NameProblem]:
    found = _literals(name)
    if found is None:
        return []
    literals, whole = found
    problems: list[NameProblem] = []
    label = f"{rules.what} '{name}'"
    for literal in literals:
        bad = next((i for i, ch in enumerate(literal.text) if not rules.allowed(ch)), None)
        if bad is None:
            continue
        ch = literal.text[bad]
        if rules.lowercase and ch.isascii() and ch.isupper():
            fixed = _lowercase_literals(name, literals)
            if _check_dns_like(fixed, rules):
                # Lowercase alone does not make it valid: suggest no name that is refused too.
                message = f"{label} has an uppercase '{ch}'; use only {rules.allowed_text}"
            else:
                message = f"{label} has an uppercase '{ch}'; {rules.what}s are lowercase: '{fixed}'"
            kind = "uppercase"
        else:
            shown = "a space" if ch == " " else f"'{ch}'"
            message = f"{label} contains {shown}; use only {rules.allowed_text}"
            kind = "character"
        problems.append(NameProblem(message, *literal.offset(bad), kind))
        break
    first = literals[0] if literals and literals[0].start == 0 else None
    if first and first.text and rules.allowed(first.text[0]) and not rules.first(first.text[0]):
        problems.append(
            NameProblem(
                f"{label} starts with '{first.text[0]}'; it must start with {rules.first_text}",
                *first.offset(0),
                "start",
            )
        )
    last = literals[-1] if literals and literals[-1].end == len(name) else None
    if rules.no_double_dash and last and last.text.endswith("-"):
        problems.append(
            NameProblem(
                f"{label} ends with '-'; it must end with a letter or a digit",
                *last.offset(len(last.text) - 1),
                "end",
            )
        )
    for literal in literals if rules.no_double_dash else []:
        at = literal.text.find("--")
        if at >= 0:
            start = literal.offset(at)[0]
            problems.append(
                NameProblem(
                    f"{label} has '--'; dashes cannot be consecutive", start, start + 2, "dashes"
                )
            )
            break
    length = sum(len(literal.text) for literal in literals)
    if length > 63 or (whole and length < 3):
        problems.append(
            NameProblem(
                f"{label} is {length} characters long; {rules.what}s have 3 to 63",
                0,
                len(name),
                "length",
            )
        )
    return problems


def _lowercase_literals(name: str, literals: list[_Literal]) -> str:
    out, position = [], 0
    for literal in literals:
        out.append(name[position : literal.start])
        out.append(name[literal.start : literal.end].lower())
        position = literal.end
    out.append(name[position:])
    return "".join(out)


def check_queue_name(name: str) -> list[NameProblem]:
    return _check_dns_like(name, _QUEUE)


def check_container_name(name: str) -> list[NameProblem]:
    if name in SYSTEM_CONTAINERS:
        return []
    if name.startswith("$"):
        names = ", ".join(SYSTEM_CONTAINERS)
        return [
            NameProblem(
                f"container name '{name}' starts with '$', which only the system containers "
                f"{names} may do",
                0,
                1,
                "character",
            )
        ]
    return _check_dns_like(name, _CONTAINER)


def check_table_name(name: str) -> list[NameProblem]:
    problems = _check_dns_like(name, _TABLE)
    if name.casefold() == "tables":
        problems.append(
            NameProblem(
                "'tables' is a reserved table name; choose another", 0, len(name), "reserved"
            )
        )
    return problems


def check_blob_name(name: str) -> list[NameProblem]:
    found = _literals(name)
    if found is None:
        return []
    literals, whole = found
    problems: list[NameProblem] = []
    label = f"blob name '{name}'"
    for literal in literals:
        bad = next((i for i, ch in enumerate(literal.text) if _is_control(ch)), None)
        if bad is not None:
            code = f"U+{ord(literal.text[bad]):04X}"
            problems.append(
                NameProblem(
                    f"{label} contains the control character {code}, which blob names cannot hold",
                    *literal.offset(bad),
                    "character",
                )
            )
            break
    length = sum(len(literal.text) for literal in literals)
    if whole and length == 0:
        problems.append(NameProblem("a blob name cannot be empty", 0, 0, "length"))
    if length > MAX_BLOB_NAME:
        problems.append(
            NameProblem(
                f"{label} is {length} characters long; blob names have at most {MAX_BLOB_NAME}",
                0,
                len(name),
                "length",
            )
        )
    if whole and name.count("/") + 1 > MAX_BLOB_SEGMENTS:
        problems.append(
            NameProblem(
                f"{label} has {name.count('/') + 1} path segments; the most is {MAX_BLOB_SEGMENTS}",
                0,
                len(name),
                "segments",
            )
        )
    last = literals[-1] if literals and literals[-1].end == len(name) else None
    if last and last.text.endswith((".", "/")):
        problems.append(
            NameProblem(
                f"{label} ends with '{last.text[-1]}'; blob names ending in '.' or '/' are hard "
                "to address (URLs drop or merge them)",
                *last.offset(len(last.text) - 1),
                "end",
                warning=True,
            )
        )
    return problems


def _is_control(ch: str) -> bool:
    code = ord(ch)
    return code <= 0x1F or 0x7F <= code <= 0x9F
