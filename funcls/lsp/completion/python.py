"""Completion in Python files.

v2: after ``@app.`` (or a blueprint variable) the decorators with a snippet of their required
arguments; keyword arguments inside a decorator call; ``arg_name`` values from the decorated
function's parameters; enum members (``func.AuthLevel.``); connection names; queue and
container names already used in the app, or after a typed ``%`` the settings of a ``%Name%``
expression (anywhere in a binding's string), after a typed ``{`` in an input or output the
names the def's trigger supplies. v1: the entry function's parameters named after the
bindings of function.json, with their annotations. Both: the route parameters' names in
``req.route_params["…"]`` (``route_keys``), the app's activities and orchestrators in
``context.call_activity("…")`` and the like (``durable_names``).
"""

from __future__ import annotations

import re

from lsprotocol import types

from funcls.lsp import usage
from funcls.lsp.completion.route_keys import route_key_context, route_key_items
from funcls.lsp.completion.v1 import AF, func_alias, v1_parameter_items
from funcls.lsp.context import Context
from funcls.lsp.describe import decorator_signature, keyword_markdown
from funcls.lsp.durable_names import durable_name_items
from funcls.lsp.items import escape_choice, escape_snippet, item
from funcls.lsp.json_completer import (
    binding_expressions,
    connection_names,
    connection_settings,
    open_binding_expression,
    open_expression,
    setting_expressions,
)
from funcls.lsp.pyctx import Attribute, DecoratorCall, DecoratorName, DefParameters, python_context
from funcls.lsp.secrets import mask_value
from funcls.model.appmodel import App
from funcls.model.catalogue import CATALOGUE, DecoratorParam, DecoratorSpec
from funcls.model.locations import LineIndex, Position, Range
from funcls.model.python.facts import ModuleInfo

K = types.CompletionItemKind
_NAME_TARGETS = ("name",)
_ARG_NAMES = re.compile(
    r"\b(?:arg_name|trigger_arg_name|binding_arg_name|input_name|context_name|client_name)"
    r"\s*=\s*[\"']([^\"']*)[\"']"
)
_DECORATOR_CALL = re.compile(r"^\s*@\s*[A-Za-z_][\w.]*\.([A-Za-z_]\w*)\s*\(", re.M)
_STRING_KEYWORD = re.compile(r"\b([A-Za-z_]\w*)\s*=\s*[rR]?[\"']([^\"'\n]*)[\"']")
_DEF = re.compile(r"^\s*(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(([^)]*)\)", re.M)
COMMON_SCHEDULES = (
    ("0 */5 * * * *", "every 5 minutes"),
    ("0 0 * * * *", "every hour, on the hour"),
    ("0 0 0 * * *", "every day at midnight (UTC)"),
    ("0 30 9 * * 1-5", "at 09:30 on weekdays"),
    ("*/30 * * * * *", "every 30 seconds"),
)


# The decorator rows depend only on this key, not on the cursor: built once, reused.
_DECORATOR_ROWS: dict[tuple[object, ...], list[tuple[str, str | None, str, str]]] = {}


# The decorators people write most, first and in this order (the quickstart templates of
# `func new` and the samples of the Python developer guide lead with these); every other
# decorator follows, triggers before inputs before outputs, then alphabetically.
COMMON_DECORATORS = (
    "route",
    "timer_trigger",
    "queue_trigger",
    "blob_trigger",
    "service_bus_queue_trigger",
    "service_bus_topic_trigger",
    "event_hub_message_trigger",
    "event_grid_trigger",
    "cosmos_db_trigger",
    "function_name",
    "queue_output",
    "blob_input",
    "blob_output",
    "table_input",
    "table_output",
    "service_bus_queue_output",
    "service_bus_topic_output",
    "event_hub_output",
    "event_grid_output",
    "cosmos_db_input",
    "cosmos_db_output",
)
_COMMON_RANK = {name: i for i, name in enumerate(COMMON_DECORATORS)}


