"""AZF400–AZF408: settings the bindings name, local.settings.json and host.json."""

from __future__ import annotations

import os
from collections.abc import Iterator

from funcls.checks.context import Context, string_literal_inner
from funcls.checks.edits import add_setting, fix, fixes, json_add_member, replace
from funcls.checks.registry import REGISTRY, checker
from funcls.checks.settings_rules import RULES
from funcls.model.appmodel import Binding, Function, Value
from funcls.model.jsondoc import JsonNode
from funcls.model.locations import Range
from funcls.model.parsers.expressions import ExpressionError, find_app_settings, setting_key
from funcls.model.parsers.timespan import (
    HostingPlan,
    TimeSpanError,
    check_function_timeout,
    parse_function_timeout,
)

REGISTRY.add_rules(RULES)

STORAGE = "AzureWebJobsStorage"
DEV_STORAGE = "UseDevelopmentStorage=true"
# Core Tools' Constants.TriggersWithoutStorage.
TRIGGERS_WITHOUT_STORAGE = frozenset(
    t.lower()
    for t in (
        "httpTrigger",
        "kafkaTrigger",
        "rabbitMQTrigger",
        "orchestrationTrigger",
        "activityTrigger",
        "entityTrigger",
    )
)
# Connections that fall back to fixed environment variables when the named section is absent
# (the OpenAI extension reads AZURE_OPENAI_ENDPOINT / AZURE_OPENAI_KEY).
_FALLBACK_CONNECTIONS = frozenset({"aiconnectionname"})
BUNDLE = {"id": "Microsoft.Azure.Functions.ExtensionBundle", "version": "[4.*, 5.0.0)"}


def _has_settings(ctx: Context) -> bool:
    doc = ctx.app.local_settings
    return doc is not None and doc.root is not None and doc.root.kind == "object"


def _keys(ctx: Context) -> dict[str, Value]:
    out = {setting_key(k): v for k, v in ctx.app.settings.items()}
    for k, v in ctx.app.connection_strings.items():
        out.setdefault(setting_key(k), v)
    return out


def _filled(v: Value) -> bool:
    return not (v.known and (v.value is None or (isinstance(v.value, str) and not v.value.strip())))


def connection_defined(keys: dict[str, Value], name: str) -> bool:
    """How the host resolves a connection name: the setting itself, ``AzureWebJobs<name>``,
    a ``ConnectionStrings`` entry, or ``<name>__…`` settings of an identity-based connection.
    A key that is present counts, even empty, as for Core Tools' own check."""
    want = setting_key(name)
    if want in keys or setting_key("AzureWebJobs" + name) in keys:
        return True
    prefix = want + ":"
    return any(k.startswith(prefix) for k in keys)


def _needs_storage(ctx: Context) -> bool:
    return any(
        t.type.lower() not in TRIGGERS_WITHOUT_STORAGE
        for fn in ctx.app.functions
        for t in fn.triggers
    )


def _binding_anchor(fn: Function, b: Binding) -> Range:
    if b.decorator_index is not None and b.decorator_index < len(fn.decorators):
        return fn.decorators[b.decorator_index].name_range
    return b.type_range or b.name_range or b.range


def _connections(ctx: Context) -> Iterator[tuple[Function, Binding, str, Range, bool]]:
    """(function, binding, setting name, where, explicit) for every connection-like value."""
    for fn in ctx.app.functions:
        if fn.synthetic:
            continue
        for b in fn.bindings:
            spec = b.spec
            if spec is None:
                continue
            for prop in spec.properties_for(b.direction or "in"):
                if prop.role not in ("connection", "setting-name"):
                    continue
                if prop.name.lower() in _FALLBACK_CONNECTIONS:
                    continue
                v = b.value(prop.name)
                if v is None or (v.known and v.value is None):
                    if prop.role == "connection" and isinstance(prop.default, str):
                        yield fn, b, prop.default, _binding_anchor(fn, b), False
                    continue
                if not v.known or not isinstance(v.value, str) or not v.value.strip():
                    continue
                if "%" in v.value or v.origin == "default":
                    continue
                yield fn, b, v.value, v.range or _binding_anchor(fn, b), True


@checker("AZF400")
def connection_settings(ctx: Context) -> None:
    if not _has_settings(ctx):
        return  # not committed (it holds secrets): nothing to compare with
    keys = _keys(ctx)
    storage = ctx.app.setting(STORAGE)
    storage_reported = _needs_storage(ctx) and (storage is None or not _filled(storage))
    for fn, b, name, rng, explicit in _connections(ctx):
        if connection_defined(keys, name):
            continue
        if name.lower() == STORAGE.lower() and storage_reported:
            continue  # AZF403 says it once for the app
        implied = "" if explicit else f" (a {b.type} binding without a connection uses it)"
        value = DEV_STORAGE if name.lower() == STORAGE.lower() else ""
        ctx.emit(
            "AZF400",
            f"connection setting '{name}' of binding '{b.name}' is not defined in "
            f"local.settings.json Values{implied}; add it there (and to the app settings in "
            "Azure)",
            b.path,
            rng,
            fixes=fixes(fix(f"Add '{name}' to local.settings.json", add_setting(ctx, name, value))),
            function=fn,
            data={"setting": name},
        )


