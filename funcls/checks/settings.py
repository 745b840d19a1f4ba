"""AZF400–AZF408: settings the bindings name, local.settings.json and host.json."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator

from funcls.checks.context import Context, a, string_literal_inner
from funcls.checks.edits import add_setting, fix, fixes, replace
from funcls.checks.findings import Fix, Related, Severity
from funcls.checks.registry import REGISTRY, checker
from funcls.checks.settings_rules import RULES
from funcls.model.appmodel import Binding, Function, Value
from funcls.model.catalogue import BindingSpec, PropertySpec
from funcls.model.jsondoc import JsonNode
from funcls.model.lazy_re import compiled_on_use
from funcls.model.locations import Location, Range
from funcls.model.parsers.expressions import ExpressionError, find_app_settings, setting_key

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


def _has_settings(ctx: Context) -> bool:
    doc = ctx.app.local_settings
    return doc is not None and doc.root is not None and doc.root.kind == "object"


def settings_unreadable(ctx: Context) -> bool:
    """local.settings.json is there but is not valid JSON (AZF100 says where). Core Tools reads
    it with Json.NET's JsonConvert.DeserializeObject (azure-functions-core-tools,
    src/Cli/func/Common/AppSettingsFile.cs), which skips comments and accepts trailing commas
    (on purpose: JamesNK/Newtonsoft.Json issue 818), as the tolerant reader does without an
    error; anything else it refuses. Which settings such a file defines is a guess (QA in
    Emacs: a half-typed '"Host": {' line made the settings below it members of Host, and
    AZF400-AZF403 reported them missing), so the rules that read them hold their findings
    until the file parses."""
    doc = ctx.app.local_settings
    return doc is not None and bool(doc.errors)


def _keys(ctx: Context) -> dict[str, Value]:
    out = {setting_key(k): v for k, v in ctx.app.settings.items()}
    for k, v in ctx.app.connection_strings.items():
        out.setdefault(setting_key(k), v)
    return out


def _close_setting(ctx: Context, name: str) -> str | None:
    return close_setting(ctx.app.settings, name)


def close_setting(settings: Iterable[str], name: str) -> str | None:
    """The setting of local.settings.json whose name ``name`` most likely misspells (QA:
    '%PAYMENT_QUEUE%' beside a defined PAYMENTS_QUEUE was offered only 'Add PAYMENT_QUEUE').
    Compared ignoring case, as the host looks settings up."""
    written = {k.upper(): k for k in settings}
    import difflib  # when used: a suggestion for a typo (issue 16)

    close = difflib.get_close_matches(name.upper(), list(written), n=1, cutoff=0.8)
    return written[close[0]] if close else None


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


def _where(fn: Function, b: Binding, v: Value | None) -> Range:
    """Where a finding about a connection value goes: the value (``v``), else the binding."""
    return (v.range if v is not None else None) or _binding_anchor(fn, b)


# The connection-like properties of a binding type in one direction, kept by the spec's id as
# BindingSpec keeps its own answers (model/catalogue/types.py): AZF400 asks for each binding
# of the app (1,572 on the 1,000-function bench), and going through every property of the
# type to find its one or two connections was a fifth of the checker (issue 16, twelfth pass).
# Each entry holds its spec, so that an id is not reused while its entry lives; bounded, as
# directions come from the user's files.
_CONNECTION_PROPERTIES: dict[tuple[int, str], tuple[BindingSpec, tuple[PropertySpec, ...]]] = {}


def _connection_properties(spec: BindingSpec, direction: str) -> tuple[PropertySpec, ...]:
    key = (id(spec), direction)
    kept = _CONNECTION_PROPERTIES.get(key)
    if kept is not None and kept[0] is spec:
        return kept[1]
    found = tuple(
        p
        for p in spec.properties_for(direction)
        if p.role in ("connection", "setting-name") and p.name.lower() not in _FALLBACK_CONNECTIONS
    )
    if len(_CONNECTION_PROPERTIES) >= 4096:
        _CONNECTION_PROPERTIES.clear()
    _CONNECTION_PROPERTIES[key] = (spec, found)
    return found


def _connections(
    ctx: Context,
) -> Iterator[tuple[Function, Binding, str, Value | None, bool]]:
    """(function, binding, setting name, value, explicit) for every connection-like value:
    the value None when it is the binding's default. Ranges are made by ``_where`` for a
    finding only: reading one of a v1 binding makes its function.json find the positions
    of its nodes (jsondoc/cread.py, issue 16)."""
    for fn in ctx.app.functions:
        if fn.synthetic:
            continue
        for b in fn.bindings:
            spec = b.spec
            if spec is None:
                continue
            for prop in _connection_properties(spec, b.direction or "in"):
                v = b.value(prop.name)
                if v is None or (v.known and v.value is None):
                    if prop.role == "connection" and isinstance(prop.default, str):
                        yield fn, b, prop.default, None, False
                    continue
                if not v.known or not isinstance(v.value, str) or not v.value.strip():
                    continue
                if "%" in v.value:
                    continue
                if v.origin == "default":  # filled in by the library: point at the decorator
                    yield fn, b, v.value, None, False
                    continue
                yield fn, b, v.value, v, True


def _storage_connection(b: Binding, name: str) -> bool:
    """Whether setting ``name`` is a storage account's connection: AzureWebJobsStorage, or what
    a queue, blob or table binding names (their connection defaults to AzureWebJobsStorage).
    Its local value is then the one `funcls new` writes for those triggers, the storage
    emulator's (catalogue/templates.py STORAGE_EMULATOR)."""
    if setting_key(name) == setting_key(STORAGE):
        return True
    spec = b.spec
    if spec is None:
        return False
    for prop in _connection_properties(spec, b.direction or "in"):
        if prop.role == "connection" and prop.default == STORAGE:
            v = b.value(prop.name)
            if v is not None and v.known and v.value == name:
                return True
    return False


