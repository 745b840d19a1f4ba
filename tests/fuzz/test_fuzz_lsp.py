"""Bounded fuzzing through the language server (issue 17): ``funcls --stdio`` in a process and a
raw client. Generated sequences of incremental changes — ranges outside the document,
inverted, negative or past the end of a line, versions going backwards, non-ASCII, CR-only
and NUL text — must leave the server answering, and once the whole text is sent its
diagnostics equal what ``funcls check`` reports for that text. A workspace holding symlink
loops, a link to ``/``, FIFOs, a link to ``/dev/zero`` and dangling links is indexed and served
without hanging, with the checker's findings.

Deterministic in CI (``derandomize=True``, few examples; one server for all of them);
``FUNCLS_FUZZ_EXAMPLES`` and ``FUNCLS_FUZZ_RANDOM=1`` run it longer (``scripts/fuzz``)."""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from funcls.checks import CheckConfig, check_app
from funcls.model.loader import load_app
from funcls.model.source import Source
from tests.lsp.support import SAMPLES, uri
from tests.lsp.test_framing import BAD_ROUTE, RawClient, checked, open_script, started

EXAMPLES = int(os.environ.get("FUNCLS_FUZZ_EXAMPLES", "12"))
RANDOM = os.environ.get("FUNCLS_FUZZ_RANDOM") == "1"
FINAL_VERSIONS = itertools.count(1_000_000)  # above every generated version: unique

POSITION = st.fixed_dictionaries(
    {
        "line": st.one_of(st.integers(0, 60), st.integers(-3, 100_000)),
        "character": st.one_of(st.integers(0, 120), st.integers(-3, 2**31 + 5)),
    }
)
TEXT = st.one_of(
    st.sampled_from(["", "x", "\n", "\r", "\r\n", "é", "😋", "\x00", "@app.", '"', "(", "# c\n"]),
    st.text(max_size=12),
)
CHANGE = st.one_of(
    st.fixed_dictionaries(
        {"range": st.fixed_dictionaries({"start": POSITION, "end": POSITION}), "text": TEXT}
    ),
    st.fixed_dictionaries({"text": TEXT}),  # a whole-document change in the middle
)
BATCH = st.lists(
    st.tuples(st.integers(-5, 999), st.lists(CHANGE, min_size=1, max_size=3)), max_size=8
)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RawClient, Path]]:
    app = tmp_path_factory.mktemp("fuzz-lsp") / "v2-app"
    shutil.copytree(SAMPLES / "v2-app", app)
    client = started(app)
    try:
        yield client, app
    finally:
        client.close()


@settings(
    max_examples=EXAMPLES,
    derandomize=not RANDOM,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batch=BATCH, final_bad=st.booleans())
def test_random_edits_then_the_whole_text_converge_to_check(
    served: tuple[RawClient, Path], batch: list[tuple[int, list[dict[str, Any]]]], final_bad: bool
) -> None:
    client, app = served
    script = app / "function_app.py"
    base = (SAMPLES / "v2-app" / "function_app.py").read_text()
    doc = open_script(client, script, base, version=next(FINAL_VERSIONS))
    for version, changes in batch:
        client.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": doc, "version": version}, "contentChanges": changes},
        )
    client.alive(doc)
    hover = client.request(
        "textDocument/hover",
        {"textDocument": {"uri": doc}, "position": {"line": 3, "character": 4}},
    )
    assert "result" in hover or hover["error"]["code"] in (-32602, -32603), hover
    final = base + BAD_ROUTE if final_bad else base
    version = next(FINAL_VERSIONS)
    client.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": doc, "version": version}, "contentChanges": [{"text": final}]},
    )
    assert client.diagnostics(doc, version) == checked(app, script, final)
    client.notify("textDocument/didClose", {"textDocument": {"uri": doc}})
    assert client.proc.poll() is None


def test_links_fifos_and_devices_through_the_language_server(tmp_path: Path) -> None:
    """Everything issue 17 found hanging ``funcls check`` (symlink loops, a link to ``/``,
    FIFOs named like files funcls reads, a link to ``/dev/zero``), plus dangling links, in the
    folder a client opens: the server indexes it, answers, and its diagnostics for the script
    and host.json are the checker's."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    app = tmp_path / "v2-app"
    shutil.copytree(SAMPLES / "v2-app", app)
    (app / "loop_here").symlink_to(".", target_is_directory=True)
    (app / "loop_up").symlink_to("..", target_is_directory=True)
    (app / "pkg").mkdir()
    (app / "pkg" / "root").symlink_to("/", target_is_directory=True)
    (app / "pkg" / "same").symlink_to(".", target_is_directory=True)
    os.mkfifo(app / "pipe.json")
    (app / "infra").mkdir()
    os.mkfifo(app / "infra" / "main.bicep")
    os.mkfifo(app / "pipe_module.py")
    (app / "zero.json").symlink_to("/dev/zero")
    (app / "dangling.py").symlink_to(app / "nowhere.py")
    (app / "dangling_dir").symlink_to(tmp_path / "nowhere", target_is_directory=True)
    expected = check_app(load_app(str(app), Source()), CheckConfig())

    client = started(app)
    try:
        script = app / "function_app.py"
        doc = open_script(client, script, script.read_text())
        client.alive(doc)
        shown = client.diagnostics(doc, 1)
        assert shown == sorted(
            (f.code, f.range.start.line) for f in expected if f.path == str(script)
        )
        symbols = client.request("workspace/symbol", {"query": ""})
        names = {s["name"] for s in symbols["result"]}
        assert {"get_product", "create_order"} <= names, names
        # A client may open the FIFO's path itself: the text comes from the client.
        pipe = uri(app / "pipe.json")
        client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": pipe, "languageId": "json", "version": 1, "text": "{}"}},
        )
        client.alive(pipe)
        client.alive(doc)
    finally:
        client.close()
