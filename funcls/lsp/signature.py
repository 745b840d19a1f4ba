"""``textDocument/signatureHelp`` inside a binding decorator's call: the decorator's keywords
as the library declares them, the one being written highlighted, and what it sets.

Neovim (``vim.lsp.buf.signature_help()``) and eglot (eldoc) show it while the arguments are
typed; without it a user saw nothing of the parameters between ``(`` and ``)`` once the
completion popup had closed. The parameter order is the catalogue's, which is the library's
(``tests/fidelity/test_catalogue_sync.py``), so a positional argument maps to its parameter
as Python maps it.
"""

from __future__ import annotations

import re

from lsprotocol import types

from funcls.lsp.completion.python import PythonCompleter
from funcls.lsp.context import Context
from funcls.lsp.describe import keyword_markdown
from funcls.lsp.items import markdown
from funcls.lsp.pyctx import DecoratorCall, python_context
from funcls.model.catalogue import CATALOGUE, DecoratorSpec
from funcls.model.locations import Position

# Typing these inside a decorator call moves to another parameter; ')' closes the call.
TRIGGER_CHARACTERS = ["(", ","]
RETRIGGER_CHARACTERS = ["="]
KWARGS = "**kwargs"
_KEYWORD = re.compile(r"([A-Za-z_]\w*)\s*=(?!=)")


def signature_help(ctx: Context, path: str, pos: Position) -> types.SignatureHelp | None:
    """The decorator signature at ``pos`` in a Python file; None outside a binding
    decorator's parentheses or on an object that is no function app or blueprint."""
    if not path.endswith(".py"):
        return None
    text = ctx.text(path)
    lines = ctx.positions.lines(path)
    if text is None or lines is None:
        return None
    pc = python_context(text, lines.offset(pos))
    if not isinstance(pc, DecoratorCall):
        return None
    spec = CATALOGUE.decorator(pc.method)
    if spec is None:
        return None
    if PythonCompleter(ctx, path, text, lines).app_object_kind(pc.target) is None:
        return None
    names = parameter_names(spec)
    label, spans = signature_label(pc.target, spec.name, names)
    params = [
        types.ParameterInformation(
            label=span if ctx.client.signature_label_offsets else label[span[0] : span[1]],
            documentation=_parameter_doc(ctx, spec, name),
        )
        for name, span in zip(names, spans, strict=True)
    ]
    if pc.keyword is None and pc.quote is None and (m := _KEYWORD.match(text, pc.start)):
        pc.keyword = m.group(1)  # the cursor before a keyword already written: `(|route=…`
    active = active_parameter(spec, names, pc)
    doc = CATALOGUE.doc(spec.name)
    signature = types.SignatureInformation(
        label=label,
        documentation=markdown(ctx, doc.summary) if doc is not None else None,
        parameters=params,
        active_parameter=active,
    )
    return types.SignatureHelp(signatures=[signature], active_signature=0, active_parameter=active)


def parameter_names(spec: DecoratorSpec) -> list[str]:
    """The parameters a user writes, in the library's order, ``**kwargs`` last when the
    decorator writes extra keywords into the binding."""
    names = [p.name for p in spec.params if not p.name.startswith("_")]
    return [*names, KWARGS] if spec.kwargs else names


def signature_label(
    target: str, method: str, names: list[str]
) -> tuple[str, list[tuple[int, int]]]:
    """``@app.route(route, …)`` and where each parameter's name is in it (offsets in UTF-16
    code units, as the protocol counts them; the names are ASCII)."""
    label = f"@{target}.{method}("
    spans = []
    for i, name in enumerate(names):
        if i:
            label += ", "
        spans.append((len(label), len(label) + len(name)))
        label += name
    return label + ")", spans


def active_parameter(spec: DecoratorSpec, names: list[str], pc: DecoratorCall) -> int | None:
    """The index in ``names`` of the parameter the cursor's argument gives: its keyword when
    one is written (an unknown one goes to ``**kwargs``); a keyword being typed, by its prefix;
    a positional argument by its position; else the first required parameter not given yet."""
    if pc.keyword:
        if pc.keyword in names:
            return names.index(pc.keyword)
        return names.index(KWARGS) if KWARGS in names else None
    if pc.keyword is None and pc.quote is None and pc.prefix:
        for i, name in enumerate(names):
            if name.startswith(pc.prefix) and name not in pc.present:
                return i
    if not pc.present and pc.positional < len(names) and names[pc.positional] != KWARGS:
        return pc.positional
    missing = [
        i
        for i, name in enumerate(names)
        if name != KWARGS and name not in pc.present and i >= pc.positional
    ]
    required = {p.name for p in spec.params if p.required}
    first_required = next((i for i in missing if names[i] in required), None)
    if first_required is not None:
        return first_required
    return missing[0] if missing else None


def _parameter_doc(ctx: Context, spec: DecoratorSpec, name: str) -> types.MarkupContent | None:
    if name == KWARGS:
        return markdown(
            ctx,
            "Other keywords are written into the binding's function.json entry unchanged "
            "(properties the decorator has no parameter for).",
        )
    text = keyword_markdown(spec, name)
    return markdown(ctx, text) if text else None
