"""The server's commands that create apps and functions (the work is in
``funcls.model.scaffold.plan``; this module turns it into editor edits):

- ``funcls.new.templates [name?, appRoot?]`` → ``[{trigger, title, settings: [{name, description,
  default, required}], v1}]``, the catalogue's templates (``v1``: it can add to a v1 app;
  defaults for a function ``name``; without one, ``<name>`` stands for it; with ``appRoot``,
  an HTTP template's ``auth_level`` defaults to the app's ``http_auth_level``, as the new
  function gets when none is given);
- ``funcls.new.function [appRoot, {trigger, name, settings?, file?, v1?, offersInstall?}]`` →
  ``{ok, file, line, error?, install?}``: the function is added with ``workspace/applyEdit``
  (so the editor's undo works) and shown with ``window/showDocument``; ``install``
  (``{requirements, modules: [[module, distribution]], note}``) when requirements.txt gained a
  package the app's interpreter needs (a Durable starter): the note goes out as a message
  unless the request says ``offersInstall: true`` (the client offers the install itself);
- ``funcls.new.app [folder, {v1?}]`` → ``{ok, file, line, error?}``: a new app's files.

Folders are paths or file: URIs.

New files are created by the edit (``CreateFile``) where the client supports it; otherwise the
server writes them and the edit carries only the changes to existing files.

A client answers the edit before the server hears of the documents it opened: VS Code's
answer to ``workspace/applyEdit`` comes before its ``didOpen`` for the new files (code-server's
LSP trace), which are empty on disk until the editor saves them, and a file outside its
document selector (``.funcignore``) gets no ``didOpen`` at all. So each created file's text, as
the edit put it in the editor, stands for the file (`held_until_saved`) until the client opens
the document or the disk holds that text; an empty ``.funcignore`` read meanwhile got an AZF602
warning, an empty ``function_app.py`` no functions.
"""

from __future__ import annotations

import asyncio
import os
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from funcls.lsp.edits import Edit, FileOp, workspace_edit
from funcls.lsp.positions import path_to_uri, uri_to_path
from funcls.model.loader import load_app
from funcls.model.locations import Range
from funcls.model.scaffold.functions import ScaffoldError, template_list
from funcls.model.scaffold.plan import (
    Changes,
    inherited_auth_level,
    plan_new_app,
    plan_new_function,
)

if TYPE_CHECKING:
    from funcls.lsp.server import FunclsServer

TEMPLATES_COMMAND = "funcls.new.templates"
NEW_FUNCTION_COMMAND = "funcls.new.function"
NEW_APP_COMMAND = "funcls.new.app"


def _arguments(args: tuple[Any, ...]) -> list[Any]:
    """Clients send the arguments as they are, or (some) wrapped in one list."""
    return list(args[0]) if len(args) == 1 and isinstance(args[0], list) else list(args)


def _path(value: Any) -> str | None:
    """A folder given as a path or as a file: URI."""
    if not isinstance(value, str) or not value:
        return None
    return uri_to_path(value) if value.startswith("file:") else value


def _client_creates_files(server: FunclsServer) -> bool:
    client = server.ctx.client
    return client.document_changes and "create" in client.resource_operations


async def apply_changes(server: FunclsServer, changes: Changes, label: str) -> str | None:
    """Apply ``changes`` in the editor; None when done, else why not."""
    creates = _client_creates_files(server)
    edits: list[Edit] = []
    ops: list[FileOp] = []
    written: list[str] = []
    for change in changes.files:
        if change.text is not None:
            # The folder first: not every client creates the parents of a new file.
            os.makedirs(os.path.dirname(change.path), exist_ok=True)
            if creates:
                ops.append(FileOp("create", change.path))
                edits.append(Edit(change.path, Range.point(0, 0), change.text))
            else:
                with open(change.path, "x", encoding="utf-8", newline="\n") as f:
                    f.write(change.text)
                written.append(change.path)
        else:
            edits.extend(Edit(change.path, Range(i.at, i.at), i.text) for i in change.inserts)
    for path in written:
        server.file_changed_on_disk(path)
    if not edits:
        return None
    answer = await server.workspace_apply_edit_async(
        types.ApplyWorkspaceEditParams(
            edit=workspace_edit(server.ctx, edits, ops), label=f"funcls: {label}"
        )
    )
    if answer is None or not answer.applied:
        reason = answer.failure_reason if answer is not None else None
        return f"the editor did not apply the edit{': ' + reason if reason else ''}"
    created = {c.path: c.text for c in changes.files if c.text is not None and creates}
    for change in changes.files:
        if change.path not in created:
            server.file_changed_on_disk(change.path)
    held_until_saved(server, created)
    return None


