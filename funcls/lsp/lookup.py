"""What is at a position: a lookup in the model (every element knows its range), plus the
JSON structure for keys the model does not keep. Hover, definition, references and rename all
start here."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Literal

from funcls.model.appmodel import App, AppObject, Binding, DecoratorUse, Function, Parameter, Value
from funcls.model.catalogue import CATALOGUE, PropertySpec
from funcls.model.jsondoc import JsonMember, JsonNode
from funcls.model.locations import Position, Range
from funcls.model.python.route_aliases import AliasRead, alias_reads
from funcls.model.source import Source

SpotKind = Literal[
    "binding-type",
    "binding-name",
    "binding-direction",
    "property-key",
    "property-value",
    "decorator",
    "keyword",
    "keyword-value",
    "parameter",
    "parameter-use",
    "function",
    "script-file",
    "entry-point",
    "setting-key",
    "setting-value",
    "app-object",
    "json-key",
    "route-param",  # req.route_params["id"] (key: "id")
    "query-param",  # req.params["x"]
    "body",  # msg.get_body(), req.get_json()
    "env-read",  # os.environ["X"], os.getenv("X") (setting: "X"; range: the name)
]

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# What a function reads from its trigger: a route or query parameter by name, the body.
_REQUEST_READS = re.compile(
    r"\b(?P<var>[A-Za-z_]\w*)\.(?P<attr>route_params|params)"
    r"(?:\[\s*(?P<q1>['\"])(?P<k1>[^'\"]*)(?P=q1)\s*\]|\.get\(\s*(?P<q2>['\"])(?P<k2>[^'\"]*)(?P=q2))"
    r"|\b(?P<bvar>[A-Za-z_]\w*)\.get_(?:body|json)\(\)"
)
_PERCENT = re.compile(r"%([^%\s\"']+)%")
# The code reading an app setting: os.environ["X"], os.environ.get("X"), os.getenv("X") (also
# after ``from os import environ, getenv``).
ENV_READ = re.compile(
    r"\b(?:os\.)?(?:environ\s*\[|environ\.get\s*\(|getenv\s*\()\s*"
    r"(?P<q>['\"])(?P<name>[^'\"\\\n]+)(?P=q)"
)


@dataclass
class Spot:
    kind: SpotKind
    app: App
    path: str
    range: Range
    fn: Function | None = None
    binding: Binding | None = None
    key: str | None = None  # function.json property key (v2: the key the keyword sets)
    value: Value | None = None
    use: DecoratorUse | None = None
    keyword: str | None = None  # decorator keyword (v2)
    param: Parameter | None = None
    setting: str | None = None  # a %Setting% inside the value, or a local.settings.json key
    setting_range: Range | None = None
    app_object: AppObject | None = None
    json_path: tuple[str | int, ...] = ()
    route_param: str | None = None  # the {name} of a route template at the position

    @property
    def property_spec(self) -> PropertySpec | None:
        if self.binding is None or self.key is None:
            return None
        spec = self.binding.spec
        return spec.find_property(self.key) if spec else None

    @property
    def is_connection(self) -> bool:
        prop = self.property_spec
        if prop is not None:
            return prop.role == "connection"
        return (self.key or "").lower() == "connection"


def functions_in(app: App, path: str, web_apps: bool = False) -> list[Function]:
    """Every function defined in or configured by ``path``; with ``web_apps``, also the
    catch-all function of an AsgiFunctionApp/WsgiFunctionApp made there."""
    out = []
    for fn in (*app.functions, *app.unregistered, *app.misplaced):
        if fn.config_path == path or (
            fn.script_path == path
            and (not fn.synthetic or (web_apps and fn.http_type in ("asgi", "wsgi")))
        ):
            out.append(fn)
    return out


def word_at(line: str, column: int) -> tuple[str, int, int] | None:
    """The identifier at ``column`` of ``line`` (touching it from either side)."""
    for m in _IDENT.finditer(line):
        if m.start() <= column <= m.end():
            return m.group(), m.start(), m.end()
    return None


def _setting_in(source: Source, path: str, rng: Range, pos: Position) -> tuple[str, Range] | None:
    """The ``%Name%`` around ``pos`` inside the one-line value at ``rng``."""
    if rng.start.line != rng.end.line or rng.start.line != pos.line:
        return None
    doc_text = source.text(path)
    if doc_text is None:
        return None
    line = doc_text.split("\n", pos.line + 1)[pos.line] if pos.line >= 0 else ""
    segment = line[rng.start.column : rng.end.column]
    for m in _PERCENT.finditer(segment):
        start = rng.start.column + m.start()
        end = rng.start.column + m.end()
        if start <= pos.column <= end:
            return m.group(1), Range.of(pos.line, start, pos.line, end)
    return None


def _value_spot(
    app: App, path: str, pos: Position, source: Source, spot: Spot, value: Value
) -> Spot:
    if (
        spot.key == "route"
        and spot.binding is not None
        and spot.binding.type.lower() == "httptrigger"
    ):
        spot.route_param = _template_param_at(value, pos)
    elif spot.fn is not None and spot.binding is not None and not spot.binding.is_trigger:
        # ``{id}`` in another binding's value (a blob path): the route parameter it reads.
        found = expression_param_at(value, pos)
        if found is not None and route_param_location(spot.fn, found[0]) is not None:
            spot.route_param = found[0]
    hit = _setting_in(source, path, value.range, pos) if value.range else None
    if hit is not None:
        spot.setting, spot.setting_range = hit
    elif spot.is_connection and value.known and isinstance(value.value, str):
        spot.setting = value.value
    return spot


def _binding_spot(
    app: App, fn: Function, b: Binding, path: str, pos: Position, source: Source
) -> Spot | None:
    for kind, rng in (
        ("binding-name", b.name_range),
        ("binding-type", b.type_range),
        ("binding-direction", b.direction_range),
    ):
        if rng is not None and rng.contains(pos):
            return Spot(kind, app, path, rng, fn, b)  # type: ignore[arg-type]
    for key, v in b.properties.items():
        if v.origin == "default":
            continue
        if v.key_range is not None and v.key_range.contains(pos):
            kind = "keyword" if fn.model == "v2" else "property-key"
            return Spot(kind, app, path, v.key_range, fn, b, key, v)  # type: ignore[arg-type]
        if v.range is not None and v.range.contains(pos):
            kind = "keyword-value" if fn.model == "v2" else "property-value"
            spot = Spot(kind, app, path, v.range, fn, b, key, v)  # type: ignore[arg-type]
            return _value_spot(app, path, pos, source, spot, v)
    return None


def _keyword_name(use: DecoratorUse, value: Value) -> str | None:
    for name, v in use.keywords.items():
        if v is value:
            return name
    # A def moved by lines added above it is a copy (model/shift.py) whose binding properties
    # and decorator keywords are separate objects: the same keyword has the same key range.
    for name, v in use.keywords.items():
        if v.key_range is not None and v.key_range == value.key_range:
            return name
    return None


def _python_spot(app: App, fn: Function, path: str, pos: Position, source: Source) -> Spot | None:
    if fn.def_name_range is not None and fn.def_name_range.contains(pos):
        return Spot("function", app, path, fn.def_name_range, fn)
    for p in fn.parameters:
        if p.range.contains(pos):
            return Spot("parameter", app, path, p.range, fn, fn.binding(p.name), param=p)
    for idx, use in enumerate(fn.decorators):
        if not use.range.contains(pos):
            continue
        if use.name_range.contains(pos):
            return Spot("decorator", app, path, use.name_range, fn, use=use)
        target_end = use.name_range.start
        if use.range.start.line == target_end.line and use.range.start <= pos < target_end:
            obj = _object(app, use.target, path)
            if obj is not None:
                return Spot("app-object", app, path, use.range, fn, use=use, app_object=obj)
        for b in fn.bindings:
            if b.decorator_index == idx:
                spot = _binding_spot(app, fn, b, path, pos, source)
                if spot is not None:
                    spot.use = use
                    if spot.value is not None:
                        spot.keyword = _keyword_name(use, spot.value)
                    elif spot.kind == "binding-name" and b.name_range is not None:
                        spot.kind = "binding-name"
                    return spot
        for name, v in use.keywords.items():
            if v.key_range is not None and v.key_range.contains(pos):
                return Spot("keyword", app, path, v.key_range, fn, use=use, keyword=name, value=v)
            if v.range is not None and v.range.contains(pos):
                spot = Spot("keyword-value", app, path, v.range, fn, use=use, keyword=name, value=v)
                return _value_spot(app, path, pos, source, spot, v)
        return None
    if fn.def_range is not None and fn.def_range.contains(pos):
        text = source.text(path)
        if text is not None:
            lines = text.split("\n")
            read = _read_at(app, fn, path, lines[pos.line] if pos.line < len(lines) else "", pos)
            if read is None:
                read = _alias_read_at(app, fn, path, text, pos)
            if read is not None:
                return read
            if pos.line < len(lines):
                hit = word_at(lines[pos.line], pos.column)
                if hit is not None:
                    used = fn.parameter(hit[0])
                    if used is not None:
                        rng = Range.of(pos.line, hit[1], pos.line, hit[2])
                        fed = fn.binding(used.name)
                        return Spot("parameter-use", app, path, rng, fn, fed, param=used)
    return None


def _read_at(app: App, fn: Function, path: str, line: str, pos: Position) -> Spot | None:
    """``req.route_params["id"]``, ``req.params["x"]``, ``msg.get_body()`` at ``pos``, where
    the variable is a parameter of ``fn``."""
    for m in _REQUEST_READS.finditer(line):
        if not m.start() <= pos.column <= m.end():
            continue
        var = m.group("var") or m.group("bvar")
        p = fn.parameter(var)
        if p is None:
            return None
        rng = Range.of(pos.line, m.start(), pos.line, m.end())
        b = fn.binding(var)
        if m.group("bvar"):
            return Spot("body", app, path, rng, fn, b, param=p)
        kind: SpotKind = "route-param" if m.group("attr") == "route_params" else "query-param"
        key = m.group("k1") if m.group("k1") is not None else m.group("k2")
        return Spot(kind, app, path, rng, fn, b, key=key, param=p)
    return None


def _alias_reads(fn: Function, text: str) -> list[AliasRead]:
    """``params["id"]`` / ``params.get("id")`` after ``params = req.route_params`` in ``fn``,
    ``req`` being the parameter of its HTTP trigger (model.python.route_aliases)."""
    t = fn.trigger
    if t is None or fn.def_name_range is None or fn.parameter(t.name) is None:
        return []
    if t.spec is None or t.spec.type != "httpTrigger":
        return []
    return alias_reads(text, fn.def_name_range.start.line, t.name)


def _alias_read_at(app: App, fn: Function, path: str, text: str, pos: Position) -> Spot | None:
    for r in _alias_reads(fn, text):
        if r.range.contains(pos):
            p = fn.parameter(fn.trigger.name) if fn.trigger is not None else None
            return Spot("route-param", app, path, r.range, fn, fn.trigger, key=r.key, param=p)
    return None


# A parameter of a route template: "{id}", "{id:int}", "{id?}", "{*rest}", "{x=1}".
_TEMPLATE_PARAM = re.compile(r"\{\*{0,2}([^{}:?=*]+)(?=[:?=}])")


def _template_param_at(value: Value, pos: Position) -> str | None:
    """The name of the route template parameter whose braces hold ``pos``, in the one-line
    string ``value`` (its text read as the literal between the quotes, as
    ``route_param_location`` reads it)."""
    rng = value.range
    if rng is None or not isinstance(value.value, str) or rng.start.line != rng.end.line:
        return None
    if pos.line != rng.start.line:
        return None
    column = pos.column - (rng.start.column + 1)  # after the opening quote
    for m in _TEMPLATE_PARAM.finditer(value.value):
        close = value.value.find("}", m.end(1))
        if m.start() <= column <= (close if close >= 0 else m.end(1)):
            return m.group(1)
    return None


def expression_param_at(value: Value, pos: Position) -> tuple[str, Range] | None:
    """The ``{name}`` of a binding expression whose braces hold ``pos`` in the one-line plain
    string ``value`` (its text read as the literal between the quotes): the name and its
    range."""
    rng = value.range
    if rng is None or not isinstance(value.value, str) or rng.start.line != rng.end.line:
        return None
    if pos.line != rng.start.line or rng.end.column - rng.start.column != len(value.value) + 2:
        return None  # escapes or a prefix: columns of the text are not those of the value
    column = pos.column - (rng.start.column + 1)
    for m in _TEMPLATE_PARAM.finditer(value.value):
        close = value.value.find("}", m.end(1))
        if m.start() <= column <= (close if close >= 0 else m.end(1)):
            start = rng.start.column + 1 + m.start(1)
            return m.group(1), Range.of(pos.line, start, pos.line, start + len(m.group(1)))
    return None


def route_param_expressions(fn: Function, name: str) -> list[tuple[str, Range]]:
    """The ``{name}``s of ``fn``'s other bindings' values (a blob path ``receipts/{id}.json``)
    that read route parameter ``name``, in one-line plain strings: the name's place."""
    out = []
    for b in fn.bindings:
        if b is fn.trigger:
            continue
        for v in b.properties.values():
            rng = v.range
            if rng is None or not isinstance(v.value, str) or "{" + name not in v.value:
                continue
            for m in _TEMPLATE_PARAM.finditer(v.value):
                if m.group(1) != name:
                    continue
                at = Position(rng.start.line, rng.start.column + 1 + m.start(1))
                found = expression_param_at(v, at)
                if found is not None and found[0] == name:
                    out.append((b.path, found[1]))
    return out


