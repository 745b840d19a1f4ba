"""The cheaper reading of issue 16: ``inside`` without resolving whole paths when nothing below
the root is a link, and a ``Source`` snapshot that asks the system about each path once."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

from funcls.model.source import Source, inside


def resolved(root: str, path: str) -> bool:
    """The definition: both paths resolved whole."""
    try:
        real_root = os.path.realpath(root)
        return os.path.commonpath([real_root, os.path.realpath(path)]) == real_root
    except (OSError, ValueError):
        return False


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    (outside / "deep").mkdir(parents=True)
    (outside / "secret.txt").write_text("x")
    app = tmp_path / "app"
    (app / "F" / "sub").mkdir(parents=True)
    (app / "F" / "__init__.py").write_text("")
    (app / "F" / "out").symlink_to(outside)
    (app / "F" / "in").symlink_to(app / "F" / "sub")
    (app / "dangling").symlink_to(tmp_path / "nowhere")
    (app / "loop").symlink_to(app / "loop")
    (tmp_path / "applink").symlink_to(app)
    return tmp_path


def test_inside_gives_the_resolved_answer(tree: Path) -> None:
    roots = [str(tree / "app"), str(tree / "app") + "/", str(tree / "applink"), str(tree / "app/F")]
    tails = [
        "",
        "/",
        "/F/__init__.py",
        "/F/out/secret.txt",
        "/F/out/../../app/F",
        "/F/in/x.py",
        "/F/in/../../F/__init__.py",
        "/F/./__init__.py",
        "//F//__init__.py",
        "/missing/more/file.py",
        "/dangling/x",
        "/loop/x",
        "/../outside/secret.txt",
        "/F/../../outside",
        "/F/\x00",
    ]
    checked = 0
    for root, base, tail in itertools.product(roots, roots, tails):
        path = base.rstrip("/") + tail
        assert inside(root, path) == resolved(root, path), (root, path)
        checked += 1
    assert checked == len(roots) ** 2 * len(tails)
    # The cases that matter, spelled out.
    app = str(tree / "app")
    assert inside(app, app + "/F/__init__.py")
    assert not inside(app, app + "/F/out/secret.txt")


def test_relative_paths(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree)
    for root, path in [
        ("app", "app/F/__init__.py"),
        ("app", "app/F/out/secret.txt"),
        ("applink", "app/F/__init__.py"),
        ("app/F", "app/F/in/x"),
    ]:
        assert inside(root, path) == resolved(root, path), (root, path)


def test_snapshot_answers_as_the_disk_until_forgotten(tmp_path: Path) -> None:
    f = tmp_path / "host.json"
    f.write_text('{"version": "2.0"}')
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    live, snap = Source(), Source(snapshot=True)
    for p in (f, fifo, tmp_path, tmp_path / "missing.json"):
        s = str(p)
        assert snap.is_file(s) == live.is_file(s)
        assert snap.special(s) == live.special(s)
        assert snap.stamp(s) == live.stamp(s)
    assert snap.text(str(fifo)) is None and "not a regular file" in snap.errors[str(fifo)].message
    doc = snap.json(str(f))
    assert doc is not None and doc.to_python() == {"version": "2.0"}

    # A snapshot keeps what it saw; forget() (a change notice) makes it look again.
    f.write_text('{"version": "2.0", "more": true}')
    os.utime(f, ns=(1, 1))
    g = tmp_path / "new.json"
    g.write_text("{}")
    assert not snap.is_file(str(tmp_path / "missing.json"))
    assert snap.json(str(f)) is doc
    assert live.json(str(f)) is not None and live.json(str(f)).to_python()["more"] is True  # type: ignore[union-attr]
    snap.forget(str(f))
    assert snap.json(str(f)).to_python()["more"] is True  # type: ignore[union-attr]


def test_snapshot_answers_follow_overlays(tmp_path: Path) -> None:
    f = tmp_path / "function_app.py"
    f.write_text("x = 1\n")
    snap = Source(snapshot=True)
    first = snap.module(str(f))
    assert first is not None and snap.module(str(f)) is first
    assert snap.module(str(tmp_path / "." / "function_app.py")) is first  # by its normal path
    snap.open(str(f), 1, "def main(req):\n    pass\n")
    opened = snap.module(str(f))
    assert opened is not first and opened is not None and opened.function("main") is not None
    snap.close(str(f))
    closed = snap.module(str(f))
    assert closed is not None and closed.function("main") is None


def test_snapshot_listing_follows_overlays_and_forget(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("")
    snap = Source(snapshot=True)
    listed = snap.listdir(str(tmp_path))
    assert listed == ["a.py"]
    listed.append("mutated by a caller")
    (tmp_path / "b.py").write_text("")
    assert snap.listdir(str(tmp_path)) == ["a.py"]  # a snapshot: listed once
    snap.open(str(tmp_path / "c.py"), 1, "")
    assert snap.listdir(str(tmp_path)) == ["a.py", "b.py", "c.py"]
    (tmp_path / "d.py").write_text("")
    snap.forget(str(tmp_path / "d.py"))
    assert snap.listdir(str(tmp_path)) == ["a.py", "b.py", "c.py", "d.py"]
    assert Source().listdir(str(tmp_path)) == ["a.py", "b.py", "d.py"]
