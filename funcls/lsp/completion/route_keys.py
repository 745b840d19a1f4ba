"""Completion of route parameter names where the code reads them: ``req.route_params["|"]``,
``req.route_params.get("|")`` and, before the quote is typed, ``req.route_params[|`` — ``req``
being the parameter of the HTTP trigger of the function the cursor is in (v2 decorator or v1
function.json). The names are the ``{name}``s of that trigger's route template, the only keys
the host puts in ``route_params`` (AZF509 flags any other).

The same through a local alias, ``params = req.route_params`` then ``params["|"]`` or
``params.get("|")``, as references and rename read it (model.python.route_aliases): only a
plain name assigned that one time in the function, and nowhere else bound there."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lsprotocol import types

from funcls.lsp.context import Context
from funcls.lsp.items import item
from funcls.lsp.lookup import functions_in
from funcls.model.appmodel import App, Function
from funcls.model.locations import LineIndex

# The text of the line before the cursor: ``var.route_params[`` or ``var.route_params.get(``,
# then an opening quote and the part of the name typed so far, or nothing yet.
_READ_HEAD = re.compile(
    r"\b(?P<var>[A-Za-z_]\w*)\s*\.\s*route_params\s*(?:\[|\.\s*get\s*\()\s*"
    r"(?:(?P<quote>['\"])(?P<prefix>[^'\"\\]*))?$"
)
# A parameter of a route template and its constraints: "{id}", "{id:int}", "{id?}",
# "{*rest}", "{x=1}" (lookup._TEMPLATE_PARAM reads the name the same way).
# ``alias[`` or ``alias.get(`` before the cursor, then as _READ_HEAD.
_ALIAS_HEAD = re.compile(
    r"\b(?P<var>[A-Za-z_]\w*)\s*(?:\[|\.\s*get\s*\()\s*"
    r"(?:(?P<quote>['\"])(?P<prefix>[^'\"\\]*))?$"
)
_TEMPLATE_PARAM = re.compile(r"\{\*{0,2}(?P<name>[^{}:?=*]+)[^{}]*\}")
_NAME_CHARS = re.compile(r"[^'\"\\\s\]\)]*")


@dataclass
class RouteKey:
    """The cursor where a route parameter's name is read."""

    var: str
    quote: str | None  # None: no quote typed yet
    start: int  # offset after the opening quote (or of the cursor when no quote)
    cursor: int


def route_key_context(text: str, offset: int) -> RouteKey | None:
    line_start = text.rfind("\n", 0, offset) + 1
    m = _READ_HEAD.search(text, line_start, offset)
    var = m.group("var") if m is not None else None
    if m is None:
        m = _ALIAS_HEAD.search(text, line_start, offset)
        var = _aliased_request(text, line_start, m.group("var")) if m is not None else None
    if m is None or var is None:
        return None
    if m.group("quote") is None:
        return RouteKey(var, None, offset, offset)
    return RouteKey(var, m.group("quote"), m.start("prefix"), offset)


def _def_lines(text: str, line_start: int) -> list[str]:
    """The lines of the function around the line at ``line_start``, as typed: up to the
    nearest line above at column 0 that is code (its def or decorator) and down to the next."""
    above = text[:line_start].split("\n")[:-1]
    below = text[line_start:].split("\n")
    start = len(above)
    while start > 0 and not _top_level(above[start - 1]):
        start -= 1
    end = 1
    while end < len(below) and not _top_level(below[end]):
        end += 1
    return above[max(start - 1, 0) :] + below[:end]


def _top_level(line: str) -> bool:
    first = line[:1]
    return bool(first) and not first.isspace() and first not in "#)]}"


