"""New functions from the catalogue's templates: the request checked against the catalogue,
the settings rendered as Python and JSON, the v2 decorated function (placed in a module by
``scaffold.module``) and the v1 folder (function.json and ``__init__.py``).

Pure functions of text: the callers (``funcls new``, the language server's commands) read the
files and apply the edits.
"""

from __future__ import annotations

import json
import keyword
import re
from collections.abc import Mapping
from typing import Any

from funcls.model.catalogue import CATALOGUE, BindingSpec, DecoratorParam, DecoratorSpec
from funcls.model.catalogue.templates import (
    TEMPLATES,
    ResolvedSetting,
    TriggerTemplate,
    find_template,
    resolve,
)
from funcls.model.fastclass import dataclass
from funcls.model.locations import Position
from funcls.model.parsers.route_constraints import RouteError
from funcls.model.parsers.routes import parse_route

AF = "azure.functions"
# The host's rule for function names (Core Tools and the portal use the same one).
_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,127}$")
_LINE_LIMIT = 88


class ScaffoldError(Exception):
    """A request the generator cannot carry out; the message tells the user what to change."""


@dataclass(frozen=True, slots=True)
class Insert:
    """Insert ``text`` (lines joined with ``\\n``) at ``at`` of the original text."""

    at: Position
    text: str


@dataclass(frozen=True, slots=True)
class Plan:
    """A new function: its resolved settings and what to write."""

    template: TriggerTemplate
    decorator: DecoratorSpec
    binding: BindingSpec
    name: str
    values: dict[str, str]  # decorator keyword -> text, defaults filled in
    settings: tuple[ResolvedSetting, ...]

    def connection_defaults(self) -> dict[str, str]:
        """Connection setting name -> the local emulator's value, for local.settings.json."""
        out: dict[str, str] = {}
        for s in self.settings:
            if s.setting.local_value is not None and self.values.get(s.name):
                out[self.values[s.name]] = s.setting.local_value
        return out


def template_list(name: str | None = None, auth_level: str | None = None) -> list[dict[str, Any]]:
    """Every template with its settings, as ``funcls new function --list`` and the
    ``funcls.new.templates`` command give them, and whether it can write a v1 app's function
    (``v1``). Defaults are those for a function ``name``; without a name, ``<name>`` stands
    for it. ``auth_level``: the app's ``http_auth_level``, the default of an HTTP template's
    ``auth_level`` (what a new function gets when none is given, ``plan.inherited_auth_level``)."""
    from funcls.model.scaffold.durable import durable_template_list

    out: list[dict[str, Any]] = []
    for t in TEMPLATES:
        decorator, binding, settings = resolve(t, CATALOGUE.decorators, CATALOGUE.bindings)
        title = f"{binding.title} ({t.variant})" if t.variant else binding.title
        out.append(
            {
                "trigger": t.id,
                "title": title,
                "settings": [
                    {
                        "name": s.name,
                        "description": s.description,
                        "default": auth_level
                        if auth_level is not None and s.name == "auth_level"
                        else _default(s.setting.default, name),
                        "required": s.required,
                        **_choices(decorator, s.name),
                    }
                    for s in settings
                ],
                "v1": True,  # it writes a function.json folder into a v1 app as well
            }
        )
    return out + durable_template_list()


def _choices(decorator: DecoratorSpec, key: str) -> dict[str, list[str]]:
    """``{"choices": [...]}`` for a setting that takes one of an enum's values (auth_level):
    an editor offers them to pick from instead of a text box (QA in VS Code)."""
    param = decorator.param(key)
    spec = CATALOGUE.enum(param.enum or "") if param is not None and param.kind == "enum" else None
    return {"choices": [m.json for m in spec.members]} if spec is not None else {}


def _default(template: str, name: str | None) -> str:
    if name is None:
        return template.format(name="<name>", slug="<name>")
    return template.format(name=name, slug=slug(name))


def slug(name: str) -> str:
    """``Process_Orders`` -> ``process-orders``: the form queue and container names need."""
    text = re.sub(r"-+", "-", name.lower().replace("_", "-")).strip("-")
    return text or "items"