def route_param_uses(fn: Function, source: Source, name: str) -> list[tuple[str, Range]]:
    """Where ``fn``'s code reads route parameter ``name``: the key inside the quotes of each
    ``req.route_params["name"]`` / ``req.route_params.get("name")``, ``req`` being the
    parameter of the HTTP trigger."""
    t = fn.trigger
    path = fn.script_path
    if t is None or path is None or fn.def_range is None or fn.parameter(t.name) is None:
        return []
    text = source.text(path)
    if text is None:
        return []
    out = []
    lines = text.split("\n")
    last = min(fn.def_range.end.line, len(lines) - 1)
    for n in range(fn.def_range.start.line, last + 1):
        for m in _REQUEST_READS.finditer(lines[n]):
            if m.group("var") != t.name or m.group("attr") != "route_params":
                continue
            group = "k1" if m.group("k1") is not None else "k2"
            if m.group(group) == name:
                out.append((path, Range.of(n, m.start(group), n, m.end(group))))
    out.extend((path, r.key_range) for r in _alias_reads(fn, text) if r.key == name)
    out.sort(key=lambda hit: (hit[1].start.line, hit[1].start.column))
    return out


def route_param_name(spot: Spot) -> str | None:
    """The route parameter at ``spot``: ``{id}`` in a template or ``req.route_params["id"]``."""
    if spot.route_param is not None:
        return spot.route_param
    return spot.key if spot.kind == "route-param" else None


