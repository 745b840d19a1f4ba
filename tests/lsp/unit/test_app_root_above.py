"""homes.app_root_above: the app an editor's root or opened file lies in, found by walking up
to host.json, and the walk's bounds (the home folder, a VCS root, the file system's root)."""

from __future__ import annotations

from pathlib import Path

import pytest

from funcls.lsp.homes import app_root_above


def _app(root: Path) -> Path:
    """A v1 app at ``root`` with one function folder; returns the function's script."""
    (root / "get_item").mkdir(parents=True)
    (root / "host.json").write_text('{"version": "2.0"}')
    (root / "get_item" / "function.json").write_text('{"bindings": []}')
    script = root / "get_item" / "__init__.py"
    script.write_text("def main(req): ...\n")
    return script


def test_from_a_function_folder_and_its_script(tmp_path: Path) -> None:
    script = _app(tmp_path / "home" / "u" / "apps" / "shop")
    home = str(tmp_path / "home" / "u")
    root = str(tmp_path / "home" / "u" / "apps" / "shop")
    assert app_root_above(str(script), home) == root
    assert app_root_above(str(script.parent), home) == root
    assert app_root_above(root, home) == root  # the root itself


def test_a_nested_folder_of_a_v2_app(tmp_path: Path) -> None:
    app = tmp_path / "shop"
    deep = app / "blueprints" / "orders"
    deep.mkdir(parents=True)
    (app / "host.json").write_text("{}")
    (deep / "orders.py").write_text("")
    assert app_root_above(str(deep / "orders.py"), str(tmp_path / "elsewhere")) == str(app)


@pytest.mark.parametrize("vcs", [".git", ".hg", ".svn", ".jj"])
def test_not_past_a_vcs_root(tmp_path: Path, vcs: str) -> None:
    script = _app(tmp_path / "outer")
    (script.parent / "inner").mkdir()
    (script.parent / vcs).mkdir()  # the function folder is a repository of its own
    assert app_root_above(str(script.parent / "inner"), str(tmp_path / "elsewhere")) is None
    # The repository's root is asked before the walk stops there.
    (script.parent / "host.json").write_text("{}")
    assert app_root_above(str(script.parent / "inner"), str(tmp_path / "elsewhere")) == str(
        script.parent
    )


def test_the_home_folder_is_never_an_app(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "notes").mkdir(parents=True)
    (home / "host.json").write_text("{}")  # a stray file in the home folder
    (home / "notes" / "todo.py").write_text("")
    assert app_root_above(str(home / "notes" / "todo.py"), str(home)) is None
    assert app_root_above(str(home), str(home)) is None


def test_a_folder_named_host_json_is_no_app(tmp_path: Path) -> None:
    (tmp_path / "a" / "host.json").mkdir(parents=True)
    (tmp_path / "a" / "b").mkdir()
    assert app_root_above(str(tmp_path / "a" / "b"), str(tmp_path / "elsewhere")) is None


def test_the_file_system_root_is_never_an_app() -> None:
    assert app_root_above("/", "/nonexistent-home") is None
