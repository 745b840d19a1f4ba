"""Completion in host.json and local.settings.json from their JSON Schemas; in
local.settings.json ``Values`` also the settings the app's bindings read but that are missing."""

from __future__ import annotations

import os
from typing import Any

from lsprotocol import types

from funcls.lsp import schema_nav, usage
from funcls.lsp.context import Context
from funcls.lsp.json_completer import JsonCompleter, node_at
from funcls.lsp.jsonctx import JsonContext
from funcls.model.locations import LineIndex
from funcls.model.run_inputs import INPUTS_FILE, inputs_schema, is_http

K = types.CompletionItemKind


def load_schema(file_name: str) -> dict[str, Any] | None:
    """Our JSON Schema for host.json / local.settings.json / function.json, if installed."""
    try:
        from funcls.model import schemas
    except ImportError:
        return None
    try:
        schema = schemas.schema_for_file(file_name)
    except (KeyError, ValueError, OSError):
        return None
    return schema if isinstance(schema, dict) else None


def _kind(schemas: list[dict[str, Any]]) -> str:
    t = schema_nav.types_of(schemas)
    for name, kind in (
        ("object", "object"),
        ("array", "list"),
        ("boolean", "boolean"),
        ("integer", "integer"),
        ("number", "number"),
    ):
        if t == {name} or (name in t and "string" not in t):
            return kind
    return "string"


class SchemaCompleter(JsonCompleter):
    def __init__(
        self,
        ctx: Context,
        path: str,
        text: str,
        jc: JsonContext,
        lines: LineIndex,
        schema: dict[str, Any] | None,
    ) -> None:
        super().__init__(ctx, path, text, jc, lines)
        self.schema = schema
        doc = ctx.source.json(path)
        self.root = doc.root if doc is not None else None

    def run(self) -> types.CompletionList:
        jc = self.jc
        if jc.container == "object" and jc.position == "key":
            self.keys()
        elif jc.container in ("object", "array"):
            self.values()
        return self.result()

    def keys(self) -> None:
        # Keys already written are left out, except the one being edited at the cursor.
        present = self.existing_keys(node_at(self.root, self.jc.path, self.jc.start))
        if self.is_settings_values():
            self.missing_settings(present)
            present |= {i.label.lower() for i in self.items}
        if self.schema is None:
            return
        schemas = schema_nav.schemas_at(self.schema, self.jc.path)
        for name, subs, required in schema_nav.properties(self.schema, schemas):
            if name.lower() in present:
                continue
            kind = _kind(subs)
            choices = [str(v) for v, _ in schema_nav.values(subs) if isinstance(v, str)]
            self.add_key(
                name,
                kind,
                choices,
                doc=schema_nav.description(subs),
                detail=os.path.basename(self.path),
                sort=("0" if required else "1") + name,
            )

    def is_settings_values(self) -> bool:
        return os.path.basename(self.path) == "local.settings.json" and self.jc.path == ("Values",)

    def missing_settings(self, present: set[str]) -> None:
        app = self.ctx.app(self.path)
        if app is None:
            return
        for name, fns in sorted(usage.settings_in_use(app).items()):
            if name.lower() in present:
                continue
            users = ", ".join(sorted({f.name for f in fns})[:3])
            self.add_key(
                name,
                "string",
                [],
                doc=f"Read by {users}; not set yet.",
                detail=f"used by {users}",
                sort="00" + name,
                item_kind=K.Constant,
            )

    def values(self) -> None:
        if self.schema is None:
            return
        path = self.jc.value_path if self.jc.container == "object" else (*self.jc.path, 0)
        schemas = schema_nav.schemas_at(self.schema, path)
        for value, doc in schema_nav.values(schemas):
            self.add_value(value, kind=K.EnumMember if isinstance(value, str) else K.Value, doc=doc)


def complete_schema_json(
    ctx: Context, path: str, text: str, jc: JsonContext, lines: LineIndex
) -> types.CompletionList:
    name = os.path.basename(path)
    if name == INPUTS_FILE:
        # Saved run inputs: the app's function names as keys, each with the entry's schema.
        app = ctx.app(path)
        functions = {f.name: is_http(f) for f in app.functions} if app is not None else {}
        return SchemaCompleter(ctx, path, text, jc, lines, inputs_schema(functions)).run()
    schema = load_schema(name)
    return SchemaCompleter(ctx, path, text, jc, lines, schema).run()