def plan_function(trigger: str, name: str, given: Mapping[str, str] | None = None) -> Plan:
    """Check the request against the catalogue and fill in the template's defaults."""
    template = find_template(trigger)
    if template is None:
        known = ", ".join(t.id for t in TEMPLATES)
        raise ScaffoldError(f"no template for trigger '{trigger}'; use one of {known}")
    check_name(name)
    decorator, binding, settings = resolve(template, CATALOGUE.decorators, CATALOGUE.bindings)
    by_name = {s.name: s for s in settings}
    values = {s.name: s.setting.default.format(name=name, slug=slug(name)) for s in settings}
    for key, text in (given or {}).items():
        param = _param_for(decorator, key)
        if param is None:
            offered = ", ".join(by_name) or "none"
            raise ScaffoldError(
                f"{decorator.name} has no setting '{key}'; the template's settings are "
                f"{offered} (other keywords of {decorator.name} can be added by hand)"
            )
        if param.target == "name" or param.name == "arg_name":
            raise ScaffoldError(f"'{key}' is the parameter name; it is set by the template")
        values[param.name] = text
    for s in settings:
        if s.required and not values.get(s.name, "").strip():
            raise ScaffoldError(f"setting '{s.name}' of the {template.id} template needs a value")
    for key, text in values.items():
        param = decorator.param(key)
        assert param is not None
        _check_value(param, text)
    if template.id == "timer":
        _check_schedule(values.get("schedule", ""))
    return Plan(template, decorator, binding, name, values, settings)


def check_name(name: str) -> None:
    """Refuses a name the host or Python does not take for a function."""
    if not _NAME_RE.match(name) or keyword.iskeyword(name):
        raise ScaffoldError(
            f"'{name}' cannot be a function name: start with a letter and use letters, digits "
            "and '_' (it is also the Python def name), e.g. 'process_orders'"
        )


def _param_for(decorator: DecoratorSpec, key: str) -> DecoratorParam | None:
    """The decorator keyword for ``key`` given as a keyword or as a function.json key."""
    for p in decorator.params:
        if key in (p.name, p.target) and p.kind != "object":
            return p
    return None


def _enum_member(param: DecoratorParam, text: str) -> tuple[str, str] | None:
    """(Python member name, function.json spelling) for an enum value given either way."""
    spec = CATALOGUE.enum(param.enum or "")
    if spec is None:
        return None
    member = spec.by_name(text) or spec.by_json(text)
    return (member.name, member.json) if member else None


def _check_value(param: DecoratorParam, text: str) -> None:
    if param.kind == "boolean" and text.lower() not in ("true", "false"):
        raise ScaffoldError(f"setting '{param.name}' is true or false, not '{text}'")
    if param.kind == "integer" and not re.fullmatch(r"-?\d+", text.strip()):
        raise ScaffoldError(f"setting '{param.name}' is a whole number, not '{text}'")
    if param.kind == "enum" and _enum_member(param, text) is None:
        raise ScaffoldError(_enum_problem(param, text))
    if param.kind == "enum-list":
        for item in _items(text):
            if _enum_member(param, item) is None:
                raise ScaffoldError(_enum_problem(param, item))


def _check_schedule(text: str) -> None:
    """A schedule the host rejects (AZF500) or the scale controller misreads (AZF501) is
    refused here, not written for funcls check to report right after (QA: 'New function'
    took '0 */5 * * *')."""
    from funcls.model.parsers.ncrontab import parse_schedule
    from funcls.model.parsers.ncrontab_fields import ScheduleError, ScheduleErrorKind

    try:
        parse_schedule(text)
    except ScheduleError as e:
        if e.kind == ScheduleErrorKind.FIVE_FIELDS:
            six = e.fix or "0 " + text.strip()
            raise ScaffoldError(
                f"schedule '{text.strip()}' has 5 fields; Azure Functions schedules have 6, "
                f"seconds first: write '{six}'"
            ) from None
        raise ScaffoldError(f"schedule '{text}': {e.message}") from None


def _enum_problem(param: DecoratorParam, text: str) -> str:
    spec = CATALOGUE.enum(param.enum or "")
    allowed = ", ".join(m.json for m in spec.members) if spec else ""
    return f"setting '{param.name}': '{text}' is not one of {allowed}"


