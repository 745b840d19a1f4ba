"""Resolving and converting v2 decorator arguments as azure-functions would.

``ModuleResolver`` finds the app's own modules and follows imported constants (never running
code); ``ValueConverter`` turns argument values into function.json values: enum members and
strings looked up by member name, lists, dicts, defaults.
"""

from __future__ import annotations

import json
import os
from typing import Any

from funcls.model.appmodel import (
    Problem,
    Value,
)
from funcls.model.catalogue import (
    CATALOGUE,
    DecoratorParam,
    DecoratorSpec,
    EnumRef,
)
from funcls.model.locations import Range
from funcls.model.python.module import PyValue
from funcls.model.source import Source


class ModuleResolver:
    """Finds the modules an app's script imports, relative to the app root."""

    def __init__(self, root: str, source: Source, remember: bool = False) -> None:
        self.root = root
        self.source = source
        self.extra_roots: list[str] = []  # sys.path additions of the script, inside the app
        # remember: answers kept by (name, from_path's folder for a relative name,
        # extra_roots), for a resolver that lives one check while the files stay as they are
        # (the import traces of a v1 app's 500 scripts resolve the same few names: issue 16).
        # Not for the indexer's, which the language server keeps across edits.
        self._paths: dict[tuple[str, str | None, tuple[str, ...]], str | None] | None = (
            {} if remember else None
        )

    def module_path(self, dotted: str, from_path: str | None) -> str | None:
        """The file of module ``dotted`` (leading dots: relative to ``from_path``'s package)."""
        if self._paths is None:
            return self._module_path(dotted, from_path)
        relative = dotted.startswith(".")
        key = (
            dotted,
            (os.path.dirname(from_path) if from_path is not None else None) if relative else None,
            tuple(self.extra_roots),
        )
        try:
            return self._paths[key]
        except KeyError:
            pass
        found = self._paths[key] = self._module_path(dotted, from_path)
        return found

    def _module_path(self, dotted: str, from_path: str | None) -> str | None:
        level = len(dotted) - len(dotted.lstrip("."))
        name = dotted.lstrip(".")
        if level:
            if from_path is None:
                return None
            base = os.path.dirname(from_path)
            for _ in range(level - 1):
                base = os.path.dirname(base)
            bases = [base]
        else:
            # The app folder, then folders the script puts on sys.path (src/ layouts).
            bases = [self.root, *self.extra_roots]
        parts = [p for p in name.split(".") if p]
        for base in bases:
            target = os.path.join(base, *parts)
            # A package before a module of the same name, as Python's FileFinder looks
            # (importlib._bootstrap_external: the directory's __init__ first); ``from . import
            # x`` in a package's __init__.py names the package itself, never a sibling file.
            package = os.path.join(target, "__init__.py")
            for candidate in (package, target + ".py") if parts else (package,):
                if self.source.is_file(candidate):
                    return os.path.normpath(candidate)
        return None

    def imported_object(self, qualname: str, from_path: str) -> tuple[str, str] | None:
        """(module path, attribute) for an imported name such as ``.blueprints.bp``."""
        bare = qualname.lstrip(".")
        lead = len(qualname) - len(bare)
        if lead and "." not in bare:
            # ``from .. import app``: the name is an attribute of the package itself.
            path = self.module_path("." * lead, from_path)
            return (path, bare) if path is not None else None
        head, _, attr = qualname.rpartition(".")
        if not head:
            return None
        path = self.module_path(head, from_path)
        if path is None:
            return None
        return path, attr

    def resolve_ref(self, pv: PyValue, from_path: str, depth: int = 0) -> PyValue:
        """Follow an imported constant to its literal value (a few modules deep, no code run)."""
        if depth > 6:
            return pv
        if pv.kind == "concat":
            return self.join(pv, from_path, depth)
        if pv.kind != "ref" or pv.qualname is None:
            return pv
        hit = self.imported_object(pv.qualname, from_path)
        if hit is None:
            return pv
        path, attr = hit
        mod = self.source.module(path)
        if mod is None:
            return pv
        const = mod.constants.get(attr)
        if const is None:
            return pv
        resolved = PyValue(
            const.kind,
            pv.range,
            pv.text,
            const=const.const,
            items=const.items,
            entries=const.entries,
            qualname=const.qualname,
            kwargs=const.kwargs,
        )
        return self.resolve_ref(resolved, path, depth + 1)

    def join(self, pv: PyValue, from_path: str, depth: int) -> PyValue:
        """``CONTAINER + "/{name}"`` or ``f"{CONTAINER}/{{name}}"`` once every part is known;
        names are looked up in ``from_path``, the module that wrote the expression."""
        pieces: list[str] = []
        for item in pv.items:
            r = self.resolve_ref(item, from_path, depth + 1)
            env = env_default(r)
            if env is not None:  # os.getenv("NAME", "default") inside an f-string or a +
                r = self.resolve_ref(env[1], from_path, depth + 1)
            if r.kind != "const":
                return pv
            if pv.const == "add" and not isinstance(r.const, str):
                return pv  # str + int raises TypeError at import: no value to give
            pieces.append(r.const if isinstance(r.const, str) else str(r.const))
        return PyValue("const", pv.range, pv.text, const="".join(pieces))

    def defining_module(self, path: str, var: str) -> tuple[str, str]:
        """Where ``var`` of module ``path`` is created, following re-exports such as
        ``from .orders import bp as orders_bp`` in a package's ``__init__.py``."""
        for _ in range(4):
            module = self.source.module(path)
            if module is None or var not in module.imports:
                break
            if any(c.var == var for c in module.app_creations):
                break
            hit = self.imported_object(module.imports[var], path)
            if hit is None:
                break
            path, var = hit
        return path, var


