"""Hand-written texts for the decorators (being written)."""

from __future__ import annotations

from funcls.model.catalogue.types import DecoratorDoc

DECORATOR_DOCS: dict[str, DecoratorDoc] = {}
