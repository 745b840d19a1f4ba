"""The v2 programming model: decorators on FunctionApp / Blueprint objects.

The indexer follows what azure-functions does when the worker imports the script, step by
step, but from the syntax tree: decorators apply bottom-up, each adds its bindings, the
library's defaults are filled in (route = function name, trigger argument ``req``,
``$return``, the app's auth level), blueprints join the app where ``register_functions`` is
called. Values it cannot resolve statically are marked unknown, never guessed.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

from funcls.model.appmodel import (
    AppObject,
    Binding,
    DecoratorUse,
    Function,
    Problem,
    Registration,
    Value,
)
from funcls.model.catalogue import (
    CATALOGUE,
    DecoratorParam,
    DecoratorSpec,
    EnumRef,
    camel_case,
    target_library_version,
)
from funcls.model.locations import Range
from funcls.model.pysource import AppCreation, ModuleInfo, PyFunction, PyValue, RawDecorator
from funcls.model.source import Source
from funcls.model.v2_mcp import mcp_tool_binding


def all_http_methods() -> list[str]:
    """Every HttpMethod member of the targeted library, in declaration order (the ASGI/WSGI
    catch-all function answers them all; azure-functions 2.3 added QUERY)."""
    spec = CATALOGUE.enum("HttpMethod")
    version = target_library_version()
    return [m.json for m in spec.members if m.available_in(version)] if spec else []


@dataclass
class V2Result:
    functions: list[Function] = field(default_factory=list)
    unregistered: list[Function] = field(default_factory=list)
    misplaced: list[Function] = field(default_factory=list)
    app_objects: list[AppObject] = field(default_factory=list)
    registrations: list[Registration] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: set[str] = field(default_factory=set)


class _Resolver:
    """Finds the modules an app's script imports, relative to the app root."""

    def __init__(self, root: str, source: Source) -> None:
        self.root = root
        self.source = source

    def module_path(self, dotted: str, from_path: str | None) -> str | None:
        """The file of module ``dotted`` (leading dots: relative to ``from_path``'s package)."""
        level = len(dotted) - len(dotted.lstrip("."))
        name = dotted.lstrip(".")
        if level:
            if from_path is None:
                return None
            base = os.path.dirname(from_path)
            for _ in range(level - 1):
                base = os.path.dirname(base)
        else:
            base = self.root
        parts = [p for p in name.split(".") if p]
        target = os.path.join(base, *parts)
        for candidate in (target + ".py", os.path.join(target, "__init__.py")):
            if self.source.is_file(candidate):
                return os.path.normpath(candidate)
        return None

    def imported_object(self, qualname: str, from_path: str) -> tuple[str, str] | None:
        """(module path, attribute) for an imported name such as ``.blueprints.bp``."""
        if "." not in qualname.lstrip("."):
            lead = len(qualname) - len(qualname.lstrip("."))
            if lead:
                return None
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


class _Converter:
    """Turns Python argument values into function.json values, as the library would."""

    def __init__(self, resolver: _Resolver, path: str, problems: list[Problem]) -> None:
        self.resolver = resolver
        self.path = path
        self.problems = problems

    def plain(self, pv: PyValue) -> tuple[bool, Any]:
        pv = self.resolver.resolve_ref(pv, self.path)
        if pv.kind == "const":
            return True, pv.const
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
        return Value(v, pv.range)


def enum_member_json(qualname: str) -> str | None:
    parts = qualname.split(".")
    if len(parts) < 2:
        return None
    spec = CATALOGUE.enum(parts[-2])
    if spec is None or not qualname.startswith(("azure.functions", "azure.durable_functions")):
        return None
    m = spec.by_name(parts[-1])
    return m.json if m is not None else None


def _default_value(param: DecoratorParam, rng: Range) -> Value | None:
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


def _direction(spec: DecoratorSpec) -> str:
    return "out" if spec.role == "output" else "in"


