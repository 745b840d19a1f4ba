"""Completion in function.json: properties for the binding's type (required first, with
snippets), values (binding types with their required properties, directions, enums),
connection names from local.settings.json, the settings of a ``%Name%`` expression after a
typed ``%``, the names the trigger supplies after a typed ``{`` (in an input or output),
``$return``, scriptFile paths and entryPoint names.
host.json and local.settings.json complete from their JSON Schemas (``completion.schema_json``)."""

from __future__ import annotations

import json
import os

from lsprotocol import types

from funcls.lsp import usage
from funcls.lsp.context import Context
from funcls.lsp.items import escape_snippet, item
from funcls.lsp.json_completer import (
    UNWRITTEN_VALUES,
    JsonCompleter,
    binding_expressions,
    choices_of,
    connection_names,
    function_trigger,
    node_at,
    open_binding_expression,
    open_expression,
    setting_expressions,
    string_member,
    value_text,
)
from funcls.lsp.jsonctx import JsonContext
from funcls.lsp.secrets import mask_value
from funcls.model.appmodel import App, Function
from funcls.model.catalogue import CATALOGUE, BindingSpec, PropertySpec
from funcls.model.jsondoc import JsonNode
from funcls.model.locations import LineIndex

K = types.CompletionItemKind
CORE_KEYS = {
    "type": "The binding type, e.g. `queueTrigger`; exactly one trigger per function.",
    "direction": "`in` for triggers and input bindings, `out` for outputs.",
    "name": "The parameter of the Python function that receives or sets the value, or "
    "`$return` for the return value.",
}
ROOT_KEYS: dict[str, tuple[str, str]] = {
    "bindings": ("list", "The function's trigger and its input and output bindings."),
    "scriptFile": (
        "string",
        "The Python file with the function, relative to this folder (`__init__.py` by default).",
    ),
    "entryPoint": ("string", "The function to call in `scriptFile` (`main` by default)."),
    "disabled": ("boolean", "`true` stops the function from being triggered."),
    "retry": ("object", "A retry policy: `strategy`, `maxRetryCount`, `delayInterval`…"),
}


