"""Binding descriptions (being written)."""

from __future__ import annotations

from funcls.model.catalogue.types import BindingSpec

BINDINGS: tuple[BindingSpec, ...] = ()
