"""``textDocument/hover``: catalogue texts for binding types, properties and decorators; timer
schedules in words with their next runs; HTTP routes as local URLs; settings with their
(masked) values; a parameter with the binding that feeds it."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

from lsprotocol import types

from funcls.lsp import describe, schema_nav, usage
from funcls.lsp.completion.schema_json import load_schema
from funcls.lsp.context import Context
from funcls.lsp.decorator_repair import repaired_decorator
from funcls.lsp.describe import code
from funcls.lsp.durable_names import durable_hover
from funcls.lsp.earlier_analysis import reuse_analysis
from funcls.lsp.items import markdown
from funcls.lsp.lookup import (
    Spot,
    functions_in,
    route_param_location,
    route_param_names,
    spot_at,
)
from funcls.model.appmodel import App, Binding, Function
from funcls.model.catalogue import CATALOGUE
from funcls.model.catalogue.types import DecoratorSpec
from funcls.model.locations import Position, Range
from funcls.model.python.facts import Keyword, ModuleInfo


def hover(ctx: Context, path: str, pos: Position) -> types.Hover | None:
    app = ctx.app(path)
    if app is None:
        return None
    durable = durable_hover(ctx, path, pos)
    if durable is not None:
        fn, word, rng = durable
        where = os.path.relpath(fn.script_path or app.root, app.root)
        line = fn.def_name_range.start.line + 1 if fn.def_name_range else 1
        shown = f"{_function(ctx, app, fn)}\n\nThe durable {word} `def {fn.name}` ({where}:{line})"
        return types.Hover(contents=markdown(ctx, shown), range=ctx.positions.range(path, rng))
    spot = spot_at(app, path, pos, ctx.source)
    if spot is None:
        return _typed_decorator_hover(ctx, app, path, pos)
    text = hover_text(ctx, spot)
    if not text:
        return None
    return types.Hover(contents=markdown(ctx, text), range=ctx.positions.range(path, spot.range))


# Decorators whose hover adds what the app model resolves (the route as a local URL with
# host.json's prefix, a schedule given by an imported name): those wait for the edits.
_MODEL_EXTRA = frozenset({"httptrigger", "timertrigger"})


def text_hover(
    ctx: Context,
    path: str,
    pos: Position,
    dirty: Iterable[str],
    earlier: tuple[str, ModuleInfo] | None = None,
) -> types.Hover | None:
    """Hover at ``pos`` answered from the document's current text and its own analysis, before
    the edits ``dirty`` are indexed again (issue 16), or None when it must wait for them.

    Answers only on the name of a decorator called on an app object the module itself creates
    (``bp = func.Blueprint()``) and on a keyword name of such a decorator call: those texts come
    from the catalogue (the library's decorators and the seeds' docs), which an edit does not
    change, and their ranges from the analysis of the text as it is now, so a line added above
    moves them with it. Everything else waits: a pending change of a file other than a Python
    one (host.json, local.settings.json, function.json), a file in no app or with no function
    of the app as last indexed (a blueprint not registered), an app object imported from
    another module, an HTTP or timer trigger (its hover adds the resolved route or the next
    runs: a timer trigger answers when its schedule is a string constant of the text), values,
    parameters, function names.

    ``earlier``: a text of the document and its analysis (the last one indexed). When the edit
    since then stays inside one def other than the hovered one, the hover is read from that
    analysis with its lines moved (``earlier_analysis``), which is what the current text's
    analysis gives there, without making it (after an Enter it copies every def below)."""
    if not path.endswith(".py") or any(not p.endswith(".py") for p in dirty):
        return None
    app = ctx.app(path)
    if app is None or not functions_in(app, path):
        return None
    if earlier is not None:
        text = ctx.text(path)
        reuse = reuse_analysis(earlier[0], earlier[1], text) if text is not None else None
        at = reuse.to_earlier(pos) if reuse is not None else None
        if reuse is not None and at is not None:
            found = _decorator_hover(ctx, app, reuse.module, at)
            if found is None:
                return None
            doc, rng = found
            return types.Hover(markdown(ctx, doc), ctx.positions.range(path, reuse.to_current(rng)))
    module = ctx.source.module(path)
    if module is None or module.partial:
        return None
    found = _decorator_hover(ctx, app, module, pos)
    if found is None:
        return None
    doc, rng = found
    return types.Hover(markdown(ctx, doc), ctx.positions.range(path, rng))


def _typed_decorator_hover(ctx: Context, app: App, path: str, pos: Position) -> types.Hover | None:
    """Hover in a decorator being typed whose syntax error hides its def from the model
    (``@app.route(route="products/{id``): the decorator's and its keywords' texts, read from
    the decorator repaired (``decorator_repair``), without what only the model resolves (a
    route as a local URL); on the app object's name, the object as the model knows it."""
    module = ctx.source.module(path) if path.endswith(".py") else None
    text = ctx.text(path)
    if module is None or not module.partial or text is None:
        return None
    repair = repaired_decorator(path, text, pos)
    if repair is None:
        return None
    d = repair.module.functions[0].decorators[0]
    at = repair.to_repair(pos)
    if d.chain and d.range.start <= at < d.method_range.start:
        obj = next((o for o in app.app_objects if o.var == d.chain[0] and o.path == path), None)
        if obj is None:
            return None
        shown = hover_text(ctx, Spot("app-object", app, path, d.range, app_object=obj))
        return _hover(ctx, path, shown, repair.first, d.range)  # as spot_at's app-object
    kinds = {c.var: c.kind for c in module.app_creations if c.top_level}
    found = _decorator_hover(ctx, app, repair.module, at, kinds, model_extras=False)
    return _hover(ctx, path, found[0], repair.first, found[1]) if found is not None else None


def _hover(ctx: Context, path: str, text: str | None, first: int, rng: Range) -> types.Hover | None:
    """A hover of ``text`` over ``rng`` of a repaired decorator read from line ``first``, its
    end kept inside the text typed (the repair adds closing characters)."""
    lines = ctx.positions.lines(path)
    if not text or lines is None:
        return None
    end_line = rng.end.line + first
    end = min(rng.end.column, len(lines.line_text(end_line)))
    moved = Range.of(rng.start.line + first, rng.start.column, end_line, end)
    return types.Hover(contents=markdown(ctx, text), range=ctx.positions.range(path, moved))


def _decorator_hover(
    ctx: Context,
    app: App,
    module: ModuleInfo,
    pos: Position,
    kinds: dict[str, str] | None = None,
    model_extras: bool = True,
) -> tuple[str, Range] | None:
    """``text_hover``'s text and the model range it covers, from ``module``'s analysis;
    ``kinds``: the app objects by variable (default: those ``module`` creates);
    ``model_extras`` False: a decorator whose hover adds what the model resolves (a route as
    a local URL) answers its catalogue text alone, not None."""
    if kinds is None:
        kinds = {c.var: c.kind for c in module.app_creations if c.top_level}
    for f in module.functions:
        if f.scope != "module" or not f.def_range.contains(pos):
            continue
        for d in f.decorators:
            if not d.range.contains(pos):
                continue
            kind = kinds.get(d.chain[0]) if len(d.chain) == 2 else None
            spec = describe_spec(d.chain[-1], kind)
            if spec is None:
                return None
            if d.method_range.contains(pos):
                doc = describe.decorator_markdown(spec, d.chain[0])
                types_ = {t.lower() for t in spec.bindings}
                if "timertrigger" in types_:
                    # The schedule in words and its next runs: from the text when the
                    # schedule is a constant of this module (settings as last indexed, which
                    # a Python edit does not change); an imported name waits.
                    sched = _literal_keyword(d.keywords, _schedule_keyword(spec))
                    if sched is None and model_extras:
                        return None
                    if sched is not None:
                        doc += "\n\n---\n\n" + describe.schedule_markdown(sched, app, ctx.now())
                elif types_ & _MODEL_EXTRA and model_extras:
                    return None
                return doc, d.method_range
            for kw in d.keywords:
                # A value being typed (model_extras False): the keyword's text, over the value.
                on_value = not model_extras and kw.value.range.contains(pos)
                if kw.name is not None and (kw.name_range.contains(pos) or on_value):
                    if spec.param(kw.name) is None:
                        return None
                    kw_doc = describe.keyword_markdown(spec, kw.name)
                    if not kw_doc:
                        return None
                    return kw_doc, kw.value.range if on_value else kw.name_range
            return None
        return None
    return None


def _schedule_keyword(spec: DecoratorSpec) -> str | None:
    return next((p.name for p in spec.params if p.target == "schedule"), None)


def _literal_keyword(keywords: list[Keyword], name: str | None) -> str | None:
    """The string constant given to keyword ``name``, or None."""
    for kw in keywords:
        if name is not None and kw.name == name:
            v = kw.value
            return v.const if v.kind == "const" and isinstance(v.const, str) else None
    return None


def describe_spec(method: str, owner_kind: str | None) -> DecoratorSpec | None:
    """The decorator ``method`` of an object of ``owner_kind``, as ``DecoratorUse.spec``."""
    if owner_kind is None:
        return None
    spec = CATALOGUE.decorator(method)
    if spec is None or not spec.available_on(owner_kind):
        return None
    return spec


def hover_text(ctx: Context, spot: Spot) -> str | None:
    app, fn, b = spot.app, spot.fn, spot.binding
    kind = spot.kind
    if spot.setting is not None and kind in ("property-value", "keyword-value", "env-read"):
        return _with_uses(ctx, app, describe.setting_markdown(app, spot.setting), spot.setting)
    if kind in ("setting-key", "setting-value") and spot.setting is not None:
        return _with_uses(ctx, app, describe.setting_markdown(app, spot.setting), spot.setting)
    if kind == "binding-type" and b is not None:
        return describe.binding_markdown(b)
    if kind == "binding-direction" and b is not None:
        e = CATALOGUE.enum("BindingDirection")
        m = e.by_json(b.direction) if e else None
        return f"{code('direction')}: {code(b.direction)}" + (f" — {m.summary}" if m else "")
    if kind == "binding-name" and b is not None and fn is not None:
        return _binding_name(fn, b)
    if kind in ("route-param", "query-param", "body") and fn is not None:
        return _read_text(fn, spot)
    if kind in ("parameter", "parameter-use") and fn is not None and spot.param is not None:
        return describe.parameter_markdown(fn, spot.param, fn.binding(spot.param.name))
    if kind == "decorator" and spot.use is not None and spot.use.spec is not None:
        text = describe.decorator_markdown(spot.use.spec, spot.use.target)
        trig = _decorator_trigger(fn, spot)
        extra = _trigger_extra(ctx, app, fn, trig) if trig is not None else None
        return text + (f"\n\n---\n\n{extra}" if extra else "")
    if kind in ("property-key", "keyword", "json-key") and spot.key and b is not None:
        prop = spot.property_spec
        if prop is not None and kind != "keyword":
            return describe.property_markdown(prop, b.spec)
    if kind == "keyword" and spot.use is not None and spot.use.spec is not None and spot.keyword:
        return describe.keyword_markdown(spot.use.spec, spot.keyword)
    if kind in ("property-value", "keyword-value") and b is not None and fn is not None:
        return _value(ctx, app, fn, b, spot)
    if kind == "keyword-value" and spot.use is not None and spot.keyword and spot.use.spec:
        return describe.keyword_markdown(spot.use.spec, spot.keyword)
    if kind == "function" and fn is not None:
        return _function(ctx, app, fn)
    if kind == "script-file" and fn is not None and fn.script_path:
        state = "" if fn.script_exists else " — the file does not exist"
        if fn.script_outside:
            state = " — outside the app: the host would load it, funcls does not read it"
        return (
            f"Script of {code(fn.name)}: {code(os.path.relpath(fn.script_path, app.root))}{state}"
        )
    if kind == "entry-point" and fn is not None:
        if not fn.entry_found:
            return f"{code(fn.entry_point)} is not defined in {code(fn.script_file_name)}"
        params = ", ".join(describe.annotation_text(p) for p in fn.parameters)
        return f"```python\ndef {fn.entry_point}({params})\n```\n\nEntry point of {code(fn.name)}"
    if kind == "app-object" and spot.app_object is not None:
        obj = spot.app_object
        fns = [
            f.name
            for f in app.functions
            if f.registered_on == obj.var and (f.blueprint_path or f.script_path) == obj.path
        ]
        where = os.path.relpath(obj.path, app.root)
        head = f"**{obj.kind}** {code(obj.var)} ({where}:{obj.range.start.line + 1})"
        return head + ("\n\nFunctions: " + ", ".join(code(n) for n in fns) if fns else "")
    if kind == "json-key" and spot.json_path:
        return _schema_text(os.path.basename(spot.path), spot.json_path)
    return None


def _read_text(fn: Function, spot: Spot) -> str | None:
    """What ``req.route_params["id"]``, ``req.params["x"]`` or ``msg.get_body()`` reads."""
    p = spot.param
    if p is None:
        return None
    name = spot.key or ""
    if spot.kind == "route-param":
        declared = route_param_location(fn, name)
        if declared is None:
            params = route_param_names(fn)
            same = next((d for d in params if d.lower() == name.lower()), None)
            if same is not None:
                # As AZF509: the host's route values ignore case (the hover said KeyError).
                return (
                    f"Route parameter {code(name)}: the route declares "
                    f"{code('{' + same + '}')}, and the host's route values ignore case, so "
                    "this reads that segment of the URL, as a `str`."
                )
            listed = ", ".join(code("{" + d + "}") for d in params) or "none"
            return (
                f"{code(name)} is not a parameter of the route of {code(fn.name)} (its "
                f"parameters: {listed}): "
                f"{code(p.name + '.route_params[' + repr(name) + ']')} raises KeyError; "
                "read one it declares, or declare it in the route template as "
                + code("{" + name + "}")
            )
        template = declared[2]
        m = re.search(r"\{\*{0,2}" + re.escape(name) + r"(:[^?=}]+)?", template)
        constraint = m.group(1)[1:] if m and m.group(1) else None
        checked = f", constrained to {code(constraint)}" if constraint else ""
        return (
            f"Route parameter {code(name)} of {code(template)}{checked}: the matching segment "
            "of the URL, as a `str`."
        )
    if spot.kind == "query-param":
        return (
            f"Query parameter {code(name)} of the request to {code(fn.name)} "
            f"(`?{name}=…`), as a `str`; `[...]` raises KeyError when it is absent, "
            "`.get()` gives None."
        )
    return describe.parameter_markdown(fn, p, spot.binding)


def _decorator_trigger(fn: Function | None, spot: Spot) -> Binding | None:
    if fn is None or spot.use is None:
        return None
    idx = next((i for i, u in enumerate(fn.decorators) if u is spot.use), -1)
    return next((b for b in fn.bindings if b.decorator_index == idx and b.is_trigger), None)


def _binding_name(fn: Function, b: Binding) -> str:
    head = f"Binding {code(b.name)} · {describe.binding_title(b)} · {b.direction}"
    if b.name == "$return":
        ret = fn.return_annotation.text if fn.return_annotation else "not annotated"
        return f"{head}\n\nThe return value of {code(fn.entry_point)} ({ret})."
    p = fn.parameter(b.name)
    if p is None:
        return f"{head}\n\nNo parameter {code(b.name)} in {code(fn.entry_point)}."
    return f"{head}\n\nFeeds ```{describe.annotation_text(p)}``` of {code(fn.entry_point)}."


def _value(ctx: Context, app: App, fn: Function, b: Binding, spot: Spot) -> str | None:
    key = (spot.key or "").lower()
    value = spot.value
    prop = spot.property_spec
    role = prop.role if prop else None
    if value is not None and value.known and isinstance(value.value, str):
        if role == "schedule" or key == "schedule":
            return describe.schedule_markdown(value.value, app, ctx.now())
        if role == "route" and b.type.lower() == "httptrigger":
            return describe.route_markdown(app, fn, b)
        ch = usage.channel(app, b, spot.key or "", value)
        if ch is not None:
            return _channel(app, ch)
        if prop is not None and prop.enum:
            e = CATALOGUE.enum(prop.enum)
            m = e.by_json(value.value) or e.by_name(value.value) if e else None
            if m is not None:
                return f"{code(prop.name)}: {code(m.json)} — {m.summary}"
    if role == "methods" and b.type.lower() == "httptrigger":
        return describe.route_markdown(app, fn, b)
    if prop is not None:
        return describe.property_markdown(prop, b.spec)
    if spot.use is not None and spot.use.spec is not None and spot.keyword:
        return describe.keyword_markdown(spot.use.spec, spot.keyword)
    return None


def _channel(app: App, ch: tuple[str, str]) -> str:
    kind, name = ch
    writers: list[str] = []
    readers: list[str] = []
    for use in usage.channel_uses(app, kind, name):
        label = f"{code(use.fn.name)} ({use.binding.type})"
        (writers if use.binding.direction == "out" else readers).append(label)
    lines = [f"**{kind}** {code(name)}"]
    lines.append("Written by: " + (", ".join(dict.fromkeys(writers)) or "no function of this app"))
    lines.append("Read by: " + (", ".join(dict.fromkeys(readers)) or "no function of this app"))
    return "\n\n".join(lines)


def _function(ctx: Context, app: App, fn: Function) -> str:
    lines = [f"**Function** {code(fn.name)} ({fn.model})"]
    for b in fn.bindings:
        lines.append(f"- {b.direction} {code(b.name)}: {describe.binding_title(b)}")
    trig = fn.trigger
    extra = _trigger_extra(ctx, app, fn, trig)
    if extra:
        lines.append("")
        lines.append(extra)
    return "\n".join(lines)


def _trigger_extra(ctx: Context, app: App, fn: Function | None, trig: Binding | None) -> str | None:
    if fn is None:
        return None
    trig = trig or fn.trigger
    if trig is None:
        return None
    if trig.type.lower() == "httptrigger":
        return describe.route_markdown(app, fn, trig)
    schedule = trig.get("schedule")
    if trig.type.lower() == "timertrigger" and isinstance(schedule, str):
        return describe.schedule_markdown(schedule, app, ctx.now())
    return None


def _with_uses(ctx: Context, app: App, text: str, name: str) -> str:
    uses = usage.setting_uses(app, name, ctx.source)
    if not uses:
        return text
    names = ", ".join(dict.fromkeys(f"{code(u.fn.name)} ({u.key})" for u in uses))
    return f"{text}\n\nUsed by: {names}"


def _schema_text(file_name: str, path: tuple[str | int, ...]) -> str | None:
    schema = load_schema(file_name)
    if schema is None:
        return None
    subs = schema_nav.schemas_at(schema, path)
    text = schema_nav.description(subs)
    if text is None:
        return None
    return f"{code(path[-1])}\n\n{text}"
