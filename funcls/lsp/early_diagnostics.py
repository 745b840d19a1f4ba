"""The first diagnostics, before pygls and lsprotocol are imported (issue 16).

A client spawns the server, sends ``initialize``, ``initialized`` and opens a document at once.
The server's first diagnostics used to wait for the imports of pygls, lsprotocol and the
feature modules (about 0.7 s of CPU) before the app was even indexed. ``startup.EarlyStart``
now answers ``initialize`` itself, asks the client for the settings with
``workspace/configuration`` as the server does, and calls :func:`first_publication`: the opened
document's app is indexed with the open text overlaid and checked through the server's own
entry points (``Workspace``, ``load_app``, ``IndexState`` with ``EngineChecker``), and the
findings of that document are written as a ``textDocument/publishDiagnostics`` made of plain
JSON — the content ``diagnostics.by_path`` and pygls' serializer give the server, which
``tests/lsp/unit/test_early_diagnostics.py`` checks over every app of tests/ and samples/.
Only then is the server imported; once loaded it publishes the same list again for the
document (a client replaces a document's diagnostics with each publication).

Nothing here imports lsprotocol or pygls' server (``pygls.uris`` is a small module of its own).
Whatever is not known to give the server's answer (a client that pulls diagnostics, a
position encoding other than UTF-16, a document in no app or in two) gives None: the server
publishes as before.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from pygls.uris import from_fs_path, to_fs_path

from funcls.lsp.settings import Settings, parse_settings

# Our own request to the client: pygls numbers its requests with UUIDs, so this cannot collide.
CONFIGURATION_ID = "funcls-early-workspace-configuration"
SOURCE = "funcls"  # as diagnostics.SOURCE
# funcls.checks.findings.Severity value -> LSP DiagnosticSeverity (Error 1 … Hint 4).
_SEVERITY = {4: 1, 3: 2, 2: 3, 1: 4}
_WARNING = 2


def uri_to_path(uri: str) -> str | None:
    """As ``positions.uri_to_path``."""
    path = to_fs_path(uri)
    return os.path.normpath(path) if path else None


def path_to_uri(path: str) -> str:
    """As ``positions.path_to_uri``."""
    return from_fs_path(path) or "file://" + path


def _get(obj: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


@dataclass
class Client:
    """What of the ``initialize`` request the first diagnostics depend on."""

    folders: list[str]
    init_options: Any
    related_information: bool
    pull_diagnostics: bool
    configuration: bool

    @staticmethod
    def from_initialize(params: Any) -> Client:
        params = params if isinstance(params, dict) else {}
        caps = params.get("capabilities")
        # As FunclsServer.setup: workspace folders, else rootUri, else rootPath.
        folders = [uri_to_path(str(f.get("uri"))) for f in params.get("workspaceFolders") or []]
        if not folders and params.get("rootUri"):
            folders = [uri_to_path(str(params["rootUri"]))]
        elif not folders and params.get("rootPath"):
            folders = [str(params["rootPath"])]
        return Client(
            folders=[f for f in folders if f],
            init_options=params.get("initializationOptions"),
            related_information=bool(
                _get(caps, "textDocument", "publishDiagnostics", "relatedInformation")
            ),
            pull_diagnostics=bool(_get(caps, "textDocument", "diagnostic")),
            configuration=bool(_get(caps, "workspace", "configuration")),
        )


def settings_of(init_options: Any, answered: bool, result: Any) -> Settings:
    """The settings the server ends up with after ``initialized`` (``handlers.initialized``
    and ``pull_configuration``): initializationOptions, then the first item of the client's
    ``workspace/configuration`` answer on top when there is one; an error answer (``answered``
    False) or ``null`` keeps the initializationOptions' settings."""
    settings, _ = parse_settings(init_options)
    raw = result[0] if answered and isinstance(result, (list, tuple)) and result else None
    if raw is not None:
        settings, _ = parse_settings(raw, settings)
    return settings


def _units(text: str) -> int:
    """UTF-16 code units of ``text`` (as ``positions.units``)."""
    if text.isascii():
        return len(text)
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


class _Columns:
    """Model columns (code points) to UTF-16 columns, as ``positions.PositionMapper``."""

    def __init__(self, text_of: Any) -> None:
        from funcls.model.locations import LineIndex

        self._index = LineIndex
        self._text_of = text_of
        self._lines: dict[str, Any] = {}

    def range(self, path: str, rng: Any) -> dict[str, Any]:
        lines = self._lines.get(path)
        if path not in self._lines:
            text = self._text_of(path)
            lines = self._lines[path] = None if text is None else self._index(text)
        return {
            "start": {"line": rng.start.line, "character": self._column(lines, rng.start)},
            "end": {"line": rng.end.line, "character": self._column(lines, rng.end)},
        }

    @staticmethod
    def _column(lines: Any, pos: Any) -> int:
        if lines is None:
            return int(pos.column)
        line = lines.line_text(pos.line)
        if line.isascii():
            return int(pos.column)
        return _units(line[: pos.column])


