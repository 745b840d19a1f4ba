"""Markdown texts for hovers and completion documentation, built from the catalogue."""

from __future__ import annotations

from datetime import datetime

from funcls.checks.settings import close_setting
from funcls.lsp.host_links import ROUTE_PREFIX, host_json_place
from funcls.lsp.secrets import mask_value
from funcls.model.appmodel import App, Binding, Function, Parameter
from funcls.model.catalogue import (
    CATALOGUE,
    BindingSpec,
    DecoratorParam,
    DecoratorSpec,
    PropertySpec,
)
from funcls.model.parsers.errors import ParseError
from funcls.model.parsers.expressions import ExpressionError, resolve_app_settings
from funcls.model.parsers.ncrontab import AppSettingSchedule, parse_schedule
from funcls.model.parsers.ncrontab_describe import describe
from funcls.model.parsers.ncrontab_next import next_occurrences

LOCAL_HOST = "http://localhost:7071"


def code(text: object) -> str:
    s = str(text)
    fence = "``" if "`" in s else "`"
    return f"{fence}{s}{fence}"


def binding_spec_markdown(spec: BindingSpec, direction: str | None = None) -> str:
    head = f"**{spec.title}** {code(spec.type)}"
    if direction:
        head += f" · {direction}"
    parts = [head, spec.summary]
    if spec.description:
        parts.append(spec.description)
    required = [p.name for p in spec.properties if p.required]
    if required:
        parts.append("Required: " + ", ".join(code(r) for r in required))
    if spec.docs:
        parts.append(f"[Documentation]({spec.docs})")
    return "\n\n".join(parts)


def binding_markdown(b: Binding) -> str:
    spec = b.spec
    if spec is None:
        return f"{code(b.type)} is not a binding type funcls knows"
    return binding_spec_markdown(spec, b.direction or None)


def property_markdown(prop: PropertySpec, spec: BindingSpec | None = None) -> str:
    head = f"{code(prop.name)}"
    if spec is not None:
        head += f" · {spec.title}"
    if prop.required:
        head += " · required"
    parts = [head, prop.summary]
    if prop.description:
        parts.append(prop.description)
    values = enum_values(prop)
    if values:
        parts.append("Values: " + ", ".join(code(v) for v in values))
    if prop.default is not None:
        parts.append(f"Default: {code(_json_text(prop.default))}")
    return "\n\n".join(parts)


def _json_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def enum_values(prop: PropertySpec | DecoratorParam) -> list[str]:
    if prop.enum:
        e = CATALOGUE.enum(prop.enum)
        if e is not None:
            return [m.json for m in e.members]
    return list(getattr(prop, "values", ()))


def decorator_signature(spec: DecoratorSpec, target: str = "app") -> str:
    args = []
    for p in spec.params:
        if p.name.startswith("_"):
            continue
        args.append(p.name if p.required else f"{p.name}=…")
    if spec.kwargs:
        args.append("**kwargs")
    return f"@{target}.{spec.name}({', '.join(args)})"


def decorator_markdown(spec: DecoratorSpec, target: str = "app") -> str:
    parts = [f"```python\n{decorator_signature(spec, target)}\n```"]
    doc = CATALOGUE.doc(spec.name)
    if doc is not None:
        parts.append(doc.summary)
        if doc.description:
            parts.append(doc.description)
    for t in spec.bindings:
        bspec = CATALOGUE.binding(t)
        if bspec is not None:
            parts.append(f"Adds {code(t)}: {bspec.summary}")
    return "\n\n".join(parts)


def keyword_markdown(spec: DecoratorSpec, name: str) -> str | None:
    param = spec.param(name)
    doc = CATALOGUE.doc(spec.name)
    text = doc.param_summaries.get(name) if doc is not None else None
    prop: PropertySpec | None = None
    if param is not None and param.target and param.target != "name":
        for t in spec.bindings:
            bspec = CATALOGUE.binding(t)
            if bspec is not None and (prop := bspec.find_property(param.target)) is not None:
                break
    if text is None and prop is None:
        if param is None:
            return None
        text = f"Sets {code(param.target)} of the binding." if param.target else ""
    head = f"{code(name)} of {code('@' + spec.name)}"
    if param is not None and param.required:
        head += " · required"
    if prop is not None and param is not None:
        head += f" → {code(prop.name)}"
    parts = [head]
    if text:
        parts.append(text)
    if prop is not None:
        parts.append(prop.summary)
        if prop.description:
            parts.append(prop.description)
    if param is not None:
        values = enum_values(param)
        if values:
            parts.append("Values: " + ", ".join(code(v) for v in values))
        if param.default is not None:
            parts.append(f"Default: {code(param.default)}")
    return "\n\n".join(parts)


def _settings_dict(app: App) -> dict[str, str]:
    return {k: str(v.value) for k, v in app.settings.items() if v.known}


def schedule_markdown(text: str, app: App, now: datetime) -> str:
    """A timer schedule in words, with its next five occurrences (UTC)."""
    shown = text
    try:
        schedule = parse_schedule(text)
        if isinstance(schedule, AppSettingSchedule):
            try:
                resolved = resolve_app_settings(text, _settings_dict(app))
            except ExpressionError as e:
                return f"Timer schedule {code(text)}\n\n{e.message}"
            shown = resolved
            schedule = parse_schedule(resolved)
        if isinstance(schedule, AppSettingSchedule):
            return f"Timer schedule {code(text)}: {describe(schedule)}"
        words = describe(schedule)
        times = next_occurrences(schedule, now, 5)
    except ParseError as e:
        return f"Timer schedule {code(text)}\n\n{e.message}"
    head = f"**Timer schedule** {code(shown)}"
    if shown != text:
        head += f" (from {code(text)})"
    lines = [head, f"Runs {words}."]
    if times:
        lines.append(
            "Next runs (UTC):\n" + "\n".join(f"- {t.strftime('%Y-%m-%d %H:%M:%S')}" for t in times)
        )
    else:
        lines.append("This schedule never fires.")
    return "\n\n".join(lines)


