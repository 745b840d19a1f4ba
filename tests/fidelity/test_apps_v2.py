"""Realistic v2 apps (tests/apps/v2_*) indexed by funcls and by the real library: they must agree.

Where the decorator matrix calls each decorator in isolation, these apps use them the way
people write apps: blueprints in packages and modules, imported absolutely and relatively,
registered with ``register_functions`` and ``register_blueprint``; stacked decorators in
varied orders; enum members and strings; constants from the same and from other modules;
every import form of azure.functions; DFApp and durable blueprints; ASGI and WSGI apps; a
``PYTHON_SCRIPT_FILE_NAME`` other than function_app.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from funcls.model.appmodel import App
from funcls.model.catalogue import CATALOGUE
from tests.support.fidelity import differences, funcls_index, library_index

REPO = Path(__file__).resolve().parent.parent.parent
APPS_DIR = REPO / "tests" / "apps"

# Needs the `openai-agents` package at decoration time (see test_decorator_matrix.py).
NOT_IN_APPS = {"durable_openai_agent_orchestrator"}


@dataclass(frozen=True)
class V2App:
    name: str
    functions: int  # how many functions the app defines
    script: str = "function_app.py"
    folder: Path = APPS_DIR

    @property
    def root(self) -> Path:
        return self.folder / self.name


V2_APPS = (
    V2App("v2_retail", 23),
    V2App("v2_integration", 23),
    V2App("v2_durable_ai", 23, script="app_main.py"),
    V2App("v2_asgi", 3),
    V2App("v2_wsgi", 2),
)
SAMPLE = V2App("v2-app", 7, folder=REPO / "samples")  # the README's sample: same standard
CASES = (*V2_APPS, SAMPLE)


@cache
def _library(case: V2App) -> dict[str, list[dict[str, Any]]]:
    return library_index(str(case.root), script=case.script)


@cache
def _funcls(case: V2App) -> App:
    return funcls_index(str(case.root))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_app_matches_the_library(case: V2App) -> None:
    library = _library(case)
    app = _funcls(case)
    diff = differences(app, library)
    assert not diff, "\n".join(diff)
    assert len(library) == case.functions
    # Same functions in the same order: the order in which the app registers them.
    assert [f.name for f in app.functions] == list(library)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_app_indexes_cleanly(case: V2App) -> None:
    app = _funcls(case)
    assert app.model == "v2"
    assert app.script_path == str(case.root / case.script)
    assert app.problems == []
    assert app.unregistered == [] and app.misplaced == []
    for reg in app.registrations:
        assert reg.blueprint_path is not None, f"{reg.arg_text} was not followed"
    unknown = [
        (f.name, b.name, key)
        for f in app.functions
        for b in f.bindings
        for key, v in b.properties.items()
        if not v.known
    ]
    assert unknown == []


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_every_binding_has_its_parameter(case: V2App) -> None:
    """The apps are realistic: the worker would load them (binding names are parameters)."""
    for fn in _funcls(case).functions:
        if fn.synthetic or fn.signature_rewritten:
            continue
        params = {p.name for p in fn.parameters}
        names = {b.name for b in fn.bindings if b.name != "$return"}
        assert names <= params, f"{fn.name}: {sorted(names - params)} have no parameter"


def test_the_apps_use_every_decorator_of_the_catalogue() -> None:
    used = {d.method for case in V2_APPS for f in _funcls(case).functions for d in f.decorators}
    assert set(CATALOGUE.decorators) - NOT_IN_APPS - used == set()
    assert sum(case.functions for case in V2_APPS) >= 60
