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
