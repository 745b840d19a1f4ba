"""funcls.model.fastclass: dataclasses whose methods come compiled from tables (issue 16).

The tables must hold every method text of the model's, the checks' and the commands' classes,
and a class built from them must behave exactly as the standard ``dataclasses.dataclass``
builds it: the same signature, defaults and factories, equality, hash, repr, frozenness and
slots. A process reads only the tables of the modules whose classes it builds, and only from
bytecode: without a ``.pyc`` (and none may be written) the texts are compiled one by one.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from funcls.checks.findings import Finding, Fix, Related, Severity, TextEdit
from funcls.model import fastclass
from funcls.model.appmodel import Binding, Value
from funcls.model.locations import Location, Position, Range

ROOT = Path(__file__).resolve().parents[2]
CLASSES = [Value, Binding, Location, TextEdit, Fix, Related, Finding]
# Run in a fresh process: where each class's methods come from, the table modules imported,
# and the behaviour tests below on the classes as that process built them.
PROBE = """
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("probe_tests", sys.argv[1])
tests = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tests)
tests.test_behaviour_of_table_built_classes()
for cls in tests.CLASSES:
    tests.test_same_signature_and_flags_as_the_standard_dataclass(cls)
files = {}
for cls in tests.CLASSES:
    for name in ("__init__", "__repr__", "__eq__"):
        method = getattr(cls, name)
        assert method.__qualname__ == f"{cls.__qualname__}.{name}"
        code = getattr(method, "__wrapped__", method).__code__  # repr: the recursion guard
        files[f"{cls.__module__}.{cls.__qualname__}.{name}"] = code.co_filename
