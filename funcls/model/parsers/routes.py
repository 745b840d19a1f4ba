"""HTTP route templates (``products/{category:alpha}/{id:int?}``) as the Functions host reads them.

The host joins the route prefix (``api`` unless host.json says otherwise) and the function's
route with ``/`` and hands the result to an ASP.NET Core ``Route``
(Azure/azure-webjobs-sdk-extensions ``WebJobsRouteBuilder``), whose template is parsed by
``RoutePatternParser`` / ``RouteParameterParser`` (dotnet/aspnetcore
``src/Http/Routing/src/Patterns``). We follow that parser: ``{{``/``}}`` are literal braces;
``{*name}``/``{**name}`` catch-alls; ``{name?}`` optional; ``{name=default}``; constraints
after ``:`` with parenthesised arguments; several parts per segment (``{name}.{ext}``) as long
as two parameters are not adjacent; an optional parameter in such a segment only last and
only after a ``.``; a catch-all only as the last segment; parameter names unique ignoring case.

Two things the host accepts are flagged as warnings: an optional (or defaulted) parameter
followed by a segment that needs a value — ASP.NET Core can only leave parameters out at the
end of the URL, so it is not really optional — and nothing else. A route starting with ``/``
is an error when there is a prefix, because ``api`` + ``/`` + ``/x`` has an empty segment.
A function with no route uses its name as the route; the caller substitutes it.

The data types and matching live in :mod:`funcls.model.parsers.route_template`. Note that
the host tries its function routes *in registration order* and takes the first match (an
ASP.NET Core ``RouteCollection``), so two templates that overlap are resolved by function
order there; :meth:`RouteTemplate.precedence` gives the ASP.NET Core specificity order
instead, for a dispatcher (and a diagnostic) that wants the most specific template to win.
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace

from funcls.model.parsers.errors import ParseWarning
from funcls.model.parsers.route_constraints import (
    RouteConstraint,
    RouteError,
    RouteErrorKind,
    resolve_constraint,
)
from funcls.model.parsers.route_template import (
    RouteLiteral,
    RouteParameter,
    RoutePart,
    RouteSegment,
    RouteTemplate,
    decode_route_path,
)

__all__ = [
    "RouteConstraint",
    "RouteError",
    "RouteErrorKind",
    "RouteLiteral",
    "RouteParameter",
    "RoutePart",
    "RouteSegment",
    "RouteTemplate",
    "decode_route_path",
    "parse_route",
]


def parse_route(text: str, *, route_prefix: str = "api") -> RouteTemplate:
    """Parse a function's ``route``; raise :class:`RouteError` for what the host rejects.
    Results are cached: several rules and features parse the same routes on every check.
    The prefix changes only how a route starting with ``/`` or ``~`` reads (``parse``), so
    other routes are parsed once for every prefix (issue 16: the rules ask with "", "api" and
    the app's prefix)."""
    parsed = _parse_cached(text, route_prefix if text[:1] in ("/", "~") else "")
    if isinstance(parsed, RouteError):
        raise RouteError(parsed.kind, parsed.message, parsed.start, parsed.end)
    return parsed


# Characters a literal takes as they are: any but the separator, braces and '?' (matches the
# empty string, never fails).
_PLAIN_RUN = re.compile(r"[^/{}?]*")


# Segments read, by their text and where they start, with their parameters' names folded
# (issue 16, twelfth pass): routes share segments ('{id}', '{id:int}', 'api') at the same
# place, and reading a parameter was most of a route's parse. A segment is read from its
# start to the next '/' or the end, looking at most one character past it, which is then a
# '/' or nothing alike: the same text at the same place reads the same in any route. Its
# parameters' names are checked against the earlier segments' (a clash is read again, so
# that it raises as before). Only a segment that ended at that '/' is kept (a parameter's
# braces may hold one). Bounded, as routes come from the user's files.
_SEGMENTS: dict[tuple[str, int], tuple[RouteSegment, tuple[tuple[str, RouteParameter], ...]]] = {}
_SEGMENTS_KEEP = 8192


@functools.lru_cache(maxsize=8192)
def _parse_cached(text: str, route_prefix: str) -> RouteTemplate | RouteError:
    try:
        return _RouteParser(text, route_prefix).parse()
    except RouteError as error:
        return error


class _RouteParser:
    def __init__(self, text: str, prefix: str) -> None:
        self.text = text
        self.prefix = prefix
        self.names: dict[str, RouteParameter] = {}

    def error(self, kind: RouteErrorKind, message: str, start: int, end: int) -> RouteError:
        return RouteError(kind, message, start, end)

    def parse(self) -> RouteTemplate:
        text, i = self.text, 0
        if self.prefix and text.startswith("/"):
            raise self.error(
                RouteErrorKind.INVALID_START,
                f"the route starts with '/'; the host joins it to the route prefix "
                f"'{self.prefix}' with a '/', so '{self.prefix}/{text}' has an empty segment: "
                "remove the leading '/'",
                0,
                1,
            )
        if not self.prefix:
            if text.startswith(("~/", "/")):
                i = 2 if text.startswith("~") else 1
            elif text.startswith("~"):
                raise self.error(
                    RouteErrorKind.INVALID_START,
                    "a route cannot start with '~' unless '/' follows it",
                    0,
                    1,
                )
        segments: list[RouteSegment] = []
        while i < len(text):
            if text[i] == "/":
                raise self.error(
                    RouteErrorKind.CONSECUTIVE_SEPARATORS,
                    "'//' makes an empty path segment; remove one '/'",
                    i - 1,
                    i + 1,
                )
            segment = self.segment(i)
            segments.append(segment)
            i = segment.end + 1  # past the '/'
        self.check_catch_alls(segments)
        return RouteTemplate(text, tuple(segments), tuple(self.warnings(segments)))

    def segment(self, start: int) -> RouteSegment:
        """The segment at ``start``: kept from another route when the same text stood at the
        same place there (``_SEGMENTS``), else read."""
        text = self.text
        stop = text.find("/", start)
        if stop < 0:
            stop = len(text)
        key = (text[start:stop], start)
        kept = _SEGMENTS.get(key)
        names = self.names
        if kept is not None and not any(folded in names for folded, _ in kept[1]):
            for folded, parameter in kept[1]:
                names[folded] = parameter
            return kept[0]
        # Read (a name of an earlier segment among its parameters: read, to raise as before).
        segment = self.read_segment(start)
        if segment.end == stop:
            if len(_SEGMENTS) >= _SEGMENTS_KEEP:
                _SEGMENTS.clear()
            _SEGMENTS[key] = (
                segment,
                tuple(
                    (p.name.casefold(), p) for p in segment.parts if isinstance(p, RouteParameter)
                ),
            )
        return segment

    def read_segment(self, start: int) -> RouteSegment:
        text, i = self.text, start
        parts: list[RoutePart] = []
        while i < len(text) and text[i] != "/":
            if text[i] == "{" and text[i + 1 : i + 2] != "{":
                part: RoutePart = self.parameter(i)
            else:
                part = self.literal(i)
            parts.append(part)
            i = part.end
        return RouteSegment(tuple(self.check_segment(parts)), start, i)

    def literal(self, start: int) -> RouteLiteral:
        text, i, out = self.text, start, []
        while i < len(text) and text[i] != "/":
            # A run of characters with no meaning here, taken whole (issue 16, ninth pass:
            # the loop below looked at two characters for each of them).
            plain = _PLAIN_RUN.match(text, i).end()  # type: ignore[union-attr]
            if plain > i:
                out.append(text[i:plain])
                i = plain
                continue
            pair = text[i : i + 2]
            if pair in ("{{", "}}"):
                out.append(text[i])
                i += 2
                continue
            if text[i] == "{":
                break
            if text[i] == "}":
                raise self.error(
                    RouteErrorKind.UNBALANCED_BRACE,
                    "this '}' has no matching '{'; write '}}' for a literal brace",
                    i,
                    i + 1,
                )
            if text[i] == "?":
                raise self.error(
                    RouteErrorKind.INVALID_LITERAL,
                    "'?' cannot appear in the literal part of a route; it marks an optional "
                    "parameter, as in {id?} (a query string is not part of the route)",
                    i,
                    i + 1,
                )
            out.append(text[i])
            i += 1
        return RouteLiteral("".join(out), start, i)

    def parameter(self, start: int) -> RouteParameter:
        text, j = self.text, start + 1
        inner: list[str] = []
        where: list[int] = []  # where each character of ``inner`` sits in ``text``
        while True:
            if j >= len(text):
                raise self.error(
                    RouteErrorKind.UNBALANCED_BRACE,
                    "this '{' has no closing '}'; write '{{' for a literal brace",
                    start,
                    start + 1,
                )
            pair = text[j : j + 2]
            if pair in ("{{", "}}"):
                inner.append(text[j])
                where.append(j)
                j += 2
                continue
            if text[j] == "{":
                raise self.error(
                    RouteErrorKind.UNBALANCED_BRACE,
                    "a '{' inside a parameter must be doubled, as in {code:regex(^\\d{{3}}$)}",
                    j,
                    j + 1,
                )
            if text[j] == "}":
                break
            inner.append(text[j])
            where.append(j)
            j += 1
        where.append(j)
        return _ParameterReader(self, "".join(inner), where, start, j + 1).read()

    def check_segment(self, parts: list[RoutePart]) -> list[RoutePart]:
        last = len(parts) - 1
        previous: RoutePart | None = None
        for index, part in enumerate(parts):
            shown = self.text[parts[0].start : parts[-1].end]
            if isinstance(part, RouteParameter) and isinstance(previous, RouteParameter):
                raise self.error(
                    RouteErrorKind.CONSECUTIVE_PARAMETERS,
                    f"'{shown}' has two parameters in a row; put a literal between them, as in "
                    "{a}-{b}, or a '/'",
                    previous.start,
                    part.end,
                )
            previous = part
            if not isinstance(part, RouteParameter) or last == 0:
                continue
            if part.catch_all:
                raise self.error(
                    RouteErrorKind.CATCH_ALL_NOT_LAST,
                    f"a catch-all parameter must be a whole segment, not part of '{shown}'",
                    part.start,
                    part.end,
                )
            if part.optional and index != last:
                raise self.error(
                    RouteErrorKind.OPTIONAL_IN_SEGMENT,
                    f"an optional parameter must end its segment; in '{shown}' "
                    f"{{{part.name}?}} is followed by more text",
                    part.start,
                    part.end,
                )
            if part.optional:
                before = parts[index - 1]
                if not isinstance(before, RouteLiteral) or before.text != ".":
                    raise self.error(
                        RouteErrorKind.OPTIONAL_IN_SEGMENT,
                        f"in '{shown}' only a '.' can come right before the optional "
                        f"parameter {{{part.name}?}}, as in {{name}}.{{ext?}}",
                        part.start,
                        part.end,
                    )
                parts[index - 1] = replace(before, separator=True)
        return parts

    def check_catch_alls(self, segments: list[RouteSegment]) -> None:
        for segment in segments[:-1]:
            for part in segment.parts:
                if isinstance(part, RouteParameter) and part.catch_all:
                    raise self.error(
                        RouteErrorKind.CATCH_ALL_NOT_LAST,
                        f"the catch-all parameter {{*{part.name}}} must be the last segment of "
                        "the route; it takes the rest of the URL",
                        part.start,
                        part.end,
                    )

    def warnings(self, segments: list[RouteSegment]) -> list[ParseWarning]:
        found: list[ParseWarning] = []
        for index, segment in enumerate(segments):
            part = segment.parts[0]
            if not segment.is_simple or not isinstance(part, RouteParameter):
                continue
            if not (part.optional or part.default is not None) or part.catch_all:
                continue
            blocker = next((s for s in segments[index + 1 :] if not _omittable_segment(s)), None)
            if blocker is None:
                continue
            needed = self.text[blocker.start : blocker.end]
            if part.optional:
                message = (
                    f"{{{part.name}?}} can only be left out at the end of the URL, and "
                    f"'{needed}' after it always needs a value, so {part.name} is in effect "
                    "required"
                )
            else:
                message = (
                    f"the default of {{{part.name}}} is only used when the URL ends before it, "
                    f"and '{needed}' after it always needs a value, so the default never applies"
                )
            found.append(ParseWarning(message, part.start, part.end, "optional-not-last"))
        return found


def _omittable_segment(segment: RouteSegment) -> bool:
    part = segment.parts[0]
    return segment.is_simple and isinstance(part, RouteParameter) and part.omittable


class _ParameterReader:
    """The inside of ``{…}``, following ``RouteParameterParser.ParseRouteParameter``."""

    def __init__(
        self, parser: _RouteParser, inner: str, where: list[int], start: int, end: int
    ) -> None:
        self.parser, self.inner, self.where = parser, inner, where
        self.start, self.end = start, end

    def span(self, first: int, stop: int) -> tuple[int, int]:
        """Template offsets of ``inner[first:stop]``."""
        if stop <= first:
            return (self.where[first], self.where[first] + 1)
        return (self.where[first], self.where[stop - 1] + 1)

    def fail(self, kind: RouteErrorKind, message: str, span: tuple[int, int]) -> RouteError:
        return RouteError(kind, message, *span)

    def read(self) -> RouteParameter:
        inner, whole = self.inner, (self.start, self.end)
        shown = self.parser.text[self.start : self.end]
        if not inner:
            raise self.fail(RouteErrorKind.EMPTY_NAME, "'{}' has no parameter name", whole)
        last = len(inner) - 1
        catch_all = inner.startswith("*")
        first = 2 if inner.startswith("**") else 1 if catch_all else 0
        optional = inner[last] == "?"
        last -= 1 if optional else 0
        if catch_all and optional:
            raise self.fail(
                RouteErrorKind.CATCH_ALL_OPTIONAL,
                f"'{shown}': a catch-all parameter cannot be optional; drop the '?' (a "
                "catch-all already matches an empty rest)",
                whole,
            )
        cut = next((k for k in range(first + 1, last + 1) if inner[k] in ":="), last + 1)
        name = inner[first:cut]
        constraints, default = self.tail(cut, last)
        if optional and default is not None:
            raise self.fail(
                RouteErrorKind.OPTIONAL_WITH_DEFAULT,
                f"'{shown}': a parameter cannot be both optional and have a default; write "
                f"{{{name}?}} or {{{name}={default}}}",
                whole,
            )
        self.check_name(name, first, cut, shown)
        parameter = RouteParameter(
            name,
            self.start,
            self.end,
            catch_all,
            not inner.startswith("**"),
            optional,
            default,
            constraints,
        )
        self.parser.names[name.casefold()] = parameter
        return parameter

    def check_name(self, name: str, first: int, cut: int, shown: str) -> None:
        span = self.span(first, cut)
        if not name or name[0] in ":=":
            raise self.fail(
                RouteErrorKind.EMPTY_NAME,
                f"'{shown}' has no parameter name; the name comes first, as in {{id:int}}",
                span,
            )
        advice = {
            "?": "'?' marks an optional parameter and goes last, after any constraints: {id:int?}",
            "*": "'*' marks a catch-all parameter and goes first: {*rest}",
            "/": "a parameter name cannot contain '/'",
            "{": "a parameter name cannot contain braces",
            "}": "a parameter name cannot contain braces",
        }
        bad = next((ch for ch in name if ch in advice), None)
        if bad is not None:
            raise self.fail(RouteErrorKind.INVALID_NAME, f"'{shown}': {advice[bad]}", span)
        earlier = self.parser.names.get(name.casefold())
        if earlier is not None:
            raise self.fail(
                RouteErrorKind.DUPLICATE_NAME,
                f"the route already has a parameter '{earlier.name}' (at position "
                f"{earlier.start}); names must be unique, ignoring case",
                span,
            )

    def tail(self, at: int, last: int) -> tuple[tuple[RouteConstraint, ...], str | None]:
        """Constraints and default after the name (``ParseConstraints``' state machine)."""
        inner = self.inner
        found: list[tuple[int, int]] = []
        state, k, begin = "start", at, at
        while state != "end":
            ch = inner[k] if k <= last else None
            if state == "start":
                if ch is None:
                    state = "end"
                elif ch == ":":
                    state, begin = "name", k + 1
                elif ch == "(":
                    state = "paren"
                elif ch == "=":
                    state, k = "end", k - 1
            elif state == "name":
                if ch in (None, ":", "="):
                    if k > begin:
                        found.append((begin, k))
                    if ch == ":":
                        begin = k + 1
                    else:
                        state = "end"
                        k -= 1 if ch == "=" else 0
                elif ch == "(":
                    state = "paren"
            elif ch is None:  # state "paren": the text ended inside the parentheses
                found.append((begin, k))
                state = "end"
            elif ch == ")":
                after = inner[k + 1] if k + 1 <= last else None
                if after in (None, ":", "="):
                    found.append((begin, k + 1))
                    state, begin = ("start", k + 1) if after == ":" else ("end", begin)
            elif ch in ":=":
                closing = inner.find(")", k + 1)
                if 0 <= closing <= last:
                    k = closing  # a ':' or '=' inside parentheses belongs to the argument
                else:
                    found.append((begin, k))
                    state, begin = ("name", k + 1) if ch == ":" else ("end", begin)
                    k -= 1 if ch == "=" else 0
            k += 1
        default = inner[k + 1 : last + 1] if k <= last and inner[k] == "=" else None
        constraints = tuple(resolve_constraint(inner[a:b], *self.span(a, b)) for a, b in found)
        return constraints, default