def _items(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


# -- values ----------------------------------------------------------------------------------


def python_value(param: DecoratorParam, text: str, func: str) -> str:
    """The Python source for a setting (``func`` is how the module spells azure.functions)."""
    if param.kind == "boolean":
        return "True" if text.lower() == "true" else "False"
    if param.kind == "integer":
        return str(int(text))
    if param.kind == "enum":
        member = _enum_member(param, text)
        assert member is not None
        return f"{func}.{param.enum}.{member[0]}"
    if param.kind == "enum-list":
        members = [_enum_member(param, t) for t in _items(text)]
        return "[" + ", ".join(json.dumps(m[0]) for m in members if m) + "]"
    return json.dumps(text, ensure_ascii=False)


def json_value(param: DecoratorParam, text: str) -> object:
    """The function.json value for a setting."""
    if param.kind == "boolean":
        return text.lower() == "true"
    if param.kind == "integer":
        return int(text)
    if param.kind == "enum":
        member = _enum_member(param, text)
        assert member is not None
        return member[1]
    if param.kind == "enum-list":
        return [m[1] for m in (_enum_member(param, t) for t in _items(text)) if m]
    return text


# -- bodies ----------------------------------------------------------------------------------

# What a new function does with its trigger's input, by parameter annotation: enough to see it
# run (the HTTP one answers; the others log what arrived).
_BODIES: dict[str, tuple[str, ...]] = {
    f"{AF}.HttpRequest": (
        'who = {p}.params.get("name") or "world"',
        'logging.info("{n} handled a request for %s", who)',
        'return {f}.HttpResponse(f"Hello, {{who}}!")',
    ),
    f"{AF}.TimerRequest": (
        "if {p}.past_due:",
        '    logging.warning("{n} is running late")',
        'logging.info("{n} ran")',
    ),
    f"{AF}.QueueMessage": (
        'logging.info("{n} got queue message %s: %s", {p}.id, {p}.get_body().decode())',
    ),
    f"{AF}.InputStream": ('logging.info("{n} got blob %s (%d bytes)", {p}.name, len({p}.read()))',),
    f"{AF}.EventHubEvent": ('logging.info("{n} got event: %s", {p}.get_body().decode())',),
    f"{AF}.ServiceBusMessage": (
        'logging.info("{n} got message %s: %s", {p}.message_id, {p}.get_body().decode())',
    ),
    f"{AF}.DocumentList": (
        "for doc in {p}:",
        '    logging.info("{n}: document %s changed", doc.get("id"))',
    ),
    f"{AF}.EventGridEvent": (
        'logging.info("{n} got event %s (%s): %s", {p}.id, {p}.event_type, {p}.get_json())',
    ),
}


def _annotation(plan: Plan, func: str) -> tuple[str, str]:
    """(parameter annotation, return annotation) as the module spells them."""
    short = plan.template.annotation.removeprefix(AF + ".")
    returns = f"{func}.HttpResponse" if plan.binding.type == "httpTrigger" else "None"
    return f"{func}.{short}", returns


def _route_parameter(plan: Plan) -> str | None:
    """The first parameter of an HTTP function's route (``hello/{name}`` -> ``name``), if any."""
    route = plan.values.get("route") if plan.binding.type == "httpTrigger" else None
    try:
        names = parse_route(route).parameter_names if route else ()
    except RouteError:
        return None  # refused elsewhere; the body does not decide it
    return names[0] if names else None


def _body(plan: Plan, func: str) -> list[str]:
    lines = _BODIES[plan.template.annotation]
    p = plan.template.parameter
    route_param = _route_parameter(plan)
    if route_param is not None:
        # A route with a parameter ('hello/{name}') reads it, not a query parameter of the
        # same name: QA in code-server, New function with route hello/{name} read
        # req.params.get("name"), so ▶ Run sent /api/hello/1?name=sample and answered
        # 'Hello, sample!' whatever the path said.
        read = f'who = {{p}}.route_params.get({json.dumps(route_param)}) or "world"'
        lines = (read, *lines[1:])
    return ["    " + line.format(p=p, n=plan.name, f=func) for line in lines]


def _call(head: str, args: list[str]) -> list[str]:
    one = f"{head}({', '.join(args)})"
    if len(one) <= _LINE_LIMIT:
        return [one]
    return [f"{head}(", *(f"    {a}," for a in args), ")"]


def v2_function_lines(plan: Plan, app_var: str, func: str) -> list[str]:
    """The decorated function, one string per line."""
    args: list[str] = []
    if plan.decorator.param("arg_name") is not None:
        args.append(f'arg_name="{plan.template.parameter}"')
    for key, text in plan.values.items():
        param = plan.decorator.param(key)
        assert param is not None
        args.append(f"{key}={python_value(param, text, func)}")
    ann, returns = _annotation(plan, func)
    return [
        *_call(f"@{app_var}.{plan.decorator.name}", args),
        f"def {plan.name}({plan.template.parameter}: {ann}) -> {returns}:",
        *_body(plan, func),
    ]


# -- v1: a function folder -------------------------------------------------------------------


def v1_files(plan: Plan) -> dict[str, str]:
    """``{name}/function.json`` and ``{name}/__init__.py`` (paths relative to the app root)."""
    p = plan.template.parameter
    trigger: dict[str, Any] = {"type": plan.binding.type, "direction": "in", "name": p}
    for key, text in plan.values.items():
        param = plan.decorator.param(key)
        assert param is not None and param.target is not None
        trigger[param.target] = json_value(param, text)
    bindings: list[dict[str, Any]] = [trigger]
    if plan.binding.type == "httpTrigger":
        bindings.append({"type": "http", "direction": "out", "name": "$return"})
    config = json.dumps({"bindings": bindings}, indent=2) + "\n"
    ann, returns = _annotation(plan, "func")
    script = "\n".join(
        [
            "import logging",
            "",
            "import azure.functions as func",
            "",
            "",
            f"def main({p}: {ann}) -> {returns}:",
            *_body(plan, "func"),
        ]
    )
    return {f"{plan.name}/function.json": config, f"{plan.name}/__init__.py": script + "\n"}