tables = sorted(m for m in sys.modules if m.startswith("funcls.model._fastclass."))
print(json.dumps({"files": files, "tables": tables}))
"""


def _probe(pycache: Path, write_bytecode: bool, imports: str = "") -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPATH=str(ROOT), PYTHONPYCACHEPREFIX=str(pycache))
    if not write_bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    code = f"{imports}\n{PROBE}" if imports else PROBE
    proc = subprocess.run(
        [sys.executable, "-c", code, __file__],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    result: dict[str, object] = json.loads(proc.stdout.splitlines()[-1])
    return result


def test_the_table_holds_every_method_text() -> None:
    # A fresh process: every module of funcls.model, .checks and .commands imported.
    proc = subprocess.run(
        [sys.executable, "-m", "funcls.model.fastclass", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.returncode == 0, (
        "funcls/model/_fastclass/ is stale (a dataclass changed); refresh it with "
        "`python -m funcls.model.fastclass --write` and commit it. Missing:\n" + proc.stderr
    )


def test_classes_take_their_methods_from_the_tables_when_bytecode_is_there(
    tmp_path: Path,
) -> None:
    # Bytecode may be written: the tables are compiled once into their .pyc, then read.
    written = _probe(tmp_path, write_bytecode=True)
    # None may be written but a fresh .pyc is there (an installed wheel): read as well.
    installed = _probe(tmp_path, write_bytecode=False)
    for result in (written, installed):
        files = result["files"]
        assert isinstance(files, dict)
        for method, filename in files.items():
            module = method.rsplit(".", 2)[0]
            table = fastclass.table_module(module).replace(".", os.sep) + ".py"
            assert filename.endswith(table), (method, filename)
    assert written["tables"] == installed["tables"]


def test_without_bytecode_the_texts_are_compiled_one_by_one(tmp_path: Path) -> None:
    # No .pyc and none may be written: compiling a table's text would cost more than the
    # exec of the texts the process needs; the classes behave the same (the probe's tests).
    result = _probe(tmp_path, write_bytecode=False)
    files = result["files"]
    assert isinstance(files, dict) and files
    assert set(files.values()) == {"<string>"}
    assert result["tables"] == []


def test_a_process_reads_only_the_tables_of_the_classes_it_builds(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPATH=str(ROOT), PYTHONPYCACHEPREFIX=str(tmp_path))
    code = (
        "import sys, funcls.model.locations\n"
        "print(sorted(m for m in sys.modules if m.startswith('funcls.model._fastclass.')))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == repr([fastclass.table_module("funcls.model.locations")])


def _twin(cls: type) -> type:
    """``cls`` as the standard dataclass would build it from the same declaration."""
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    slots = "__slots__" in cls.__dict__
    fields = [
        (f.name, f.type, dataclasses.field(default=f.default, default_factory=f.default_factory))
        for f in dataclasses.fields(cls)
    ]
    return dataclasses.make_dataclass(
        cls.__name__, fields, frozen=params.frozen, eq=params.eq, slots=slots
    )


@pytest.mark.parametrize("cls", CLASSES)
def test_same_signature_and_flags_as_the_standard_dataclass(cls: type) -> None:
    twin = _twin(cls)
    assert str(inspect.signature(cls)) == str(inspect.signature(twin))
    for flag in ("__hash__", "__setattr__", "__delattr__", "__match_args__"):
        assert (flag in cls.__dict__) == (flag in twin.__dict__), flag
    assert cls.__dict__.get("__match_args__") == twin.__dict__.get("__match_args__")


def test_behaviour_of_table_built_classes() -> None:
    r = Range(Position(1, 2), Position(1, 5))
    loc = Location("/a/f.py", r)
    assert loc == Location("/a/f.py", r) and loc != Location("/a/g.py", r)
    assert hash(loc) == hash(Location("/a/f.py", r))
    assert repr(loc) == f"Location(path='/a/f.py', range={r!r})"
    with pytest.raises(dataclasses.FrozenInstanceError):
        loc.path = "/b"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del loc.path  # type: ignore[misc]
    assert dataclasses.replace(loc, path="/b").path == "/b"

    a = Finding("AZF100", "m", Severity.ERROR, loc)
    b = Finding("AZF100", "m", Severity.ERROR, loc)
    assert a == b and a.related == [] and a.related is not b.related  # a factory per object
    a.related.append(Related(loc, "there"))
    assert a != b
    with pytest.raises(TypeError):
        hash(a)  # eq without frozen: unhashable, as the standard dataclass
    with pytest.raises(AttributeError):
        a.elsewhere = 1  # type: ignore[attr-defined]  # slots

    v = Value(3)
    assert (v.range, v.key_range, v.known, v.text, v.origin) == (None, None, True, None, "explicit")
    assert repr(v).startswith("Value(value=3, range=None")
    with pytest.raises(TypeError):
        Value()  # type: ignore[call-arg]


def test_a_class_missing_from_the_table_is_compiled_as_before() -> None:
    before = len(fastclass.misses)

    @fastclass.dataclass(frozen=True)
    class NotInTheTable:
        some_field_of_this_test: int
        other: list[int] = dataclasses.field(default_factory=list)

    assert len(fastclass.misses) > before
    x = NotInTheTable(1)
    assert x == NotInTheTable(1, []) and x != NotInTheTable(2)
    with pytest.raises(TypeError):
        hash(x)  # frozen: the hash of its fields, and a list is not hashable
    assert repr(x).endswith(".<locals>.NotInTheTable(some_field_of_this_test=1, other=[])")
    assert NotInTheTable.__init__.__code__.co_filename == "<string>"
    with pytest.raises(dataclasses.FrozenInstanceError):
        x.other = []  # type: ignore[misc]


# Every dataclass of PACKAGES described in a fresh process: its namespace with each method's
# code, free variables, defaults and qualified names, its fields, params, slots and __doc__.
DESCRIBE = r"""
import dataclasses, json, re, sys, types
from funcls.model import fastclass
fastclass.use_recipes = sys.argv[1] == "recipes"
fastclass._import_all()

def plain(value):
    return re.sub(r" at 0x[0-9a-f]+", "", repr(value))