class _FunctionBuilder:
    """Applies one function's decorators bottom-up, as the library does at import."""

    def __init__(
        self,
        pyf: PyFunction,
        module: ModuleInfo,
        owner: AppObject,
        resolver: _Resolver,
        problems: list[Problem],
    ) -> None:
        self.pyf = pyf
        self.module = module
        self.owner = owner
        self.resolver = resolver
        self.problems = problems
        self.fn = Function(
            name=pyf.name,
            model="v2",
            script_path=module.path,
            script_exists=True,
            entry_point=pyf.name,
            entry_found=True,
            def_range=pyf.def_range,
            def_name_range=pyf.name_range,
            is_async=pyf.is_async,
            parameters=list(pyf.params),
            return_annotation=pyf.returns,
            scope=pyf.scope,
            registered_on=owner.var,
        )
        self.conv = _Converter(resolver, module.path, problems)
        self.mcp_properties: dict[str, dict[str, Any]] = {}

    def build(self, decorators: list[RawDecorator]) -> Function:
        uses = [self.use(d) for d in decorators]
        self.fn.decorators = uses
        for idx in range(len(uses) - 1, -1, -1):
            self.apply(uses[idx], idx, decorators[idx])
        return self.fn

    def use(self, d: RawDecorator) -> DecoratorUse:
        method = d.chain[-1]
        use = DecoratorUse(
            method=method,
            target=".".join(d.chain[:-1]),
            path=self.module.path,
            range=d.range,
            name_range=d.method_range,
            called=d.called,
            owner_kind=self.owner.kind,
        )
        spec = use.spec
        params = list(spec.params) if spec else []
        for i, pv in enumerate(d.args):
            if i < len(params):
                use.keywords[params[i].name] = Value(
                    None, pv.range, None, known=False, text=pv.text
                )
            else:
                use.extra_positional.append(pv.range)
        for k in d.keywords:
            if k.name is None:
                continue
            use.keywords[k.name] = Value(
                None, k.value.range, k.name_range, known=False, text=k.value.text
            )
            if spec is not None and spec.param(k.name) is None and not spec.kwargs:
                use.unknown_keywords.append((k.name, k.name_range))
        return use

    def args(self, d: RawDecorator, spec: DecoratorSpec) -> dict[str, tuple[PyValue, Range | None]]:
        out: dict[str, tuple[PyValue, Range | None]] = {}
        for i, pv in enumerate(d.args):
            if i < len(spec.params):
                out[spec.params[i].name] = (pv, None)
        for k in d.keywords:
            if k.name is not None:
                out[k.name] = (k.value, k.name_range)
        return out

    def apply(self, use: DecoratorUse, idx: int, d: RawDecorator) -> None:
        spec = use.spec
        if spec is None or not d.called:
            return
        args = self.args(d, spec)
        # Record resolved keyword values on the decorator use (for hovers and checks).
        for name, (pv, name_range) in args.items():
            param = spec.param(name)
            use.keywords[name] = self.conv.value(pv, param, spec.name)
            use.keywords[name].key_range = name_range
        if spec.source == "durable" and not self.owner.is_durable:
            self.durable_restart(use)
        special = spec.special
        if special == "function_name":
            v = use.keywords.get("name")
            if v is not None:
                self.fn.function_name = v
                if v.known and isinstance(v.value, str):
                    self.fn.name = v.value
            return
        if special == "http_type":
            v = use.keywords.get("http_type")
            if v is not None and v.known and isinstance(v.value, str):
                self.fn.http_type = v.value
            return
        if special == "retry":
            self.fn.retry = {k: v for k, v in use.keywords.items()}
            return
        if special == "mcp_tool_property":
            self.mcp_property(use)
            return
        if special == "durable_openai_agent_orchestrator":
            return
        if special == "mcp_tool":
            b = mcp_tool_binding(self.fn, use, self.module, self.mcp_properties, idx)
            self.add(b)
            return
        if special == "route":
            self.route(use, idx, args)
            return
        btype = spec.bindings[0] if spec.bindings else ""
        if special == "generic":
            tv = use.keywords.get("type")
            btype = tv.value if tv is not None and tv.known and isinstance(tv.value, str) else ""
        b = Binding(
            type=btype,
            direction=_direction(spec),
            name="",
            path=self.module.path,
            range=use.range,
            decorator=spec.name,
            decorator_index=idx,
        )
        for key, constant in spec.constant_properties:
            b.properties[key] = Value(constant, use.range, origin="default")
        for param in spec.params:
            target = param.target
            if target is None or target == "type":
                continue
            given = use.keywords.get(param.name)
            if target == "name":
                if given is not None and given.known and isinstance(given.value, str):
                    b.name = given.value
                    b.name_range = given.range
                elif given is not None:
                    b.name = given.text or ""
                    b.name_range = given.range
                continue
            value = given if given is not None else _default_value(param, use.range)
            if value is None or (value.known and value.value is None):
                continue
            b.properties[target] = value
        if special == "dapr_topic_trigger":
            route = b.properties.get("route")
            if route is None or (route.known and not route.value):
                topic = b.properties.get("topic")
                if topic is not None:
                    b.properties["route"] = Value(
                        topic.value, topic.range, None, topic.known, topic.text, origin="default"
                    )
        if special == "mcp_prompt_trigger":
            self.prompt_arguments(b, d)
        if spec.kwargs:
            self.extra_keywords(b, spec, d)
        self.add(b)

    def durable_restart(self, use: DecoratorUse) -> None:
        """Through ``func.FunctionApp`` a durable decorator rebuilds the function from the bare
        ``def``: whatever the decorators below it added is dropped (azure-functions
        ``DecoratorApi._invoke_df_decorator``)."""
        dropped = [b for b in self.fn.bindings]
        lost_name = self.fn.function_name is not None
        if dropped or lost_name:
            what = ", ".join(sorted({b.decorator or b.type for b in dropped}))
            if lost_name:
                what = ", ".join(x for x in (what, "function_name") if x)
            self.problems.append(
                Problem(
                    "durable-drops-decorators",
                    f"@{use.target}.{use.method} rebuilds the function and drops what the "
                    f"decorators below it added ({what}); put the durable decorator directly "
                    "above the def, or create the app with df.DFApp()",
                    use.path,
                    use.name_range,
                    {"dropped": [b.name for b in dropped]},
                )
            )
        self.fn.bindings = []
        self.fn.function_name = None
        self.fn.name = self.pyf.name
        self.fn.http_type = "function"
        self.fn.retry = None

    def extra_keywords(self, b: Binding, spec: DecoratorSpec, d: RawDecorator) -> None:
        for k in d.keywords:
            if k.name is None or spec.param(k.name) is not None:
                continue
            v = self.conv.value(k.value, None, spec.name)
            v.key_range = k.name_range
            if v.known and v.value is None:
                continue
            b.properties[camel_case(k.name)] = v

    def add(self, b: Binding) -> None:
        self.fn.bindings.append(b)

    def route(
        self, use: DecoratorUse, idx: int, args: dict[str, tuple[PyValue, Range | None]]
    ) -> None:
        kw = use.keywords
        trig = Binding(
            type="httpTrigger",
            direction="in",
            name="req",
            path=self.module.path,
            range=use.range,
            decorator="route",
            decorator_index=idx,
        )
        name_v = kw.get("trigger_arg_name")
        if name_v is not None:
            trig.name = str(name_v.value) if name_v.known else (name_v.text or "")
            trig.name_range = name_v.range
        for pname, key in (("methods", "methods"), ("auth_level", "authLevel"), ("route", "route")):
            v = kw.get(pname)
            if v is not None and not (v.known and v.value is None):
                trig.properties[key] = v
        extra = args.get("trigger_extra_fields")
        if extra is not None:
            self.extra_fields(trig, extra[0])
        out = Binding(
            type="http",
            direction="out",
            name="$return",
            path=self.module.path,
            range=use.range,
            decorator="route",
            decorator_index=idx,
        )
        bname = kw.get("binding_arg_name")
        if bname is not None:
            out.name = str(bname.value) if bname.known else (bname.text or "")
            out.name_range = bname.range
        extra = args.get("binding_extra_fields")
        if extra is not None:
            self.extra_fields(out, extra[0])
        self.add(trig)
        self.add(out)

    def extra_fields(self, b: Binding, pv: PyValue) -> None:
        pv = self.resolver.resolve_ref(pv, self.module.path)
        if pv.kind != "dict":
            return
        for key, item in pv.entries.items():
            v = self.conv.value(item, None, "route")
            if v.known and v.value is None:
                continue
            b.properties[camel_case(key)] = v

    def mcp_property(self, use: DecoratorUse) -> None:
        kw = use.keywords
        name_v = kw.get("arg_name")
        if name_v is None or not name_v.known or not isinstance(name_v.value, str):
            return
        entry: dict[str, Any] = {}
        desc = kw.get("description")
        entry["description"] = desc.value if desc is not None and desc.known else None
        ptype = kw.get("property_type")
        entry["propertyType"] = ptype.value if ptype is not None and ptype.known else None
        req = kw.get("is_required")
        entry["isRequired"] = req.value if req is not None and req.known else True
        arr = kw.get("as_array")
        entry["isArray"] = arr.value if arr is not None and arr.known else False
        self.mcp_properties[name_v.value] = entry

    def prompt_arguments(self, b: Binding, d: RawDecorator) -> None:
        pv: PyValue | None = None
        spec = CATALOGUE.decorator("mcp_prompt_trigger")
        for k in d.keywords:
            if k.name == "prompt_arguments":
                pv = k.value
        if pv is None and spec is not None:
            names = [p.name for p in spec.params]
            i = names.index("prompt_arguments")
            if i < len(d.args):
                pv = d.args[i]
        b.properties.pop("promptArguments", None)
        if pv is None:
            return
        pv = self.resolver.resolve_ref(pv, self.module.path)
        if pv.kind == "const" and pv.const is None:
            return
        if pv.kind != "list":
            b.properties["promptArguments"] = Value(None, pv.range, known=False, text=pv.text)
            return
        items: list[dict[str, Any]] = []
        for item in pv.items:
            if item.kind != "call" or not (item.qualname or "").endswith("PromptArgument"):
                b.properties["promptArguments"] = Value(None, pv.range, known=False, text=pv.text)
                return
            fields: dict[str, Any] = {"name": None, "description": None, "required": False}
            order = ["name", "description", "required"]
            for i, a in enumerate(item.items):
                ok, v = self.conv.plain(a)
                if not ok or i >= 3:
                    b.properties["promptArguments"] = Value(
                        None, pv.range, known=False, text=pv.text
                    )
                    return
                fields[order[i]] = v
            for k2, a in item.kwargs.items():
                ok, v = self.conv.plain(a)
                if not ok:
                    b.properties["promptArguments"] = Value(
                        None, pv.range, known=False, text=pv.text
                    )
                    return
                fields[k2] = v
            items.append(fields)
        if items:
            text = json.dumps(items, separators=(",", ":"))
            b.properties["promptArguments"] = Value(text, pv.range)


