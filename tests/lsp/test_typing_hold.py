"""Findings of the token being typed wait for a pause (``funcls/lsp/typing_hold.py``), for every
recorded client: typing ``@app.rou`` keystroke by keystroke shows no AZF108 (nor the syntax
errors of ``@`` and ``@app.``) in the publication of the last keystroke's version, and the
same version is published again with AZF108 once the typing pauses; a finding the keystroke
causes on another line is in the first publication; a pasted line is not held. A client that
pulls diagnostics without ``workspace/diagnostic/refresh`` (Neovim 0.11's recorded
capabilities) could not be told when the hold ends, so it gets everything at once."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import client_capabilities

from funcls.lsp.typing_hold import HOLD_MS, keystroke_lines, sent_after_idle_ms
from tests.lsp.support import CONFIG, RecordingClient, open_doc, uri, wait_for

P = types.Position


def type_change(
    client: RecordingClient, path: Path, version: int, start: P, end: P, text: str
) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(version=version, uri=uri(path)),
            [types.TextDocumentContentChangePartial(range=types.Range(start, end), text=text)],
        )
    )


async def first_shown(client: RecordingClient, path: Path, version: int) -> list[types.Diagnostic]:
    """What the client first shows for ``version``: its first publication, or a pull."""
    caps = client.capabilities.text_document
    if caps is not None and caps.diagnostic is not None:
        report = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(types.TextDocumentIdentifier(uri(path)))
        )
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
        return list(report.items)
    found = await wait_for(
        lambda: [p for p in client.published if p.uri == uri(path) and p.version == version]
    )
    return list(found[0].diagnostics)


async def later_shown(client: RecordingClient, path: Path, version: int) -> list[list[str]]:
    """The codes of each publication of ``version`` once a second one came (push clients)."""
    found = await wait_for(
        lambda: (
            pubs
            if len(
                pubs := [p for p in client.published if p.uri == uri(path) and p.version == version]
            )
            > 1
            else None
        )
    )
    return [sorted(str(d.code) for d in p.diagnostics) for p in found]


def pulls(client: RecordingClient) -> bool:
    caps = client.capabilities.text_document
    return caps is not None and caps.diagnostic is not None


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.split("\n")) if needle in line)


async def test_a_half_typed_decorator_waits_for_a_pause(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    path = fresh_workspace / "v2-app" / "function_app.py"
    text = path.read_text()
    open_doc(editing_client, path, text)
    await first_shown(editing_client, path, 1)
    line = line_of(text, '@app.route(route="products/{id:int}"')
    version = 2
    type_change(editing_client, path, version, P(line, 0), P(line, 0), "\n")
    for i, ch in enumerate("@app.rou"):
        version += 1
        type_change(editing_client, path, version, P(line, i), P(line, i), ch)
    shown = await first_shown(editing_client, path, version)
    if pulls(editing_client):  # no refresh to pull again with: nothing held
        assert [d.code for d in shown if d.range.start.line == line] == ["AZF108"]
        return
    assert [d for d in shown if d.range.start.line == line] == []
    first, *rest = await later_shown(editing_client, path, version)
    assert "AZF108" not in first and "AZF108" in rest[-1]
    # Every version before was held too: no syntax error of "@" or "@app." ever reached it.
    assert not [
        d
        for p in editing_client.published
        if p.uri == uri(path) and p.version is not None and 2 <= p.version < version
        for d in p.diagnostics
    ]


async def test_a_finding_on_another_line_is_not_held(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    path = fresh_workspace / "v2-app" / "function_app.py"
    text = path.read_text().replace("def get_product(", "def get_product2(")
    text += (
        '\n\n@app.route(route="other")\n'
        "def get_product(req: func.HttpRequest) -> func.HttpResponse:\n"
        '    return func.HttpResponse("x")\n'
    )
    open_doc(editing_client, path, text)
    assert [d.code for d in await first_shown(editing_client, path, 1)] == []
    # Backspace on the 2 of get_product2: the other get_product is now a duplicate (AZF302,
    # reported on the later def, far from the keystroke).
    line = line_of(text, "def get_product2(")
    col = len("def get_product2")
    type_change(editing_client, path, 2, P(line, col - 1), P(line, col), "")
    shown = await first_shown(editing_client, path, 2)
    assert [(d.code, d.range.start.line) for d in shown] == [
        ("AZF302", line_of(text, "def get_product(req"))
    ]


async def test_a_pasted_line_is_not_held(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    path = fresh_workspace / "v2-app" / "function_app.py"
    text = path.read_text()
    open_doc(editing_client, path, text)
    await first_shown(editing_client, path, 1)
    line = line_of(text, '@app.route(route="products/{id:int}"')
    type_change(editing_client, path, 2, P(line, 0), P(line, 0), "@app.rou\n")
    shown = await first_shown(editing_client, path, 2)
    assert [d.code for d in shown if d.range.start.line == line] == ["AZF108"]


def test_keystrokes() -> None:
    def change(a: tuple[int, int], b: tuple[int, int], text: str) -> object:
        return types.TextDocumentContentChangePartial(range=types.Range(P(*a), P(*b)), text=text)

    assert keystroke_lines([change((3, 4), (3, 4), "x")]) == (3, 3)
    assert keystroke_lines([change((3, 4), (3, 4), "()")]) == (3, 3)  # an autopair
    assert keystroke_lines([change((3, 4), (3, 4), "\n    ")]) == (3, 4)  # Enter, indented
    assert keystroke_lines([change((2, 9), (3, 0), "")]) == (2, 2)  # Backspace at line start
    # Neovim 0.7 sends a quick typist's keystrokes together.
    assert keystroke_lines([change((3, 4), (3, 4), "a"), change((3, 5), (3, 5), "b")]) == (3, 3)
    assert keystroke_lines([change((3, 4), (3, 4), "\n"), change((2, 0), (2, 0), "\n")]) == (2, 5)
    assert keystroke_lines([change((3, 4), (3, 4), "abc")]) is None  # a paste
    assert keystroke_lines([change((3, 0), (6, 0), "")]) is None  # lines deleted
    assert keystroke_lines([types.TextDocumentContentChangeWholeDocument(text="x")]) is None


@pytest_lsp.fixture(config=CONFIG)
async def refreshing_client(lsp_client: RecordingClient, fresh_workspace: Path):
    """A client that pulls and can be asked to pull again, as vscode-languageclient 9 (the
    recorded ones either push or, Neovim 0.11, pull without workspace/diagnostic/refresh)."""
    caps = client_capabilities("neovim@v0.11.0")
    assert caps.workspace is not None
    caps.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=caps,
            root_uri=uri(fresh_workspace),
            workspace_folders=[types.WorkspaceFolder(uri(fresh_workspace), "ws")],
        )
    )
    await wait_for(lambda: any("indexed" in m.message for m in lsp_client.log_messages), 60.0)
    yield
    await lsp_client.shutdown_session()


async def test_a_pulling_client_is_asked_to_pull_when_the_hold_ends(
    refreshing_client: RecordingClient, fresh_workspace: Path
) -> None:
    client = refreshing_client
    path = fresh_workspace / "v2-app" / "function_app.py"
    text = path.read_text()
    open_doc(client, path, text)
    await first_shown(client, path, 1)
    line = line_of(text, '@app.route(route="products/{id:int}"')
    type_change(client, path, 2, P(line, 0), P(line, 0), "\n")
    for i, ch in enumerate("@app.rou"):
        type_change(client, path, 3 + i, P(line, i), P(line, i), ch)
    typed = time.monotonic()
    shown = await first_shown(client, path, 10)
    assert [d for d in shown if d.range.start.line == line] == []
    # The workspace report holds it back too.
    report = await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams([]))
    (mine,) = [r for r in report.items if r.uri == uri(path)]
    assert isinstance(mine, types.WorkspaceFullDocumentDiagnosticReport)
    assert [d for d in mine.items if d.range.start.line == line] == []
    # A refresh once the hold is over (passes may ask for some before: their findings changed).
    refreshes = client.diagnostic_refresh_count
    await wait_for(lambda: time.monotonic() - typed > HOLD_MS / 1000)
    if client.diagnostic_refresh_count == refreshes:
        await wait_for(lambda: client.diagnostic_refresh_count > refreshes)
    shown = await first_shown(client, path, 10)
    assert [d.code for d in shown if d.range.start.line == line] == ["AZF108"]


async def test_a_document_closed_during_the_hold_gets_no_stale_findings(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    path = fresh_workspace / "v2-app" / "function_app.py"
    # Unsaved, a schedule of five fields (a finding the disk's text does not have).
    text = path.read_text().replace('schedule="0 */5 * * * *"', 'schedule="0 */5 * * *"')
    open_doc(editing_client, path, text)
    assert await first_shown(editing_client, path, 1)
    line = line_of(text, '@app.route(route="products/{id:int}"')
    type_change(editing_client, path, 2, P(line, 0), P(line, 0), "\n")
    for i, ch in enumerate("@app.rou"):
        type_change(editing_client, path, 3 + i, P(line, i), P(line, i), ch)
    if pulls(editing_client):
        return  # nothing held for it (see above)
    await first_shown(editing_client, path, 10)
    # Closed without saving: the disk's text has neither @app.rou nor the bad schedule, so
    # the closing pass publishes nothing for it; the held list must not come after.
    editing_client.text_document_did_close(
        types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri(path)))
    )
    typed = time.monotonic()
    await wait_for(lambda: time.monotonic() - typed > 2 * HOLD_MS / 1000)
    last = [p for p in editing_client.published if p.uri == uri(path)][-1]
    assert [d.code for d in last.diagnostics] == []


def recorded_client_info(name: str) -> types.ClientInfo:
    """The clientInfo pytest-lsp recorded from a real client (its file beside the capabilities)."""
    folder = Path(pytest_lsp.__file__).parent / "clients"
    info = json.loads((folder / f"{name}.json").read_text())["clientInfo"]
    return types.ClientInfo(name=info["name"], version=info.get("version"))


@pytest_lsp.fixture(config=CONFIG)
async def eglot_client(lsp_client: RecordingClient, fresh_workspace: Path):
    """eglot as Emacs 29.1 recorded it, clientInfo included ('Emacs (eglot)'): it sends a
    buffer's changes only once Emacs has been idle eglot-send-changes-idle-time (0.5 s)."""
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("emacs"),
            client_info=recorded_client_info("emacs_v29.1"),
            root_uri=uri(fresh_workspace),
            workspace_folders=[types.WorkspaceFolder(uri(fresh_workspace), "ws")],
        )
    )
    await wait_for(lambda: any("indexed" in m.message for m in lsp_client.log_messages), 60.0)
    yield
    await lsp_client.shutdown_session()