HELD = -1  # the version of a text the server holds for the editor (clients count from 0 or 1)
HOLD_POLL_S = 0.2
_watching: set[asyncio.Task[None]] = set()


def held_until_saved(server: FunclsServer, texts: dict[str, str]) -> None:
    """Index ``texts`` (path -> the text the editor holds) instead of the files on disk, each
    until the client opens the document (its own text then stands), the disk holds that text
    (saved), the disk holds anything else than when the file was created (changed outside),
    or the client reports a change of the file (``release_reported``). No time limit: an
    editor may keep a created file unsaved, and unopened (Emacs, Neovim), for as long as the
    user likes, and the empty file on disk is not what the user sees."""
    source = server.state.index.source
    held = {p: (t, _on_disk(p) or "") for p, t in texts.items() if p not in source.overlays}
    for path, (text, _) in held.items():
        source.open(path, HELD, text)
        server.ctx.positions.forget(path)
        server.state.mark_dirty(path)
        server.schedule(path, 0)
    if held:
        task = asyncio.get_running_loop().create_task(_release_when_saved(server, held))
        _watching.add(task)  # the loop keeps only a weak reference to a task
        task.add_done_callback(_watching.discard)


def _on_disk(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8", newline="") as f:
            return f.read()
    except (OSError, UnicodeDecodeError):
        return None


async def _release_when_saved(server: FunclsServer, held: dict[str, tuple[str, str]]) -> None:
    """``held``: path -> (the edit's text, what the disk held then; a missing file as "",
    since a client may create the empty file after answering the edit)."""
    source = server.state.index.source
    while held:
        for path, (text, created) in list(held.items()):
            overlay = source.overlays.get(path)
            if overlay is None or overlay[0] != HELD:
                # The client opened (or closed) the document, or reported a change of the
                # file (release_reported): its word stands, or the disk's.
                del held[path]
                continue
            disk = _on_disk(path)
            if disk == text or (disk or "") != created:
                del held[path]
                source.close(path)
                server.file_changed_on_disk(path)
                server.schedule(path, 0)
        if held:
            await asyncio.sleep(HOLD_POLL_S)


def release_reported(server: FunclsServer, path: str, change: types.FileChangeType) -> None:
    """A file the client reports changed (didChangeWatchedFiles) is read from disk again
    when the server held an edit's text for it: the user saved or changed it. A report of
    its creation is the client's own CreateFile of that edit, and changes nothing."""
    if change == types.FileChangeType.Created:
        return
    source = server.state.index.source
    overlay = source.overlays.get(path)
    if overlay is not None and overlay[0] == HELD:
        source.close(path)  # the caller reads the disk and checks the file again


async def _show(server: FunclsServer, path: str, line: int) -> None:
    window = server.client_capabilities.window
    if not (window and window.show_document and window.show_document.support):
        return
    at = types.Range(types.Position(line, 0), types.Position(line, 0))
    try:
        await server.window_show_document_async(
            types.ShowDocumentParams(uri=path_to_uri(path), take_focus=True, selection=at)
        )
    except Exception as error:  # showing is a courtesy: the function is there either way
        server.log(f"funcls: the client could not show {path}: {error}")


async def _finish(
    server: FunclsServer, changes: Changes, label: str, offers_install: bool = False
) -> dict[str, Any]:
    """``offers_install``: the client installs into the app's interpreter itself (VS Code's
    extension: "Install into <interpreter>"), so the note that says to run pip by hand is
    left to it, with what to install in the answer's ``install``."""
    problem = await apply_changes(server, changes, label)
    if problem is not None:
        server.tell(f"funcls: {label}: {problem}", types.MessageType.Error)
        return {"ok": False, "error": problem}
    install = changes.install
    for note in changes.notes:
        if not (offers_install and install is not None and note == install.note):
            server.tell(f"funcls: {note}", types.MessageType.Info)
    path = changes.show_path or ""
    if path:
        await _show(server, path, changes.show_line)
    answer: dict[str, Any] = {"ok": True, "file": path, "line": changes.show_line}
    if install is not None:
        answer["install"] = {
            "requirements": install.requirements,
            "modules": [[module, dist] for module, dist in install.modules],
            "note": install.note,
        }
    return answer


def _refuse(server: FunclsServer, error: str) -> dict[str, Any]:
    server.tell(f"funcls: {error}", types.MessageType.Error)
    return {"ok": False, "error": error}


async def new_function(server: FunclsServer, args: list[Any]) -> dict[str, Any]:
    given, request = [*args, None, None][:2]
    root = _path(given)
    if root is None or not isinstance(request, dict):
        return _refuse(
            server,
            f"{NEW_FUNCTION_COMMAND} takes [appRoot, {{trigger, name, settings?, file?, v1?}}]",
        )
    settings = request.get("settings") or {}
    if not isinstance(settings, dict):
        return _refuse(server, "settings must be an object of setting names and values")
    server.state.flush()
    try:
        changes = plan_new_function(
            root,
            server.state.index.source,
            str(request.get("trigger") or ""),
            str(request.get("name") or ""),
            {str(k): str(v) for k, v in settings.items()},
            file=str(request["file"]) if request.get("file") else None,
            v1=bool(request.get("v1")),
        )
    except ScaffoldError as e:
        return _refuse(server, str(e))
    offers = request.get("offersInstall") is True
    return await _finish(server, changes, f"new function {request.get('name')}", offers)


async def new_app(server: FunclsServer, args: list[Any]) -> dict[str, Any]:
    given, options = [*args, None, None][:2]
    folder = _path(given)
    if folder is None:
        return _refuse(server, f"{NEW_APP_COMMAND} takes [folder, {{v1?}}]")
    v1 = bool(options.get("v1")) if isinstance(options, dict) else False
    try:
        changes = plan_new_app(folder, server.state.index.source, v1=v1)
    except ScaffoldError as e:
        return _refuse(server, str(e))
    return await _finish(server, changes, f"new app in {os.path.basename(folder) or folder}")


def register(server: FunclsServer) -> None:
    @server.command(TEMPLATES_COMMAND)
    def on_templates(*args: Any) -> list[dict[str, Any]]:
        items = _arguments(args)
        name = items[0] if items and isinstance(items[0], str) and items[0] else None
        root = _path(items[1]) if len(items) > 1 else None
        try:
            level = None
            if root is not None and os.path.isdir(root):
                # QA in code-server: VS Code's pick offered 'function' as the default in an
                # app whose FunctionApp sets ANONYMOUS, and sent it, so the new route needed
                # a key where every other one of the app answers without.
                level = inherited_auth_level(load_app(root, server.state.index.source))
            return template_list(name, level)
        except Exception as e:
            server.failed("list templates", e)
            return []

    @server.command(NEW_FUNCTION_COMMAND)
    async def on_new_function(*args: Any) -> dict[str, Any]:
        try:
            return await new_function(server, _arguments(args))
        except Exception as e:
            server.failed("new function", e)
            return {"ok": False, "error": f"{type(e).__name__}: {e}"}

    @server.command(NEW_APP_COMMAND)
    async def on_new_app(*args: Any) -> dict[str, Any]:
        try:
            return await new_app(server, _arguments(args))
        except Exception as e:
            server.failed("new app", e)
            return {"ok": False, "error": f"{type(e).__name__}: {e}"}
