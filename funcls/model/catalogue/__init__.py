"""The binding catalogue: the one description of every binding type and decorator.

Everything that knows about bindings — the indexers, the checks, the language server, the JSON
schemas and the runner — asks ``CATALOGUE``.
"""

from __future__ import annotations

import functools
from functools import cached_property

from funcls.model.catalogue import (
    bindings_ai,
    bindings_core,
    bindings_cosmos,
    bindings_dapr,
    bindings_data,
    bindings_durable,
    bindings_kafka,
    bindings_mcp,
    bindings_messaging,
    bindings_other,
    bindings_realtime,
    bindings_redis,
)
from funcls.model.catalogue.decorators_data import DECORATORS, LIBRARY_VERSION, LIBRARY_VERSIONS
from funcls.model.catalogue.enums import ENUMS, ENUMS_BY_NAME
from funcls.model.catalogue.types import (
    BindingSpec,
    DecoratorDoc,
    DecoratorParam,
    DecoratorSpec,
    EnumMember,
    EnumRef,
    EnumSpec,
    PropertySpec,
    camel_case,
    snake_case,
)

__all__ = [
    "CATALOGUE",
    "LIBRARY_VERSION",
    "LIBRARY_VERSIONS",
    "BindingSpec",
    "Catalogue",
    "DecoratorDoc",
    "DecoratorParam",
    "DecoratorSpec",
    "EnumMember",
    "EnumRef",
    "EnumSpec",
    "PropertySpec",
    "camel_case",
    "snake_case",
    "target_library_version",
]

_MODULES = (
    bindings_core,
    bindings_messaging,
    bindings_kafka,
    bindings_cosmos,
    bindings_data,
    bindings_redis,
    bindings_ai,
    bindings_mcp,
    bindings_durable,
    bindings_dapr,
    bindings_realtime,
    bindings_other,
)


class Catalogue:
    def __init__(
        self,
        bindings: tuple[BindingSpec, ...],
        decorators: tuple[DecoratorSpec, ...],
        enums: tuple[EnumSpec, ...],
        docs: dict[str, DecoratorDoc] | None = None,
    ) -> None:
        self.bindings: dict[str, BindingSpec] = {}
        for b in bindings:
            if b.type in self.bindings:
                raise ValueError(f"binding type {b.type!r} is described twice")
            self.bindings[b.type] = b
        self._bindings_ci = {t.lower(): b for t, b in self.bindings.items()}
        self.decorators: dict[str, DecoratorSpec] = {d.name: d for d in decorators}
        self.enums: dict[str, EnumSpec] = {e.name: e for e in enums}
        if docs is not None:
            self.docs = docs

    @cached_property
    def docs(self) -> dict[str, DecoratorDoc]:
        """The decorators' documentation (hovers, completion), imported when first asked:
        `funcls check` never asks (issue 16)."""
        from funcls.model.catalogue.docs import DECORATOR_DOCS

        return DECORATOR_DOCS

    def binding(self, type_name: str) -> BindingSpec | None:
        """The spec for a function.json ``type``; the host matches types ignoring case."""
        return self.bindings.get(type_name) or self._bindings_ci.get(type_name.lower())

    def decorator(self, name: str) -> DecoratorSpec | None:
        return self.decorators.get(name)

    def enum(self, name: str) -> EnumSpec | None:
        return self.enums.get(name)

    @cached_property
    def decorators_by_binding(self) -> dict[str, tuple[DecoratorSpec, ...]]:
        out: dict[str, list[DecoratorSpec]] = {}
        for d in self.decorators.values():
            if d.alias_of:
                continue
            for t in d.bindings:
                out.setdefault(t, []).append(d)
        return {k: tuple(v) for k, v in out.items()}

    def decorators_for(self, type_name: str) -> tuple[DecoratorSpec, ...]:
        spec = self.binding(type_name)
        return self.decorators_by_binding.get(spec.type if spec else type_name, ())

    def closest_binding_type(self, name: str) -> str | None:
        """The known type nearest to a misspelt one (``queuetriger`` -> ``queueTrigger``)."""
        hit = self._bindings_ci.get(name.lower())
        if hit:
            return hit.type
        lowered = {t.lower(): t for t in self.bindings}
        import difflib  # when used: a suggestion for a typo (issue 16)

        match = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
        return lowered[match[0]] if match else None

    def closest_property(self, spec: BindingSpec, name: str) -> str | None:
        names = {p.name.lower(): p.name for p in spec.properties}
        if name.lower() in names:
            return names[name.lower()]
        import difflib  # when used: a suggestion for a typo (issue 16)

        match = difflib.get_close_matches(name.lower(), list(names), n=1, cutoff=0.6)
        return names[match[0]] if match else None

    def closest_decorator(self, name: str) -> str | None:
        import difflib  # when used: a suggestion for a typo (issue 16)

        match = difflib.get_close_matches(name, list(self.decorators), n=1, cutoff=0.6)
        return match[0] if match else None

    def doc(self, decorator: str) -> DecoratorDoc | None:
        spec = self.decorators.get(decorator)
        if spec and spec.alias_of:
            decorator = spec.alias_of
        return self.docs.get(decorator)


@functools.lru_cache(maxsize=1)
def target_library_version() -> str:
    """The azure-functions version whose behaviour the indexers reproduce.

    The version installed next to funcls when there is one (that is also what ``funcls run``
    hands user code), else the newest version the catalogue was generated from.
    """
    import importlib.metadata  # only when a v2 app needs it (~30 ms to import)

    try:
        return importlib.metadata.version("azure-functions")
    except importlib.metadata.PackageNotFoundError:
        return LIBRARY_VERSION


def _load() -> Catalogue:
    bindings: list[BindingSpec] = []
    for m in _MODULES:
        bindings.extend(m.BINDINGS)
    return Catalogue(tuple(bindings), DECORATORS, ENUMS)


CATALOGUE = _load()
ENUMS_BY_NAME = ENUMS_BY_NAME
