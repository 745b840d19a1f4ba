"""AZF500–AZF508: schedules, routes, binding expressions, storage names and HTTP methods."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from funcls.checks.context import Context, string_literal_inner
from funcls.checks.decorators import broken_decorators
from funcls.checks.edits import fix, fixes, replace
from funcls.checks.findings import Fix, Related, Severity
from funcls.checks.registry import REGISTRY, checker
from funcls.checks.values_rules import RULES
from funcls.model.appmodel import Binding, Function, Value
from funcls.model.catalogue import CATALOGUE, BindingSpec
from funcls.model.jsondoc import JsonNode
from funcls.model.jsonvalues import has_range
from funcls.model.locations import Location, Range
from funcls.model.parsers.blob_paths import BlobPathError, parse_blob_path
from funcls.model.parsers.expressions import (
    BindingParameter,
    ExpressionError,
    ParameterKind,
    parse_binding_template,
)
from funcls.model.parsers.ncrontab import AppSettingSchedule, parse_schedule
from funcls.model.parsers.ncrontab_fields import ScheduleError, ScheduleErrorKind
from funcls.model.parsers.route_constraints import RouteError, RouteErrorKind, suggest_constraint
from funcls.model.parsers.routes import parse_route
from funcls.model.parsers.storage_names import (
    check_container_name,
    check_queue_name,
    check_table_name,
)
from funcls.model.parsers.trigger_metadata import trigger_supplied_names

REGISTRY.add_rules(RULES)

# Properties whose strings the host resolves as binding expressions ({name}, %Setting%).
EXPRESSION_ROLES = frozenset(
    {
        "queue-name",
        "blob-path",
        "table-name",
        "cosmos-database",
        "cosmos-container",
        "event-hub-name",
        "service-bus-queue",
        "service-bus-topic",
        "service-bus-subscription",
        "kafka-topic",
    }
)
EXPRESSION_KEYS = frozenset({"partitionkey", "rowkey", "filter", "id", "sqlquery"})
HTTP_METHODS = ("get", "post", "put", "delete", "head", "patch", "options", "trace", "query")


class Spot:
    """A string value in a file and how to address characters inside it."""

    def __init__(self, ctx: Context, path: str, value: Value) -> None:
        self.ctx = ctx
        self.path = path
        self.value = value
        self._inner: Range | bool | None = False  # False: not looked up yet

    @property
    def inner(self) -> Range | None:
        """The range inside the quotes, when the value is a plain one-line literal."""
        if self._inner is False:
            v = self.value
            text = v.value if isinstance(v.value, str) else ""
            self._inner = (
                string_literal_inner(self.ctx, self.path, v.range, text) if v.range else None
            )
        return self._inner if isinstance(self._inner, Range) else None

    @property
    def range(self) -> Range:
        return self.value.range or Range.point(0, 0)

    def sub(self, start: int, end: int) -> Range:
        """The range of characters ``start:end`` of the value (the whole value if unsure)."""
        if self.inner is None:
            return self.range
        line, col = self.inner.start
        return Range.of(line, col + start, line, col + max(end, start))

    def replace_all(self, title: str, new: str) -> Fix | None:
        return fix(
            title, replace(self.path, self.inner, new) if self.inner else None, preferred=True
        )


def _live_functions(ctx: Context) -> list[Function]:
    """The app's functions but the synthetic ones and those with a broken decorator: worked
    out once per check for the five checkers here that ask (issue 16, ninth pass). Kept with
    the list they come from: the language server's incremental run checks one group of
    functions after another with one Context."""
    functions = ctx.app.functions
    kept = ctx.memo.get("live_functions")
    if kept is None or kept[0] is not functions:
        live = [fn for fn in functions if not fn.synthetic and not broken_decorators(fn)]
        kept = ctx.memo["live_functions"] = (functions, live)
    live_functions: list[Function] = kept[1]
    return live_functions


def _string(b: Binding, key: str) -> Value | None:
    v = b.value(key)
    if v is None or not v.known or not isinstance(v.value, str) or not has_range(v):
        return None  # has_range: not made yet for a v1 value (model/jsonvalues.py)
    return v


@checker("AZF500", "AZF501", "AZF507")
def schedules(ctx: Context) -> None:
    for fn in _live_functions(ctx):
        for b in fn.bindings:
            if b.type.lower() != "timertrigger":
                continue
            v = _string(b, "schedule")
            if v is None:
                continue
            _schedule(ctx, fn, Spot(ctx, b.path, v), str(v.value), via=None)


def _schedule(ctx: Context, fn: Function, spot: Spot, text: str, via: str | None) -> None:
    where = f"the schedule of '{fn.name}'" + (f" (from setting '{via}')" if via else "")
    try:
        schedule = parse_schedule(text)
    except ScheduleError as e:
        if e.kind == ScheduleErrorKind.FIVE_FIELDS:
            # Imported for this message only (issue 16: no work at import time).
            from funcls.model.parsers.ncrontab_describe import describe

            meaning = describe(parse_schedule(text, allow_five_fields=True))
            six = e.fix or "0 " + text.strip()
            ctx.emit(
                "AZF501",
                f"{where} '{text.strip()}' has 5 fields; Azure Functions schedules have 6, "
                f"seconds first. The timer extension reads it as classic cron ({meaning}), "
                "but the Consumption plan's scale controller only understands 6 fields, so "
                f"the timer can stop firing: write '{six}'",
                spot.path,
                spot.sub(e.start, e.end),
                fixes=fixes(spot.replace_all("Add the seconds field", six)),
                function=fn,
            )
        else:
            ctx.emit(
                "AZF500", f"{where}: {e.message}", spot.path, spot.sub(e.start, e.end), function=fn
            )
        return
    if isinstance(schedule, AppSettingSchedule):
        name = schedule.setting
        if name is None or via is not None:
            return
        setting = ctx.app.setting(name)
        if setting is None or not isinstance(setting.value, str) or setting.range is None:
            return  # AZF401 reports a missing setting
        path = ctx.app.local_settings_path or spot.path
        _schedule(ctx, fn, Spot(ctx, path, setting), setting.value, via=name)
        return
    for w in schedule.warnings:
        ctx.emit(
            "AZF507", f"{where}: {w.message}", spot.path, spot.sub(w.start, w.end), function=fn
        )


@checker("AZF502", "AZF508")
def routes(ctx: Context) -> None:
    prefix = ctx.app.route_prefix
    for fn in _live_functions(ctx):
        t = fn.trigger
        if t is None or t.type.lower() != "httptrigger":
            continue
        v = _string(t, "route")
        if v is None or v.origin != "explicit" or "%" in str(v.value):
            continue
        spot = Spot(ctx, t.path, v)
        try:
            template = parse_route(str(v.value), route_prefix=prefix)
        except RouteError as e:
            ctx.emit(
                "AZF502",
                f"route '{v.value}' of '{fn.name}': {e.message}",
                spot.path,
                spot.sub(e.start, e.end),
                function=fn,
                fixes=_constraint_fix(spot, str(v.value), e),
            )
            continue
        for w in template.warnings:
            ctx.emit(
                "AZF508",
                f"route '{v.value}' of '{fn.name}': {w.message}",
                spot.path,
                spot.sub(w.start, w.end),
                function=fn,
            )


def _constraint_fix(spot: Spot, route: str, e: RouteError) -> list[Fix]:
    """An unknown constraint with a near known one ("did you mean 'int'?"): write that one."""
    if e.kind != RouteErrorKind.UNKNOWN_CONSTRAINT:
        return []
    name = route[e.start : e.end].split("(", 1)[0]
    hint = suggest_constraint(name)
    if not name or hint is None:
        return []
    edit = replace(spot.path, spot.sub(e.start, e.start + len(name)), hint)
    return fixes(fix(f"Write '{hint}'", edit, preferred=True))


# Whether a binding type's property is read as a binding expression, and its role, by the
# spec's id and the key as written: the rules ask for every property of every binding
# (AZF503/506 and AZF502's names, 6,700 asks on the 1,000-function bench), and most are not
# (issue 16, twelfth pass). Each entry holds its spec, so that an id is not reused while its
# entry lives; bounded, as keys come from the user's files.
_EXPRESSION_KEY: dict[tuple[int, str], tuple[BindingSpec, bool, str | None]] = {}


def _expression_key(spec: BindingSpec, key: str) -> tuple[BindingSpec, bool, str | None]:
    prop = spec.find_property(key)
    role = prop.role if prop is not None else None
    found = (spec, role in EXPRESSION_ROLES or key.lower() in EXPRESSION_KEYS, role)
    if len(_EXPRESSION_KEY) >= 4096:
        _EXPRESSION_KEY.clear()
    _EXPRESSION_KEY[(id(spec), key)] = found
    return found


def _expression_values(b: Binding) -> Iterator[tuple[str, Value, str | None]]:
    """(key, value, role) of the properties the host reads as binding expressions."""
    spec = b.spec
    if spec is None:
        return
    at = id(spec)
    for key, v in b.properties.items():
        kept = _EXPRESSION_KEY.get((at, key))
        if kept is None or kept[0] is not spec:
            kept = _expression_key(spec, key)
        if not kept[1] or not v.known or not isinstance(v.value, str) or not has_range(v):
            continue
        yield key, v, kept[2]


@checker("AZF503", "AZF506")
def expressions(ctx: Context) -> None:
    for fn in _live_functions(ctx):
        trigger = fn.trigger
        # What the trigger supplies, worked out for the first expression of another binding
        # (most functions have none: issue 16).
        supplied: set[str] | None = None
        supplied_known = trigger is None
        for b in fn.bindings:
            for key, v, role in _expression_values(b):
                text = str(v.value)
                spot = Spot(ctx, b.path, v)
                try:
                    if role == "blob-path":
                        template = parse_blob_path(
                            text,
                            for_trigger=b is trigger,
                            container_client=_container_client(fn, b),
                        ).template
                    else:
                        template = parse_binding_template(text)
                except (ExpressionError, BlobPathError) as e:
                    ctx.emit(
                        "AZF506",
                        f"\"{key}\" of binding '{b.name}' in '{fn.name}': {e.message}",
                        spot.path,
                        spot.sub(e.start, e.end),
                        function=fn,
                    )
                    continue
                if b is trigger or trigger is None:
                    continue
                if not supplied_known:
                    props = {k: v.value for k, v in trigger.properties.items() if v.known}
                    supplied = trigger_supplied_names(trigger.type, props)
                    supplied_known = True
                if supplied is None and trigger.type.lower() == "httptrigger":
                    _http_names(ctx, fn, trigger, b, key, spot, template.parameters)
                    continue
                if supplied is None:
                    continue
                known = {n.casefold() for n in supplied}
                for p in template.parameters:
                    if p.kind is not ParameterKind.USER or p.root.casefold() in known:
                        continue
                    _unsupplied(ctx, fn, trigger, b, key, spot, p.root, p.start, p.end, supplied)


def _container_client(fn: Function, b: Binding) -> bool:
    """The parameter takes a ContainerClient (azure.storage.blob, its aio twin or the SDK-type
    extension), which the blob extension builds from a path naming only a container."""
    p = fn.parameter(b.name)
    q = p.annotation.qualname if p is not None and p.annotation is not None else None
    return bool(q and q.rsplit(".", 1)[-1] == "ContainerClient")


# Names an HTTP trigger always supplies besides its route parameters.
_HTTP_NAMES = {"query", "headers", "body"}


def _http_names(
    ctx: Context,
    fn: Function,
    trigger: Binding,
    b: Binding,
    key: str,
    spot: Spot,
    parameters: Iterable[BindingParameter],
) -> None:
    """A name that is not a route parameter may still come from the query string or a JSON
    body member, so this is information, not an error: the invocation fails when neither
    has it."""
    route = trigger.get("route")
    try:
        template = parse_route(str(route) if isinstance(route, str) else fn.name)
    except RouteError:
        return
    params = list(template.parameter_names)
    known = {n.casefold() for n in params} | _HTTP_NAMES
    for p in parameters:
        if p.kind is not ParameterKind.USER or p.root.casefold() in known:
            continue
        import difflib  # when used: a suggestion for a typo (issue 16)

        close = difflib.get_close_matches(p.root, params, n=1, cutoff=0.6)
        hint = f"; did you mean the route parameter {{{close[0]}}}?" if close else ""
        edit = (
            replace(spot.path, spot.sub(p.start + 1, p.end - 1), close[0])
            if close and spot.inner
            else None
        )
        use = fix(f"Use {{{close[0]}}}" if close else "", edit)
        # The typo may be the route's (QA: 'products/{prodcutId}' offered only to write the
        # blob path with the typo): renaming the route parameter, when nothing else of the
        # function uses its present name.
        rename = _route_rename(ctx, fn, trigger, close[0], p.root) if close else None
        if rename is not None and _code_reads(ctx, fn, trigger, p.root):
            rename, use = Fix(rename.title, rename.edits, True), use
        elif use is not None:
            use = Fix(use.title, use.edits, True)
        trig_rng = trigger.type_range or trigger.name_range or trigger.range
        ctx.emit(
            "AZF503",
            f"{{{p.root}}} in \"{key}\" of binding '{b.name}' is not a route parameter of "
            f"'{fn.name}' (route '{template.text}'); the host then looks for it in the query "
            f"string and the JSON body, and the invocation fails when neither has it{hint}",
            spot.path,
            spot.sub(p.start, p.end),
            related=[Related(Location(trigger.path, trig_rng), "the HTTP trigger and its route")],
            fixes=fixes(
                *((rename, use) if rename is not None and rename.preferred else (use, rename))
            ),
            function=fn,
            severity=Severity.INFO,
        )


def _route_rename(ctx: Context, fn: Function, trigger: Binding, old: str, new: str) -> Fix | None:
    """``Rename the route parameter {old} to {new}``: an edit of the route string, offered
    only when the route is a one-line literal, ``new`` is a name a route parameter can have,
    and no other binding expression of ``fn`` nor its code (``req.route_params``) uses
    ``{old}``, so that the rename breaks nothing."""
    import re

    v = _string(trigger, "route")
    if v is None or not new.isidentifier():
        return None
    route = str(v.value)
    found = list(re.finditer(r"\{\**(" + re.escape(old) + r")(?=[:?=}])", route))
    if len(found) != 1:
        return None
    used = "{" + old.casefold()
    for b in fn.bindings:
        if b is trigger:
            continue
        for key, value in b.properties.items():
            text = value.value if isinstance(value.value, str) else ""
            if used in text.casefold() and key.lower() != "route":
                return None
    if _code_reads(ctx, fn, trigger, old):
        return None
    rspot = Spot(ctx, trigger.path, v)
    if rspot.inner is None:
        return None
    at = found[0]
    return fix(
        f"Rename the route parameter {{{old}}} to {{{new}}}",
        replace(trigger.path, rspot.sub(at.start(1), at.end(1)), new),
    )


def _code_reads(ctx: Context, fn: Function, trigger: Binding, name: str) -> bool:
    """Whether ``fn``'s code reads ``req.route_params[name]`` (or ``.get(name)``)."""
    from funcls.model.python.route_aliases import route_reads

    path = fn.script_path
    text = ctx.text(path) if path else None
    if path is None or text is None or fn.def_name_range is None:
        return False
    source = ctx.app.source
    body = source.module_body(path, text) if source is not None else None
    reads = route_reads(text, fn.def_name_range.start.line, trigger.name, body)
    return any(r.key.casefold() == name.casefold() for r in reads or [])