def route_param_names(fn: Function) -> list[str]:
    """The parameters of the route template of ``fn``'s HTTP trigger, as written (none without
    a known route)."""
    t = fn.trigger
    v = t.properties.get("route") if t is not None else None
    if v is None or not v.known or not isinstance(v.value, str):
        return []
    return [m.group(1) for m in _TEMPLATE_PARAM.finditer(v.value)]


def route_param_location(fn: Function, name: str) -> tuple[str, Range, str] | None:
    """Where route parameter ``name`` is declared in the route template of ``fn``'s HTTP
    trigger: (path, range of the name, the template); None without such a parameter."""
    t = fn.trigger
    v = t.properties.get("route") if t is not None else None
    if t is None or v is None or not v.known or v.range is None or not isinstance(v.value, str):
        return None
    if v.range.start.line != v.range.end.line:
        return None
    m = next((m for m in _TEMPLATE_PARAM.finditer(v.value) if m.group(1) == name), None)
    if m is None:
        return None
    column = v.range.start.column + 1 + m.start(1)  # after the opening quote
    line = v.range.start.line
    return t.path, Range.of(line, column, line, column + len(name)), v.value


def _object(app: App, var: str, path: str) -> AppObject | None:
    for obj in app.app_objects:
        if obj.var == var and obj.path == path:
            return obj
    return None