def _no_settings_file(ctx: Context) -> None:
    """No local.settings.json at all (func init's .gitignore leaves it out, so every clone lacks
    it): one finding for the app, at the first binding whose connection needs a setting, the
    other bindings as related places, naming every setting to create, with a fix that creates
    the file holding them all."""
    path = os.path.join(ctx.app.root, "local.settings.json")
    source = ctx.app.source
    if ctx.app.local_settings is not None or (source is not None and source.is_file(path)):
        return  # the file is there but unreadable: its parse error is reported
    uses = list(_connections(ctx))
    if not uses:
        return
    names: dict[str, str] = {}  # setting key -> the name as first written
    for _, _, name, _, _ in uses:
        names.setdefault(setting_key(name), name)
    fn, b, first, at, _ = uses[0]
    rng = _where(fn, b, at)
    values = {"FUNCTIONS_WORKER_RUNTIME": "python"}
    if _needs_storage(ctx) or any(k == setting_key(STORAGE) for k in names):
        values[STORAGE] = DEV_STORAGE
    storage = {setting_key(n) for _, o_b, n, _, _ in uses if _storage_connection(o_b, n)}
    for name in names.values():
        values.setdefault(name, DEV_STORAGE if setting_key(name) in storage else "")
    content = json.dumps({"IsEncrypted": False, "Values": values}, indent=2) + "\n"
    listed = ", ".join(f"'{n}'" for n in names.values())
    empty = [f"'{n}'" for n in names.values() if values.get(n) == ""]
    # The empty ones are reported until filled in (the "empty" finding below): the title says so.
    to_fill = f" (empty: fill in {', '.join(empty)})" if empty else ""
    many = len(names) > 1
    subject = f"connection setting{'s' if many else ''} {listed}"
    by = f"binding '{b.name}' names" if len(uses) == 1 else f"{len(uses)} bindings name"
    them = "them" if many else "it"
    related = [
        Related(
            Location(o_b.path, _where(o_fn, o_b, o_at)),
            f"binding '{o_b.name}' of '{o_fn.name}' needs setting '{o_name}'",
        )
        for o_fn, o_b, o_name, o_at, _ in uses[1:51]
    ]
    ctx.emit(
        "AZF400",
        f"the app has no local.settings.json, so {subject}, which {by}, "
        f"{'are' if many else 'is'} not defined and the functions fail when the host starts "
        f"locally; create the file with {them} (and add {them} to the app settings in Azure)",
        b.path,
        rng,
        related=related,
        fixes=fixes(
            fix(
                f"Create local.settings.json with {listed}{to_fill}",
                replace(path, Range.point(0, 0), content),
            )
        ),
        function=fn,
        data={"setting": first, "settings": list(names.values())},
    )


