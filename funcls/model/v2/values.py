"""Resolving and converting v2 decorator arguments as azure-functions would.

``ModuleResolver`` finds the app's own modules and follows imported constants (never running
code); ``ValueConverter`` turns argument values into function.json values: enum members and
strings looked up by member name, lists, dicts, defaults.
"""

from __future__ import annotations

import ast
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
from funcls.model.source import Source, relative_import_base
from funcls.model.v2.pyvalues import PyArgValue


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
            bases = [relative_import_base(from_path, level)]
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
        local = pv.kind != "ref"  # written in this module (not followed to another one)
        pv = self.resolver.resolve_ref(pv, self.path)
        if pv.kind == "const":
            return True, pv.const
        if pv.kind == "call":
            env = env_default(pv)
            if env is not None:
                return self.plain(env[1])
            if pv.qualname == "json.dumps" and len(pv.items) == 1 and not pv.kwargs:
                if local and pv.items[0].kind == "unknown":
                    ok, inner = self.objects_to_dicts(pv.items[0].text)
                else:
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

    def objects_to_dicts(self, text: str) -> tuple[bool, Any]:
        """``[prop.to_dict() for prop in tool_properties]`` (the MCP tool sample's
        ``toolProperties``), where ``tool_properties`` is a list of instances of a class of this
        module and ``to_dict`` returns a dict of what ``__init__`` stored: the list of dicts the
        module computes when it runs, read from its syntax only. Every part must be of the
        plainest form (see ``_plain_class``), else (False, None): the value stays unknown."""
        try:
            comp = ast.parse(text.strip(), mode="eval").body
            module_text = self.resolver.source.text(self.path)
            tree = ast.parse(module_text or "")
        except (SyntaxError, ValueError):
            return False, None
        if not (
            isinstance(comp, ast.ListComp)
            and len(comp.generators) == 1
            and not comp.generators[0].ifs
            and not comp.generators[0].is_async
            and isinstance(comp.generators[0].target, ast.Name)
            and isinstance(comp.generators[0].iter, ast.Name)
        ):
            return False, None
        # prop.to_dict() (a method returning a dict), or prop.__dict__ (what was stored)
        elt, target = comp.elt, comp.generators[0].target.id
        reads = elt.func if isinstance(elt, ast.Call) and not elt.args and not elt.keywords else elt
        if isinstance(elt, ast.Call) and reads is elt:
            return False, None
        if not (
            isinstance(reads, ast.Attribute)
            and isinstance(reads.value, ast.Name)
            and reads.value.id == target
            and (reads is not elt or reads.attr == "__dict__")
        ):
            return False, None
        seq, method = comp.generators[0].iter.id, reads.attr
        elements = _fixed_list(tree, seq)
        module = self.resolver.source.module(self.path)
        if elements is None or module is None:
            return False, None
        out: list[Any] = []
        classes: dict[str, tuple[list[str], dict[str, Any], dict[str, ast.expr], ast.Dict]] = {}
        for element in elements:
            if not (isinstance(element, ast.Call) and isinstance(element.func, ast.Name)):
                return False, None
            name = element.func.id
            if name not in classes:
                found = _plain_class(tree, name, method)
                if found is None:
                    return False, None
                classes[name] = found
            params, defaults, stored, returned = classes[name]
            args: dict[str, Any] = dict(defaults)
            if len(element.args) > len(params) or any(
                isinstance(a, ast.Starred) for a in element.args
            ):
                return False, None
            given = list(zip(params, element.args, strict=False))
            given += [(k.arg, k.value) for k in element.keywords if k.arg is not None]
            if any(k.arg is None for k in element.keywords):
                return False, None
            for param, node in given:
                if param not in params or (param in args and param not in defaults):
                    return False, None
                ok, value = self._literal(node, module.constants)
                if not ok:
                    return False, None
                args[param] = value
            if set(args) != set(params):
                return False, None  # a missing argument: TypeError when the module runs
            attrs: dict[str, Any] = {}
            for attr, node in stored.items():
                if isinstance(node, ast.Name):
                    attrs[attr] = args[node.id]
                else:
                    attrs[attr] = node.value  # type: ignore[attr-defined]
            item: dict[str, Any] = {}
            for key, node in zip(returned.keys, returned.values, strict=True):
                assert isinstance(key, ast.Constant)
                if isinstance(node, ast.Attribute):
                    if node.attr not in attrs:
                        return False, None  # AttributeError when the module runs
                    item[str(key.value)] = attrs[node.attr]
                else:
                    item[str(key.value)] = node.value  # type: ignore[attr-defined]
            out.append(item)
        return True, out

    def _literal(self, node: ast.expr, constants: dict[str, PyValue]) -> tuple[bool, Any]:
        """A call argument: a literal, or a name of this module bound to one."""
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, int, float, bool)):
            return True, node.value
        if isinstance(node, ast.Constant) and node.value is None:
            return True, None
        if isinstance(node, ast.Name) and node.id in constants:
            ok, value = self.plain(constants[node.id])
            if ok and (value is None or isinstance(value, (str, int, float, bool))):
                return True, value
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

    def value(self, pv: PyValue, param: DecoratorParam | None, decorator: str) -> PyArgValue:
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
            return PyArgValue(None, pv, None, known=False, text=pv.text)  # range when read
        env = env_default(self.resolver.resolve_ref(pv, self.path))
        return PyArgValue(v, pv, None, env=env[0] if env is not None else None)


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