def _json_member(
    source: Source, path: str, pos: Position
) -> tuple[list[JsonNode | JsonMember], JsonMember | None]:
    doc = source.json(path)
    if doc is None:
        return [], None
    chain = doc.path_at(pos)
    members = [c for c in chain if isinstance(c, JsonMember)]
    return chain, members[-1] if members else None


def _json_path(chain: list[JsonNode | JsonMember]) -> tuple[str | int, ...]:
    out: list[str | int] = []
    for i, c in enumerate(chain):
        if isinstance(c, JsonMember):
            out.append(c.key)
        elif i > 0:
            parent = chain[i - 1]
            if isinstance(parent, JsonNode) and parent.kind == "array":
                out.append(next(n for n, item in enumerate(parent.items) if item is c))
    return tuple(out)


def _function_json_spot(app: App, fn: Function, path: str, pos: Position, source: Source) -> Spot:
    for b in fn.bindings:
        if b.range.contains(pos):
            spot = _binding_spot(app, fn, b, path, pos, source)
            if spot is not None:
                return spot
    chain, member = _json_member(source, path, pos)
    jpath = _json_path(chain)
    if member is not None:
        if member.key_range.contains(pos):
            spot = Spot("json-key", app, path, member.key_range, fn, json_path=jpath)
            for b in fn.bindings:
                if b.range.contains(pos):
                    spot.binding, spot.key = b, member.key
            return spot
        typed = member.value or _open_string(source, path, member, pos)
        if typed is not None and typed.range.contains(pos):
            if len(jpath) == 3 and jpath[0] == "bindings":
                spot = _unread_binding_value(
                    app, fn, path, pos, source, chain, member, typed, jpath
                )
                if spot is not None:
                    return spot
            if len(jpath) == 1 and member.key == "scriptFile" and fn.script_file is not None:
                return Spot("script-file", app, path, typed.range, fn, value=fn.script_file)
            if len(jpath) == 1 and member.key == "entryPoint" and fn.entry_point_value:
                v = fn.entry_point_value
                return Spot("entry-point", app, path, typed.range, fn, value=v)
    return Spot("json-key", app, path, Range(pos, pos), fn, json_path=jpath)


