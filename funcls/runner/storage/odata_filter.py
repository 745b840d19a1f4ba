"""OData `$filter` expressions of Azure Table Storage, evaluated by the embedded store.

The subset the Table service accepts: comparisons `eq ne gt ge lt le` between a property and
a literal, `and`, `or`, `not`, parentheses; literals 'text' (a quote doubled inside),
whole numbers (`42`, `42L` for Int64), decimals (`1.5`), `true`/`false`,
`datetime'2024-01-01T00:00:00Z'`, `guid'…'` and `X'0a1b'` / `binary'0a1b'`. As on the
service, a comparison with a property the entity does not have, or of another type, is
false. `and` binds tighter than `or`. A filter outside this subset is an
InvalidArgumentError naming the offset, where the service would answer 400.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from .errors import InvalidArgumentError

Predicate = Callable[[dict[str, Any]], bool]

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<lparen>\() | (?P<rparen>\)) |
        (?P<typed>(?:datetime|guid|binary|X)'(?:[^']|'')*') |
        (?P<string>'(?:[^']|'')*') |
        (?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[LlDdMm]?) |
        (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    )""",
    re.VERBOSE,
)
_COMPARE = {"eq", "ne", "gt", "ge", "lt", "le"}


class _Literal:
    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


def _tokens(text: str) -> list[tuple[str, str, int]]:
    out: list[tuple[str, str, int]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            start = len(text) - len(text[pos:].lstrip())
            raise InvalidArgumentError(
                f"filter {text!r}: cannot read {text[start:][:20]!r} at offset {start}"
            )
        kind = match.lastgroup or ""
        out.append((kind, match.group(kind), match.start(kind)))
        pos = match.end()
    return out


def _literal(kind: str, raw: str, text: str, offset: int) -> Any:
    try:
        if kind == "string":
            return raw[1:-1].replace("''", "'")
        if kind == "number":
            if raw[-1] in "LlDdMm":
                raw = raw[:-1]
                if raw.lstrip("-").isdigit():
                    return int(raw)
            if re.fullmatch(r"-?\d+", raw):
                return int(raw)
            return float(raw)
        prefix, _, rest = raw.partition("'")
        body = rest[:-1].replace("''", "'")
        if prefix == "datetime":
            moment = datetime.fromisoformat(body.replace("Z", "+00:00"))
            return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
        if prefix == "guid":
            return uuid.UUID(body)
        return bytes.fromhex(body)
    except ValueError as error:
        raise InvalidArgumentError(
            f"filter {text!r}: literal {raw} at offset {offset} is not valid ({error})"
        ) from None


def _same_kind(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return True
    return type(a) is type(b) or (isinstance(a, datetime) and isinstance(b, datetime))


def _compare(op: str, left: Any, right: Any) -> bool:
    if left is None or right is None or not _same_kind(left, right):
        return False
    if op == "eq":
        return bool(left == right)
    if op == "ne":
        return bool(left != right)
    if isinstance(left, (bool, uuid.UUID)):
        return False  # the service has no ordering for these
    if op == "gt":
        return bool(left > right)
    if op == "ge":
        return bool(left >= right)
    if op == "lt":
        return bool(left < right)
    return bool(left <= right)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.index = 0

    def _peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def _fail(self, what: str) -> InvalidArgumentError:
        token = self._peek()
        where = f"at offset {token[2]} ({token[1]!r})" if token else "at its end"
        return InvalidArgumentError(f"filter {self.text!r}: expected {what} {where}")

    def _word(self, *words: str) -> str | None:
        token = self._peek()
        if token and token[0] == "word" and token[1].lower() in words:
            self.index += 1
            return token[1].lower()
        return None

    def parse(self) -> Predicate:
        predicate = self._or()
        if self._peek() is not None:
            raise self._fail("'and', 'or' or ')'")
        return predicate

    def _or(self) -> Predicate:
        left = self._and()
        while self._word("or"):
            right = self._and()
            left = (lambda a, b: lambda e: a(e) or b(e))(left, right)
        return left

    def _and(self) -> Predicate:
        left = self._unary()
        while self._word("and"):
            right = self._unary()
            left = (lambda a, b: lambda e: a(e) and b(e))(left, right)
        return left

    def _unary(self) -> Predicate:
        if self._word("not"):
            inner = self._unary()
            return lambda e: not inner(e)
        token = self._peek()
        if token and token[0] == "lparen":
            self.index += 1
            inner = self._or()
            token = self._peek()
            if not token or token[0] != "rparen":
                raise self._fail("')'")
            self.index += 1
            return inner
        left = self._operand()
        op = self._word(*_COMPARE)
        if op is None:
            raise self._fail("a comparison (eq, ne, gt, ge, lt, le)")
        right = self._operand()
        if isinstance(left, _Literal) and isinstance(right, _Literal):
            value = _compare(op, left.value, right.value)
            return lambda e: value
        if isinstance(left, str) and isinstance(right, _Literal):
            name, literal = left, right.value
            return lambda e: _compare(op, e.get(name), literal)
        if isinstance(left, _Literal) and isinstance(right, str):
            name, literal = right, left.value
            return lambda e: _compare(op, literal, e.get(name))
        raise InvalidArgumentError(
            f"filter {self.text!r}: compare a property with a value, not two properties"
        )

    def _operand(self) -> str | _Literal:
        token = self._peek()
        if token is None:
            raise self._fail("a property name or a value")
        kind, raw, offset = token
        self.index += 1
        if kind == "word":
            lowered = raw.lower()
            if lowered in ("true", "false"):
                return _Literal(lowered == "true")
            if lowered in _COMPARE or lowered in ("and", "or", "not"):
                self.index -= 1
                raise self._fail("a property name or a value")
            return raw
        if kind in ("string", "number", "typed"):
            return _Literal(_literal(kind, raw, self.text, offset))
        self.index -= 1
        raise self._fail("a property name or a value")


def compile_filter(text: str | None) -> Predicate:
    """A predicate over entities (dicts of property values) for an OData filter; every entity
    matches an empty filter."""
    if text is None or not text.strip():
        return lambda e: True
    return _Parser(text).parse()
