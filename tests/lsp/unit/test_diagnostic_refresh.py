"""A client that pulls diagnostics (VS Code) is asked to pull again — workspace/diagnostic/
refresh — only when a pass changes what it would get. Each refresh makes VS Code pull every
open document and the workspace again and cancel the pulls under way (vscode-languageclient
9.0.1 then showed no problems until the next pull answered: the flaky Problems-view test); the
server asked for one after every pass, about ten in the first second of a session.

In process, with the real index, rule engine and publisher; the refreshes are counted."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from lsprotocol import types

from funcls.lsp.context import ClientFeatures, Context, make_context
from funcls.lsp.publisher import Publisher
from funcls.lsp.settings import Settings
from funcls.lsp.state import EngineChecker, IndexState
from funcls.model.workspace import Workspace

BROKEN_FUNCTION_JSON = json.dumps(
    {
        "bindings": [
            {"type": "queueTrigger", "direction": "in", "name": "msg", "queueName": "receipts"},
            {"type": "queue", "direction": "out", "name": "outmsg", "queueName": "sent"},
        ]
    },
    indent=2,
)
BROKEN_MAIN = (
    "import azure.functions as func\n\n\n"
    "def main(msg: func.QueueMessage) -> None:\n    print(msg.get_body())\n"
)

LOCAL_SETTINGS = """{"IsEncrypted": false, "Values": {"FUNCTIONS_WORKER_RUNTIME": "python",
"AzureWebJobsStorage": "UseDevelopmentStorage=true"}}
"""
FIXED_MAIN = BROKEN_MAIN.replace(
    "def main(msg: func.QueueMessage)", "def main(msg: func.QueueMessage, outmsg: func.Out[str])"
)


class Host:
    """What the publisher needs of the server; pushes and refreshes are recorded."""

    def __init__(self, state: IndexState, ctx: Context) -> None:
        self.state = state
        self.ctx = ctx
        self.settings = Settings()
        self.pushed: list[str] = []
        self.refreshes = 0
        self.failures: list[BaseException] = []

    def failed(self, what: str, error: BaseException) -> None:
        self.failures.append(error)

    def text_document_publish_diagnostics(self, params: types.PublishDiagnosticsParams) -> None:
        self.pushed.append(params.uri)

    def workspace_diagnostic_refresh(self, params: None) -> None:
        self.refreshes += 1


def v1_app(root: Path) -> tuple[str, str]:
    """A v1 app whose send_receipt binds 'outmsg' with no parameter (AZF200)."""
    fn = root / "send_receipt"
    fn.mkdir(parents=True)
    (root / "host.json").write_text('{"version": "2.0"}\n')
    (root / "local.settings.json").write_text(LOCAL_SETTINGS)
    (fn / "function.json").write_text(BROKEN_FUNCTION_JSON)
    (fn / "__init__.py").write_text(BROKEN_MAIN)
    return str(fn / "function.json"), str(fn / "__init__.py")


async def edit_and_pass(
    host: Host, publisher: Publisher, path: str, version: int, text: str
) -> None:
    """A didChange and its debounced pass, run to its end."""
    host.state.index.source.open(path, version, text)
    host.ctx.versions[path] = version
    host.ctx.positions.forget(path)
    host.state.mark_dirty(path)
    publisher.schedule(path, 0)
    for _ in range(500):
        await asyncio.sleep(0.01)
        running = publisher.running
        if path not in publisher.timers and (running is None or running.done()):
            return
    raise AssertionError("the pass never ended")


async def test_a_refresh_only_when_a_pass_changes_what_a_pull_would_get(tmp_path: Path) -> None:
    function_json, script = v1_app(tmp_path / "app")
    state = IndexState(Workspace([str(tmp_path)]), EngineChecker())
    state.index.index_all()
    vscode = ClientFeatures(pull_diagnostics=True, diagnostic_refresh=True)
    host = Host(state, make_context(state.index, client=vscode))
    publisher = Publisher(host)
    publisher.workspace_pull = True  # VS Code pulls the workspace too
    root = str(tmp_path / "app")

    def pull(path: str) -> list[str | None]:
        return [str(d.code) for d in publisher.document_diagnostics(path)]

    async def edit(path: str, version: int, text: str) -> None:
        await edit_and_pass(host, publisher, path, version, text)

    # The first pass after indexing: the client may have pulled before it (an empty report
    # while the workspace was being indexed), so it is asked to pull again.
    publisher.publish_roots({root})
    assert (host.refreshes, pull(function_json)) == (1, ["AZF200"])

    # Passes that find what the client already gets: the script opened, a comment typed at its
    # end, function.json opened, host.json touched on disk. No refresh.
    await edit(script, 1, BROKEN_MAIN)
    await edit(script, 2, BROKEN_MAIN + "# the receipt goes out\n")
    await edit(function_json, 1, BROKEN_FUNCTION_JSON)
    state.mark_dirty(str(tmp_path / "app" / "host.json"))
    publisher.refresh(str(tmp_path / "app" / "host.json"))
    assert host.refreshes == 1

    # The parameter added in the script: function.json's problem goes, in a file the user is
    # not editing, so the client must be told to pull again; once.
    await edit(script, 3, FIXED_MAIN)
    assert (host.refreshes, pull(function_json)) == (2, [])
    await edit(script, 4, "# fixed\n" + FIXED_MAIN)
    assert host.refreshes == 2

    # And back: the problem returns, a refresh says so.
    await edit(script, 5, BROKEN_MAIN)
    assert (host.refreshes, pull(function_json)) == (3, ["AZF200"])
    assert host.pushed == [] and host.failures == []


async def test_a_client_that_does_not_pull_gets_each_change_pushed_and_no_refresh(
    tmp_path: Path,
) -> None:
    function_json, script = v1_app(tmp_path / "app")
    state = IndexState(Workspace([str(tmp_path)]), EngineChecker())
    state.index.index_all()
    host = Host(state, make_context(state.index, client=ClientFeatures()))
    publisher = Publisher(host)
    publisher.publish_roots({str(tmp_path / "app")})
    first = list(host.pushed)
    assert Path(function_json).as_uri() in first
    publisher.publish_roots({str(tmp_path / "app")})  # nothing new: nothing pushed again
    await edit_and_pass(host, publisher, script, 1, FIXED_MAIN)
    # The fix: function.json's problem goes, the edited script gets its version's (none).
    assert sorted(host.pushed[len(first) :]) == sorted(
        Path(p).as_uri() for p in (function_json, script)
    )
    assert host.refreshes == 0