def route_url(app: App, fn: Function, trigger: Binding) -> str:
    route = trigger.get("route")
    if not isinstance(route, str) or not route:
        route = fn.name
    parts = [p for p in (app.route_prefix, route.strip("/")) if p]
    return f"{LOCAL_HOST}/" + "/".join(parts)


def route_markdown(app: App, fn: Function, trigger: Binding) -> str:
    methods = trigger.get("methods")
    verbs = (
        ", ".join(str(m).upper() for m in methods)
        if isinstance(methods, list) and methods
        else "every method"
    )
    level = trigger.get("authLevel") or "function"
    lines = [
        f"**HTTP route** of {code(fn.name)}",
        f"{verbs} {route_url(app, fn, trigger)}",
        route_prefix_note(app),
    ]
    if str(level).lower() == "anonymous":
        lines.append("Anyone may call it (authLevel `anonymous`).")
    else:
        lines.append(
            f"Needs a {'master' if str(level).lower() == 'admin' else 'function'} key in Azure "
            f"(authLevel {code(level)}); keys are not checked locally."
        )
    return "\n\n".join(lines)


def route_prefix_note(app: App) -> str:
    """Where the prefix of a route's URL (``/api``) comes from: host.json's
    ``extensions.http.routePrefix``, or the host's default when host.json does not set it."""
    prefix = app.route_prefix
    found = host_json_place(app, ROUTE_PREFIX)
    key = code("extensions.http.routePrefix")
    if found is not None and found[1] is not None and found[1].kind == "string":
        where = f"host.json line {found[0].range.start.line + 1}"
        if not prefix:
            return f"No prefix: {key} is empty in {where}."
        return f"The prefix {code('/' + prefix)} is {key} in {where}."
    return (
        f"The prefix {code('/' + prefix)} is the host's default: host.json sets no {key}; "
        f"set it to change the URL of every route ({code(chr(34) * 2)} for none)."
    )


def setting_markdown(app: App, name: str) -> str:
    value = app.setting(name)
    if value is None:
        prefixed = [k for k in app.settings if k.lower().startswith(name.lower() + "__")]
        if prefixed:
            items = "\n".join(
                f"- {code(k)} = {code(mask_value(k, app.settings[k].value))}" for k in prefixed
            )
            return f"**App setting group** {code(name)} (identity-based connection)\n\n{items}"
        where = "local.settings.json" if app.local_settings_path else "a local.settings.json"
        close = close_setting(app.settings, name)
        if close is not None:  # as AZF400/AZF401 say (found in Emacs: the hover did not)
            return (
                f"**App setting** {code(name)}\n\nNot set in {where} `Values`; did you mean "
                f"{code(close)}? Otherwise add it there for local runs, and to the app's "
                "configuration in Azure."
            )
        return (
            f"**App setting** {code(name)}\n\nNot set in {where} `Values`: add it there for "
            "local runs, and to the app's configuration in Azure."
        )
    return (
        f"**App setting** {code(name)}\n\n"
        f"{code(mask_value(name, value.value))}\n\nfrom local.settings.json `Values`"
    )


def annotation_text(p: Parameter) -> str:
    return f"{p.name}: {p.annotation.text}" if p.annotation else p.name


def parameter_markdown(fn: Function, p: Parameter, b: Binding | None) -> str:
    head = f"```python\n{annotation_text(p)}\n```"
    if b is None:
        return f"{head}\n\nParameter of {code(fn.name)}; no binding named {code(p.name)} feeds it."
    parts = [head, f"Fed by the {binding_title(b)} binding {code(b.name)} ({b.direction})."]
    details = [
        f"- {code(k)}: {code(v.value if v.known else v.text)}"
        for k, v in b.properties.items()
        if v.origin == "explicit" and k.lower() != "connection"
    ]
    conn = b.get("connection")
    if isinstance(conn, str):
        details.append(f"- {code('connection')}: {code(conn)}")
    if details:
        parts.append("\n".join(details))
    spec = b.spec
    if spec is not None:
        parts.append(spec.summary)
    return "\n\n".join(parts)


def binding_title(b: Binding) -> str:
    spec = b.spec
    return f"{spec.title} ({code(b.type)})" if spec else code(b.type)


DocKey = tuple[str, ...]


def render_doc(key: DocKey) -> str | None:
    """The documentation a completion item names by ``key``, rendered when it is shown:
    ``("decorator", name, target)``, ``("binding", type)``, ``("property", type, name)``."""
    if key[0] == "decorator" and len(key) == 3:
        spec = CATALOGUE.decorator(key[1])
        return decorator_markdown(spec, key[2]) if spec else None
    if key[0] == "binding" and len(key) == 2:
        bspec = CATALOGUE.binding(key[1])
        return binding_spec_markdown(bspec) if bspec else None
    if key[0] == "property" and len(key) == 3:
        bspec = CATALOGUE.binding(key[1])
        prop = bspec.find_property(key[2]) if bspec else None
        return property_markdown(prop, bspec) if prop and bspec else None
    return None
