"""BindingSpec.find_property / properties_for keep their answers (issue 16); the answers are
the plain scans', for every catalogue spec and for specs made and dropped on the way."""

from __future__ import annotations

import gc

from funcls.model.catalogue import CATALOGUE
from funcls.model.catalogue.types import BindingSpec, PropertySpec


def scan_find(spec: BindingSpec, name: str) -> PropertySpec | None:
    exact = [p for p in spec.properties if p.name == name]
    if exact:
        return exact[0]
    folded = [p for p in spec.properties if p.name.lower() == name.lower()]
    return folded[0] if folded else None


def scan_for(spec: BindingSpec, direction: str) -> tuple[PropertySpec, ...]:
    return tuple(p for p in spec.properties if not p.directions or direction in p.directions)


def test_answers_are_the_scans_for_every_spec() -> None:
    checked = 0
    for spec in CATALOGUE.bindings.values():
        names = [p.name for p in spec.properties]
        for name in [*names, *(n.upper() for n in names), "nosuch", "Connection", "PATH"]:
            for _ in range(2):  # the first answer computed, the second kept
                assert spec.find_property(name) is scan_find(spec, name)
                checked += 1
        for direction in ("in", "out", "inout", "sideways"):
            for _ in range(2):
                assert spec.properties_for(direction) == scan_for(spec, direction)
    assert checked > 1000


def test_a_new_spec_at_a_reused_address_gets_its_own_answers() -> None:
    for i in range(50):
        prop = PropertySpec(name=f"p{i}", kind="string", summary="")
        spec = BindingSpec("t", "f", "T", False, ("in",), "", "", (prop,))
        assert spec.find_property(f"P{i}") is prop
        assert spec.properties_for("in") == (prop,)
        del spec, prop
        gc.collect()
