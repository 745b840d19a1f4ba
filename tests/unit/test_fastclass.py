"""funcls.model.fastclass: dataclasses whose methods come compiled from a table (issue 16).

The table must hold every method text of the model's, the checks' and the commands' classes,
and a class built from it must behave exactly as the standard ``dataclasses.dataclass`` builds
it: the same signature, defaults and factories, equality, hash, repr, frozenness and slots.
"""

from __future__ import annotations

import dataclasses
import inspect
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
TABLE_FILE = "_fastclass_table.py"


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
        "funcls/model/_fastclass_table.py is stale (a dataclass changed); refresh it with "
        "`python -m funcls.model.fastclass --write` and commit it. Missing:\n" + proc.stderr
    )


@pytest.mark.parametrize("cls", [Value, Binding, Location, TextEdit, Fix, Related, Finding])
def test_model_classes_take_their_methods_from_the_table(cls: type) -> None:
    for name in ("__init__", "__repr__", "__eq__"):
        method = getattr(cls, name)
        code = getattr(method, "__wrapped__", method).__code__  # repr: the recursion guard
        assert code.co_filename.endswith(TABLE_FILE), (cls, name, code.co_filename)
        assert getattr(cls, name).__qualname__ == f"{cls.__qualname__}.{name}"


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


@pytest.mark.parametrize("cls", [Value, Binding, Location, TextEdit, Fix, Related, Finding])
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
