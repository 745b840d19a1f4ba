"""New functions from the catalogue's templates: the v2 decorated function inserted into a module,
or the v1 folder (function.json and ``__init__.py``).

Pure functions of text: the callers (``funcls new``, the language server's commands) read the
files and apply the edits. Edits only insert — at the start of a line or at the end of the
file — so the user's code, line endings and byte-order mark are left as they were.
"""

from __future__ import annotations

import ast
import json
import keyword
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from funcls.model.catalogue import CATALOGUE, BindingSpec, DecoratorParam, DecoratorSpec
from funcls.model.catalogue.templates import (
    TEMPLATES,
    ResolvedSetting,
    TriggerTemplate,
    find_template,
    resolve,
)
from funcls.model.locations import LineIndex, Position
from funcls.model.pysource import analyse_module

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


def template_list(name: str | None = None) -> list[dict[str, Any]]:
    """Every template with its settings, as ``funcls new function --list`` and the
    ``funcls.new.templates`` command give them. Defaults are those for a function ``name``;
    without a name, ``<name>`` stands for it."""
    out: list[dict[str, Any]] = []
    for t in TEMPLATES:
        _, binding, settings = resolve(t, CATALOGUE.decorators, CATALOGUE.bindings)
        title = f"{binding.title} ({t.variant})" if t.variant else binding.title
        out.append(
            {
                "trigger": t.id,
                "title": title,
                "settings": [
                    {
                        "name": s.name,
                        "description": s.description,
                        "default": _default(s.setting.default, name),
                        "required": s.required,
                    }
                    for s in settings
                ],
            }
        )
    return out


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
    if not _NAME_RE.match(name) or keyword.iskeyword(name):
        raise ScaffoldError(
            f"'{name}' cannot be a function name: start with a letter and use letters, digits "
            "and '_' (it is also the Python def name), e.g. 'process_orders'"
        )
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
    return Plan(template, decorator, binding, name, values, settings)


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


def _body(plan: Plan, func: str) -> list[str]:
    lines = _BODIES[plan.template.annotation]
    p = plan.template.parameter
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


# -- v2: insert into a module ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ModuleEdit:
    inserts: tuple[Insert, ...]
    def_line: int  # zero-based line of the new `def` once the inserts are applied


def _azure_functions_alias(imports: Mapping[str, str]) -> str | None:
    for local, qualified in imports.items():
        if qualified == AF:
            return local
    if imports.get("azure") == "azure":
        return AF  # `import azure.functions`
    return None


def app_object(text: str, file_name: str) -> str:
    """The variable of the module's top-level FunctionApp or Blueprint (the first one)."""
    try:
        ast.parse(text)
    except SyntaxError as e:
        raise ScaffoldError(
            f"{file_name} has a syntax error at line {e.lineno}: {e.msg}; fix it before adding "
            "a function"
        ) from None
    info = analyse_module(file_name, text)
    for creation in info.app_creations:
        if creation.top_level:
            return creation.var
    raise ScaffoldError(
        f"{file_name} creates no FunctionApp or Blueprint at its top level (like "
        "'app = func.FunctionApp()'), so there is nothing to add the function to; create one, "
        "or name the module that has it"
    )


def plan_module_insert(text: str, file_name: str, plan: Plan) -> ModuleEdit:
    """Inserts that add ``plan``'s function at the end of the module ``text`` (``\\n`` line
    endings, no BOM: as ``Source`` reads files); the imports it needs go after the module's
    last top-level import."""
    app_var = app_object(text, file_name)
    tree = ast.parse(text)
    info = analyse_module(file_name, text)
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == plan.name:
            raise ScaffoldError(
                f"{file_name} already defines '{plan.name}' (line {node.lineno}); choose "
                "another name"
            )
    func = _azure_functions_alias(info.imports)
    lines = LineIndex(text)
    inserts: list[Insert] = []
    added = 0
    top_imports = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    if info.imports.get("logging") != "logging":
        # The standard library first, after any `from __future__` import.
        future = [
            n for n in top_imports if isinstance(n, ast.ImportFrom) and n.module == "__future__"
        ]
        others = [n for n in top_imports if n not in future]
        if others:
            at = others[0].lineno - 1
        else:
            at = max((n.end_lineno or n.lineno for n in future), default=0)
        inserts.append(Insert(Position(at, 0), "import logging\n"))
        added += 1
    if func is None:
        func = "func"
        last = max((n.end_lineno or n.lineno for n in top_imports), default=0)
        inserts.append(Insert(Position(last, 0), "import azure.functions as func\n"))
        added += 1
    end = lines.position(len(text))
    tail = text[len(text.rstrip()) :]
    blank = tail.count("\n")
    lead = "\n" if text and not text.endswith("\n") else ""
    lead += "\n" * max(0, 2 - max(0, blank - 1)) if text.strip() else ""
    body = v2_function_lines(plan, app_var, func)
    inserts.append(Insert(end, lead + "\n".join(body) + "\n"))
    def_index = next(i for i, line in enumerate(body) if line.startswith("def "))
    def_line = end.line + added + lead.count("\n") + def_index
    return ModuleEdit(tuple(inserts), def_line)


def new_module_text(plan: Plan, var: str = "app", cls: str = "FunctionApp") -> tuple[str, int]:
    """A new module holding only ``plan``'s function on a new ``var = func.<cls>()`` (the
    app, or a blueprint); (text, line of the def)."""
    head = ["import logging", "", "import azure.functions as func", "", f"{var} = func.{cls}()"]
    body = v2_function_lines(plan, var, "func")
    lines = [*head, "", "", *body]
    def_line = len(head) + 2 + next(i for i, ln in enumerate(body) if ln.startswith("def "))
    return "\n".join(lines) + "\n", def_line


def plan_registration(text: str, file_name: str, module: str, alias: str) -> tuple[Insert, ...]:
    """Inserts that import the blueprint ``bp`` of ``module`` as ``alias`` into the app module
    ``text`` and register it, after everything else (the app object exists by then)."""
    app_var = app_object(text, file_name)
    tree = ast.parse(text)
    info = analyse_module(file_name, text)
    if alias in info.imports or alias in info.constants:
        raise ScaffoldError(
            f"{file_name} already uses the name '{alias}'; register the blueprint by hand"
        )
    last = max(
        (n.end_lineno or n.lineno for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)),
        default=0,
    )
    end = LineIndex(text).position(len(text))
    lead = "" if not text or text.endswith("\n") else "\n"
    return (
        Insert(Position(last, 0), f"from {module} import bp as {alias}\n"),
        Insert(end, f"{lead}{app_var}.register_functions({alias})\n"),
    )


def apply_inserts(text: str, inserts: tuple[Insert, ...], newline: str = "\n") -> str:
    """Apply inserts to ``text`` (whose lines may end in CRLF); inserted lines get ``newline``."""
    index = LineIndex(text)
    for ins in sorted(inserts, key=lambda i: i.at, reverse=True):
        at = index.offset(ins.at)
        text = text[:at] + ins.text.replace("\n", newline) + text[at:]
    return text


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