def typed_together(client: RecordingClient, path: Path, version: int, line: int) -> None:
    """A new line and ``@app.rou`` in one didChange, as eglot sends what was typed since its
    last send."""
    changes: list[types.TextDocumentContentChangeEvent] = [
        types.TextDocumentContentChangePartial(range=types.Range(P(line, 0), P(line, 0)), text="\n")
    ]
    for i, ch in enumerate("@app.rou"):
        changes.append(
            types.TextDocumentContentChangePartial(
                range=types.Range(P(line, i), P(line, i)), text=ch
            )
        )
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(version=version, uri=uri(path)), changes
        )
    )


async def test_a_client_that_sends_after_a_pause_is_not_held_again(
    eglot_client: RecordingClient, fresh_workspace: Path
) -> None:
    """eglot's didChange comes 0.5 s after the last key: the pause is over, so AZF108 is in
    the first publication of that version (held 500 ms more before: shown 1 s after the key)."""
    client = eglot_client
    path = fresh_workspace / "v2-app" / "function_app.py"
    text = path.read_text()
    open_doc(client, path, text)
    await first_shown(client, path, 1)
    line = line_of(text, '@app.route(route="products/{id:int}"')
    typed_together(client, path, 2, line)
    shown = await first_shown(client, path, 2)
    assert [d.code for d in shown if d.range.start.line == line] == ["AZF108"]