@checker("AZF400")
def connection_settings(ctx: Context) -> None:
    if not _has_settings(ctx):
        _no_settings_file(ctx)
        return
    if settings_unreadable(ctx):
        return
    keys = _keys(ctx)
    storage = ctx.app.setting(STORAGE)
    storage_reported = _needs_storage(ctx) and (storage is None or not _filled(storage))
    for fn, b, name, at, explicit in _connections(ctx):
        if connection_defined(keys, name):
            own = keys.get(setting_key(name))
            if own is not None and not _filled(own) and name.lower() != STORAGE.lower():
                identity = any(k.startswith(setting_key(name) + ":") for k in keys)
                if not identity:  # e.g. written empty by the fix below, not filled in yet
                    ctx.emit(
                        "AZF400",
                        f"connection setting '{name}' of binding '{b.name}' is empty in "
                        "local.settings.json Values; write its connection string there (or "
                        f"'{name}__…' settings for an identity-based connection)",
                        b.path,
                        _where(fn, b, at),
                        function=fn,
                        data={"setting": name},
                    )
            continue
        if name.lower() == STORAGE.lower() and storage_reported:
            continue  # AZF403 says it once for the app
        implied = "" if explicit else f" ({a(b.type)} binding without a connection uses it)"
        close = _close_setting(ctx, name) if explicit else None
        rng = _where(fn, b, at)
        inner = string_literal_inner(ctx, b.path, rng, name) if close else None
        hint = f"did you mean '{close}'? Otherwise add" if close else "add"
        typo = close is not None and inner is not None
        if _storage_connection(b, name):
            # The value `funcls new` writes for a storage trigger: nothing is left to report, so
            # `funcls check --fix` takes it too (unless a close name is offered first).
            add = fix(
                f"Add '{name}' to local.settings.json as {DEV_STORAGE} (local storage)",
                add_setting(ctx, name, DEV_STORAGE),
                preferred=not typo,
            )
        else:
            # Only the user knows the connection string: the key is added empty and reported
            # as empty until it is filled in, which the title says. Not taken by --fix.
            add = fix(
                f"Add '{name}' to local.settings.json (empty: fill in its connection string)",
                add_setting(ctx, name, ""),
            )
        ctx.emit(
            "AZF400",
            f"connection setting '{name}' of binding '{b.name}' is not defined in "
            f"local.settings.json Values{implied}; {hint} it there (and to the app settings in "
            "Azure)",
            b.path,
            rng,
            fixes=fixes(
                fix(f"Use '{close}'", replace(b.path, inner, close), preferred=True)
                if close and inner
                else None,
                add,
            ),
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
    if not _has_settings(ctx) or settings_unreadable(ctx):
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
            whole = ref.start == 0 and ref.end == len(v.value)
            rng = v.range or b.range
            if inner is not None:
                line, col = inner.start
                rng = Range.of(line, col + ref.start, line, col + ref.end)
            if found is not None:
                # An empty schedule setting is AZF500's (values.py reads the setting's value).
                timer = b.type.lower() == "timertrigger" and key == "schedule"
                if whole and not timer and _empty(found) and not _encrypted(ctx):
                    _empty_setting(ctx, fn, b, key, ref.name, found, rng)
                continue
            close = _close_setting(ctx, ref.name)
            hint = f"did you mean '%{close}%'? Otherwise add" if close else "add"
            ctx.emit(
                "AZF401",
                f"'%{ref.name}%' in \"{key}\" of binding '{b.name}' names a setting that "
                f"local.settings.json does not define; {hint} '{ref.name}' to Values (and to "
                "the app settings in Azure)",
                b.path,
                rng,
                fixes=fixes(
                    fix(f"Use %{close}%", replace(b.path, rng, f"%{close}%"), preferred=True)
                    if close and inner is not None
                    else None,
                    _add_expression_setting(ctx, fn, b, key, ref.name, whole),
                ),
                function=fn,
                data={"setting": ref.name},
            )


# An app setting's value replaces '%NAME%' as it is: the host refuses only a setting it cannot
# find (azure-webjobs-sdk, NameResolverExtensions.ResolveWholeStringCore: "'%NAME%' does not
# resolve to a value." when DefaultNameResolver.Resolve, IConfiguration[name], returns null); an
# empty one binds an empty property, which fails when the listener starts (an empty queue name
# or schedule) or reads and writes somewhere the user did not mean. AZF401's fix wrote such an
# empty value, after which nothing was reported. So a property that is a whole '%NAME%' whose
# setting is empty is reported, and the fix writes the value funcls new uses for the binding's
# type when there is one (suggested_value: a timer every five minutes, a queue named after the
# function), else an empty value the title names and this rule keeps reporting. An empty
# part of a longer value ('jobs-%SUFFIX%') may be meant, and is left alone.


def _empty(setting: Value) -> bool:
    return isinstance(setting.value, str) and not setting.value.strip()


def _expression_default(fn: Function, b: Binding, key: str) -> str | None:
    from funcls.checks.defaults import suggested_value  # for a finding only (issue 16)

    value = suggested_value(fn, b.spec, key) if b.spec is not None else None
    # Not a template with a binding expression ('{name}'): whether the host reads one inside
    # a setting's value is not what this fix should decide for the user.
    return value if value and "{" not in value else None


def _add_expression_setting(
    ctx: Context, fn: Function, b: Binding, key: str, name: str, whole: bool
) -> Fix | None:
    value = _expression_default(fn, b, key) if whole else None
    if value:
        title = f"Add '{name}' to local.settings.json as '{value}' (funcls new's {key})"
        return fix(title, add_setting(ctx, name, value))
    if whole:
        title = f"Add '{name}' to local.settings.json (empty: fill in its value)"
        return fix(title, add_setting(ctx, name, ""))
    return fix(f"Add '{name}' to local.settings.json", add_setting(ctx, name, ""))


def _empty_setting(
    ctx: Context, fn: Function, b: Binding, key: str, name: str, setting: Value, rng: Range
) -> None:
    path = ctx.app.local_settings_path
    value = _expression_default(fn, b, key)
    ctx.emit(
        "AZF401",
        f"'%{name}%' in \"{key}\" of binding '{b.name}' names a setting that is empty in "
        f'local.settings.json; the host puts its value in as it is, so "{key}" is empty '
        f"(a start-up failure or the wrong place); set '{name}' in Values (and in the app "
        "settings in Azure)",
        b.path,
        rng,
        fixes=fixes(
            fix(
                f"Set '{name}' to '{value}' (funcls new's {key})",
                replace(path, setting.range, json.dumps(value)),
            )
            if value and path is not None and setting.range is not None
            else None
        ),
        function=fn,
        data={"setting": name},
    )


def _encrypted(ctx: Context) -> bool:
    doc = ctx.app.local_settings
    root = doc.root if doc is not None else None
    enc = root.get_ci("IsEncrypted") if root is not None and root.kind == "object" else None
    return enc is not None and enc.value is not None and enc.value.value is True


def _values_node(ctx: Context) -> JsonNode | None:
    doc = ctx.app.local_settings
    return doc.root.get("Values") if doc is not None and doc.root is not None else None


@checker("AZF402", "AZF403", "AZF407")
def local_settings(ctx: Context) -> None:
    app = ctx.app
    path = app.local_settings_path
    if path is None or not _has_settings(ctx) or settings_unreadable(ctx):
        return
    runtime = app.setting("FUNCTIONS_WORKER_RUNTIME")
    values = _values_node(ctx)

    def anchor() -> Range:
        # Made for a finding only: reading a range of local.settings.json makes its document
        # find the positions of its nodes (jsondoc/cread.py, issue 16).
        r = values.range if values is not None else Range.point(0, 0)
        return Range(r.start, r.start)

    if runtime is None:
        ctx.emit(
            "AZF402",
            "local.settings.json does not set FUNCTIONS_WORKER_RUNTIME; add "
            '"FUNCTIONS_WORKER_RUNTIME": "python" to Values',
            path,
            anchor(),
            fixes=fixes(
                fix(
                    "Add FUNCTIONS_WORKER_RUNTIME",
                    add_setting(ctx, "FUNCTIONS_WORKER_RUNTIME", "python"),
                    preferred=True,
                )
            ),
        )
    elif not (
        isinstance(runtime.value, str) and runtime.value.strip().lower() == "python"
    ) and not _encrypted(ctx):
        # An encrypted file's values are ciphertext ('CfDJ8...'): Core Tools decrypts them
        # (AZF407 says when it cannot); the value is not what the file shows.
        rng = runtime.range or anchor()
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
            storage.range if storage is not None and storage.range else anchor(),
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
    _script_file_name(ctx, path)
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
            shown = _core_tools_text(v.value, text)
            if shown == text:
                continue  # an integer arrives exactly as written (corpus: 'ProductCost': 100)
            problem = f"is the {v.kind} {text}, which reaches your code as the text '{shown}'"
            edit = replace(path, v.range, '"' + text + '"')
        ctx.emit(
            "AZF407",
            f"setting '{m.key}' {problem}; write it as a JSON string",
            path,
            v.range,
            fixes=fixes(fix("Quote the value", edit, preferred=True)),
        )


def _core_tools_text(value: object, text: str) -> str:
    """The text Core Tools makes of a JSON number or boolean in Values: it parses the file into
    a JObject and converts each value with ToObject<Dictionary<string, string>>
    (azure-functions-core-tools src/Cli/func/Common/AppSettingsFile.cs), so true becomes
    'True', an integer keeps its digits and a fraction or exponent is a double written the .NET
    way (1.0 -> '1', 1e3 -> '1000', 1e-7 -> '1E-07')."""
    if value is True or value is False:
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        shortest = repr(value)  # .NET Core 3.0+ doubles print their shortest round-trip form
        mantissa, e, exponent = shortest.partition("e")
        return f"{mantissa}E{exponent[0]}{exponent[1:].zfill(2)}" if e else shortest
    return text


# The worker's validate_script_file_name (azure_functions_worker/utils/common.py): a letter,
# digit or '_', then letters, digits, '_' or '-', ending in .py; anything else stops indexing.
_SCRIPT_FILE_NAME = compiled_on_use(r"^[a-zA-Z0-9_][a-zA-Z0-9_\-]*\.py$")


def _script_file_name(ctx: Context, path: str) -> None:
    v = ctx.app.setting("PYTHON_SCRIPT_FILE_NAME")
    if v is None or not isinstance(v.value, str):
        return
    if _SCRIPT_FILE_NAME.match(v.value):
        # A plain name in the app folder that still leads out: a link (the loader's fact).
        if ctx.app.script_outside:
            ctx.emit(
                "AZF407",
                f"PYTHON_SCRIPT_FILE_NAME is '{v.value}', a link that leads outside the app: "
                "the worker would import a file that is not deployed with the app, and funcls "
                "does not read it, so no function of it is checked; put the script itself in "
                "the app folder",
                path,
                v.range or Range.point(0, 0),
                severity=Severity.ERROR,
            )
        return
    hint = f"; write '{v.value}.py'" if _SCRIPT_FILE_NAME.match(v.value + ".py") else ""
    ctx.emit(
        "AZF407",
        f"PYTHON_SCRIPT_FILE_NAME is '{v.value}', which the worker refuses (it wants a file "
        "name in the app folder: letters, digits, '_' or '-', ending in .py), so no function "
        f"is indexed{hint}",
        path,
        v.range or Range.point(0, 0),
        severity=Severity.ERROR,
    )