def fold_related(message: str, related: Any) -> str:
    """For a client without relatedInformation: each related place as a line of the message,
    '<its message> (<file>:<line>)'. The server's converter (`diagnostics.to_diagnostic`) uses
    it too."""
    notes = [
        f"{r.message} ({os.path.basename(r.location.path)}:{r.location.range.start.line + 1})"
        for r in related
    ]
    return message + "\n" + "\n".join(notes)


def diagnostic(columns: _Columns, related_information: bool, f: Any) -> dict[str, Any]:
    """A finding as the JSON pygls writes for ``diagnostics.to_diagnostic`` (None fields left
    out, as lsprotocol's converter does)."""
    message = f.message
    out: dict[str, Any] = {"range": columns.range(f.path, f.range)}
    related = None
    if f.related:
        if related_information:
            related = [
                {
                    "location": {
                        "uri": path_to_uri(r.location.path),
                        "range": columns.range(r.location.path, r.location.range),
                    },
                    "message": r.message,
                }
                for r in f.related
            ]
        else:
            message = fold_related(message, f.related)
    out["severity"] = _SEVERITY.get(int(f.severity), _WARNING)
    out["code"] = f.code
    out["source"] = SOURCE
    out["message"] = message
    if related is not None:
        out["relatedInformation"] = related
    if f.fixes:
        out["data"] = {"fixes": len(f.fixes)}
    return out


def preload() -> None:
    """Import what :func:`document_diagnostics` runs: the model, the rule modules and the
    server's index (``startup.Loader.preload`` does it while the client answers)."""
    from funcls.checks.engine import rules
    from funcls.lsp import state  # noqa: F401
    from funcls.model import loader, source, workspace  # noqa: F401

    rules()


def document_diagnostics(
    client: Client, settings: Settings, path: str, version: int, text: str
) -> list[dict[str, Any]] | None:
    """The diagnostics the server publishes for the open document ``path`` once it has
    indexed its app; None when the document is in no app or in more than one."""
    from funcls.checks.findings import Finding
    from funcls.lsp.homes import shown
    from funcls.lsp.state import EngineChecker, IndexState
    from funcls.model.loader import load_app
    from funcls.model.source import Source
    from funcls.model.workspace import Workspace

    # Read once, as `funcls check` reads (issue 16): each file's status asked once, each
    # module analysed without a memo for later edits, and its statements kept for the rules
    # (AZF509, AZF603, AZF606/607 parsed each module again: 20 % of the instructions to the
    # first diagnostics of one app of 1,000 functions). This index is dropped once published.
    source = Source(snapshot=True, keep_trees=True)
    index = Workspace(client.folders, source, extra_roots=list(settings.extra_app_roots))
    index.source.open(path, version, text)
    roots = [r for r in index.roots() if path == r or path.startswith(r + os.sep)]
    if len(roots) != 1:
        return None
    root = roots[0]
    state = IndexState(index, EngineChecker())
    state.settings = settings
    index.apps[root] = load_app(root, index.source)
    columns = _Columns(index.source.text)
    out = []
    for f in sorted(shown(state.findings(root)), key=Finding.sort_key):
        if f.path != path or os.path.isdir(f.path):
            continue
        out.append(diagnostic(columns, client.related_information, f))
    return out


def first_publication(
    client: Client, settings: Settings, document: Any, encoding: Any
) -> dict[str, Any] | None:
    """The ``textDocument/publishDiagnostics`` notification for the ``textDocument`` of a
    ``didOpen`` (its JSON), or None when the server's own must be waited for."""
    if client.pull_diagnostics or encoding not in (None, "utf-16"):
        return None
    if not isinstance(document, dict):
        return None
    uri, version, text = document.get("uri"), document.get("version"), document.get("text")
    if not isinstance(uri, str) or not isinstance(text, str):
        return None
    if isinstance(version, bool) or not isinstance(version, int):
        return None
    path = uri_to_path(uri)
    if path is None:
        return None
    diags = document_diagnostics(client, settings, path, version, text)
    if diags is None:
        return None
    params = {"uri": path_to_uri(path), "diagnostics": diags, "version": version}
    return {"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics", "params": params}
