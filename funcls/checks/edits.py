"""Builders for the text edits of quick fixes: JSON members, Python parameters, file lines.

Every builder returns None when it cannot produce an edit that is certainly safe; the rule
then reports its finding without that fix.
"""

from __future__ import annotations

import json

from funcls.checks.context import Context
from funcls.checks.findings import Fix, TextEdit
from funcls.model.appmodel import Function
from funcls.model.jsondoc import JsonDocument, JsonNode
from funcls.model.locations import Position, Range


def replace(path: str, range_: Range, text: str) -> TextEdit:
    return TextEdit(path, range_, text)


def fix(title: str, *edits: TextEdit | None, preferred: bool = False) -> Fix | None:
    if not edits or any(e is None for e in edits):
        return None
    return Fix(title, tuple(e for e in edits if e is not None), preferred)


def fixes(*candidates: Fix | None) -> list[Fix]:
    return [f for f in candidates if f is not None]


# -- JSON ------------------------------------------------------------------------------------


def _indent_of(ctx: Context, path: str, pos: Position) -> str:
    line = ctx.line_text(path, pos.line)
    return line[: len(line) - len(line.lstrip())]


def json_add_member(
    ctx: Context, path: str, obj: JsonNode, key: str, value: object
) -> TextEdit | None:
    """Insert ``"key": value`` as the last member of the object ``obj`` in ``path``."""
    if obj.kind != "object" or not obj.complete:
        return None
    rendered = json.dumps(value, indent=2)
    members = [m for m in obj.members if m.value is not None]
    if members:
        last = members[-1]
        indent = _indent_of(ctx, path, last.key_range.start)
        if last.key_range.start.line == obj.range.start.line:  # a one-line object
            text = f', "{key}": {json.dumps(value)}'
        else:
            nested = rendered.replace("\n", "\n" + indent)
            text = f',\n{indent}"{key}": {nested}'
        assert last.value is not None
        end = last.value.range.end
        return replace(path, Range(end, end), text)
    # An empty object: put the member on its own line, indented one step more.
    outer = _indent_of(ctx, path, obj.range.start)
    inner = outer + "  "
    nested = rendered.replace("\n", "\n" + inner)
    return replace(path, obj.range, f'{{\n{inner}"{key}": {nested}\n{outer}}}')


def add_setting(ctx: Context, name: str, value: str) -> TextEdit | None:
    """Add ``name`` to local.settings.json ``Values`` (creating ``Values`` if needed)."""
    app = ctx.app
    doc: JsonDocument | None = app.local_settings
    path = app.local_settings_path
    if doc is None or path is None or doc.root is None or doc.root.kind != "object":
        return None
    values = doc.root.get("Values")
    if values is not None:
        return json_add_member(ctx, path, values, name, value)
    return json_add_member(ctx, path, doc.root, "Values", {name: value})


# -- plain text files ------------------------------------------------------------------------


def append_line(ctx: Context, path: str, line: str) -> TextEdit | None:
    text = ctx.text(path)
    if text is None:
        return None
    end = ctx.end_of(path).start
    prefix = "" if text == "" or text.endswith("\n") else "\n"
    return replace(path, Range(end, end), f"{prefix}{line}\n")


def delete_line(ctx: Context, path: str, line: int) -> TextEdit:
    index = ctx.lines(path)
    if index is not None and line + 1 < index.line_count:
        return replace(path, Range.of(line, 0, line + 1, 0), "")
    return replace(path, Range.of(line, 0, line, len(ctx.line_text(path, line))), "")


# -- Python ----------------------------------------------------------------------------------


def _open_paren(ctx: Context, fn: Function) -> tuple[int, int] | None:
    """Offsets of the ``(`` and ``)`` around ``fn``'s parameters in its script's text."""
    path = fn.script_path
    if path is None or fn.def_name_range is None:
        return None
    text = ctx.text(path)
    index = ctx.lines(path)
    if text is None or index is None:
        return None
    i = index.offset(fn.def_name_range.end)
    while i < len(text) and text[i] in " \t":
        i += 1
    if i >= len(text) or text[i] != "(":
        return None
    start, depth, quote = i, 0, ""
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            nl = text.find("\n", i)
            i = len(text) if nl < 0 else nl
            continue
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth == 0:
                return start, i
        i += 1
    return None


def add_parameter(ctx: Context, fn: Function, name: str, annotation: str | None) -> TextEdit | None:
    """Append ``name[: annotation]`` to ``fn``'s parameters, when that is valid Python."""
    path = fn.script_path
    if path is None or any(p.kind == "var-keyword" for p in fn.parameters):
        return None
    positional = [p for p in fn.parameters if p.kind == "positional"]
    keyword_only = any(p.kind in ("keyword", "var-positional") for p in fn.parameters)
    if positional and positional[-1].has_default and not keyword_only:
        return None  # a parameter without a default cannot follow one with a default
    found = _open_paren(ctx, fn)
    text = ctx.text(path)
    index = ctx.lines(path)
    if found is None or text is None or index is None:
        return None
    open_at, close_at = found
    param = f"{name}: {annotation}" if annotation else name
    inside = text[open_at + 1 : close_at]
    if not inside.strip():
        at = index.position(close_at)
        return replace(path, Range(at, at), param)
    last = open_at + 1 + len(inside.rstrip())  # just after the last non-blank character
    if text[last - 1] == ",":
        if "\n" in text[last:close_at]:  # one parameter per line, ")" on a line of its own
            line = index.position(last).line
            current = ctx.line_text(path, line)
            indent = current[: len(current) - len(current.lstrip())]
            at = Position(line + 1, 0)
            return replace(path, Range(at, at), f"{indent}{param},\n")
        at = index.position(last)
        return replace(path, Range(at, at), f" {param}")
    at = index.position(last)
    return replace(path, Range(at, at), f", {param}")