def _aliased_request(text: str, line_start: int, alias: str) -> str | None:
    """The request parameter ``alias`` stands for when the function around the cursor binds it
    once, by ``alias = request.route_params``; None for any other alias (bound otherwise, or
    more than once: a read funcls cannot name)."""
    bound = re.compile(
        rf"^\s*{alias}\s*(?::[^=]*)?=(?!=)\s*(?P<value>.*?)\s*(?:#.*)?$"
        rf"|\b(?:for|as|import)\s+{alias}\b|\b{alias}\s*:=|\b(?:global|nonlocal)\s.*\b{alias}\b"
    )
    found: list[str | None] = []
    for line in _def_lines(text, line_start):
        for m in bound.finditer(line):
            found.append(m.group("value"))
    if len(found) != 1 or found[0] is None:
        return None
    value = re.fullmatch(r"(?P<req>[A-Za-z_]\w*)\s*\.\s*route_params", found[0])
    return value.group("req") if value is not None else None


def _function_at(app: App, path: str, text: str, line: int, var: str) -> Function | None:
    """The function whose body holds ``line`` and whose HTTP trigger's parameter is ``var``.

    The body as typed, not as last analysed: a line that does not parse yet (an unclosed
    quote or bracket) ends the def's analysed range above it, so the body runs from the def's
    line down to the next line at column 0 that is code."""
    above = [
        fn
        for fn in functions_in(app, path)
        if fn.def_name_range is not None and fn.def_name_range.start.line <= line
    ]
    if not above:
        return None
    fn = max(above, key=lambda f: f.def_name_range.start.line if f.def_name_range else -1)
    t = fn.trigger
    if t is None or t.kind != "httptrigger" or t.name != var or fn.parameter(var) is None:
        return None
    lines = text.split("\n")
    start = fn.def_name_range.start.line if fn.def_name_range else line
    for n in range(start + 1, min(line, len(lines) - 1) + 1):
        first = lines[n][:1]
        if first and not first.isspace() and first not in "#)]}":
            return None
    return fn


def route_key_items(
    ctx: Context, app: App | None, path: str, text: str, lines: LineIndex, rk: RouteKey
) -> list[types.CompletionItem]:
    if app is None:
        return []
    fn = _function_at(app, path, text, lines.position(rk.cursor).line, rk.var)
    route = fn.trigger.properties.get("route") if fn is not None and fn.trigger else None
    if fn is None or route is None or not route.known or not isinstance(route.value, str):
        return []
    template = route.value
    # The name being typed runs on past the cursor to a quote, a bracket or a space.
    tail_match = _NAME_CHARS.match(text, rk.cursor)
    word_end = tail_match.end() if tail_match else rk.cursor
    closed = rk.quote is not None and text[word_end : word_end + 1] == rk.quote
    out: list[types.CompletionItem] = []
    seen: set[str] = set()
    for i, m in enumerate(_TEMPLATE_PARAM.finditer(template)):
        name = m.group("name")
        if name in seen:
            continue
        seen.add(name)
        detail = f"{m.group(0)} of {template}"
        doc = (
            f"Route parameter `{name}` of `{fn.name}`'s route `{template}`: the matching "
            "segment of the URL, as a `str`."
        )
        if rk.quote is None:
            rng, new_text, filter_text = lines.range(rk.cursor, rk.cursor), f'"{name}"', name
        elif ctx.client.edit_ranges:
            # The whole name and its closing quote, written back with the quote.
            stop = word_end + 1 if closed else word_end
            rng, new_text, filter_text = lines.range(rk.start, stop), name + rk.quote, None
        else:
            # A client that inserts at the cursor (Neovim's omnifunc) keeps what follows it:
            # the closing quote only when nothing does.
            tail = word_end > rk.cursor or closed
            rng = lines.range(rk.start, rk.cursor)
            new_text, filter_text = name + ("" if tail else rk.quote), None
        out.append(
            item(
                ctx,
                path,
                rng,
                name,
                new_text,
                kind=types.CompletionItemKind.Field,
                detail=detail,
                doc=doc,
                sort=f"{i:03d}",
                filter_text=filter_text,
            )
        )
    return out
