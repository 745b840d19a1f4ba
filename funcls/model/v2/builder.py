"""Applying one function's decorators bottom-up, as the library does at import."""

from __future__ import annotations

import json
from typing import Any

from funcls.model.appmodel import (
    AppObject,
    Binding,
    DecoratorUse,
    Function,
    Problem,
    Value,
)
from funcls.model.catalogue import (
    CATALOGUE,
    DecoratorSpec,
    camel_case,
)
from funcls.model.deffunction import DefFunction
from funcls.model.python.facts import Keyword, LazyPyFunction
from funcls.model.python.module import ModuleInfo, PyFunction, PyValue, RawDecorator
from funcls.model.v2.pyvalues import PyArgValue, PyBinding
from funcls.model.v2.values import (
    ModuleResolver,
    ValueConverter,
    binding_direction,
    default_value,
)


class FunctionBuilder:
    """Applies one function's decorators bottom-up, as the library does at import."""

    def __init__(
        self,
        pyf: PyFunction,
        module: ModuleInfo,
        owner: AppObject,
        resolver: ModuleResolver,
        problems: list[Problem],
    ) -> None:
        self.pyf = pyf
        self.module = module
        self.owner = owner
        self.resolver = resolver
        self.problems = problems
        # A one-shot analysis' def: its ranges read from it when first read (DefFunction).
        held: Any = pyf
        lazy = type(pyf) is LazyPyFunction
        self.fn = fn = Function(
            name=pyf.name,
            model="v2",
            script_path=module.path,
            script_exists=True,
            entry_point=pyf.name,
            entry_found=True,
            def_range=held if lazy else pyf.def_range,
            def_name_range=held if lazy else pyf.name_range,
            is_async=pyf.is_async,
            parameters=list(pyf.params),
            return_annotation=pyf.returns,
            scope=pyf.scope,
            registered_on=owner.var,
            branch=pyf.branch,
        )
        if lazy:
            fn.__class__ = DefFunction  # issue 16: the two ranges made when read
        self.conv = ValueConverter(resolver, module.path, problems)
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
                use.keywords[params[i].name] = PyArgValue(None, pv, None, known=False, text=pv.text)
            else:
                use.extra_positional.append(pv.range)
        for k in d.keywords:
            if k.name is None:
                continue
            use.keywords[k.name] = PyArgValue(None, k.value, k, known=False, text=k.value.text)
            if spec is not None and spec.param(k.name) is None and not spec.kwargs:
                use.unknown_keywords.append((k.name, k.name_range))
        return use

    def args(
        self, d: RawDecorator, spec: DecoratorSpec
    ) -> dict[str, tuple[PyValue, Keyword | None]]:
        """Each argument by parameter name: its value and the keyword naming it (if any)."""
        out: dict[str, tuple[PyValue, Keyword | None]] = {}
        for i, pv in enumerate(d.args):
            if i < len(spec.params):
                out[spec.params[i].name] = (pv, None)
        for k in d.keywords:
            if k.name is not None:
                out[k.name] = (k.value, k)
        return out

    def apply(self, use: DecoratorUse, idx: int, d: RawDecorator) -> None:
        spec = use.spec
        if spec is None or not d.called:
            return
        args = self.args(d, spec)
        # Record resolved keyword values on the decorator use (for hovers and checks).
        for name, (pv, kw) in args.items():
            param = spec.param(name)
            use.keywords[name] = self.conv.value(pv, param, spec.name).with_keyword(kw)
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
            from funcls.model.v2.mcp import mcp_tool_binding  # when used (issue 16)

            b = mcp_tool_binding(self.fn, use, self.module, self.mcp_properties, idx)
            self.add(b)
            return
        if special == "route":
            self.route(use, idx, args)
            return
        btype = spec.bindings[0] if spec.bindings else ""
        type_range = None
        if special == "generic":
            tv = use.keywords.get("type")
            btype = tv.value if tv is not None and tv.known and isinstance(tv.value, str) else ""
            type_range = tv.range if btype and tv is not None else None
        b = PyBinding(
            type=btype,
            direction=binding_direction(spec),
            name="",
            path=self.module.path,
            range=use.range,
            type_range=type_range,
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
                    b.name_from(given)  # its range when read (issue 16)
                elif given is not None:
                    b.name = given.text or ""
                    b.name_from(given)
                continue
            value = given if given is not None else default_value(param, use.range)
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
            v = self.conv.value(k.value, None, spec.name).with_keyword(k)
            if v.known and v.value is None:
                continue
            b.properties[camel_case(k.name)] = v

    def add(self, b: Binding) -> None:
        self.fn.bindings.append(b)

    def route(
        self, use: DecoratorUse, idx: int, args: dict[str, tuple[PyValue, Keyword | None]]
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
        _rename(trig, kw.get("trigger_arg_name"))
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
        _rename(out, kw.get("binding_arg_name"))
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


def _rename(b: Binding, value: Value | None) -> None:
    """A decorator argument that names the binding (route's trigger_arg_name, …)."""
    if value is not None:
        b.name = str(value.value) if value.known else (value.text or "")
        b.name_range = value.range