def code(c):
    consts = [code(k) if isinstance(k, types.CodeType) else plain(k) for k in c.co_consts]
    return [c.co_name, c.co_qualname, c.co_filename, c.co_code.hex(), consts, c.co_names,
            c.co_varnames, c.co_freevars, c.co_cellvars, c.co_argcount, c.co_kwonlyargcount]

def thing(value, owner):
    if value is owner:
        return "<the class>"
    if isinstance(value, types.FunctionType):
        cells = [thing(cell.cell_contents, owner) for cell in value.__closure__ or ()]
        return {"function": value.__qualname__, "name": value.__name__,
                "module": value.__module__, "code": code(value.__code__), "cells": cells,
                "defaults": plain(value.__defaults__), "kwdefaults": plain(value.__kwdefaults__),
                "annotations": plain(value.__annotations__),
                "wrapped": thing(value.__wrapped__, owner) if hasattr(value, "__wrapped__")
                else None}
    if isinstance(value, dataclasses.Field):
        return [plain(value), thing(value.default_factory, owner), plain(value._field_type)]
    if isinstance(value, dict):
        return {k: thing(v, owner) for k, v in value.items()}
    return plain(value)

out = {}
for module in list(sys.modules.values()):
    if not getattr(module, "__name__", "").startswith("funcls."):
        continue
    for value in list(vars(module).values()):
        if isinstance(value, type) and "__dataclass_fields__" in value.__dict__ and (
            value.__module__ == module.__name__
        ):
            name = f"{value.__module__}.{value.__qualname__}"
            d = {k: thing(v, value) for k, v in value.__dict__.items() if k != "__doc__"}
            d["__doc__"] = value.__doc__
            d["__mro__"] = [c.__qualname__ for c in value.__mro__]
            d["fields()"] = [thing(f, value) for f in dataclasses.fields(value)]
            out[name] = d
print(json.dumps({"classes": out, "replayed": fastclass.replayed,
                  "unreplayed": fastclass.unreplayed}))
"""


def _describe(pycache: Path, mode: str) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPATH=str(ROOT), PYTHONPYCACHEPREFIX=str(pycache))
    proc = subprocess.run(
        [sys.executable, "-c", DESCRIBE, mode], cwd=ROOT, capture_output=True, text=True, env=env
    )
    assert proc.returncode == 0, proc.stderr
    result: dict[str, object] = json.loads(proc.stdout.splitlines()[-1])
    return result


def test_classes_built_from_recipes_equal_the_standard_dataclasses(tmp_path: Path) -> None:
    standard = _describe(tmp_path, "standard")
    fast = _describe(tmp_path, "recipes")
    assert standard["replayed"] == []
    replayed = fast["replayed"]
    assert isinstance(replayed, list) and len(replayed) > 100
    assert fast["unreplayed"] == []
    classes = standard["classes"]
    assert isinstance(classes, dict) and set(replayed) <= set(classes)
    fast_classes = fast["classes"]
    assert isinstance(fast_classes, dict)
    for name in sorted(classes):
        assert fast_classes[name] == classes[name], name
    assert fast_classes == classes


def test_a_recipe_that_no_longer_fits_builds_the_class_the_standard_way() -> None:
    # Locations' recipe, given a class declared otherwise: same name, another field.
    import importlib

    from funcls.model import fastrecipe

    table = importlib.import_module(fastclass.table_module("funcls.model.locations"))
    recipe = table.RECIPES["Location"]

    class Location:
        path: str
        range: str
        extra: int = 0

    assert (
        fastrecipe.replay(Location, {"frozen": True, "slots": True}, recipe, table.FUNCTIONS)
        is None
    )
    assert "__dataclass_fields__" not in Location.__dict__ and Location.extra == 0
    made = fastrecipe.replay(Location, {"frozen": True}, recipe, table.FUNCTIONS)
    assert made is None  # other options
