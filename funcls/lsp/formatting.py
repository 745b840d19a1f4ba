"""``textDocument/formatting`` of the app's JSON files (function.json, host.json,
local.settings.json, any ``.json`` document the client opened with funcls).

The README's Emacs and Neovim recipes make funcls the server of JSON buffers, so
``eglot-format-buffer`` or ``vim.lsp.buf.formatting()`` in a function.json asks funcls (before
this: "Method Not Found"). The layout is the one ``func new`` and VS Code's JSON formatter
write: each member and each array item on a line of its own, indented by the client's
``tabSize`` (a tab when ``insertSpaces`` is false), ``"key": value``, ``{}`` and ``[]`` when
empty. Only white space changes: every string and number is written as it was (escapes, ``1.0``
and ``1e3`` kept), members keep their order and duplicates. A text that is not JSON (a comma
missing, a comment) is left alone and the request fails with the place, as ``json.loads``
gives it, and what to fix.

Python files are not formatted (black or ruff do that): the answer is null, so a client that
asks every server (Neovim 0.8+ ``vim.lsp.buf.format``) gets its Python formatter's edits alone.
"""

from __future__ import annotations

import json
import os
import re

from lsprotocol import types

from funcls.lsp.context import Context
from funcls.lsp.edits import RequestFailed
from funcls.model.locations import Range

_TOKEN = re.compile(r'\s*("(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+)', re.S)


def format_document(
    ctx: Context, path: str, options: types.FormattingOptions
) -> list[types.TextEdit] | None:
    """The edits that format the JSON document ``path`` ([] when it is formatted), or None
    when it is not a JSON file."""
    if not path.endswith(".json"):
        return None
    text = ctx.text(path)
    if text is None:
        return None
    name = os.path.basename(path)
    try:
        json.loads(text, object_pairs_hook=list)
    except json.JSONDecodeError as e:
        raise RequestFailed(
            f"{name} is not valid JSON (line {e.lineno}, column {e.colno}: {e.msg}); "
            "fix that, then format it"
        ) from None
    unit = " " * options.tab_size if options.insert_spaces else "\t"
    body = layout(text, unit)
    final = "\n" if text.endswith("\n") or options.insert_final_newline else ""
    new = body + final
    if new == text:
        return []
    lines = text.split("\n")
    whole = Range.of(0, 0, len(lines) - 1, len(lines[-1]))
    return [types.TextEdit(range=ctx.positions.range(path, whole), new_text=new)]


def layout(text: str, unit: str) -> str:
    """The JSON ``text`` written one member or item a line, nested ``unit`` by ``unit``; an
    array of strings, numbers and literals written on one line stays on one line
    (``"methods": ["get", "post"]``, as Microsoft's own examples write it beside the expanded
    form)."""
    found = [(m.group(1), m.start(1)) for m in _TOKEN.finditer(text)]
    tokens = [t for t, _ in found]
    inline = _inline_arrays(text, found)
    out: list[str] = []
    depth = 0
    flat = 0  # > 0 inside an array kept on one line
    for i, tok in enumerate(tokens):
        if tok in ("{", "["):
            out.append(tok)
            if i in inline:
                flat += 1
                continue
            depth += 1
            if i + 1 < len(tokens) and tokens[i + 1] not in ("}", "]"):
                out.append("\n" + unit * depth)
        elif tok in ("}", "]"):
            if flat:
                flat -= 1
                out.append(tok)
                continue
            depth -= 1
            if i > 0 and tokens[i - 1] not in ("{", "["):
                out.append("\n" + unit * depth)
            out.append(tok)
        elif tok == ",":
            out.append(", " if flat else ",\n" + unit * depth)
        elif tok == ":":
            out.append(": ")
        else:
            out.append(tok)
    return "".join(out)


def _inline_arrays(text: str, found: list[tuple[str, int]]) -> set[int]:
    """Indexes of the ``[`` tokens whose array holds only scalars and no line break."""
    inline: set[int] = set()
    opened: list[int] = []
    for i, (tok, start) in enumerate(found):
        if tok in ("{", "["):
            opened.append(i)
        elif tok in ("}", "]"):
            first = opened.pop()
            inner = [t for t, _ in found[first + 1 : i]]
            if (
                tok == "]"
                and inner
                and not any(t in ("{", "[") for t in inner)
                and "\n" not in text[found[first][1] : start]
            ):
                inline.add(first)
    return inline
