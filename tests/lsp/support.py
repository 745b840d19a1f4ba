"""Helpers for the end-to-end tests: copies of the sample apps, positions found by text,
documents opened through the client, workspace edits applied to disk."""

from __future__ import annotations

import asyncio
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Union

from lsprotocol import types
from pygls.protocol import default_converter
from pygls.uris import from_fs_path
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
SERVER = [sys.executable, "-m", "funcls", "--stdio"]
# Recorded capabilities of real clients (pytest-lsp): VS Code, Neovim 0.7 (as on our CI
# machines), Neovim 0.11 (pull diagnostics, snippets) and Emacs (eglot).
CLIENTS = ["visual-studio-code", "neovim@v0.7.0", "neovim@v0.11.0", "emacs"]


class RecordingClient(LanguageClient):
    """pytest-lsp's client, also keeping every publishDiagnostics and registration."""

    published: list[types.PublishDiagnosticsParams]
    registrations: list[types.Registration]
    requests: list[types.ShowMessageRequestParams]
    lens_refreshes: int
    recorded: str  # the recorded client it plays ("neovim@v0.7.0", …)


def _publish(client: RecordingClient, params: types.PublishDiagnosticsParams) -> None:
    client.published.append(params)
    client.diagnostics[params.uri] = params.diagnostics


def _register(client: RecordingClient, params: types.RegistrationParams) -> None:
    client.registrations.extend(params.registrations)


def _apply_edit(
    client: RecordingClient, params: types.ApplyWorkspaceEditParams
) -> types.ApplyWorkspaceEditResult:
    apply_workspace_edit(params.edit)
    return types.ApplyWorkspaceEditResult(applied=True)


def _message_request(
    client: RecordingClient, params: types.ShowMessageRequestParams
) -> types.MessageActionItem | None:
    """The user picks the first action offered."""
    client.requests.append(params)
    return params.actions[0] if params.actions else None


def _code_lens_refresh(client: RecordingClient, params: None) -> None:
    """The recorded clients that support it ask for code lenses again; this one counts."""
    client.lens_refreshes += 1


def _converter() -> Any:
    """pygls' converter, with lsprotocol's ``Command | CodeAction`` hook fixed: it takes any
    object with a ``command`` key for a Command, but a CodeAction may carry a command too."""
    converter = default_converter()

    def command_or_action(obj: Any, _: type) -> types.Command | types.CodeAction:
        if isinstance(obj.get("command"), str):
            return converter.structure(obj, types.Command)
        return converter.structure(obj, types.CodeAction)

    converter.register_structure_hook(
        Union[types.Command, types.CodeAction],  # noqa: UP007 - the hook is keyed on this form
        command_or_action,
    )
    return converter


def make_client() -> RecordingClient:
    client = RecordingClient(converter_factory=_converter)
    client.published = []
    client.registrations = []
    client.requests = []
    client.lens_refreshes = 0
    client.recorded = ""
    features = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = _publish
    features[types.CLIENT_REGISTER_CAPABILITY] = _register
    features[types.WORKSPACE_APPLY_EDIT] = _apply_edit
    features[types.WINDOW_SHOW_MESSAGE_REQUEST] = _message_request
    features[types.WORKSPACE_CODE_LENS_REFRESH] = _code_lens_refresh
    register_lsp_features(client, features)
    return client


CONFIG = ClientServerConfig(server_command=SERVER, client_factory=make_client)


def uri(path: Path | str) -> str:
    return from_fs_path(str(path)) or ""


def make_workspace(root: Path) -> Path:
    """A workspace folder with copies of both sample apps."""
    root.mkdir(parents=True, exist_ok=True)
    for name in ("v1-app", "v2-app"):
        shutil.copytree(SAMPLES / name, root / name)
    return root


STORAGE_SETTINGS = (
    '{"IsEncrypted": false, "Values": {"AzureWebJobsStorage": "UseDevelopmentStorage=true"}}'
)


def write_app(folder: Path, script: str) -> Path:
    """A v2 app of one ``function_app.py`` with host.json, local storage settings and
    requirements.txt, in ``folder``; returns the script's path."""
    folder.mkdir(parents=True)
    (folder / "host.json").write_text('{"version": "2.0"}')
    (folder / "local.settings.json").write_text(STORAGE_SETTINGS)
    (folder / "requirements.txt").write_text("azure-functions\n")
    (folder / "function_app.py").write_text(script)
    return folder / "function_app.py"


def position(path: Path, needle: str, offset: int = 0, nth: int = 0) -> types.Position:
    """The position of ``offset`` characters into the ``nth`` occurrence of ``needle``."""
    text = path.read_text()
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    at += offset
    line = text.count("\n", 0, at)
    column = at - (text.rfind("\n", 0, at) + 1)
    return types.Position(line, column)


