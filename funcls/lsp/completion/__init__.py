"""``textDocument/completion``: picks the completer for the kind of file."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

from lsprotocol import types

from funcls.lsp.completion.function_json import FunctionJsonCompleter
from funcls.lsp.completion.python import PythonCompleter
from funcls.lsp.completion.schema_json import complete_schema_json
from funcls.lsp.context import Context
from funcls.lsp.earlier_analysis import reuse_analysis
from funcls.lsp.json_completer import open_expression
from funcls.lsp.jsonctx import JsonContext, json_context
from funcls.lsp.pyctx import Attribute, DecoratorCall, DecoratorName, python_context
from funcls.model.locations import Position
from funcls.model.python.facts import ModuleInfo
from funcls.model.run_inputs import INPUTS_FILE

SCHEMA_FILES = ("host.json", "local.settings.json", INPUTS_FILE)
# Characters after which the client asks for completion by itself. Not ',', ' ' or ':': a
# popup there is accepted by the Enter that ends the line (VS Code inserted a whole
# `"dataType": …` member after `,` + Enter). Each is answered only where it starts something to
# complete (``typed_opens``).
TRIGGER_CHARACTERS = ['"', "'", ".", "(", "=", "[", "/", "%"]


def typed_opens(jc: JsonContext, offset: int, trigger: str) -> bool:
    """In JSON, whether the trigger character just typed opens a string to complete (a quote
    that closes one, or a '[' that opens a list, asks for nothing)."""
    if trigger == '"':
        return jc.quoted and offset == jc.start + 1
    if trigger == "%":  # opens a setting expression, not one closing
        return jc.quoted and open_expression(jc.prefix) == len(jc.prefix) - 1
    return trigger == "/" and jc.quoted


def typed_opens_python(text: str, offset: int, trigger: str) -> bool:
    """In Python, a '%' asks only where it opens a decorator string's setting expression: not
    one that closes it (a popup there is accepted by the Enter that ends the line), nor the
    '%' of a format string elsewhere."""
    if trigger != "%":
        return True
    pc = python_context(text, offset)
    if not isinstance(pc, DecoratorCall) or pc.quote is None:
        return False
    return open_expression(pc.prefix) == len(pc.prefix) - 1


def needs_indexed_edits(ctx: Context, path: str, pos: Position, dirty: Iterable[str]) -> bool:
    """Whether completion at ``pos`` must wait until the files changed since the app was last
    indexed (``dirty``) are indexed again, or may answer from the text as it is now, the
    module's analysis of that text and the app as last indexed.

    Only in a Python file after ``@target.`` (decorator names) or ``chain.`` (enum members):
    those read the document's text and its own analysis (always of the current text), and of
    the app only the settings of local.settings.json, which an edit of a Python file does not
    change. Anything else pending (a JSON file changed, an app not indexed yet), and every
    other place (argument values list names the app's functions use, v1 parameters read
    function.json), waits. Re-indexing after a keystroke that adds a line to a module of 500
    functions costs tens of milliseconds (issue 16); the diagnostics pass does it anyway."""
    if not path.endswith(".py") or ctx.app(path) is None:
        return True
    if any(not p.endswith(".py") for p in dirty):
        return True
    text = ctx.text(path)
    lines = ctx.positions.lines(path)
    if text is None or lines is None:
        return True
    return not isinstance(python_context(text, lines.offset(pos)), (DecoratorName, Attribute))


def complete(
    ctx: Context,
    path: str,
    pos: Position,
    trigger: str | None = None,
    indexed: bool = True,
    earlier: tuple[str, ModuleInfo] | None = None,
) -> types.CompletionList | None:
    """Completion at ``pos``; ``trigger`` is the character that made the client ask, when it
    asked by itself. ``indexed`` False: the app may be older than the text (see
    ``needs_indexed_edits``). ``earlier``: a text of the document and its analysis; with
    ``indexed`` False, what completion reads of the module's analysis (its imports and app
    objects) is read there when the edit since stays inside one def and creates no app object
    (``earlier_analysis``): the current text's analysis, after an Enter in a module of 500
    functions, copies every def below the new line first (issue 16)."""
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
        if trigger is not None and not typed_opens_python(text, offset, trigger):
            return None
        module = None
        if not indexed and earlier is not None:
            reuse = reuse_analysis(earlier[0], earlier[1], text)
            if reuse is not None and reuse.same_app_objects():
                module = reuse.module
        return PythonCompleter(ctx, path, text, lines, indexed, module).run(offset)
    return None


# A completion request and an answer shaped like the completers' (``items.item``): every type
# a first completion structures or unstructures, with the optional fields ``item`` fills in.
_SAMPLE_REQUEST: dict[str, Any] = {
    "jsonrpc": "2.0",
    "id": "funcls-codec-warm-up",
    "method": types.TEXT_DOCUMENT_COMPLETION,
    "params": {
        "textDocument": {"uri": "file:///funcls-warm-up/function.json"},
        "position": {"line": 0, "character": 0},
        "context": {"triggerKind": 2, "triggerCharacter": '"'},
    },
}


def codec_warm_up(protocol: Any) -> list[Callable[[], object]]:
    """Steps that make the protocol's converter build its code for completion messages, to
    run (one per loop turn) once the first diagnostics are out, instead of on the first
    completion a user asks for.

    lsprotocol's cattrs converter generates (and compiles) a structure function per message
    type and an unstructure function per result type the first time each is seen: about
    30 ms of the first completion of a session, most of it for the answer's CompletionList,
    CompletionItem, TextEdit and MarkupContent (bench/bench_first_completion.py). Nothing is
    sent: a request is structured and an answer unstructured, as pygls does when it receives
    and answers one (pygls JsonRPCProtocol.structure_message and _serialize_message)."""
    from pygls.protocol import JsonRPCResponseMessage

    edit_range = types.Range(types.Position(0, 0), types.Position(0, 0))
    items = [
        types.CompletionItem(
            label="x",
            kind=types.CompletionItemKind.Property,
            detail="x",
            documentation=types.MarkupContent(kind=types.MarkupKind.Markdown, value="x"),
            sort_text="0",
            filter_text="x",
            preselect=True,
            insert_text_format=types.InsertTextFormat.Snippet,
            text_edit=types.TextEdit(range=edit_range, new_text="x"),
            additional_text_edits=[types.TextEdit(range=edit_range, new_text="x")],
            data={"doc": ["x"]},
        ),
        types.CompletionItem(label="y", documentation="y"),
    ]
    answer = JsonRPCResponseMessage(
        id=0, jsonrpc="2.0", result=types.CompletionList(is_incomplete=False, items=items)
    )
    # completionItem/resolve: the item comes back from the client (and goes out again).
    resolve = {**_SAMPLE_REQUEST, "method": types.COMPLETION_ITEM_RESOLVE, "params": None}

    def resolve_request() -> object:
        resolve["params"] = protocol._serialize_message(items[0])
        return protocol.structure_message(resolve)

    return [
        lambda: protocol.structure_message(_SAMPLE_REQUEST),
        lambda: protocol._serialize_message(answer),
        resolve_request,
    ]