def _app_object(c: AppCreation, path: str) -> AppObject:
    obj = AppObject(c.var, c.kind, path, c.range, c.call_range, c.top_level)
    if c.kind in ("FunctionApp", "DFApp"):
        positional = ["http_auth_level"]
    elif c.kind in ("AsgiFunctionApp", "WsgiFunctionApp"):
        positional = ["app", "http_auth_level", "function_name"]
    else:
        positional = []
    given: dict[str, PyValue] = dict(c.kwargs)
    for i, a in enumerate(c.args):
        if i < len(positional):
            given.setdefault(positional[i], a)
    lvl = given.get("http_auth_level")
    if lvl is not None:
        obj.auth_level = Value(None, lvl.range, None, known=False, text=lvl.text)
    fname = given.get("function_name")
    if fname is not None:
        obj.function_name = Value(
            fname.const if fname.kind == "const" else None,
            fname.range,
            known=fname.kind == "const",
            text=fname.text,
        )
    return obj


def _resolve_auth_level(
    obj: AppObject, creation: AppCreation, conv: _Converter, problems: list[Problem]
) -> None:
    if obj.is_blueprint:
        return
    if obj.auth_level is None:
        obj.auth_level = Value("function", obj.call_range, origin="default")
        return
    pv = creation.kwargs.get("http_auth_level")
    if pv is None and creation.args:
        idx = 1 if obj.kind in ("AsgiFunctionApp", "WsgiFunctionApp") else 0
        pv = creation.args[idx] if idx < len(creation.args) else None
    if pv is None:
        return
    pv = conv.resolver.resolve_ref(pv, obj.path)
    if pv.kind == "enum" and pv.qualname:
        json_value = enum_member_json(pv.qualname)
        if json_value is not None:
            obj.auth_level = Value(json_value, pv.range)
        return
    if pv.kind == "const" and isinstance(pv.const, str):
        # FunctionApp looks a string up by exact member name: "ANONYMOUS" works, "anonymous" fails.
        spec = CATALOGUE.enum("AuthLevel")
        member = next((m for m in spec.members if m.name == pv.const), None) if spec else None
        if member is None:
            problems.append(
                Problem(
                    "app-auth-level",
                    f"FunctionApp(http_auth_level='{pv.const}') fails at import: the library "
                    "looks the string up by exact member name; write "
                    f"func.AuthLevel.{pv.const.upper()} or '{pv.const.upper()}'",
                    obj.path,
                    pv.range,
                    {"value": pv.const},
                )
            )
            obj.auth_level = Value(pv.const, pv.range)
        else:
            obj.auth_level = Value(member.json, pv.range)


