"""Workspace edits in the shape the client accepts (``documentChanges`` with versions and file
operations, or plain ``changes``), and the error a refused request answers with."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lsprotocol import types
from pygls.exceptions import JsonRpcException

from funcls.lsp.context import Context
from funcls.lsp.positions import path_to_uri
from funcls.model.locations import Range


class RequestFailed(JsonRpcException):
    """The request is understood but cannot be done; ``message`` tells the user why."""

    CODE = -32803
    MESSAGE = "Request failed"


@dataclass(frozen=True)
class Edit:
    path: str
    range: Range
    new_text: str


@dataclass(frozen=True)
class FileOp:
    kind: str  # "create" | "delete"
    path: str
    recursive: bool = False


def can_apply(ctx: Context, ops: Iterable[FileOp]) -> bool:
    """Whether the client can apply these file operations. Creating a file always works: a
    client without file operations gets an edit of the new (empty) document instead."""
    deletes = [op for op in ops if op.kind == "delete"]
    if not deletes:
        return True
    return ctx.client.document_changes and "delete" in ctx.client.resource_operations


def workspace_edit(
    ctx: Context,
    edits: Iterable[Edit],
    ops: Iterable[FileOp] = (),
    annotation: types.ChangeAnnotation | None = None,
) -> types.WorkspaceEdit:
    """Text edits grouped by file (new files are created first, deletions come last)."""
    by_path: dict[str, list[types.TextEdit | types.AnnotatedTextEdit]] = {}
    ops = list(ops)
    created = {op.path for op in ops if op.kind == "create"}
    ann_id = "funcls" if annotation is not None and ctx.client.change_annotations else None
    for e in edits:
        rng = (
            types.Range(
                types.Position(e.range.start.line, e.range.start.column),
                types.Position(e.range.end.line, e.range.end.column),
            )
            if e.path in created
            else ctx.positions.range(e.path, e.range)
        )
        te: types.TextEdit | types.AnnotatedTextEdit = (
            types.AnnotatedTextEdit(range=rng, new_text=e.new_text, annotation_id=ann_id)
            if ann_id
            else types.TextEdit(range=rng, new_text=e.new_text)
        )
        by_path.setdefault(e.path, []).append(te)
    if not ctx.client.document_changes or (
        created and "create" not in ctx.client.resource_operations
    ):
        plain = {
            path_to_uri(p): [types.TextEdit(range=t.range, new_text=t.new_text) for t in tes]
            for p, tes in by_path.items()
        }
        return types.WorkspaceEdit(changes=plain)
    changes: list[
        types.TextDocumentEdit | types.CreateFile | types.RenameFile | types.DeleteFile
    ] = []
    for op in ops:
        if op.kind == "create":
            changes.append(
                types.CreateFile(
                    uri=path_to_uri(op.path),
                    options=types.CreateFileOptions(ignore_if_exists=True),
                    annotation_id=ann_id,
                )
            )
    for path, tes in by_path.items():
        changes.append(
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(
                    uri=path_to_uri(path), version=ctx.versions.get(path)
                ),
                edits=list(tes),
            )
        )
    for op in ops:
        if op.kind == "delete":
            changes.append(
                types.DeleteFile(
                    uri=path_to_uri(op.path),
                    options=types.DeleteFileOptions(
                        recursive=op.recursive, ignore_if_not_exists=True
                    ),
                    annotation_id=ann_id,
                )
            )
    return types.WorkspaceEdit(
        document_changes=changes,
        change_annotations={ann_id: annotation} if ann_id and annotation else None,
    )
