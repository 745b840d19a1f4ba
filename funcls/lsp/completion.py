"""``textDocument/completion``: picks the completer for the kind of file."""

from __future__ import annotations

import os

from lsprotocol import types

from funcls.lsp.completion_json import FunctionJsonCompleter
from funcls.lsp.completion_python import PythonCompleter
from funcls.lsp.completion_schema import complete_schema_json
from funcls.lsp.context import Context
from funcls.lsp.jsonctx import json_context
from funcls.model.locations import Position

SCHEMA_FILES = ("host.json", "local.settings.json")


def complete(ctx: Context, path: str, pos: Position) -> types.CompletionList | None:
    text = ctx.text(path)
    lines = ctx.positions.lines(path)
    if text is None or lines is None:
        return None
    offset = lines.offset(pos)
    name = os.path.basename(path)
    if name == "function.json":
        jc = json_context(text, offset)
        return FunctionJsonCompleter(ctx, path, text, jc, lines).run()
    if name in SCHEMA_FILES:
        return complete_schema_json(ctx, path, text, json_context(text, offset), lines)
    if name.endswith(".py"):
        return PythonCompleter(ctx, path, text, lines).run(offset)
    return None