def _unsupplied(
    ctx: Context,
    fn: Function,
    trigger: Binding,
    b: Binding,
    key: str,
    spot: Spot,
    name: str,
    start: int,
    end: int,
    supplied: set[str],
) -> None:
    offer = sorted(supplied, key=str.casefold)
    shown = ", ".join("{" + n + "}" for n in offer) if offer else "no names"
    import difflib  # when used: a suggestion for a typo (issue 16)

    close = difflib.get_close_matches(name, offer, n=1, cutoff=0.6)
    hint = f"; did you mean {{{close[0]}}}?" if close else ""
    edit = (
        replace(spot.path, spot.sub(start + 1, end - 1), close[0]) if close and spot.inner else None
    )
    trig_rng = trigger.type_range or trigger.name_range or trigger.range
    ctx.emit(
        "AZF503",
        f"{{{name}}} in \"{key}\" of binding '{b.name}' is not supplied by the {trigger.type} "
        f"of '{fn.name}', which offers {shown} (and {{rand-guid}}, {{DateTime}}, {{sys.…}})"
        f"{hint}",
        spot.path,
        spot.sub(start, end),
        related=[Related(Location(trigger.path, trig_rng), f"the {trigger.type}")],
        fixes=fixes(fix(f"Use {{{close[0]}}}" if close else "", edit, preferred=True)),
        function=fn,
    )