def _asgi_function(obj: AppObject) -> Function:
    name = "http_app_func"
    if obj.function_name is not None and obj.function_name.known:
        name = str(obj.function_name.value)
    fn = Function(
        name=name,
        model="v2",
        script_path=obj.path,
        script_exists=True,
        entry_point="http_app_func",
        entry_found=True,
        def_range=obj.range,
        def_name_range=obj.call_range,
        is_async=obj.kind == "AsgiFunctionApp",
        registered_on=obj.var,
        http_type="asgi" if obj.kind == "AsgiFunctionApp" else "wsgi",
        synthetic=True,
    )
    trig = Binding("httpTrigger", "in", "req", obj.path, obj.call_range)
    trig.properties["methods"] = Value(all_http_methods(), obj.call_range, origin="default")
    if obj.auth_level is not None:
        trig.properties["authLevel"] = obj.auth_level
    trig.properties["route"] = Value("/{*route}", obj.call_range, origin="default")
    fn.bindings = [trig, Binding("http", "out", "$return", obj.path, obj.call_range)]
    return fn


def _openai_activity(obj: AppObject, use_range: Range) -> Function:
    fn = Function(
        name="run_model",
        model="v2",
        script_path=obj.path,
        script_exists=True,
        entry_point="run_model",
        entry_found=True,
        def_range=use_range,
        def_name_range=use_range,
        is_async=True,
        registered_on=obj.var,
        synthetic=True,
    )
    b = Binding("activityTrigger", "in", "input", obj.path, use_range)
    b.properties["activity"] = Value("run_model", use_range, origin="default")
    fn.bindings = [b]
    return fn


