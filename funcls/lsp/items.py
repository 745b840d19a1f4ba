"""Small builders shared by the completion modules."""

from __future__ import annotations

import re

from lsprotocol import types

from funcls.lsp.context import Context
from funcls.lsp.describe import DocKey, render_doc
from funcls.model.locations import Range

_SNIPPET_SPECIAL = re.compile(r"([$}\\])")
_CHOICE_SPECIAL = re.compile(r"([$}\\,|])")


def escape_snippet(text: str) -> str:
    return _SNIPPET_SPECIAL.sub(r"\\\1", text)


def escape_choice(text: str) -> str:
    return _CHOICE_SPECIAL.sub(r"\\\1", text)


def markdown(ctx: Context, text: str) -> types.MarkupContent:
    kind = types.MarkupKind.Markdown if ctx.client.markdown else types.MarkupKind.PlainText
    return types.MarkupContent(kind=kind, value=text)


def item(
    ctx: Context,
    path: str,
    replace: Range | types.Range,
    label: str,
    new_text: str,
    *,
    kind: types.CompletionItemKind,
    snippet: str | None = None,
    detail: str | None = None,
    doc: str | DocKey | None = None,
    sort: str | None = None,
    filter_text: str | None = None,
    preselect: bool | None = None,
    extra_edits: list[types.TextEdit] | None = None,
) -> types.CompletionItem:
    """An item that replaces ``replace`` (a model range, or one already in the client's
    units) with ``new_text``, or with ``snippet`` when the client takes snippets."""
    use_snippet = snippet is not None and ctx.client.snippets
    data = None
    if isinstance(doc, tuple):
        if ctx.client.resolve_documentation:
            data, doc = {"doc": list(doc)}, None  # sent by completionItem/resolve
        else:
            doc = render_doc(doc)
    return types.CompletionItem(
        label=label,
        kind=kind,
        detail=detail,
        documentation=(
            types.MarkupContent(kind=types.MarkupKind.Markdown, value=doc)
            if doc and ctx.client.completion_markdown
            else doc
        ),
        sort_text=sort,
        filter_text=filter_text,
        preselect=preselect,
        insert_text_format=types.InsertTextFormat.Snippet if use_snippet else None,
        text_edit=types.TextEdit(
            range=replace
            if isinstance(replace, types.Range)
            else ctx.positions.range(path, replace),
            new_text=snippet if use_snippet and snippet is not None else new_text,
        ),
        additional_text_edits=extra_edits,
        data=data,
    )


def resolve(ctx: Context, completion: types.CompletionItem) -> types.CompletionItem:
    """``completionItem/resolve``: the documentation left out of the list."""
    data = completion.data
    if isinstance(data, dict) and isinstance(data.get("doc"), list):
        text = render_doc(tuple(str(x) for x in data["doc"]))
        if text:
            kind = types.MarkupKind.Markdown if ctx.client.completion_markdown else None
            completion.documentation = types.MarkupContent(kind=kind, value=text) if kind else text
    return completion