def _unread_binding_value(
    app: App,
    fn: Function,
    path: str,
    pos: Position,
    source: Source,
    chain: list[JsonNode | JsonMember],
    member: JsonMember,
    value: JsonNode,
    jpath: tuple[str | int, ...],
) -> Spot | None:
    """The setting a value names in a binding object the model could not read (function.json
    being typed: a key still open below it drops the whole object), from the tolerant parse:
    a ``%Name%`` at ``pos``, or the value of a connection property. Found in Neovim: hover on
    ``"connection": "AzureWebJobsStorage"`` then described the key, with an empty range, and
    go to definition answered nothing, while the same line answered once the key was closed.
    ``value``: the member's value, or the string being typed there (``_open_string``)."""
    if value.kind != "string" or not isinstance(value.value, str):
        return None
    hit = _setting_in(source, path, value.range, pos)
    if hit is None and (not value.value or not _names_connection(chain, member)):
        return None
    setting, setting_range = hit if hit is not None else (value.value, None)
    return Spot(
        "property-value",
        app,
        path,
        value.range,
        fn,
        key=member.key,
        setting=setting,
        setting_range=setting_range,
        json_path=jpath,
    )


_OPEN_STRING = re.compile(r'\s*:\s*"([^"\\]*)$')


def _open_string(source: Source, path: str, member: JsonMember, pos: Position) -> JsonNode | None:
    """The string a member's value is being typed as, not closed yet on its line
    (``"connection": "AzureWebJobsSto``): the parse drops such a value (found in Neovim: hover
    there described the key over an empty range, definition answered nothing)."""
    key = member.key_range
    text = source.text(path)
    if member.value is not None or key.end.line != pos.line or text is None:
        return None
    line = text.split("\n", pos.line + 1)[pos.line]
    m = _OPEN_STRING.match(line, key.end.column)
    if m is None:
        return None
    quote = m.start(1) - 1
    if not quote < pos.column <= len(line):
        return None
    rng = Range.of(pos.line, quote, pos.line, len(line))
    return JsonNode("string", rng, 0, 0, value=m.group(1), complete=False)