class FunctionJsonCompleter(JsonCompleter):
    def __init__(self, ctx: Context, path: str, text: str, jc: JsonContext, lines: LineIndex):
        super().__init__(ctx, path, text, jc, lines)
        self.app: App | None = ctx.app(path)
        self.fn: Function | None = None
        if self.app is not None:
            self.fn = next((f for f in self.app.functions if f.config_path == path), None)
        doc = ctx.source.json(path)
        self.root = doc.root if doc is not None else None

    def run(self) -> types.CompletionList:
        jc = self.jc
        p = jc.path
        if not self.text.strip():
            self.skeleton()
        elif jc.container == "object" and p == ():
            if jc.position == "key":
                self.root_keys()
            else:
                self.root_value(jc.key or "")
        elif len(p) == 1 and p[0] == "bindings" and jc.container == "array" and not jc.quoted:
            self.binding_objects()
        elif len(p) == 2 and p[0] == "bindings" and jc.container == "object":
            node = node_at(self.root, p, jc.start)
            if jc.position == "key":
                self.binding_keys(node)
            else:
                self.binding_value(node, jc.key or "")
        elif len(p) == 3 and p[0] == "bindings" and jc.container == "array":
            node = node_at(self.root, p[:2], jc.start)
            self.binding_value(node, str(p[2]), in_list=True)
        return self.result()

    # -- root --------------------------------------------------------------------------------
    def present(self, node: JsonNode | None) -> set[str]:
        return self.existing_keys(node)

    def skeleton(self) -> None:
        """An empty function.json (a function folder made by hand): the object with its
        script and an empty bindings list, the cursor in it. Without it a new user got no
        completion at all until they typed '{' and a quote."""
        folder = os.path.dirname(self.path)
        scripts = self.python_files(folder)
        script = "__init__.py" if "__init__.py" in scripts or not scripts else scripts[0]
        # One line as plain text (Neovim's omnifunc inserts a newline as a NUL character).
        plain = json.dumps({"scriptFile": script, "bindings": []})
        lines = ["{", f'  "scriptFile": "${{1:{escape_snippet(script)}}}",', '  "bindings": [']
        snippet = "\n".join([*lines, "    $0", "  ]", "}"])
        self.items.append(
            item(
                self.ctx,
                self.path,
                self.replace,
                "{ scriptFile, bindings }",
                plain,
                kind=K.Snippet,
                snippet=snippet,
                detail="function.json",
                doc="A v1 function: the Python file with its entry point and the bindings "
                "(complete inside `[]` for a trigger).",
                filter_text="{",
            )
        )

    def root_keys(self) -> None:
        present = self.present(self.root)
        for i, (key, (kind, doc)) in enumerate(ROOT_KEYS.items()):
            if key.lower() not in present:
                self.add_key(key, kind, [], doc=doc, detail="function.json", sort=f"{i:02d}")

    def root_value(self, key: str) -> None:
        folder = os.path.dirname(self.path)
        if key == "scriptFile":
            for rel in self.python_files(folder):
                self.add_value(rel, kind=K.File, detail="Python file")
        elif key == "entryPoint":
            script = string_member(self.root, "scriptFile") or "__init__.py"
            module = self.ctx.source.module(os.path.normpath(os.path.join(folder, script)))
            if module is not None:
                for f in module.functions:
                    if f.scope == "module":
                        params = ", ".join(p.name for p in f.params)
                        self.add_value(f.name, kind=K.Function, detail=f"def {f.name}({params})")
        elif key == "disabled":
            self.add_value(True)
            self.add_value(False)

    def python_files(self, folder: str) -> list[str]:
        out = []
        for name in self.ctx.source.listdir(folder):
            full = os.path.join(folder, name)
            if name.endswith(".py") and self.ctx.source.is_file(full):
                out.append(name)
            elif not name.startswith((".", "_")) and self.ctx.source.is_dir(full):
                out.extend(
                    f"{name}/{n}" for n in self.ctx.source.listdir(full) if n.endswith(".py")
                )
        return sorted(out, key=lambda n: (n != "__init__.py", n))

    # -- bindings ----------------------------------------------------------------------------
    def binding_objects(self) -> None:
        has_trigger = self.fn is not None and self.fn.trigger is not None
        for spec in CATALOGUE.bindings.values():
            members = self.required_members(
                spec, set(), spec.directions[0] if spec.directions else "in"
            )
            plain = "{" + ", ".join(m[0] for m in members) + "}"
            snippet = "{" + ", ".join(m[1] for m in members) + "}"
            sort = ("1" if spec.trigger == has_trigger else "0") + spec.type.lower()
            self.items.append(
                item(
                    self.ctx,
                    self.path,
                    self.replace,
                    f"{spec.type} binding",
                    plain,
                    kind=K.Snippet,
                    snippet=snippet,
                    detail=spec.title,
                    doc=("binding", spec.type),
                    sort=sort,
                    filter_text=spec.type,
                )
            )

    def required_members(
        self, spec: BindingSpec, present: set[str], direction: str, first_tab: int = 1
    ) -> list[tuple[str, str]]:
        """(plain, snippet) member texts for what a new binding of ``spec`` needs."""
        out: list[tuple[str, str]] = []
        tab = first_tab
        if "type" not in present:
            out.append((f'"type": "{spec.type}"', f'"type": "{spec.type}"'))
        if "direction" not in present:
            out.append((f'"direction": "{direction}"', f'"direction": "{direction}"'))
        if "name" not in present:
            guess = "$return" if spec.type == "http" else self.free_parameter(direction)
            snip = f"${{{tab}:{escape_snippet(guess)}}}" if guess else f"${tab}"
            out.append((f'"name": "{guess}"', f'"name": "{snip}"'))
            tab += 1
        for prop in spec.properties_for(direction):
            if not prop.required or prop.name.lower() in present:
                continue
            choices = self.valuechoices_of(spec, prop)
            plain, snip = value_text(prop.kind, choices)
            snip = snip.replace("$1", f"${tab}").replace("${1", f"${{{tab}")
            out.append((f'"{prop.name}": {plain}', f'"{prop.name}": {snip}'))
            tab += 1
        return out

    def free_parameter(self, direction: str) -> str:
        names = self.unbound_parameters()
        return names[0] if names else ("$return" if direction == "out" else "")

    def unbound_parameters(self) -> list[str]:
        if self.fn is None:
            return []
        bound = {b.name for b in self.fn.bindings}
        return [p.name for p in self.fn.parameters if p.name not in bound and p.name != "context"]

    def valuechoices_of(self, spec: BindingSpec, prop: PropertySpec) -> list[str]:
        if prop.role == "connection":
            return self.connection_names(spec)
        return choices_of(prop)

    def connection_names(self, spec: BindingSpec | None) -> list[str]:
        return connection_names(self.app, spec.family if spec is not None else None)

    def binding_keys(self, node: JsonNode | None) -> None:
        present = self.present(node)
        btype = string_member(node, "type")
        direction = string_member(node, "direction") or ""
        spec = CATALOGUE.binding(btype) if btype else None
        for i, (key, doc) in enumerate(CORE_KEYS.items()):
            if key not in present:
                choices = [spec.type] if key == "type" and spec else []
                if key == "direction" and spec:
                    choices = list(spec.directions)
                self.add_key(key, "string", choices, doc=doc, detail="binding", sort=f"0{i}")
        if spec is None:
            return
        for prop in spec.properties_for(
            direction or (spec.directions[0] if spec.directions else "in")
        ):
            if prop.name.lower() in present:
                continue
            rank = "1" if prop.required else "2"
            self.add_key(
                prop.name,
                prop.kind,
                self.valuechoices_of(spec, prop),
                doc=("property", spec.type, prop.name),
                detail=f"{spec.type}{' · required' if prop.required else ''}",
                sort=rank + prop.name.lower(),
            )

    def binding_value(self, node: JsonNode | None, key: str, in_list: bool = False) -> None:
        btype = string_member(node, "type")
        direction = string_member(node, "direction") or ""
        spec = CATALOGUE.binding(btype) if btype else None
        low = key.lower()
        if low == "type" and not in_list:
            self.type_values(node, direction)
        elif low == "direction":
            for d in spec.directions if spec else ("in", "out"):
                self.add_value(d, kind=K.EnumMember)
        elif low == "name":
            self.name_values(direction, spec)
        elif spec is not None:
            prop = spec.find_property(key)
            if prop is not None:
                self.property_values(spec, prop, in_list)

    def type_values(self, node: JsonNode | None, direction: str) -> None:
        present = self.present(node) - {"type"}
        has_trigger = self.fn is not None and any(
            b.is_trigger and not b.range.contains(self.lines.position(self.jc.start))
            for b in self.fn.bindings
        )
        indent = self.indent()
        following = node is not None and any(
            m.range.start > self.lines.position(self.jc.end) for m in node.members
        )
        for spec in CATALOGUE.bindings.values():
            if direction and direction not in spec.directions:
                continue
            d = direction or (spec.directions[0] if spec.directions else "in")
            members = self.required_members(spec, present | {"type"}, d)
            snippet = None
            if members and self.ctx.client.snippets:
                sep = ",\n" + indent
                snippet = f'"{spec.type}"' + sep + sep.join(m[1] for m in members)
                if following:
                    snippet += ","
            sort = ("0" if spec.trigger != has_trigger else "1") + spec.type.lower()
            self.add_value(
                spec.type,
                kind=K.Class,
                detail=spec.title,
                doc=("binding", spec.type),
                sort=sort,
                snippet=snippet,
            )

    def indent(self) -> str:
        line = self.lines.line_text(self.lines.position(self.jc.start).line)
        return line[: len(line) - len(line.lstrip())]

    def name_values(self, direction: str, spec: BindingSpec | None) -> None:
        if direction == "out" or (spec is not None and spec.type == "http"):
            self.add_value(
                "$return", kind=K.Keyword, detail="the function's return value", sort="0"
            )
        for name in self.unbound_parameters():
            p = self.fn.parameter(name) if self.fn else None
            detail = (
                f"parameter {p.name}: {p.annotation.text}" if p and p.annotation else "parameter"
            )
            self.add_value(name, kind=K.Variable, detail=detail, sort="1" + name)

    def property_values(self, spec: BindingSpec, prop: PropertySpec, in_list: bool) -> None:
        if prop.kind == "enum-list" and not in_list:
            return
        percent = open_expression(self.jc.prefix) if self.jc.quoted else None
        brace = open_binding_expression(self.jc.prefix) if self.jc.quoted else None
        if brace is not None and not spec.trigger and percent is None:
            # '{' opens a binding expression: the names the trigger supplies, not the names
            # in use (a trigger's own '{name}' captures a free name: nothing to offer).
            self.items += binding_expressions(
                self.ctx,
                self.path,
                function_trigger(self.fn),
                self.lines,
                self.text,
                brace=self.jc.start + 1 + brace,
                cursor=self.cursor,
                end=max(self.jc.end, self.cursor),
            )
            return
        if brace is not None:
            return
        if percent is not None:  # in a connection too (completion.python.keyword_values)
            # '%' opens an app setting expression: the settings, not the names in use.
            at, end = self.jc.start, max(self.jc.end, self.cursor)
            self.items += setting_expressions(
                self.ctx,
                self.path,
                self.app,
                self.lines,
                self.text,
                at=at,
                cursor=self.cursor,
                end=end,
                percent=at + 1 + percent,
            )
            return
        if prop.role == "connection" and self.app is not None:
            for name in self.connection_names(spec):
                value = self.app.setting(name)
                detail = mask_value(name, value.value) if value is not None else "setting group"
                self.add_value(name, kind=K.Constant, detail=detail)
            return
        if prop.kind == "boolean":
            self.add_value(True)
            self.add_value(False)
            return
        enum = CATALOGUE.enum(prop.enum) if prop.enum else None
        if enum is not None:
            for m in enum.members:
                if m.json not in UNWRITTEN_VALUES:
                    self.add_value(m.json, kind=K.EnumMember, detail=m.summary or None)
            return
        for v in prop.values:
            if v not in UNWRITTEN_VALUES:
                self.add_value(v, kind=K.EnumMember)
        if prop.role in usage.CHANNEL_ROLES and self.app is not None:
            skip = (self.path, self.lines.position(self.jc.start))
            for name, fns in sorted(usage.channel_names(self.app, prop.role, skip).items()):
                users = ", ".join(sorted({f.name for f in fns})[:3])
                label = f"{name}/" if prop.role == "blob-path" else name
                snippet = f'"{escape_snippet(name)}/$1"' if prop.role == "blob-path" else None
                self.add_value(label, kind=K.Reference, detail=f"used by {users}", snippet=snippet)
