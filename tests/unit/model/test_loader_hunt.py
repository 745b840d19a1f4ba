"""What scripts/hunt_loader.py found in the model's loader (issue 17), kept as regressions.

The hunt mutates real apps structurally (docs/reliability.md, section 11); each input it
found that made `load_app` raise or hang is here, with what it must give instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from funcls.model.loader import load_app
from funcls.model.python.facts import RawDecorator
from funcls.model.source import Source

HEAD = "import azure.functions as func\napp = func.FunctionApp()\n"


def write_app(root: Path, script: str) -> Path:
    root.mkdir()
    (root / "host.json").write_text('{"version": "2.0"}')
    (root / "function_app.py").write_text(script)
    return root


@pytest.mark.parametrize("foreign", [False, True])
def test_stacked_decorators_cost_comparisons_linear_in_their_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, foreign: bool
) -> None:
    # 8,000 stacked decorators took 13 s and 20,000 did not finish in 10 s: finding the
    # decorators funcls does not know below the app's own compared every pair of them.
    # Counted, not timed: the comparisons of decorators while the app is loaded.
    n = 3000
    compared = 0
    equal = RawDecorator.__eq__

    def counting(self: RawDecorator, other: object) -> bool:
        nonlocal compared
        compared += 1
        return equal(self, other)

    monkeypatch.setattr(RawDecorator, "__eq__", counting)
    below = "@wraps_it\n" if foreign else ""
    script = HEAD + '@app.route(route="r")\n' * n + below + "def f(req):\n    return 1\n"
    app = load_app(str(write_app(tmp_path / "app", script)), Source())
    [fn] = app.functions
    assert fn.name == "f"
    assert fn.foreign_decorator == ("wraps_it" if foreign else None)
    assert compared <= 10 * n, compared


class _CountingList(list):  # type: ignore[type-arg]
    visits = 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        for item in super().__iter__():
            _CountingList.visits += 1
            yield item


def test_many_blueprints_cost_visits_linear_in_their_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 3,000 blueprints of one function each, each registered, did not load in 10 s: every
    # registration looked through every def of the module for the blueprint's decorators.
    # Counted, not timed: how often the loader walks the module's defs.
    n = 1500
    script = HEAD + "".join(
        f"bp{i} = func.Blueprint()\n\n\n@bp{i}.route(route='r{i}')\ndef f{i}(req):\n"
        f"    return 1\n\n\napp.register_functions(bp{i})\n"
        for i in range(n)
    )
    module = Source.module

    def counted(self: Source, path: str) -> object:
        info = module(self, path)
        if info is not None and not isinstance(info.functions, _CountingList):
            info.functions = _CountingList(info.functions)
        return info

    monkeypatch.setattr(Source, "module", counted)
    _CountingList.visits = 0
    app = load_app(str(write_app(tmp_path / "app", script)), Source())
    assert sorted(f.name for f in app.functions) == sorted(f"f{i}" for i in range(n))
    assert _CountingList.visits <= 20 * n, _CountingList.visits