def _bindings_of(tree: ast.Module, name: str) -> int:
    """How many times the module may bind or change ``name``: stores, deletes, a use as the
    object of an attribute or subscript (``x.append``, ``x[0] =``), ``global``, imports; -1 for
    a module whose names cannot all be seen (star import, ``globals()``, ``exec``)."""
    count = 0
    parents: dict[int, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if node.id in ("globals", "exec", "vars", "setattr"):
                return -1
            if node.id != name:
                continue
            parent = parents.get(id(node))
            if not isinstance(node.ctx, ast.Load) or isinstance(
                parent, (ast.Attribute, ast.Subscript, ast.AugAssign)
            ):
                count += 1
        elif isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            count += node.name == name
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name == "*":
                    return -1
                count += (alias.asname or alias.name.split(".")[0]) == name
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            count += name in node.names
    return count


def _fixed_list(tree: ast.Module, name: str) -> list[ast.expr] | None:
    """The elements of ``name``, bound once at the top level to a list or tuple literal, never
    changed (``_bindings_of``) and read only as what a comprehension runs over (no alias, no
    loop that could change its elements); None otherwise."""
    if _bindings_of(tree, name) != 1:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.comprehension):
            continue
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Name) and child.id == name and isinstance(child.ctx, ast.Load):
                return None
    for stmt in tree.body:
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and stmt.targets[0].id == name
            and isinstance(stmt.value, (ast.List, ast.Tuple))
        ):
            return list(stmt.value.elts)
    return None


_LITERAL = (ast.Constant,)


def _plain_class(
    tree: ast.Module, name: str, method: str
) -> tuple[list[str], dict[str, Any], dict[str, ast.expr], ast.Dict] | None:
    """A class of the module whose instances are plain records: defined once at the top level,
    no bases, keywords or decorators; its body a docstring and the defs ``__init__`` and
    ``method`` only; ``__init__(self, a, b=literal)`` only stores ``self.x = a`` or a literal;
    ``method(self)`` only returns a dict literal of string keys and ``self.x`` or literal
    values. Returns the parameters, their defaults, what ``__init__`` stores and the returned
    dict; None for anything else (then funcls does not know what the code computes)."""
    if _bindings_of(tree, name) != 1:
        return None
    cls = next(
        (s for s in tree.body if isinstance(s, ast.ClassDef) and s.name == name),
        None,
    )
    if cls is None or cls.bases or cls.keywords:
        return None
    if cls.decorator_list:
        return _plain_dataclass(tree, cls, method)
    defs: dict[str, ast.FunctionDef] = {}
    for i, stmt in enumerate(cls.body):
        if i == 0 and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue
        if not isinstance(stmt, ast.FunctionDef) or stmt.decorator_list or stmt.name in defs:
            return None
        if stmt.name not in ("__init__", method):
            return None  # another method could change what __init__ stored
        defs[stmt.name] = stmt
    init, returner = defs.get("__init__"), defs.get(method)
    if init is None or (returner is None and method != "__dict__"):
        return None
    a = init.args
    if a.vararg or a.kwarg or a.kwonlyargs or a.posonlyargs or not a.args:
        return None
    params = [p.arg for p in a.args[1:]]
    self_name = a.args[0].arg
    defaults: dict[str, Any] = {}
    for param, node in zip(params[len(params) - len(a.defaults) :], a.defaults, strict=True):
        if not isinstance(node, _LITERAL):
            return None
        defaults[param] = node.value
    stored: dict[str, ast.expr] = {}
    for i, stmt in enumerate(init.body):
        if i == 0 and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue
        if not (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Attribute)
            and isinstance(stmt.targets[0].value, ast.Name)
            and stmt.targets[0].value.id == self_name
            and (
                isinstance(stmt.value, _LITERAL)
                or (isinstance(stmt.value, ast.Name) and stmt.value.id in params)
            )
        ):
            return None
        stored[stmt.targets[0].attr] = stmt.value
    if returner is None:  # prop.__dict__: what __init__ stored, in its order
        return params, defaults, stored, _stored_dict(list(stored))
    returned = _returned_dict(returner)
    return None if returned is None else (params, defaults, stored, returned)