def _names_connection(chain: list[JsonNode | JsonMember], member: JsonMember) -> bool:
    """Whether ``member`` of a binding object in the tolerant parse is its connection
    property (by the catalogue's role for the object's type, else by the key's name)."""
    at = next(i for i, c in enumerate(chain) if c is member)
    obj = chain[at - 1] if at > 0 else None
    type_member = obj.get_ci("type") if isinstance(obj, JsonNode) and obj.kind == "object" else None
    btype = type_member.value.value if type_member and type_member.value else None
    spec = CATALOGUE.binding(btype) if isinstance(btype, str) else None
    prop = spec.find_property(member.key) if spec is not None else None
    return prop.role == "connection" if prop else member.key.lower() == "connection"


def _settings_spot(app: App, path: str, pos: Position, source: Source) -> Spot | None:
    chain, member = _json_member(source, path, pos)
    jpath = _json_path(chain)
    if member is None:
        return None
    if len(jpath) == 2 and jpath[0] in ("Values", "ConnectionStrings"):
        if member.key_range.contains(pos):
            return Spot(
                "setting-key", app, path, member.key_range, setting=member.key, json_path=jpath
            )
        if member.value is not None and member.value.range.contains(pos):
            return Spot(
                "setting-value", app, path, member.value.range, setting=member.key, json_path=jpath
            )
    if member.key_range.contains(pos):
        return Spot("json-key", app, path, member.key_range, json_path=jpath)
    return Spot("json-key", app, path, Range(pos, pos), json_path=jpath)


def _env_read_spot(app: App, path: str, pos: Position, source: Source) -> Spot | None:
    """The setting named by ``os.environ["X"]`` / ``os.getenv("X")`` at ``pos`` (on the name)."""
    text = source.text(path)
    if text is None or ("environ" not in text and "getenv" not in text):
        return None
    lines = text.split("\n", pos.line + 1)
    line = lines[pos.line] if 0 <= pos.line < len(lines) else ""
    for m in ENV_READ.finditer(line):
        if m.start("name") <= pos.column <= m.end("name"):
            rng = Range.of(pos.line, m.start("name"), pos.line, m.end("name"))
            return Spot("env-read", app, path, rng, setting=m.group("name"))
    return None


def spot_at(app: App, path: str, pos: Position, source: Source) -> Spot | None:
    """The model element at ``pos`` of ``path``, or None."""
    name = os.path.basename(path)
    if name.endswith(".py"):
        read = _env_read_spot(app, path, pos, source)
        if read is not None:
            return read
    if name == "local.settings.json" and path == app.local_settings_path:
        return _settings_spot(app, path, pos, source)
    if name == "host.json":
        chain, member = _json_member(source, path, pos)
        jpath = _json_path(chain)
        rng = member.key_range if member is not None and member.key_range.contains(pos) else None
        value = member.value if member is not None else None
        if rng is None and value is not None and value.kind not in ("object", "array"):
            # On a plain value: the hover spans it (was an empty range at the cursor).
            rng = value.range if value.range.contains(pos) else None
        return Spot("json-key", app, path, rng or Range(pos, pos), json_path=jpath)
    fns = functions_in(app, path)
    if name == "function.json":
        for fn in fns:
            if fn.config_path == path:
                return _function_json_spot(app, fn, path, pos, source)
        return None
    for fn in fns:
        if fn.script_path != path:
            continue
        spot = _python_spot(app, fn, path, pos, source)
        if spot is not None:
            return spot
    for obj in app.app_objects:
        if obj.path == path and obj.range.contains(pos):
            return Spot("app-object", app, path, obj.range, app_object=obj)
    for reg in app.registrations:
        if reg.path == path and reg.range.contains(pos) and reg.blueprint_var is not None:
            for obj in app.app_objects:
                if obj.var == reg.blueprint_var and obj.path == reg.blueprint_path:
                    return Spot("app-object", app, path, reg.range, app_object=obj)
    return None