_NAME_CHECKS = {"queue-name": check_queue_name, "table-name": check_table_name}


@checker("AZF504")
def storage_names(ctx: Context) -> None:
    for fn in _live_functions(ctx):
        for b in fn.bindings:
            spec = b.spec
            if spec is None or spec.family not in ("queue", "blob", "table"):
                continue
            for key, v, role in _expression_values(b):
                text = str(v.value)
                if role == "blob-path":
                    container = text.split("/", 1)[0]
                    problems = check_container_name(container)
                    check = check_container_name
                    whole = container
                elif role in _NAME_CHECKS:
                    check = _NAME_CHECKS[role]
                    problems = check(text)
                    whole = text
                else:
                    continue
                spot = Spot(ctx, b.path, v)
                for p in problems:
                    if p.warning:
                        continue
                    lowered = whole.lower()
                    edit: Fix | None = None
                    if p.kind == "uppercase" and not check(lowered) and spot.inner:
                        line, col = spot.inner.start
                        edit = fix(
                            f"Use '{lowered}'",
                            replace(
                                spot.path, Range.of(line, col, line, col + len(whole)), lowered
                            ),
                            preferred=True,
                        )
                    ctx.emit(
                        "AZF504",
                        f"\"{key}\" of binding '{b.name}': {p.message}",
                        spot.path,
                        spot.sub(p.start, p.end),
                        fixes=fixes(edit),
                        function=fn,
                    )
                    break