def span(path: Path, needle: str, nth: int = 0) -> types.Range:
    start = position(path, needle, 0, nth)
    end = position(path, needle, len(needle), nth)
    return types.Range(start, end)


async def start(
    client: LanguageClient, caps: str, folder: Path, options: Any = None
) -> types.InitializeResult:
    """Initialize like the recorded client, and wait until the workspace is indexed."""
    capabilities = client_capabilities(caps)
    if isinstance(client, RecordingClient):
        client.recorded = caps
    result = await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities,
            root_uri=uri(folder),
            workspace_folders=[types.WorkspaceFolder(uri=uri(folder), name=folder.name)],
            initialization_options=options,
        )
    )
    # A deadline for a server that never indexes, not a speed limit: with both cores busy
    # (two busy loops and the io shard) the baited folder of test_untrusted_folder was
    # indexed 9.7 s after initialize, past the 10 s this waited before.
    await wait_for(lambda: any("indexed" in m.message for m in client.log_messages), 60.0)
    return result


async def wait_for(predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while loop.time() < end:
        value = predicate()
        if value:
            return value
        await asyncio.sleep(0.02)
    raise AssertionError("timed out waiting for the server")


async def shown_code(
    client: RecordingClient, path: Path, code: str
) -> list[types.Diagnostic] | None:
    """The ``code`` diagnostics the client shows for ``path`` now: pulled when the client pulls,
    else the latest publication (None before the first)."""
    caps = client.capabilities
    if caps and caps.text_document and caps.text_document.diagnostic:
        report = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(types.TextDocumentIdentifier(uri(path)))
        )
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
        items = list(report.items)
    else:
        found = [p for p in client.published if p.uri == uri(path)]
        if not found:
            return None
        items = list(found[-1].diagnostics)
    return [d for d in items if d.code == code]


async def until_code(
    client: RecordingClient,
    path: Path,
    code: str,
    ok: Callable[[list[types.Diagnostic]], bool],
) -> list[types.Diagnostic]:
    """The ``code`` diagnostics shown for ``path`` once ``ok`` holds for them (10 s at most)."""
    for _ in range(250):
        shown = await shown_code(client, path, code)
        if shown is not None and ok(shown):
            return shown
        await asyncio.sleep(0.04)
    raise AssertionError(f"timed out; {code} shown: {await shown_code(client, path, code)}")


def open_doc(client: LanguageClient, path: Path, text: str | None = None, version: int = 1) -> None:
    language = "python" if path.suffix == ".py" else "json"
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(
                uri(path), language, version, text if text is not None else path.read_text()
            )
        )
    )


def change_doc(client: LanguageClient, path: Path, text: str, version: int) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(version=version, uri=uri(path)),
            [types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def run_function(client: LanguageClient, *args: Any) -> dict[str, Any]:
    """The Run lens's command (``funcls.runFunction``) with ``args``; its result as a dict."""
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="funcls.runFunction", arguments=list(args))
    )
    assert isinstance(result, dict)
    return result


def offset_of(text: str, pos: types.Position) -> int:
    lines = text.split("\n")
    return sum(len(line) + 1 for line in lines[: pos.line]) + pos.character


def apply_text_edits(text: str, edits: list[types.TextEdit]) -> str:
    for e in sorted(
        edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True
    ):
        start, end = offset_of(text, e.range.start), offset_of(text, e.range.end)
        text = text[:start] + e.new_text + text[end:]
    return text


def apply_workspace_edit(edit: types.WorkspaceEdit) -> list[Path]:
    """Write ``edit`` to disk as a client would; returns the files it touched."""
    from pygls.uris import to_fs_path

    touched: list[Path] = []
    if edit.changes:
        for u, edits in edit.changes.items():
            p = Path(to_fs_path(u) or "")
            old = p.read_text() if p.exists() else ""  # an edit may create the file
            p.write_text(apply_text_edits(old, list(edits)))
            touched.append(p)
    for change in edit.document_changes or []:
        if isinstance(change, types.CreateFile):
            p = Path(to_fs_path(change.uri) or "")
            if not p.exists():
                p.write_text("")
            touched.append(p)
        elif isinstance(change, types.DeleteFile):
            p = Path(to_fs_path(change.uri) or "")
            if p.is_dir():
                shutil.rmtree(p)
            elif p.exists():
                p.unlink()
            touched.append(p)
        elif isinstance(change, types.TextDocumentEdit):
            p = Path(to_fs_path(change.text_document.uri) or "")
            edits = [types.TextEdit(range=e.range, new_text=e.new_text) for e in change.edits]
            p.write_text(apply_text_edits(p.read_text(), edits))
            touched.append(p)
    return touched