def _string_values(ctx: Context) -> Iterator[tuple[Function, Binding, str, Value]]:
    for fn in ctx.app.functions:
        if fn.synthetic:
            continue
        for b in fn.bindings:
            for key, v in b.properties.items():
                if v.known and isinstance(v.value, str) and "%" in v.value:
                    yield fn, b, key, v


@checker("AZF401")
def setting_expressions(ctx: Context) -> None:
    if not _has_settings(ctx):
        return
    keys = _keys(ctx)
    for fn, b, key, v in _string_values(ctx):
        assert isinstance(v.value, str)
        try:
            refs = find_app_settings(v.value)
        except ExpressionError:
            continue  # AZF506
        inner = string_literal_inner(ctx, b.path, v.range, v.value) if v.range else None
        for ref in refs:
            found = keys.get(setting_key(ref.name))
            if found is not None:
                continue
            rng = v.range or b.range
            if inner is not None:
                line, col = inner.start
                rng = Range.of(line, col + ref.start, line, col + ref.end)
            ctx.emit(
                "AZF401",
                f"'%{ref.name}%' in \"{key}\" of binding '{b.name}' names a setting that "
                f"local.settings.json does not define; add '{ref.name}' to Values (and to "
                "the app settings in Azure)",
                b.path,
                rng,
                fixes=fixes(
                    fix(f"Add '{ref.name}' to local.settings.json", add_setting(ctx, ref.name, ""))
                ),
                function=fn,
                data={"setting": ref.name},
            )


def _values_node(ctx: Context) -> JsonNode | None:
    doc = ctx.app.local_settings
    return doc.root.get("Values") if doc is not None and doc.root is not None else None


@checker("AZF402", "AZF403", "AZF407")
def local_settings(ctx: Context) -> None:
    app = ctx.app
    path = app.local_settings_path
    if path is None or not _has_settings(ctx):
        return
    runtime = app.setting("FUNCTIONS_WORKER_RUNTIME")
    values = _values_node(ctx)
    anchor = values.range if values is not None else Range.point(0, 0)
    anchor = Range(anchor.start, anchor.start)
    if runtime is None:
        ctx.emit(
            "AZF402",
            "local.settings.json does not set FUNCTIONS_WORKER_RUNTIME; add "
            '"FUNCTIONS_WORKER_RUNTIME": "python" to Values',
            path,
            anchor,
            fixes=fixes(
                fix(
                    "Add FUNCTIONS_WORKER_RUNTIME",
                    add_setting(ctx, "FUNCTIONS_WORKER_RUNTIME", "python"),
                    preferred=True,
                )
            ),
        )
    elif not (isinstance(runtime.value, str) and runtime.value.strip().lower() == "python"):
        rng = runtime.range or anchor
        inner = (
            string_literal_inner(ctx, path, rng, runtime.value)
            if isinstance(runtime.value, str)
            else None
        )
        ctx.emit(
            "AZF402",
            f"FUNCTIONS_WORKER_RUNTIME is {runtime.value!r}, so the Python worker never starts "
            "for this app; set it to 'python'",
            path,
            rng,
            fixes=fixes(
                fix(
                    "Set it to 'python'",
                    replace(path, inner, "python") if inner else None,
                    preferred=True,
                )
            ),
        )
    storage = app.setting(STORAGE)
    if (storage is None or not _filled(storage)) and _needs_storage(ctx):
        kinds = sorted(
            {
                t.type
                for fn in app.functions
                for t in fn.triggers
                if t.type.lower() not in TRIGGERS_WITHOUT_STORAGE
            }
        )
        edit = add_setting(ctx, STORAGE, DEV_STORAGE) if storage is None else None
        if storage is not None and storage.range is not None and isinstance(storage.value, str):
            inner = string_literal_inner(ctx, path, storage.range, storage.value)
            edit = replace(path, inner, DEV_STORAGE) if inner else None
        ctx.emit(
            "AZF403",
            f"AzureWebJobsStorage is {'empty' if storage else 'not set'} in local.settings.json, "
            f"but {', '.join(kinds)} needs a storage account; set it to "
            f"'{DEV_STORAGE}' to use Azurite locally",
            path,
            storage.range if storage is not None and storage.range else anchor,
            fixes=fixes(fix(f"Set AzureWebJobsStorage to {DEV_STORAGE}", edit, preferred=True)),
        )
    _local_values(ctx, path)