@checker("AZF505")
def http_methods(ctx: Context) -> None:
    for fn in _live_functions(ctx):
        if fn.model != "v1":
            continue  # the v2 library checks methods itself (see decorators.py)
        t = fn.trigger
        if t is None or t.type.lower() != "httptrigger":
            continue
        v = t.value("methods")
        if v is None or not v.known or v.value is None or not has_range(v):
            continue
        if not isinstance(v.value, list):
            rng = v.range
            assert rng is not None  # has_range above
            ctx.emit(
                "AZF505",
                f'"methods" of \'{fn.name}\' must be a list such as ["get", "post"]',
                t.path,
                rng,
                function=fn,
            )
            continue
        _method_items(ctx, fn, t, v)


def _node_at(node: JsonNode | None, rng: Range) -> JsonNode | None:
    """The JSON node whose range is exactly ``rng``."""
    while node is not None:
        if node.range == rng:
            return node
        children = [m.value for m in node.members if m.value is not None] + node.items
        node = next((c for c in children if c.range.start <= rng.start <= c.range.end), None)
    return None


def _method_items(ctx: Context, fn: Function, t: Binding, v: Value) -> None:
    enum = CATALOGUE.enum("HttpMethod")
    known = tuple(m.json for m in enum.members) if enum else HTTP_METHODS
    allowed = tuple(dict.fromkeys((*known, *HTTP_METHODS)))
    if isinstance(v.value, list) and all(
        isinstance(m, str) and m.lower() in allowed for m in v.value
    ):
        return  # nothing to report, before any range: reading one of function.json makes
        # its document find the positions of its nodes (jsondoc/cread.py, issue 16)
    doc = ctx.app.source.json(t.path) if ctx.app.source else None
    array = _node_at(doc.root if doc is not None else None, v.range or t.range)
    if array is not None and array.kind == "array":
        items: list[tuple[object, Range]] = [(i.value, i.range) for i in array.items]
    else:
        items = [(m, v.range or t.range) for m in (v.value if isinstance(v.value, list) else [])]
    for value, rng in items:
        if isinstance(value, str) and value.lower() in allowed:
            continue
        import difflib  # when used: a suggestion for a typo (issue 16)

        close = (
            difflib.get_close_matches(value.lower(), list(allowed), n=1, cutoff=0.5)
            if isinstance(value, str)
            else []
        )
        hint = f"; did you mean '{close[0]}'?" if close else ""
        inner = string_literal_inner(ctx, t.path, rng, value) if isinstance(value, str) else None
        ctx.emit(
            "AZF505",
            f"'{value}' in \"methods\" of '{fn.name}' is not an HTTP method the host answers{hint}",
            t.path,
            rng,
            fixes=fixes(
                fix(
                    f"Change to '{close[0]}'" if close else "",
                    replace(t.path, inner, close[0]) if inner and close else None,
                    preferred=True,
                )
            ),
            function=fn,
        )