class ValueConverter:
    """Turns Python argument values into function.json values, as the library would."""

    def __init__(self, resolver: ModuleResolver, path: str, problems: list[Problem]) -> None:
        self.resolver = resolver
        self.path = path
        self.problems = problems

    def plain(self, pv: PyValue) -> tuple[bool, Any]:
        pv = self.resolver.resolve_ref(pv, self.path)
        if pv.kind == "const":
            return True, pv.const
        if pv.kind == "call":
            env = env_default(pv)
            if env is not None:
                return self.plain(env[1])
            if pv.qualname == "json.dumps" and len(pv.items) == 1 and not pv.kwargs:
                ok, inner = self.plain(pv.items[0])
                if ok:
                    try:
                        return True, json.dumps(inner)
                    except (TypeError, ValueError):
                        return False, None
            return False, None
        if pv.kind == "list":
            out = []
            for item in pv.items:
                ok, v = self.plain(item)
                if not ok:
                    return False, None
                out.append(v)
            return True, out
        if pv.kind == "dict":
            d: dict[str, Any] = {}
            for k, item in pv.entries.items():
                ok, v = self.plain(item)
                if not ok:
                    return False, None
                d[k] = v
            return True, d
        if pv.kind == "enum" and pv.qualname:
            member = enum_member_json(pv.qualname)
            if member is not None:
                return True, member
        return False, None

    def enum_value(self, pv: PyValue, param: DecoratorParam, decorator: str) -> tuple[bool, Any]:
        pv = self.resolver.resolve_ref(pv, self.path)
        spec = CATALOGUE.enum(param.enum or "")
        if pv.kind == "enum" and pv.qualname:
            member = enum_member_json(pv.qualname)
            if member is not None:
                return True, member
            return False, None
        if pv.kind == "const" and isinstance(pv.const, str):
            if param.parse == "as-is" or spec is None:
                return True, pv.const
            m = spec.by_name(pv.const)
            if m is None:
                allowed = ", ".join(x.name for x in spec.members)
                self.problems.append(
                    Problem(
                        "decorator-enum-value",
                        f"'{pv.const}' is not a {spec.name} member; the library accepts "
                        f"{allowed} (any case)",
                        self.path,
                        pv.range,
                        {"decorator": decorator, "param": param.name, "enum": spec.name},
                    )
                )
                return True, pv.const
            return True, m.json
        if pv.kind == "const" and pv.const is None:
            return True, None
        return False, None

    def value(self, pv: PyValue, param: DecoratorParam | None, decorator: str) -> Value:
        ok: bool
        v: Any
        if param is not None and param.enum and param.kind == "enum":
            ok, v = self.enum_value(pv, param, decorator)
        elif param is not None and param.enum and param.kind == "enum-list":
            rpv = self.resolver.resolve_ref(pv, self.path)
            if rpv.kind == "list":
                items = []
                ok = True
                for item in rpv.items:
                    iok, iv = self.enum_value(item, param, decorator)
                    ok = ok and iok
                    items.append(iv)
                v = items if ok else None
            else:
                ok, v = False, None
        else:
            ok, v = self.plain(pv)
        if not ok:
            return Value(None, pv.range, None, known=False, text=pv.text)
        env = env_default(self.resolver.resolve_ref(pv, self.path))
        return Value(v, pv.range, env=env[0] if env is not None else None)


_ENV_GETTERS = frozenset({"os.getenv", "os.environ.get"})


def env_default(pv: PyValue) -> tuple[str, PyValue] | None:
    """``os.getenv("NAME", default)`` / ``os.environ.get(...)`` with a literal name: the
    setting's name and the default the library sees when the setting is absent."""
    if pv.kind != "call" or pv.qualname not in _ENV_GETTERS:
        return None
    args = list(pv.items)
    if "default" in pv.kwargs and len(args) == 1:
        args.append(pv.kwargs["default"])
    if len(args) != 2 or args[0].kind != "const" or not isinstance(args[0].const, str):
        return None
    return args[0].const, args[1]


def enum_member_json(qualname: str) -> str | None:
    parts = qualname.split(".")
    if len(parts) < 2:
        return None
    spec = CATALOGUE.enum(parts[-2])
    if spec is None or not qualname.startswith(("azure.functions", "azure.durable_functions")):
        return None
    m = spec.by_name(parts[-1])
    return m.json if m is not None else None


def default_value(param: DecoratorParam, rng: Range) -> Value | None:
    d = param.default
    if d is None:
        return None
    if isinstance(d, EnumRef):
        spec = CATALOGUE.enum(d.enum)
        m = spec.by_name(d.member) if spec else None
        return Value(m.json if m else d.member, rng, origin="default")
    if isinstance(d, str) and param.enum and param.parse == "member-name":
        spec = CATALOGUE.enum(param.enum)
        m = spec.by_name(d) if spec else None
        return Value(m.json if m else d, rng, origin="default")
    return Value(d, rng, origin="default")


def binding_direction(spec: DecoratorSpec) -> str:
    return "out" if spec.role == "output" else "in"