def _local_values(ctx: Context, path: str) -> None:
    doc = ctx.app.local_settings
    root = doc.root if doc is not None else None
    if root is None:
        return
    enc = root.get_ci("IsEncrypted")
    if enc is not None and enc.value is not None and enc.value.value is True:
        ctx.emit(
            "AZF407",
            "local.settings.json says IsEncrypted: true, so Core Tools decrypts every value "
            "with this machine's key and plain-text values fail; set it to false (run "
            "'func settings decrypt' if the values really are encrypted)",
            path,
            enc.value.range,
        )
    values = root.get("Values")
    if values is None or values.kind != "object":
        return
    for m in values.members:
        v = m.value
        if v is None or v.kind in ("string", "null"):
            continue
        if v.kind in ("object", "array"):
            what = "an object" if v.kind == "object" else "a list"
            problem = f"is {what}, which Core Tools cannot read"
            edit = None
        else:
            text = ctx.slice(path, v.range) or ""
            shown = "True" if v.value is True else "False" if v.value is False else text
            problem = f"is the {v.kind} {text}, which reaches your code as the text '{shown}'"
            edit = replace(path, v.range, '"' + text + '"')
        ctx.emit(
            "AZF407",
            f"setting '{m.key}' {problem}; write it as a JSON string",
            path,
            v.range,
            fixes=fixes(fix("Quote the value", edit, preferred=True)),
        )


@checker("AZF404", "AZF405", "AZF406", "AZF408")
def host_json(ctx: Context) -> None:
    app = ctx.app
    if any(p.kind == "host-json-missing" for p in app.problems):
        where, rng = ctx.script_location()
        ctx.emit(
            "AZF408",
            f"the app at {os.path.basename(app.root) or app.root} has no host.json; create one "
            'with {"version": "2.0"} and an extensionBundle next to your function code',
            where,
            rng,
        )
        return
    doc = app.host_json
    path = app.host_json_path
    if doc is None or path is None or doc.root is None or doc.root.kind != "object":
        return
    root = doc.root
    start = Range(root.range.start, root.range.start)
    version = root.member("version")
    if version is None or version.value is None:
        ctx.emit(
            "AZF404",
            'host.json has no "version"; add "version": "2.0"',
            path,
            start,
            fixes=fixes(
                fix(
                    'Add "version": "2.0"',
                    json_add_member(ctx, path, root, "version", "2.0"),
                    preferred=True,
                )
            ),
        )
    elif version.value.value != "2.0":
        inner = (
            string_literal_inner(ctx, path, version.value.range, version.value.value)
            if isinstance(version.value.value, str)
            else None
        )
        edit = replace(path, inner, "2.0") if inner else replace(path, version.value.range, '"2.0"')
        ctx.emit(
            "AZF404",
            f'host.json "version" is {ctx.slice(path, version.value.range)}; the host only '
            'reads "2.0"',
            path,
            version.value.range,
            fixes=fixes(fix('Set it to "2.0"', edit, preferred=True)),
        )
    _bundle(ctx, path, root, start)
    _timeout(ctx, path, root)


def _bundle(ctx: Context, path: str, root: JsonNode, start: Range) -> None:
    if root.get_ci("extensionBundle") is not None:
        return
    if any(
        os.path.isfile(os.path.join(ctx.app.root, f))
        for f in ("extensions.csproj", os.path.join("bin", "extensions.json"))
    ):
        return  # extensions installed by hand instead of a bundle
    for fn in ctx.app.functions:
        for b in fn.bindings:
            spec = b.spec
            if spec is not None and spec.needs_bundle:
                ctx.emit(
                    "AZF405",
                    f"host.json has no extensionBundle, but the {b.type} binding of "
                    f"'{fn.name}' comes from an extension; add the extension bundle",
                    path,
                    start,
                    fixes=fixes(
                        fix(
                            "Add the extension bundle",
                            json_add_member(ctx, path, root, "extensionBundle", BUNDLE),
                            preferred=True,
                        )
                    ),
                )
                return


def _timeout(ctx: Context, path: str, root: JsonNode) -> None:
    m = root.get_ci("functionTimeout")
    if m is None or m.value is None:
        return
    node = m.value
    if node.kind != "string":
        ctx.emit(
            "AZF406",
            'functionTimeout must be a time span string such as "00:10:00"',
            path,
            node.range,
        )
        return
    text = str(node.value)
    inner = string_literal_inner(ctx, path, node.range, text)
    try:
        value = parse_function_timeout(text)
    except TimeSpanError as e:
        rng = node.range
        if inner is not None:
            rng = Range.of(
                inner.start.line,
                inner.start.column + e.start,
                inner.end.line,
                inner.start.column + e.end,
            )
        ctx.emit("AZF406", f"functionTimeout '{text}': {e.message}", path, rng)
        return
    if ctx.plan is None:
        return
    problem = check_function_timeout(value, HostingPlan(ctx.plan))
    if problem is not None:
        ctx.emit("AZF406", problem, path, node.range)