async def test_a_change_sent_for_a_completion_is_held(
    eglot_client: RecordingClient, fresh_workspace: Path
) -> None:
    """eglot sends its changes at once before a completion request (company-mode completing
    while one types): no pause was certified, so the hold applies."""
    client = eglot_client
    path = fresh_workspace / "v2-app" / "function_app.py"
    text = path.read_text()
    open_doc(client, path, text)
    await first_shown(client, path, 1)
    line = line_of(text, '@app.route(route="products/{id:int}"')
    typed_together(client, path, 2, line)
    await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(uri(path)), P(line, 8))
    )
    shown = await first_shown(client, path, 2)
    assert [d for d in shown if d.range.start.line == line] == []
    first, *rest = await later_shown(client, path, 2)
    assert "AZF108" not in first and "AZF108" in rest[-1]


def test_how_long_a_client_waits_before_it_sends() -> None:
    assert sent_after_idle_ms("Emacs (eglot)", None) == 500
    assert sent_after_idle_ms("Eglot", None) == 500
    assert sent_after_idle_ms("Neovim", None) == 0  # its 150 ms count from its last send
    assert sent_after_idle_ms("Visual Studio Code", None) == 0
    assert sent_after_idle_ms(None, None) == 0  # eglot 1.9 sends no clientInfo
    assert sent_after_idle_ms(None, 300) == 300  # changesSentAfterIdleMs
    assert sent_after_idle_ms("Emacs (eglot)", 0) == 0
