"""What the language server keeps across edits, counted in its own heap (issue 16).

The server freezes its heap after each publication (funcls/lsp/collector.py), so anything a
pass leaves in a reference cycle stays. 18bfca2 kept the import walk's resolver in
``Context.memo``; the resolver held the Context: every pass's Context, and the App it holds,
stayed alive (``bench_lsp.py --big 5000 --edits 60`` peak RSS 245 → 763 MB) and no test saw
it. Here the real server (``FUNCLS_TEST_REQUESTS=1``: ``funcls/test/heapCounts``, frozen
objects included, nothing collected first) is asked after a series of Enter / Backspace edits
how many rule Contexts it holds: a count, not a time or a size, so the machine's load does
not matter.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.lsp.support import SERVER, RecordingClient, change_doc, make_client, open_doc, start
from tests.lsp.support import uri as uri_of

REPO = Path(__file__).resolve().parents[2]
EDITS = 16
CONTEXT = "funcls.checks.context.Context"
APP = "funcls.model.appmodel.App"

CONFIG = ClientServerConfig(
    server_command=SERVER,
    client_factory=make_client,
    server_env={**os.environ, "FUNCLS_TEST_REQUESTS": "1"},
)


def _big_app(folder: Path) -> Path:
    """bench/gen_workspace.py's app: 56 functions in 4 blueprint modules function_app.py
    imports (so the import-walking rules, AZF606/607 and AZF609, read them all)."""
    spec = importlib.util.spec_from_file_location("gen_workspace", REPO / "bench/gen_workspace.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    app: Path = gen.write_big_app(folder, 56, 4)
    return app


@pytest.fixture
def app(tmp_path: Path) -> Path:
    return _big_app(tmp_path / "ws" / "app")


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient, app: Path):
    # Neovim 0.7 takes published diagnostics: each edit's pass ends in a publication, which
    # freezes the heap.
    await start(lsp_client, "neovim@v0.7.0", app.parent)
    yield
    await lsp_client.shutdown_session()


async def _published(client: RecordingClient, path: Path, version: int) -> None:
    for _ in range(1500):
        if any(p.uri == uri_of(path) and p.version == version for p in client.published):
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"no diagnostics published for {path.name} version {version}")


async def _counts(client: LanguageClient) -> dict[str, int]:
    names = [CONTEXT, APP]
    answer: Any = await client.protocol.send_request_async(
        "funcls/test/heapCounts", {"names": names}
    )
    return dict(zip(names, answer, strict=True))


async def test_edits_leave_no_rule_context_alive(client: RecordingClient, app: Path) -> None:
    module = app / "blueprints" / "bp01.py"
    text = module.read_text()
    open_doc(client, module, text, 1)
    await _published(client, module, 1)
    first = await _counts(client)  # shown when the test fails
    at = text.index("\n\n@bp.") + 1  # an Enter between two defs, then a Backspace, ...
    for version in range(2, EDITS + 2):
        now = text[:at] + "\n" + text[at:] if version % 2 == 0 else text
        change_doc(client, module, now, version)
        await _published(client, module, version)
    after = await _counts(client)
    # The current App is counted, frozen as it is since the last publication: the count sees
    # what the collector froze.
    assert after[APP] >= 1, (first, after)
    # No pass's Context stays (0 after the first pass and after the 16 edits at 55f34bf) and
    # one App, the current one; with 18bfca2's cycle re-applied: 2 Contexts and 2 Apps after
    # the first pass, 18 and 18 after the 16 edits.
    assert after[CONTEXT] <= 2, (first, after)
    assert after[APP] <= 2, (first, after)
