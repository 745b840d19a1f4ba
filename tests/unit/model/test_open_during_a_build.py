"""An editor opening a document while another thread reads the workspace (the language
server re-indexes plain edits on its rules thread, ``lsp/state.ReindexJob``; ``didOpen``
sets the document's text on the event loop meanwhile, ``Source.open``).

What the reading thread keeps for later (a parse in the source's cache, a v1 function in the
loader's memo) must be of one state of the documents. Before, a v1 function built from the
file on disk was kept beside the parse of the text opened during its build: the next
re-index, of the opened text, found its inputs unchanged and gave the disk's function back
(``tests/lsp/test_framing.py::test_a_burst_is_handled_in_order`` failed once in a full CI run:
a completion answered from the file on disk). The interleaving is made here on one thread, at
the point where the reading thread can be interrupted."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import funcls.model.loader as loader
from funcls.model.loader import load_app
from funcls.model.source import Source
from funcls.model.v1 import index_v1_function
from tests.lsp.support import SAMPLES

OPENED = '{\n  "bindings": [\n    {\n      "type": ""\n    }\n  ]\n}'


def _types(app: object, name: str) -> list[str]:
    fn = next(f for f in app.functions if f.name == name)  # type: ignore[attr-defined]
    return [b.type for b in fn.bindings]


def test_a_v1_function_built_from_disk_is_not_kept_for_a_text_opened_meanwhile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "v1-app"
    shutil.copytree(SAMPLES / "v1-app", root)
    config = str(root / "process_order" / "function.json")
    source = Source()
    assert _types(load_app(str(root), source), "process_order") == ["queueTrigger", "blob"]

    # The document was closed: its parse is dropped and the app is built again from disk,
    # and the editor opens it again while that build runs.
    source.forget(config)
    build = index_v1_function

    def build_then_open(folder: str, *args: object, **kwargs: object) -> object:
        fn = build(folder, *args, **kwargs)  # type: ignore[arg-type]
        if folder.endswith("process_order"):
            source.open(config, 5, OPENED)
        return fn

    monkeypatch.setattr(loader, "index_v1_function", build_then_open)
    assert _types(load_app(str(root), source), "process_order") == ["queueTrigger", "blob"]
    monkeypatch.setattr(loader, "index_v1_function", build)

    # The re-index of the opened text reads the opened text.
    assert _types(load_app(str(root), source), "process_order") == [""]


def test_a_parse_is_cached_under_the_state_it_was_read_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "function.json"
    path.write_text(json.dumps({"bindings": [{"type": "queueTrigger"}]}))
    source = Source()
    read = source.text

    def open_then_read(p: str) -> str | None:
        source.open(str(path), 1, OPENED)  # the editor opens it between the stamp and the read
        return read(p)

    monkeypatch.setattr(source, "text", open_then_read)
    opened = source.json(str(path))
    assert opened is not None and opened.text == OPENED
    monkeypatch.setattr(source, "text", read)

    source.close(str(path))
    on_disk = source.json(str(path))
    assert on_disk is not None and on_disk.text == path.read_text()