def decorator_rank(name: str, role: str, foreign: bool) -> str:
    """sortText of a decorator: the common ones first, then by role and name; durable
    decorators on a plain app last (``foreign``)."""
    if foreign:
        return "2" + name
    rank = _COMMON_RANK.get(name)
    if rank is not None:
        return f"0{rank:02d}{name}"
    return "1" + {"trigger": "0", "input": "1", "output": "2"}.get(role, "3") + name


class PythonCompleter:
    def __init__(
        self,
        ctx: Context,
        path: str,
        text: str,
        lines: LineIndex,
        indexed: bool = True,
        module: ModuleInfo | None = None,
    ) -> None:
        self.ctx = ctx
        self.path = path
        self.text = text
        self.lines = lines
        self.app: App | None = ctx.app(path)
        # False: the app may predate the text (completion.needs_indexed_edits)
        self.indexed = indexed
        # ``module``: an analysis that reads as the text's does (completion.complete)
        self.module = module if module is not None else ctx.source.module(path)
        self.alias = func_alias(self.module)
        self.items: list[types.CompletionItem] = []

    def rng(self, start: int, end: int) -> Range:
        return self.lines.range(start, end)

    def run(self, offset: int) -> types.CompletionList | None:
        pc = python_context(self.text, offset)
        if isinstance(pc, DecoratorName):
            self.decorators(pc)
        elif isinstance(pc, DecoratorCall):
            self.call(pc)
        elif isinstance(pc, Attribute):
            self.enum_members(pc.chain, pc.prefix, pc.start, pc.end)
        elif isinstance(pc, DefParameters):
            self.v1_parameters(pc)
        elif pc is None and (rk := route_key_context(self.text, offset)) is not None:
            self.items += route_key_items(self.ctx, self.app, self.path, self.text, self.lines, rk)
        elif pc is None:
            self.items += durable_name_items(
                self.ctx, self.app, self.path, self.text, self.lines, offset
            )
        if not self.items:
            return None
        return types.CompletionList(is_incomplete=False, items=self.items)

    # -- @app. -------------------------------------------------------------------------------
    def app_object_kind(self, var: str) -> str | None:
        if self.module is not None:
            for c in self.module.app_creations:
                if c.var == var:
                    return c.kind
        if self.app is not None and self.indexed:
            for obj in self.app.app_objects:
                if obj.var == var and obj.path == self.path:
                    return obj.kind
        return None

    def decorators(self, pc: DecoratorName) -> None:
        kind = self.app_object_kind(pc.target)
        if kind is None:
            return
        durable = kind in ("DFApp", "DFBlueprint")
        def_params = self.next_def_parameters(self.lines.position(pc.start).line)
        bound = self.bound_names(pc.start)
        free = tuple(p for p in def_params if p not in bound)
        snippets = not pc.has_call and self.ctx.client.snippets
        key = (pc.target, kind, free, tuple(connection_settings(self.app)), snippets, self.alias)
        rows = _DECORATOR_ROWS.get(key)
        if rows is None:
            rows = [
                (
                    spec.name,
                    self.call_snippet(spec, list(free)) if snippets else None,
                    decorator_rank(spec.name, spec.role, spec.source == "durable" and not durable),
                    decorator_signature(spec, pc.target),
                )
                for spec in CATALOGUE.decorators.values()
                if not spec.alias_of and spec.available_on(kind)
            ]
            if len(_DECORATOR_ROWS) > 64:
                _DECORATOR_ROWS.clear()
            _DECORATOR_ROWS[key] = rows
        replace = self.ctx.positions.range(self.path, self.rng(pc.start, pc.end))
        for label, snippet, sort, detail in rows:
            self.items.append(
                item(
                    self.ctx,
                    self.path,
                    replace,
                    label,
                    label,
                    kind=K.Method,
                    snippet=snippet,
                    detail=detail,
                    doc=("decorator", label, pc.target),
                    sort=sort,
                )
            )

    def call_snippet(self, spec: DecoratorSpec, free: list[str]) -> str:
        parts = []
        tab = 1
        for p in spec.params:
            if not p.required:
                continue
            parts.append(f"{p.name}={self.value_snippet(spec, p, tab, free)}")
            tab += 1
        if spec.name == "route":
            parts.append(f'route="${tab}"')
            tab += 1
        return f"{spec.name}({', '.join(parts)})$0"

    def value_snippet(
        self, spec: DecoratorSpec, p: DecoratorParam, tab: int, free: list[str]
    ) -> str:
        if p.target in _NAME_TARGETS:
            guess = free[0] if free else ""
            return f'"${{{tab}:{escape_snippet(guess)}}}"' if guess else f'"${tab}"'
        if self.is_connection(spec, p):
            names = self.connection_names(spec)
            if names:
                return f'"${{{tab}|{",".join(escape_choice(n) for n in names)}|}}"'
        if p.kind == "enum" and p.enum:
            e = CATALOGUE.enum(p.enum)
            if e is not None:
                opts = ",".join(f"{self.alias}.{p.enum}.{m.name}" for m in e.members)
                return f"${{{tab}|{opts}|}}"
        if p.kind == "boolean":
            return f"${{{tab}|False,True|}}"
        if p.kind in ("integer", "number"):
            return f"${{{tab}:0}}"
        if p.kind == "object":
            return f"{{${tab}}}"
        if p.kind in ("list", "string-list", "enum-list"):
            return f"[${tab}]"
        if p.kind in ("type", "any"):
            return f"${tab}"
        return f'"${tab}"'

    def next_def_parameters(self, line: int) -> list[str]:
        m = _DEF.search(self.text, self.lines.offset(Position(line, 0)))
        if m is None:
            return []
        names = []
        for part in m.group(2).split(","):
            name = part.split(":")[0].split("=")[0].strip(" *\n\t")
            if name and name not in ("self", "cls"):
                names.append(name)
        return names

    def decorator_block(self, offset: int) -> str:
        """The text of the decorators around ``offset``: from the first line of the block
        (up to a blank line or one at the margin that is no decorator) to the next def."""
        first = self.lines.position(offset).line
        while first > 0:
            prev = self.lines.line_text(first - 1)
            if not prev.strip() or not (prev.startswith(("@", " ", "\t", ")"))):
                break
            first -= 1
        m = _DEF.search(self.text, offset)
        return self.text[self.lines.offset(Position(first, 0)) : m.start() if m else len(self.text)]

    def bound_names(self, offset: int) -> set[str]:
        """Names other decorators of the same def already bind."""
        block = self.decorator_block(offset)
        names = set(_ARG_NAMES.findall(block))
        if re.search(r"\.route\s*\(", block) and "trigger_arg_name" not in block:
            names.add("req")
        return names

    def block_trigger(self, offset: int) -> tuple[str, dict[str, object]] | None:
        """The trigger decorator among the decorators around ``offset`` (read from the text:
        the module may not parse while a decorator is typed): its binding type and the
        ``route`` / ``path`` it gives, for the names of ``{name}`` expressions."""
        block = self.decorator_block(offset)
        for call in _DECORATOR_CALL.finditer(block):
            spec = CATALOGUE.decorator(call.group(1))
            if spec is None or spec.role != "trigger" or not spec.bindings:
                continue
            tail = block[call.end() :]
            nxt = tail.find("\n@")
            args = tail if nxt < 0 else tail[:nxt]
            properties: dict[str, object] = {}
            for keyword, value in _STRING_KEYWORD.findall(args):
                param = next((q for q in spec.params if q.name == keyword), None)
                if param is not None and param.target in ("route", "path"):
                    properties[param.target] = value
            return spec.bindings[0], properties
        return None

    def is_connection(self, spec: DecoratorSpec, p: DecoratorParam) -> bool:
        if p.target is None:
            return False
        for t in spec.bindings:
            bspec = CATALOGUE.binding(t)
            prop = bspec.find_property(p.target) if bspec else None
            if prop is not None:
                return prop.role == "connection"
        return p.target == "connection"

    def role_of(self, spec: DecoratorSpec, p: DecoratorParam) -> str | None:
        for t in spec.bindings:
            bspec = CATALOGUE.binding(t)
            prop = bspec.find_property(p.target) if bspec and p.target else None
            if prop is not None:
                return prop.role
        return None

    def connection_names(self, spec: DecoratorSpec) -> list[str]:
        """The settings ``spec``'s connection can name (``json_completer.connection_names``)."""
        families = {b.family for b in map(CATALOGUE.binding, spec.bindings) if b is not None}
        return connection_names(self.app, families.pop() if len(families) == 1 else None)

    # -- inside @app.method( … ) -------------------------------------------------------------
    def call(self, pc: DecoratorCall) -> None:
        spec = CATALOGUE.decorator(pc.method)
        if spec is None or self.app_object_kind(pc.target) is None:
            return
        if pc.keyword is None:
            self.keywords(spec, pc)
            return
        if pc.keyword == "" or ("." in pc.prefix and pc.quote is None):
            chain, _, last = pc.prefix.rpartition(".")
            self.enum_members(chain, last, pc.end - len(pc.prefix) + len(chain) + 1, pc.end)
            return
        param = spec.param(pc.keyword)
        if param is None:
            return
        self.keyword_values(spec, param, pc)

    def keywords(self, spec: DecoratorSpec, pc: DecoratorCall) -> None:
        for i, p in enumerate(spec.params):
            if p.name in pc.present or p.name.startswith("_"):
                continue
            plain = f"{p.name}="
            snippet = f"{p.name}={self.value_snippet(spec, p, 1, self.free_for(pc))}"
            self.items.append(
                item(
                    self.ctx,
                    self.path,
                    self.rng(pc.start, pc.end),
                    plain,
                    plain,
                    kind=K.Field,
                    snippet=snippet,
                    detail=("required · " if p.required else "") + p.kind,
                    doc=keyword_markdown(spec, p.name),
                    sort=("0" if p.required else "1") + f"{i:02d}",
                )
            )

    def free_for(self, pc: DecoratorCall) -> list[str]:
        params = self.next_def_parameters(self.lines.position(pc.start).line)
        bound = self.bound_names(pc.decorator_start)
        return [p for p in params if p not in bound]

    def keyword_values(self, spec: DecoratorSpec, p: DecoratorParam, pc: DecoratorCall) -> None:
        quote = pc.quote
        rng = self.rng(pc.start, pc.end)
        in_string = rng
        kept_tail = False
        cursor = pc.end
        if quote is not None:
            # As in JSON (json_completer.JsonCompleter): inside a string the edit starts after
            # the opening quote, so a client that ignores edit ranges (Neovim's omnifunc)
            # inserts the same text; it keeps a closing quote after the cursor, so for it the
            # item is the bare word.
            cursor = pc.start + 1 + len(pc.prefix)
            end = pc.end if self.ctx.client.edit_ranges else cursor
            in_string = self.rng(pc.start + 1, max(pc.start + 1, end))
            kept_tail = not self.ctx.client.edit_ranges and pc.end > cursor

        def add(
            value: str,
            kind: types.CompletionItemKind,
            detail: str | None = None,
            doc: str | None = None,
            sort: str | None = None,
        ) -> None:
            q = quote or '"'
            closing = "" if kept_tail else q
            text = f"{q}{value}{q}" if quote is None else value + closing
            self.items.append(
                item(
                    self.ctx,
                    self.path,
                    in_string,
                    value,
                    text,
                    kind=kind,
                    detail=detail,
                    doc=doc,
                    sort=sort,
                    filter_text=None if quote else value,
                )
            )

        if p.target in _NAME_TARGETS:
            bound = self.bound_names(pc.decorator_start)
            if spec.role == "output":
                add("$return", K.Keyword, "the function's return value", sort="0")
            for name in self.next_def_parameters(self.lines.position(pc.start).line):
                if name not in bound or (quote is not None and name == pc.prefix):
                    add(name, K.Variable, "parameter", sort="1" + name)
            return
        if p.kind in ("enum", "enum-list") and p.enum:
            e = CATALOGUE.enum(p.enum)
            if e is None:
                return
            # A list parameter (methods=) takes a list: a bare member or string there fails
            # the import (the library iterates it: TypeError, or one method per letter).
            bare = p.kind == "enum-list" and not pc.in_list
            if bare and quote is not None:
                return
            for m in e.members:
                if quote is not None:
                    add(m.name, K.EnumMember, m.summary or None)
                else:
                    expr = f"{self.alias}.{p.enum}.{m.name}"
                    expr = f"[{expr}]" if bare else expr
                    self.items.append(
                        item(
                            self.ctx,
                            self.path,
                            rng,
                            expr,
                            expr,
                            kind=K.EnumMember,
                            detail=m.summary or None,
                        )
                    )
            return
        if p.kind == "boolean" and quote is None:
            for word in ("True", "False"):
                self.items.append(item(self.ctx, self.path, rng, word, word, kind=K.Keyword))
            return
        role = self.role_of(spec, p)
        percent = open_expression(pc.prefix) if quote is not None else None
        brace = open_binding_expression(pc.prefix) if quote is not None else None
        if brace is not None and percent is None:
            # '{' opens a binding expression (as in function.json: completion.function_json):
            # in an input or output, the names the def's trigger supplies; in a trigger, a
            # capture's free name, nothing to offer.
            if spec.role != "trigger":
                self.items += binding_expressions(
                    self.ctx,
                    self.path,
                    self.block_trigger(pc.decorator_start),
                    self.lines,
                    self.text,
                    brace=pc.start + 1 + brace,
                    cursor=cursor,
                    end=max(pc.end, cursor),
                )
            return
        # In a connection too: the host resolves a whole '%Name%' there to the setting's value,
        # the name of the connection's setting (azure-webjobs-sdk, StorageAccountProvider-
        # Extensions.GetStorageAccountAsync: nameResolver.TryResolveWholeString).
        if percent is not None:
            # '%' opens an app setting expression: the settings, not the names in use.
            self.items += setting_expressions(
                self.ctx,
                self.path,
                self.app,
                self.lines,
                self.text,
                at=pc.start,
                cursor=cursor,
                end=max(pc.end, cursor),
                percent=pc.start + 1 + percent,
            )
            return
        if self.is_connection(spec, p) and self.app is not None:
            for name in self.connection_names(spec):
                v = self.app.setting(name)
                add(
                    name,
                    K.Constant,
                    mask_value(name, v.value) if v is not None else "setting group",
                )
            return
        if role == "schedule":
            for sched, words in COMMON_SCHEDULES:
                add(sched, K.Value, words)
            return
        if role in usage.CHANNEL_ROLES and self.app is not None and role is not None:
            skip = (self.path, self.lines.position(pc.start))
            for name, fns in sorted(usage.channel_names(self.app, role, skip).items()):
                users = ", ".join(sorted({f.name for f in fns})[:3])
                add(f"{name}/" if role == "blob-path" else name, K.Reference, f"used by {users}")

    # -- func.AuthLevel. ---------------------------------------------------------------------
    def enum_members(self, chain: str, prefix: str, start: int, end: int) -> None:
        head, _, enum_name = chain.rpartition(".")
        qual = self.module.imports.get(head) if self.module is not None and head else None
        if qual is None and head == "func":
            qual = AF
        if qual not in (AF, "azure.durable_functions"):
            return
        e = CATALOGUE.enum(enum_name)
        if e is None:
            return
        for m in e.members:
            self.items.append(
                item(
                    self.ctx,
                    self.path,
                    self.rng(start, end),
                    m.name,
                    m.name,
                    kind=K.EnumMember,
                    detail=f'{enum_name}.{m.name} → "{m.json}"',
                    doc=m.summary or None,
                )
            )

    # -- v1: def main( … ) -------------------------------------------------------------
    def v1_parameters(self, pc: DefParameters) -> None:
        rng = self.rng(pc.start, pc.end)
        self.items += v1_parameter_items(self.ctx, self.app, self.module, self.path, pc, rng)