def _stored_dict(attrs: list[str]) -> ast.Dict:
    """``{"a": self.a, ...}``: what an instance's ``__dict__`` holds."""
    return ast.Dict(
        keys=[ast.Constant(a) for a in attrs],
        values=[ast.Attribute(ast.Name("self", ast.Load()), a, ast.Load()) for a in attrs],
    )


def _returned_dict(returner: ast.FunctionDef) -> ast.Dict | None:
    """The dict literal ``method(self)`` returns, of string keys and ``self.x`` or literal
    values; None for anything else."""
    r = returner.args
    if r.vararg or r.kwarg or r.kwonlyargs or r.posonlyargs or len(r.args) != 1:
        return None
    body = [
        s
        for i, s in enumerate(returner.body)
        if not (i == 0 and isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
    ]
    if len(body) != 1 or not isinstance(body[0], ast.Return):
        return None
    returned = body[0].value
    if not isinstance(returned, ast.Dict):
        return None
    for key, value in zip(returned.keys, returned.values, strict=True):
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            return None
        is_attr = (
            isinstance(value, ast.Attribute)
            and isinstance(value.value, ast.Name)
            and value.value.id == r.args[0].arg
        )
        if not (is_attr or isinstance(value, _LITERAL)):
            return None
    return returned


def _plain_dataclass(
    tree: ast.Module, cls: ast.ClassDef, method: str
) -> tuple[list[str], dict[str, Any], dict[str, ast.expr], ast.Dict] | None:
    """A record class written with ``@dataclass`` (the MCP tool sample's newer form,
    Azure-Samples/remote-mcp-functions-python): decorated by ``dataclass`` itself, imported
    from the dataclasses module, without arguments; its body a docstring, annotated fields
    with no default or a literal one, and ``method`` as in ``_plain_class``. Its generated
    ``__init__`` takes the fields in order and stores each; ``__dict__`` holds them in that
    order. None for anything else (``field(...)``, ``ClassVar``, other methods or decorators)."""
    if len(cls.decorator_list) != 1 or not _is_dataclass(tree, cls.decorator_list[0]):
        return None
    params: list[str] = []
    defaults: dict[str, Any] = {}
    returner: ast.FunctionDef | None = None
    for i, stmt in enumerate(cls.body):
        if i == 0 and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.simple:
            if "ClassVar" in ast.unparse(stmt.annotation) or stmt.target.id in params:
                return None
            if isinstance(stmt.value, ast.Constant):
                defaults[stmt.target.id] = stmt.value.value
            elif stmt.value is not None:
                return None  # field(...), a call, a name: not read
            elif defaults:
                return None  # a field without a default after one with: TypeError
            params.append(stmt.target.id)
            continue
        if (
            isinstance(stmt, ast.FunctionDef)
            and stmt.name == method
            and not stmt.decorator_list
            and returner is None
        ):
            returner = stmt
            continue
        return None
    if not params:
        return None
    returned = _stored_dict(params) if method == "__dict__" else None
    if returned is None:
        returned = _returned_dict(returner) if returner is not None else None
    if returned is None:
        return None
    stored: dict[str, ast.expr] = {p: ast.Name(p, ast.Load()) for p in params}
    return params, defaults, stored, returned


def _is_dataclass(tree: ast.Module, node: ast.expr) -> bool:
    """``@dataclass`` from ``from dataclasses import dataclass``, or ``@dataclasses.dataclass``
    from ``import dataclasses``, at the module's top level."""
    for stmt in tree.body:
        if (
            isinstance(node, ast.Name)
            and isinstance(stmt, ast.ImportFrom)
            and stmt.module == "dataclasses"
            and not stmt.level
            and any(a.name == "dataclass" and (a.asname or a.name) == node.id for a in stmt.names)
        ):
            return True
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "dataclass"
            and isinstance(node.value, ast.Name)
            and isinstance(stmt, ast.Import)
            and any(
                a.name == "dataclasses" and (a.asname or a.name) == node.value.id
                for a in stmt.names
            )
        ):
            return True
    return False