def _apply_http_defaults(fn: Function, app_level: Value | None) -> None:
    trig = fn.trigger
    if trig is None or trig.type != "httpTrigger":
        return
    anchor = trig.range
    if "route" not in trig.properties or (
        trig.properties["route"].known and trig.properties["route"].value is None
    ):
        trig.properties["route"] = Value(fn.name, anchor, origin="default")
    if "authLevel" not in trig.properties and app_level is not None:
        trig.properties["authLevel"] = Value(
            app_level.value, anchor, None, app_level.known, app_level.text, origin="default"
        )


class V2Indexer:
    def __init__(self, root: str, script_path: str, source: Source) -> None:
        self.root = root
        self.script_path = os.path.normpath(script_path)
        self.source = source
        self.resolver = _Resolver(root, source)
        self.result = V2Result()
        self._openai_done = False

    def functions_of(
        self, module: ModuleInfo, owner: AppObject
    ) -> list[tuple[PyFunction, Function]]:
        out: list[tuple[PyFunction, Function]] = []
        for pyf in module.functions:
            mine = [d for d in pyf.decorators if len(d.chain) == 2 and d.chain[0] == owner.var]
            if not mine:
                continue
            if pyf.scope != "module":
                fn = _FunctionBuilder(
                    pyf, module, owner, self.resolver, self.result.problems
                ).build(mine)
                self.result.misplaced.append(fn)
                continue
            fn = _FunctionBuilder(pyf, module, owner, self.resolver, self.result.problems).build(
                mine
            )
            out.append((pyf, fn))
        return out

    def objects_of(self, module: ModuleInfo) -> list[tuple[AppCreation, AppObject]]:
        conv = _Converter(self.resolver, module.path, self.result.problems)
        out = []
        for c in module.app_creations:
            obj = _app_object(c, module.path)
            _resolve_auth_level(obj, c, conv, self.result.problems)
            out.append((c, obj))
        return out

    def run(self) -> V2Result:
        main = self.source.module(self.script_path)
        if main is None:
            return self.result
        self.result.files.add(self.script_path)
        self.result.problems.extend(main.problems)
        creations = self.objects_of(main)
        for _, obj in creations:
            self.result.app_objects.append(obj)
        apps = [o for _, o in creations if not o.is_blueprint and o.top_level]
        app_level = apps[0].auth_level if apps else None
        local_bps = {o.var: o for _, o in creations if o.is_blueprint}
        registered_bp_keys: set[tuple[str, str]] = set()

        # Events of the main module in source order: app creations, decorated defs, registrations.
        events: list[tuple[int, int, Any]] = []
        for c, obj in creations:
            if not obj.is_blueprint and obj.top_level:
                events.append((c.range.start.line, 0, ("create", obj)))
        for app_obj in apps:
            for pyf, fn in self.functions_of(main, app_obj):
                events.append((pyf.def_range.start.line, 1, ("fn", fn)))
        for reg in main.registrations:
            events.append((reg.range.start.line, 2, ("reg", reg)))
        events.sort(key=lambda e: (e[0], e[1]))

        for _, _, (kind, payload) in events:
            if kind == "create":
                obj = payload
                if obj.kind in ("AsgiFunctionApp", "WsgiFunctionApp"):
                    self.result.functions.append(_asgi_function(obj))
            elif kind == "fn":
                self.add_function(payload, app_level)
            elif kind == "reg":
                self.register(payload, main, local_bps, app_level, registered_bp_keys)

        self.scan_unregistered(main, registered_bp_keys, app_level)
        return self.result

    def add_function(self, fn: Function, app_level: Value | None) -> None:
        uses_agent = any(u.method == "durable_openai_agent_orchestrator" for u in fn.decorators)
        if uses_agent and not self._openai_done:
            self._openai_done = True
            if True:
                owner = next(
                    (o for o in self.result.app_objects if o.var == fn.registered_on), None
                )
                if owner is not None:
                    use = next(
                        u for u in fn.decorators if u.method == "durable_openai_agent_orchestrator"
                    )
                    self.result.functions.append(_openai_activity(owner, use.range))
        _apply_http_defaults(fn, app_level)
        self.result.functions.append(fn)

    def register(
        self,
        reg: Any,
        main: ModuleInfo,
        local_bps: dict[str, AppObject],
        app_level: Value | None,
        registered: set[tuple[str, str]],
    ) -> None:
        chain: list[str] = reg.arg_chain
        registration = Registration(
            app_var=reg.app_var,
            path=main.path,
            range=reg.range,
            arg_text=reg.arg.text if reg.arg is not None else "",
            blueprint_path=None,
            blueprint_var=None,
        )
        self.result.registrations.append(registration)
        target: tuple[str, str] | None = None
        if len(chain) == 1 and chain[0] in local_bps:
            target = (main.path, chain[0])
        elif len(chain) == 1 and chain[0] in main.imports:
            target = self.resolver.imported_object(main.imports[chain[0]], main.path)
        elif len(chain) == 2 and chain[0] in main.imports:
            mod_path = self.resolver.module_path(main.imports[chain[0]], main.path)
            if mod_path is not None:
                target = (mod_path, chain[1])
        if target is None:
            self.result.problems.append(
                Problem(
                    "blueprint-unresolved",
                    f"cannot find where '{registration.arg_text}' is defined in the app; funcls "
                    "only follows imports of modules inside the app folder",
                    main.path,
                    reg.range,
                )
            )
            return
        path, var = target
        if path != main.path:
            path, var = self.resolver.defining_module(path, var)
        registration.blueprint_path, registration.blueprint_var = path, var
        module = main if path == main.path else self.source.module(path)
        if module is None:
            return
        self.result.files.add(path)
        if path != main.path:
            self.result.problems.extend(p for p in module.problems if p not in self.result.problems)
        bp_obj = None
        for _c, obj in self.objects_of(module) if path != main.path else []:
            if obj.var == var:
                bp_obj = obj
                if obj not in self.result.app_objects and not any(
                    o.var == obj.var and o.path == obj.path for o in self.result.app_objects
                ):
                    self.result.app_objects.append(obj)
        if path == main.path:
            bp_obj = local_bps.get(var)
        if bp_obj is None:
            return
        registered.add((path, var))
        for _, fn in self.functions_of(module, bp_obj):
            fn.blueprint_path = path
            self.add_function(fn, app_level)

    def scan_unregistered(
        self, main: ModuleInfo, registered: set[tuple[str, str]], app_level: Value | None
    ) -> None:
        """Blueprints created anywhere in the app that no ``register_functions`` call adds."""
        for path in self.python_files():
            if path == self.script_path:
                module: ModuleInfo | None = main
            else:
                text = self.source.text(path)
                if text is None or "Blueprint" not in text:
                    continue
                module = self.source.module(path)
            if module is None:
                continue
            for _c, obj in self.objects_of(module) if module is not main else []:
                if not obj.is_blueprint:
                    continue
                if not any(
                    o.var == obj.var and o.path == obj.path for o in self.result.app_objects
                ):
                    self.result.app_objects.append(obj)
            for obj in list(self.result.app_objects):
                if obj.path != path or not obj.is_blueprint or (path, obj.var) in registered:
                    continue
                for _, fn in self.functions_of(module, obj):
                    fn.blueprint_path = path
                    _apply_http_defaults(fn, app_level)
                    self.result.unregistered.append(fn)
                self.result.files.add(path)

    def python_files(self) -> list[str]:
        from funcls.model.source import SKIP_DIRS

        out: list[str] = []
        stack = [self.root]
        while stack:
            d = stack.pop()
            for name in self.source.listdir(d):
                p = os.path.join(d, name)
                if name.endswith(".py") and self.source.is_file(p):
                    out.append(os.path.normpath(p))
                elif name not in SKIP_DIRS and not name.startswith(".") and self.source.is_dir(p):
                    if name in ("tests", "test") and d == self.root:
                        continue
                    stack.append(p)
        return sorted(out)


def index_v2_app(root: str, script_path: str, source: Source) -> V2Result:
    return V2Indexer(root, script_path, source).run()
