"""``textDocument/completion``: picks the completer for the kind of file."""

from __future__ import annotations

import os

from lsprotocol import types

from funcls.lsp.completion.function_json import FunctionJsonCompleter
from funcls.lsp.completion.python import PythonCompleter
from funcls.lsp.completion.schema_json import complete_schema_json
from funcls.lsp.context import Context
from funcls.lsp.jsonctx import JsonContext, json_context
from funcls.model.locations import Position
from funcls.model.run_inputs import INPUTS_FILE

SCHEMA_FILES = ("host.json", "local.settings.json", INPUTS_FILE)
# Characters after which the client asks for completion by itself. Not ',', ' ' or ':': a
# popup there is accepted by the Enter that ends the line (VS Code inserted a whole
# `"dataType": …` member after `,` + Enter). Each is answered only where it starts something to
# complete (``typed_opens``).
TRIGGER_CHARACTERS = ['"', "'", ".", "(", "=", "[", "/"]


def typed_opens(jc: JsonContext, offset: int, trigger: str) -> bool:
    """In JSON, whether the trigger character just typed opens a string to complete (a quote
    that closes one, or a '[' that opens a list, asks for nothing)."""
    if trigger == '"':
        return jc.quoted and offset == jc.start + 1
    return trigger == "/" and jc.quoted


def complete(
    ctx: Context, path: str, pos: Position, trigger: str | None = None
) -> types.CompletionList | None:
    """Completion at ``pos``; ``trigger`` is the character that made the client ask, when it
    asked by itself."""
    text = ctx.text(path)
    lines = ctx.positions.lines(path)
    if text is None or lines is None:
        return None
    offset = lines.offset(pos)
    name = os.path.basename(path)
    if name == "function.json" or name in SCHEMA_FILES:
        jc = json_context(text, offset)
        if trigger is not None and not typed_opens(jc, offset, trigger):
            return None
        if name == "function.json":
            return FunctionJsonCompleter(ctx, path, text, jc, lines).run()
        return complete_schema_json(ctx, path, text, jc, lines)
    if name.endswith(".py"):
        return PythonCompleter(ctx, path, text, lines).run(offset)
    return None
