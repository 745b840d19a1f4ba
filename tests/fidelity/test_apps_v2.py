"""Realistic v2 apps (tests/apps/v2_*) indexed by funcls and by the real library: they must agree.

Where the decorator matrix calls each decorator in isolation, these apps use them the way
people write apps: blueprints in packages and modules, imported absolutely and relatively,
registered with ``register_functions`` and ``register_blueprint``; stacked decorators in
varied orders; enum members and strings; constants from the same and from other modules;
every import form of azure.functions; DFApp and durable blueprints; ASGI and WSGI apps; a
``PYTHON_SCRIPT_FILE_NAME`` other than function_app.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
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

# Decorators no test app uses (none today).
NOT_IN_APPS: set[str] = set()


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
    V2App("v2_durable_ai", 25, script="app_main.py"),
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


# What the Python worker checks when it loads a v2 function (azure-functions-python-worker,
# functions.py): every parameter but `context` has a binding and every binding a parameter;
# func.Out[T] exactly on "out" bindings; each annotation accepted by the library's converter
# for the binding type, where a plain str or bytes is checked as the generic binding unless
# the binding has an implicit output (the durable triggers); and the return annotation
# accepted by the $return binding's converter.
_WORKER_LOAD_CHECK = r"""
import importlib, inspect, json, logging, os, sys, typing
logging.disable(logging.CRITICAL)
sys.path.insert(0, os.getcwd())
mod = importlib.import_module(sys.argv[1][:-3].replace(os.sep, "."))
import azure.functions as func
from azure.functions import FunctionRegister, meta
import azure.durable_functions  # registers the durable converters

class Generic:  # the worker's GenericBinding
    check_input_type_annotation = staticmethod(lambda t: issubclass(t, (str, bytes)))
    check_output_type_annotation = staticmethod(lambda t: issubclass(t, (str, bytes, bytearray)))

def converter(btype):
    return Generic if btype == "generic" else (meta.get_binding_registry().get(btype) or Generic)

def implicit_output(btype):
    c = meta.get_binding_registry().get(btype)
    return bool(getattr(c, "has_implicit_output", lambda: False)())

def accepts(check, t):
    try:
        return bool(check(t))
    except TypeError:
        return False

def problems_of(f):
    out = []
    user = f.get_user_function()
    params = dict(inspect.signature(user).parameters)
    hints = typing.get_type_hints(user)
    bindings = json.loads(f.get_function_json())["bindings"]
    bound = {b["name"]: b for b in bindings if b["name"] != "$return"}
    if "context" in params and "context" not in bound:
        params.pop("context")
        anno = hints.get("context")
        if anno is not None and not (isinstance(anno, type) and anno.__name__ == "Context"):
            out.append(f"context: annotated {anno!r}, not func.Context")
    out += [f"{p}: parameter without a binding" for p in sorted(set(params) - set(bound))]
    out += [f"{b}: binding without a parameter" for b in sorted(set(bound) - set(params))]
    for name in params:
        b = bound.get(name)
        if b is None or name not in hints:
            continue
        anno = hints[name]
        is_out = typing.get_origin(anno) is func.Out
        t = typing.get_args(anno)[0] if is_out else anno
        if not isinstance(t, type) and typing.get_origin(t) is None:
            out.append(f"{name}: {anno!r} is not a type")
            continue
        if (b["direction"].lower() == "out") != is_out:
            out.append(f"{name}: direction {b['direction']} but annotated {anno!r}")
            continue
        kind = "generic" if t in (str, bytes) and not implicit_output(b["type"]) else b["type"]
        conv = converter(kind)
        check = conv.check_output_type_annotation if is_out else conv.check_input_type_annotation
        if not accepts(check, t):
            out.append(f"{name}: {b['type']} does not accept {anno!r}")
    ret = next((b for b in bindings if b["name"] == "$return"), None)
    if ret is not None and "return" in hints:
        t = hints["return"]
        check = converter(ret["type"]).check_output_type_annotation
        if not isinstance(t, type) or not accepts(check, t):
            out.append(f"$return: {ret['type']} does not accept {t!r}")
    return out

result = {}
for value in list(vars(mod).values()):
    if isinstance(value, FunctionRegister):
        for f in value.get_functions():
            result[f.get_function_name()] = problems_of(f)
print(json.dumps(result))
"""


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_the_worker_would_load_every_function(case: V2App) -> None:
    """The apps are real apps: the worker's load-time checks pass for every function."""
    proc = subprocess.run(
        [sys.executable, "-c", _WORKER_LOAD_CHECK, case.script],
        cwd=case.root,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert proc.returncode == 0, proc.stderr
    problems = json.loads(proc.stdout.strip().splitlines()[-1])
    assert len(problems) == case.functions
    assert {name: p for name, p in problems.items() if p} == {}


def test_the_apps_use_every_decorator_of_the_catalogue() -> None:
    used = {d.method for case in V2_APPS for f in _funcls(case).functions for d in f.decorators}
    assert set(CATALOGUE.decorators) - NOT_IN_APPS - used == set()
    assert sum(case.functions for case in V2_APPS) >= 60
