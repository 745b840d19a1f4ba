"""What a by-hand run of one function sends: the input the user gave, else the one saved in the
app's ``funcls.inputs.json``, else a sample built from the binding model.

One module for every face that runs a function by hand (the editor's Run lens, ``funcls
invoke``), so that the same function gets the same request everywhere. The saved-inputs file is
a JSON object keyed by function name, meant to be committed and edited::

    {
      "get_product": {"method": "GET", "path": "/api/products/1"},
      "create_order": {"method": "POST", "path": "/api/orders",
                       "headers": {"content-type": "application/json"},
                       "body": {"items": [{"product": 1, "qty": 2}]}},
      "process_order": {"body": {"id": "a1", "items": []}},
      "summarise_price_list": {"name": "uploads/spring.csv", "body": "name,price\\ntea,3"}
    }

HTTP functions take ``method``, ``path`` (a query allowed), ``query``, ``headers`` and
``body``; every other trigger takes ``body`` (the queue message, the event, …) and blob
triggers also ``name`` (the blob's path). A body that is not a string is sent as JSON.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import json
import os
import sqlite3
import urllib.parse
from dataclasses import field
from typing import Any

from funcls.model.appmodel import App, Function
from funcls.model.bindingview import binding_kind
from funcls.model.blob_pairs import blob_writers
from funcls.model.fastclass import dataclass
from funcls.model.json_models import (
    CONVERSIONS,
    FROM_OBJECT,
    FROM_TEXT,
    Lookup,
    class_fields,
    module_classes,
)
from funcls.model.jsondoc import parse_json
from funcls.model.locations import Range
from funcls.model.parsers.blob_paths import parse_blob_path
from funcls.model.parsers.route_samples import sample_path
from funcls.model.parsers.routes import parse_route
from funcls.model.python.limits import parse as parse_python
from funcls.model.runnable import DURABLE_CLIENT_INPUTS
from funcls.model.source import Source, relative_import_base

INPUTS_FILE = "funcls.inputs.json"
SAMPLE_VALUE = "sample"  # each JSON key the function reads, in a sample body
SAMPLE_MESSAGE = "sample message"  # a message trigger's body when its code reads no JSON keys
SAMPLE_BLOB = "sample content"  # a blob trigger's content
_MESSAGE_TRIGGERS = frozenset(
    {"queuetrigger", "servicebustrigger", "eventhubtrigger", "kafkatrigger", "rabbitmqtrigger"}
)
HTTP_KEYS = ("method", "path", "query", "headers", "body")
OTHER_KEYS = ("body", "name")
_BODY_METHODS = ("POST", "PUT", "PATCH")
_PREFERRED_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


class InputError(ValueError):
    """An input that cannot be sent (wrong shape); the message says what to write."""


def inputs_path(root: str) -> str:
    return os.path.join(root, INPUTS_FILE)


@dataclass
class SavedInputs:
    """The saved-inputs file of one app, as read (open editor buffers win over the disk)."""

    path: str
    text: str | None  # None: no such file
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    ranges: dict[str, Range] = field(default_factory=dict)  # each entry's key
    error: str | None = None  # why the file could not be read, with line and column

    def entry(self, name: str) -> dict[str, Any] | None:
        low = name.lower()
        return next((v for k, v in self.entries.items() if k.lower() == low), None)

    def range_of(self, name: str) -> Range | None:
        low = name.lower()
        return next((r for k, r in self.ranges.items() if k.lower() == low), None)


def read_saved(root: str, source: Source | None = None) -> SavedInputs:
    path = inputs_path(root)
    if source is not None:
        text = source.text(path) if source.is_file(path) or path in source.overlays else None
    else:
        try:
            with open(path, encoding="utf-8-sig") as f:
                text = f.read()
        except FileNotFoundError:
            text = None
        except (OSError, UnicodeDecodeError) as error:
            return SavedInputs(path, None, error=f"{path}: cannot be read: {error}")
    saved = SavedInputs(path, text)
    if text is None or not text.strip():
        return saved
    doc = parse_json(text)
    if doc.errors:
        first = doc.errors[0]
        start = first.range.start
        saved.error = f"{path}:{start.line + 1}:{start.column + 1}: {first.message}"
    root_node = doc.root
    if root_node is None or root_node.kind != "object":
        saved.error = saved.error or f"{path}: must hold a JSON object keyed by function name"
        return saved
    for member in root_node.members:
        if member.value is None or not member.complete:
            continue
        value = member.value.to_python()
        if isinstance(value, dict):
            saved.entries[member.key] = value
            saved.ranges[member.key] = member.key_range
        elif saved.error is None:
            start = member.key_range.start
            saved.error = (
                f"{path}:{start.line + 1}:{start.column + 1}: the input of '{member.key}' "
                'must be an object such as {"body": …}'
            )
    return saved


def with_entry(text: str | None, name: str, entry: dict[str, Any]) -> str:
    """The file's text with an entry for ``name`` added at the end (the file is created when
    ``text`` is None). Existing entries keep their text; a broken file is not rewritten."""
    rendered = json.dumps(entry, indent=2, ensure_ascii=False).replace("\n", "\n  ")
    member = f"  {json.dumps(name)}: {rendered}"
    if text is None or not text.strip():
        return "{\n" + member + "\n}\n"
    doc = parse_json(text)
    if doc.errors or doc.root is None or doc.root.kind != "object":
        raise InputError(f"{INPUTS_FILE} is not a valid JSON object; fix it first")
    close = doc.root.end - 1  # the closing brace
    head = text[:close].rstrip()
    separator = "," if doc.root.members else ""
    newline = "\r\n" if "\r\n" in text else "\n"
    member = member.replace("\n", newline)
    return f"{head}{separator}{newline}{member}{newline}}}" + text[close + 1 :]


# -- the request of one run ----------------------------------------------------------------


def is_http(fn: Function) -> bool:
    trigger = fn.trigger
    return trigger is not None and trigger.type.lower() == "httptrigger"


def is_blob(fn: Function) -> bool:
    trigger = fn.trigger
    return trigger is not None and trigger.type.lower() == "blobtrigger"


def methods_of(fn: Function) -> list[str] | None:
    """The HTTP methods the function answers (upper case), None for every method."""
    trigger = fn.trigger
    methods = trigger.get("methods") if trigger is not None else None
    if isinstance(methods, list) and methods:
        return [str(m).upper() for m in methods]
    return None


def default_method(fn: Function) -> str:
    methods = methods_of(fn)
    if methods is None:
        return "GET"
    return next((m for m in _PREFERRED_METHODS if m in methods), methods[0])


def route_text(app: App, fn: Function) -> str:
    """The URL path template below the host, e.g. ``/api/products/{id:int}``."""
    trigger = fn.trigger
    route = trigger.get("route") if trigger is not None else None
    if not isinstance(route, str) or not route.strip("/"):
        route = fn.name
    parts = [p for p in (app.route_prefix, route.strip("/")) if p]
    return "/" + "/".join(parts)


def sample_url_path(app: App, fn: Function) -> str:
    """A concrete path for the function's route: parameters filled per their constraints."""
    trigger = fn.trigger
    route = trigger.get("route") if trigger is not None else None
    if not isinstance(route, str) or not route.strip("/"):
        return route_text(app, fn)
    if fn.synthetic:
        # The ASGI/WSGI catch-all, routed '/{*route}' by the library: its sample is the
        # root below the prefix ('/' with the empty prefix such an app needs to run).
        route = route.lstrip("/")
    try:
        template = parse_route(route)
    except ValueError:
        return route_text(app, fn)
    preferred = {
        **written_blob_values(app, fn),
        **compared_values(fn, app.source).get("route", {}),
        **_durable_starter_values(app, fn),
    }
    sample = sample_path(template, preferred)
    prefix = "/" + app.route_prefix if app.route_prefix else ""
    if sample is None:
        return route_text(app, fn)
    return f"{prefix}/{sample}" if sample else prefix or "/"


_HTTP_TRIGGER = binding_kind("httpTrigger")


def written_blob_values(
    app: App, fn: Function, bodies: dict[int, object] | None = None
) -> dict[str, str]:
    """For an HTTP function with a blob input another function of the app writes (blob_pairs:
    get_receipt reads the ``receipts/{id}.json`` process_order writes), the value the writer's
    sample gives each name of the path, so the reader's sample asks for the blob the writer's
    sample wrote (it asked for receipts/1.json, the writer wrote receipts/sample.json). Only
    a writer whose names come from its message's JSON (not an HTTP writer, whose own sample
    would follow its blobs in turn); the value must be text or a number, and the route's
    constraints still decide (sample_path). ``bodies``: the writers' sample bodies by id,
    shared by the calls for one state of the app (the Functions view asks for each reader)."""
    values: dict[str, str] = {}
    for writer, names in blob_writers(app, fn):
        trigger = writer.trigger
        if trigger is None or trigger.kind == _HTTP_TRIGGER:
            continue
        if bodies is None:
            body = sample_input(app, writer).get("body")
        elif id(writer) in bodies:
            body = bodies[id(writer)]
        else:
            body = bodies[id(writer)] = sample_input(app, writer).get("body")
        if not isinstance(body, dict):
            continue
        folded = {str(k).casefold(): v for k, v in body.items()}  # binding data ignores case
        for mine, theirs in names.items():
            value = folded.get(theirs.casefold())
            if isinstance(value, str | int) and not isinstance(value, bool) and value != "":
                values.setdefault(mine, str(value))
    return values


# The route parameter a durable HTTP starter reads the orchestrator's name from: Microsoft's
# DurableFunctionsHttpStart template (Azure/azure-functions-templates,
# Functions.Templates/Templates/DurableFunctionsHttpStart-Python-2.x/function.json) routes
# "orchestrators/{functionName}" and passes that value to client.start_new.
_STARTER_PARAMETER = "functionName"
ORCHESTRATION_TRIGGER = binding_kind("orchestrationTrigger")


def _durable_starter_values(app: App, fn: Function) -> dict[str, str]:
    """For an HTTP function with a durable client binding, the route parameter it passes to
    ``client.start_new`` (else ``{functionName}``) names the app's first orchestrator, so a
    by-hand run starts one instead of asking for an orchestrator called '1' (QA in
    code-server: durable_v1's HttpStart, routed 'start/{name}', passes
    req.route_params["name"]); the one it passes as an instance id (``client.get_status``,
    ``raise_event``, ``terminate``, …) is the last instance the runner started, when there is
    one (a status route asked for instance '1', which never exists)."""
    if not any(b.kind in DURABLE_CLIENT_INPUTS for b in fn.bindings):
        return {}
    values: dict[str, str] = {}
    for other in app.functions:
        trigger = other.trigger
        if trigger is not None and trigger.kind == ORCHESTRATION_TRIGGER:
            started = _passed_parameter(fn, app.source, _STARTS) or _STARTER_PARAMETER
            values[started] = other.name
            break
    instance = _passed_parameter(fn, app.source, _INSTANCE_ARGUMENT)
    last = last_instance(app.root) if instance is not None else None
    if instance is not None and last is not None:
        values[instance] = last
    return values


ACTIVITY_TRIGGER = binding_kind("activityTrigger")
# The orchestration context's methods that call an activity, and the position of the input
# they pass it (azure-functions-durable, azure/durable_functions/models/
# DurableOrchestrationContext.py: call_activity(name, input_=None, ...),
# call_activity_with_retry(name, retry_options, input_=None, ...); name a str or the function).
_ACTIVITY_CALLS = {"call_activity": 1, "call_activity_with_retry": 2}


def _activity_argument(app: App, fn: Function, source: Source | None) -> Any | None:
    """The input an orchestrator of the app passes this activity, when it is a constant or a
    loop variable over constants (the durable starter's 'for city in ("Tokyo", ...)'): an
    activity's empty sample made the starter's activity answer 'Hello, !' (QA in code-server)."""
    for other in app.functions:
        trigger = other.trigger
        if trigger is None or trigger.kind != ORCHESTRATION_TRIGGER:
            continue
        node = _def_node(other, source)
        if node is None:
            continue
        for call in ast.walk(node):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
                continue
            at = _ACTIVITY_CALLS.get(call.func.attr)
            if at is None or not call.args or not _names_activity(call.args[0], fn):
                continue
            given = call.args[at] if len(call.args) > at else None
            given = next((k.value for k in call.keywords if k.arg == "input_"), given)
            value = _constant_of(given, node) if given is not None else None
            if value is not None:
                return value
    return None


def _names_activity(expr: ast.AST, fn: Function) -> bool:
    if isinstance(expr, ast.Constant):
        return expr.value == fn.name
    return isinstance(expr, ast.Name) and expr.id in (fn.name, fn.entry_point)


def _constant_of(expr: ast.AST, scope: ast.AST) -> Any | None:
    """A literal's value; a name's when the def binds it once, to a literal or as the target
    of a for over a literal tuple or list (its first item)."""
    with contextlib.suppress(
        ValueError, TypeError, SyntaxError, MemoryError, RecursionError, StopIteration
    ):
        if not isinstance(expr, ast.Name):
            return ast.literal_eval(expr)
        bound: list[Any] = []
        for node in ast.walk(scope):
            if isinstance(node, (ast.For, ast.AsyncFor)) and _binds(node.target, expr.id):
                items = ast.literal_eval(node.iter)
                bound.append(next(iter(items)) if isinstance(items, (tuple, list)) else None)
            elif isinstance(node, ast.Assign) and any(_binds(t, expr.id) for t in node.targets):
                bound.append(ast.literal_eval(node.value))
        if len(bound) == 1:
            return bound[0]
    return None


def _binds(target: ast.AST, name: str) -> bool:
    return isinstance(target, ast.Name) and target.id == name


# The methods of the durable client (azure-functions-durable-python,
# azure/durable_functions/models/DurableOrchestrationClient.py) and the position of the
# argument that names the orchestrator (start_new) or the instance (the others).
_STARTS = {"start_new": 0}
_INSTANCE_ARGUMENT = {
    "get_status": 0,
    "raise_event": 0,
    "terminate": 0,
    "purge_instance_history": 0,
    "rewind": 0,
    "suspend": 0,
    "resume": 0,
    "wait_for_completion_or_create_check_status_response": 1,
}

# Where the runner keeps its orchestration instances (funcls/runner/durable/engine.py,
# DurableEngine.database_path; the schema in funcls/runner/durable/store.py).
DURABLE_DATABASE = os.path.join(".funcls", "durable", "durable.db")


def last_instance(root: str) -> str | None:
    """The id of the last top-level orchestration instance the runner started for the app at
    ``root`` (its SQLite store, read only), or None: no store yet, or one that cannot be read."""
    path = os.path.join(root, DURABLE_DATABASE)
    if not os.path.isfile(path):
        return None
    try:
        uri = "file:" + urllib.parse.quote(os.path.abspath(path)) + "?mode=ro"
        with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=0.2)) as conn:
            row = conn.execute(
                "SELECT id FROM instances WHERE parent_id IS NULL"
                " ORDER BY created DESC, rowid DESC LIMIT 1"
            ).fetchone()
    except sqlite3.Error:
        return None
    return str(row[0]) if row and row[0] else None


def _keyed_read(expr: ast.AST) -> tuple[ast.AST | None, ast.AST | None]:
    """``holder[key]`` or ``holder.get(key, ...)``: the holder and the key; else Nones."""
    if isinstance(expr, ast.Subscript):
        return expr.value, expr.slice
    if (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Attribute)
        and expr.func.attr == "get"
        and expr.args
    ):
        return expr.func.value, expr.args[0]
    return None, None


def _passed_parameter(fn: Function, source: Source | None, methods: dict[str, int]) -> str | None:
    """The route parameter whose value ``fn`` passes to one of ``methods`` (name -> the
    argument's position): ``req.route_params["name"]``, ``req.route_params.get("name")``, or
    a name bound to one."""
    node = _def_node(fn, source)
    trigger = fn.trigger
    if node is None or trigger is None:
        return None

    def route_key(expr: ast.AST) -> str | None:
        holder, key = _keyed_read(expr)
        if (
            isinstance(holder, ast.Attribute)
            and holder.attr == "route_params"
            and isinstance(holder.value, ast.Name)
            and holder.value.id == trigger.name
            and isinstance(key, ast.Constant)
            and isinstance(key.value, str)
        ):
            return key.value
        return None

    bound = {
        t.id: k
        for sub in ast.walk(node)
        if isinstance(sub, ast.Assign) and (k := route_key(sub.value)) is not None
        for t in sub.targets
        if isinstance(t, ast.Name)
    }
    for sub in ast.walk(node):
        if (
            isinstance(sub, ast.Call)
            and isinstance(sub.func, ast.Attribute)
            and sub.func.attr in methods
            and len(sub.args) > methods[sub.func.attr]
        ):
            first = sub.args[methods[sub.func.attr]]
            if isinstance(first, ast.Name) and first.id in bound:
                return bound[first.id]
            return route_key(first)
    return None


def sample_input(app: App, fn: Function, source: Source | None = None) -> dict[str, Any]:
    """A request that shows the shape the function expects, for the user to edit."""
    trigger = fn.trigger
    kind = trigger.type.lower() if trigger is not None else ""
    source = source or app.source
    reads = _json_reads(fn, source, app.root)
    keys = reads[0] if reads is not None else None
    items = reads[1] if reads is not None else {}
    node = _def_node(fn, source)
    typed = dict(reads[2]) if reads is not None else {}
    if node is not None:
        typed = {**_typed_reads(node), **typed}
    if any(not inner for inner in items.values()):
        items = _with_consumer_items(app, fn, source, items, typed)
    fields = {**typed, **compared_values(fn, source).get("json", {})}
    model = model_sample(fn, source, app.root)
    if model is not None and keys is None:
        keys = []

    def sample_object(keys: list[str] | None) -> dict[str, Any]:
        read = _sample_object(keys, items, fields)
        if model is None:
            return read
        # The model's fields first, typed; keys the code reads besides them after.
        return {**model, **{k: v for k, v in read.items() if k not in model}}

    if kind == "httptrigger":
        method = default_method(fn)
        sample: dict[str, Any] = {"method": method, "path": sample_url_path(app, fn)}
        query = sample_query(fn, source or app.source)
        if query:
            sample["query"] = query
        if method in _BODY_METHODS or keys is not None:
            if keys is not None:
                sample["headers"] = {"content-type": "application/json"}
                sample["body"] = sample_object(keys)
            else:
                sample["body"] = ""
        return sample
    if kind == "blobtrigger":
        name = sample_blob_name(trigger.get("path") if trigger else None)
        return {"name": name, "body": SAMPLE_BLOB}
    if kind == "timertrigger":
        return {"body": {"isPastDue": False}}
    if kind == "eventgridtrigger":
        return {"body": _event_grid_sample(keys, sample_object(keys))}
    if kind in ("cosmosdbtrigger", "cosmosdbmongotrigger"):
        docs = _document_reads(node, trigger.name) if node is not None and trigger else None
        if keys is None and docs is not None:
            return {"body": [{"id": "1", **_sample_object(docs[0], docs[1], fields)}]}
        return {"body": [{"id": "1", **sample_object(keys)}]}
    if kind == ACTIVITY_TRIGGER:
        passed = _activity_argument(app, fn, source)
        if passed is not None:
            return {"body": passed}
    if keys is not None:
        return {"body": sample_object(keys)}
    if kind in _MESSAGE_TRIGGERS:
        return {"body": SAMPLE_MESSAGE}  # an empty message shows nothing of what arrives
    return {"body": ""}


def _with_consumer_items(
    app: App,
    fn: Function,
    source: Source | None,
    items: dict[str, tuple[str, ...]],
    typed: dict[str, Any],
) -> dict[str, tuple[str, ...]]:
    """``items`` with the keys of the items of a list that ``fn`` does not look into, taken
    from the function of the app that reads the queue ``fn`` writes to, for a list of the
    same name. samples/v1-app and v2-app: create_order only measures ``items`` and queues
    the order on 'orders'; process_order reads ``item["product"]`` of each, so a sample
    item "sample" was accepted by create_order and then failed process_order (TypeError:
    string indices must be integers). Queue names compared as the host does (lowercase); a
    name from an app setting (``%NAME%``) is not followed. The consumer's typed reads
    (``int(item.get("qty", 1))``) join ``typed``. Besides storage queues, the channels an
    app names on both ends (``_channels``): a Service Bus queue or topic, an event hub, a
    Cosmos DB container (whose trigger's documents are read as ``_document_reads`` finds)."""
    written = {c for b in fn.bindings if b.direction.lower() == "out" for c in _channels(b)}
    if not written:
        return items
    out = dict(items)
    for other in app.functions:
        trigger = other.trigger
        if other is fn or trigger is None or not written & set(_channels(trigger)):
            continue
        reads = _json_reads(other, source, app.root)
        found = reads[1] if reads is not None else {}
        found_typed = reads[2] if reads is not None else {}
        node = _def_node(other, source) if trigger.kind == "cosmosdbtrigger" else None
        docs = _document_reads(node, trigger.name) if node is not None else None
        if node is not None and docs is not None:
            found = {**docs[1], **found}
            found_typed = {**_typed_reads(node), **found_typed}
        for key, inner in found.items():
            if key in out and not out[key] and inner:
                out[key] = inner
                typed.update(
                    {k: v for k, v in found_typed.items() if k in inner and k not in typed}
                )
    return out


# The property naming what a binding writes to or reads from, per kind of output and of the
# trigger that reads it; names compared ignoring case (the host lowercases storage queue
# names; for the others a near miss in case would at worst shape a sample). Event Grid is left
# out: its output names a topic endpoint setting and its trigger nothing (the subscription is
# made in Azure), so the app does not say which function reads what another sends.
_CHANNEL_NAMES = {
    "queue": ("queue", "queueName"),
    "queuetrigger": ("queue", "queueName"),
    "servicebus": ("servicebus", "queueName", "topicName"),
    "servicebustrigger": ("servicebus", "queueName", "topicName"),
    "eventhub": ("eventhub", "eventHubName"),
    "eventhubtrigger": ("eventhub", "eventHubName"),
}
_COSMOS = ("cosmosdb", "cosmosdbtrigger")


def _channels(b: Any) -> list[tuple[str, ...]]:
    """What a binding writes to or reads from, as comparable keys: ("queue", "orders"),
    ("servicebus", "queuename", "orders"), ("cosmosdb", "shop", "carts"); none when a name
    comes from an app setting (``%NAME%``) or is missing."""
    if b.kind in _COSMOS:
        database = str(b.get("databaseName") or "")
        container = str(b.get("containerName") or b.get("collectionName") or "")
        if database and container and "%" not in database + container:
            return [("cosmosdb", database, container)]
        return []
    spec = _CHANNEL_NAMES.get(b.kind)
    if spec is None:
        return []
    family, *props = spec
    out: list[tuple[str, ...]] = []
    for prop in props:
        name = str(b.get(prop) or "").lower()
        if name and "%" not in name:
            out.append((family, prop.lower(), name) if len(props) > 1 else (family, name))
    return out


def _document_reads(
    node: ast.FunctionDef | ast.AsyncFunctionDef, param: str
) -> tuple[list[str], dict[str, tuple[str, ...]]] | None:
    """The keys a Cosmos DB trigger's function reads from each document of its list (``for
    doc in docs: doc["name"]``, ``doc = docs[0]``, ``docs[0]["name"]``, ``doc.get("name")``,
    a comprehension), as ``_json_reads`` gives keys: ``[]`` after those it iterates over or
    measures, with the keys of their items. None when it reads none (the documents arrive as
    a list, never through ``get_json``)."""
    names: set[str] = set()
    for sub in ast.walk(node):
        if (
            isinstance(sub, ast.For | ast.comprehension)
            and isinstance(sub.iter, ast.Name)
            and sub.iter.id == param
            and isinstance(sub.target, ast.Name)
        ):
            names.add(sub.target.id)
        elif (
            isinstance(sub, ast.Assign)
            and len(sub.targets) == 1
            and isinstance(sub.targets[0], ast.Name)
            and isinstance(sub.value, ast.Subscript)
            and isinstance(sub.value.value, ast.Name)
            and sub.value.value.id == param
        ):
            names.add(sub.targets[0].id)
    keys: list[str] = []
    for sub in ast.walk(node):
        key = _key_read(sub, names, "") if names else None
        if (
            key is None
            and isinstance(sub, ast.Subscript)
            and isinstance(sub.value, ast.Subscript)
            and isinstance(sub.value.value, ast.Name)
            and sub.value.value.id == param
            and isinstance(sub.slice, ast.Constant)
            and isinstance(sub.slice.value, str)
        ):
            key = sub.slice.value  # docs[0]["name"]
        if key is not None and key not in keys:
            keys.append(key)
    if not keys:
        return None
    keys.sort(key=lambda k: _position(node, k))
    listed = _list_keys(node, names, "") if names else {}
    return [f"{k}[]" if k in listed else k for k in keys], listed


def sample_object(keys: list[str] | None) -> dict[str, Any]:
    """A JSON object with the keys a function reads: a list of one item for those it iterates
    over or measures."""
    return _sample_object(keys, {}, {})


def _sample_object(
    keys: list[str] | None, items: dict[str, tuple[str, ...]], values: dict[str, Any]
) -> dict[str, Any]:
    """``keys`` as json_keys gives them; ``items``: the keys the code reads from each item of a
    list key; ``values``: a value the code compares a key with. A list holds one item, an
    object of the keys read from its items (``for line in body["lines"]: line["product"]``)
    or a sample value: QA in code-server, samples/v2-app's create_order refuses an order whose
    ``items`` is empty (``if not items: … 400``) and the sample sent ``items: []``. ``values``
    also gives the item keys' values (a key is typed the same wherever it is read)."""
    out: dict[str, Any] = {}
    for k in keys or []:
        name = k.removesuffix("[]")
        if k.endswith("[]"):
            inner = items.get(name)
            out[name] = [{i: values.get(i, SAMPLE_VALUE) for i in inner} if inner else SAMPLE_VALUE]
        else:
            out[name] = values.get(name, SAMPLE_VALUE)
    return out


def sample_query(fn: Function, source: Source | None) -> dict[str, str]:
    """The query parameters of an HTTP function's sample: each one the code reads, as a value
    the code compares it with when it does, else as text of the type it converts the value
    to or defaults it with (``int(req.params.get("min", "0"))`` -> "1"), else a sample value.
    QA in Neovim: that read got ``?min=sample`` and the first ▶ Run raised ValueError."""
    keys = query_keys(fn, source)
    if not keys:
        return {}
    chosen = compared_values(fn, source).get("query", {})
    node = _def_node(fn, source)
    typed = _typed_reads(node) if node is not None else {}
    return {k: chosen.get(k, _query_text(typed.get(k))) for k in keys}


def _query_text(value: object) -> str:
    """A typed sample value as a query string carries it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return SAMPLE_VALUE


def _event_grid_sample(
    keys: list[str] | None, data: dict[str, Any] | None = None
) -> dict[str, Any]:
    """An Event Grid event whose ``data`` is the object the code reads (``data``, else one of
    ``keys``). ``data`` carries the keys of the items of its lists: the event's
    ``get_json()`` is its data, and ``for f in data["files"]: f["url"]`` sent ``files:
    ["sample"]`` before."""
    return {
        "id": "00000000-0000-0000-0000-000000000001",
        "topic": "/subscriptions/local/resourceGroups/local/providers/Local/topics/sample",
        "subject": "sample",
        "eventType": "Sample.Event",
        "eventTime": "2026-01-01T00:00:00Z",
        "dataVersion": "1.0",
        "data": data if data is not None else sample_object(keys),
    }


def sample_blob_name(pattern: object) -> str:
    """A blob path the trigger's path pattern matches: ``uploads/{name}`` -> uploads/sample.txt."""
    text = str(pattern or "samples/{name}")
    try:
        parsed = parse_blob_path(text)
    except ValueError:
        return "samples/sample.txt"
    if "%" in text:
        return "samples/sample.txt"
    name = _fill_braces(text)
    return name if parsed.match(name) is not None else "samples/sample.txt"


def _fill_braces(text: str) -> str:
    """Each {param} as "sample"; one that ends the path as "sample.txt" (a file name)."""
    out: list[str] = []
    i = 0
    while i < len(text):
        if text[i] == "{":
            end = text.find("}", i)
            if end == -1:
                break
            out.append("sample.txt" if end == len(text) - 1 else "sample")
            i = end + 1
            continue
        out.append(text[i])
        i += 1
    return "".join(out)


def resolve_input(
    app: App,
    fn: Function,
    given: dict[str, Any] | None,
    saved: SavedInputs | None,
) -> tuple[dict[str, Any], list[str]]:
    """The request to send: each part from ``given``, else the saved input, else the sample.
    Returns it and where its parts came from ("given", "saved", "sample")."""
    if given is not None and not isinstance(given, dict):
        raise InputError('the input must be an object such as {"body": …}')
    allowed = HTTP_KEYS if is_http(fn) else OTHER_KEYS
    given = dict(given or {})
    if "input" in given and "body" not in given:
        given["body"] = given.pop("input")  # the admin API's name for it
    unknown = sorted(k for k in given if k not in allowed)
    if unknown:
        raise InputError(
            f"'{fn.name}' takes {', '.join(allowed)} as input, not {', '.join(unknown)}"
        )
    stored = (saved.entry(fn.name) if saved is not None else None) or {}
    sample = sample_input(app, fn)
    request: dict[str, Any] = {}
    origins: list[str] = []
    for key in allowed:
        for origin, layer in (("given", given), ("saved", stored), ("sample", sample)):
            if key in layer and layer[key] is not None:
                value = layer[key]
                if key == "query" and origin == "sample":
                    # The parameters the code reads that the path given or saved lacks: a
                    # path with ?name=Bo keeps its value, not a second name=sample.
                    value = _not_in_path(value, request.get("path"))
                    if not value:
                        break
                request[key] = value
                if origin not in origins:
                    origins.append(origin)
                break
    _check_shape(fn, request)
    return request, origins


def _not_in_path(query: dict[str, Any], path: object) -> dict[str, Any]:
    """``query`` without the names the path's own query string sets."""
    if not isinstance(path, str) or "?" not in path:
        return query
    from urllib.parse import parse_qsl

    named = {k for k, _v in parse_qsl(path.split("?", 1)[1], keep_blank_values=True)}
    return {k: v for k, v in query.items() if k not in named}


def _check_shape(fn: Function, request: dict[str, Any]) -> None:
    for key in ("query", "headers"):
        value = request.get(key)
        if value is not None and not (
            isinstance(value, dict)
            and all(isinstance(v, str | int | float) for v in value.values())
        ):
            raise InputError(f"{key} of '{fn.name}' must be an object of names to text values")
    for key in ("method", "path", "name"):
        value = request.get(key)
        if value is not None and not isinstance(value, str):
            raise InputError(f"{key} of '{fn.name}' must be text")


def body_text(body: Any) -> str:
    """The body as sent: text as it is, anything else as JSON."""
    if body is None:
        return ""
    return body if isinstance(body, str) else json.dumps(body)


# -- JSON keys the function reads ------------------------------------------------------------


def json_keys(fn: Function, source: Source | None, root: str | None = None) -> list[str] | None:
    """json_keys of _json_reads: the keys alone."""
    reads = _json_reads(fn, source, root)
    return reads[0] if reads is not None else None


def _json_reads(
    fn: Function, source: Source | None, root: str | None = None
) -> tuple[list[str], dict[str, tuple[str, ...]], dict[str, Any]] | None:
    """The keys the function reads from its trigger's JSON (``req.get_json()["x"]``,
    ``body.get("x")``, ``json.loads(msg.get_body())["x"]``): a list, possibly empty, when it
    reads JSON from its trigger at all; None when it does not. A key the function iterates
    over (``for item in body["items"]``) ends with ``[]``. With the app's ``root``, also the
    keys a helper of the app reads when the JSON is passed to it (``receipt_for(order)``,
    ``orders.new_order(body)``: one call deep). Read from the source text (never run).
    With them, the keys the code reads from the items of each list key, and the typed
    values (_typed_reads) of the function and of those helpers."""
    node = _def_node(fn, source)
    trigger = fn.trigger
    if node is None or trigger is None:
        return None
    param = trigger.name
    holders: set[str] = set()
    reads_json = False
    for sub in ast.walk(node):
        if isinstance(sub, ast.Assign | ast.AnnAssign) and sub.value is not None:
            if _reads_json(sub.value, param):
                reads_json = True
                targets = sub.targets if isinstance(sub, ast.Assign) else [sub.target]
                holders.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(sub, ast.Call | ast.Subscript) and _reads_json(sub, param):
            reads_json = True
    if not reads_json:
        return None
    keys: list[str] = []
    for sub in ast.walk(node):
        key = _key_read(sub, holders, param)
        if key is not None and key not in keys:
            keys.append(key)
    listed = _list_keys(node, holders, param)
    typed = dict(_typed_reads(node))
    if root is not None and fn.script_path is not None:
        # QA in code-server: v1-app's process_order passes its message to
        # shared/orders.receipt_for, which reads order["items"]; the sample {"id": …} made
        # the first ▶ Run fail with KeyError: 'items'. A helper's ``.get`` reads count too, as
        # the function's own do: v1-app's create_order passes its body to
        # shared/orders.new_order, which answers 400 without ``body.get("items")``.
        for call, helper, name in _helpers_given(node, holders, fn.script_path, root, source):
            for sub in ast.walk(helper):
                key = _key_read(sub, {name}, "")
                if key is not None and key not in keys:
                    keys.append(key)
            for key, inner in _list_keys(helper, {name}, "").items():
                listed[key] = tuple(dict.fromkeys((*listed.get(key, ()), *inner)))
            _merge_returned_lists(node, call, helper, name, listed)
            typed = {**_typed_reads(helper), **typed}
    return [f"{k}[]" if k in listed else k for k in keys], listed, typed


_MAX_HELPERS = 8  # calls followed per function


def _merge_returned_lists(
    node: ast.AST,
    call: ast.Call,
    helper: ast.FunctionDef | ast.AsyncFunctionDef,
    name: str,
    listed: dict[str, tuple[str, ...]],
) -> None:
    """The keys of the JSON that ``node`` treats as lists through what a helper returns:
    the helper returns a dict literal holding values it read from its parameter ``name``
    (v1-app's new_order: ``items = body.get("items")`` … ``return {"items": items, …}``) and
    ``node`` measures or iterates over them in the result (``order = orders.new_order(body)``
    … ``len(order["items"])``). Added to ``listed`` under the key read from the JSON."""
    results = {
        t.id
        for sub in ast.walk(node)
        if isinstance(sub, ast.Assign) and sub.value is call
        for t in sub.targets
        if isinstance(t, ast.Name)
    }
    if not results:
        return
    bound: dict[str, str] = {}  # a variable of the helper -> the key it was read from
    for sub in ast.walk(helper):
        if isinstance(sub, ast.Assign) and len(sub.targets) == 1:
            value = sub.value.body if isinstance(sub.value, ast.IfExp) else sub.value
            key = _key_read(value, {name}, "")
            target = sub.targets[0]
            if isinstance(target, ast.Name) and key is not None:
                bound[target.id] = key
    returned: dict[str, str] = {}  # a key of the returned dict -> the JSON key it holds
    for sub in ast.walk(helper):
        if isinstance(sub, ast.Return) and isinstance(sub.value, ast.Dict):
            for k, v in zip(sub.value.keys, sub.value.values, strict=True):
                if not (isinstance(k, ast.Constant) and isinstance(k.value, str)):
                    continue
                held = bound.get(v.id) if isinstance(v, ast.Name) else _key_read(v, {name}, "")
                if held is not None:
                    returned[k.value] = held
    for key, inner in _list_keys(node, results, "").items():
        if key in returned:
            read = returned[key]
            listed[read] = tuple(dict.fromkeys((*listed.get(read, ()), *inner)))


def _helpers_given(
    node: ast.AST, holders: set[str], script: str, root: str, source: Source | None
) -> list[tuple[ast.Call, ast.FunctionDef | ast.AsyncFunctionDef, str]]:
    """The defs of the app that ``node`` passes a JSON holder to as a positional argument,
    each with the name of the parameter that receives it: a def of the same module
    (``helper(body)``), a name imported from a module of the app (``from ..shared.orders
    import receipt_for``) or a function of an imported module (``orders.new_order(body)``
    after ``from shared import orders``)."""
    tree = _module_tree(script, source)
    if tree is None:
        return []
    found: list[tuple[ast.Call, ast.FunctionDef | ast.AsyncFunctionDef, str]] = []
    for call in ast.walk(node):
        if len(found) >= _MAX_HELPERS:
            break
        if not isinstance(call, ast.Call):
            continue
        at = next(
            (i for i, a in enumerate(call.args) if isinstance(a, ast.Name) and a.id in holders),
            None,
        )
        if at is None:
            continue
        target = _resolve_call(call.func, tree, script, root, source)
        if target is None:
            continue
        params = [a.arg for a in (*target.args.posonlyargs, *target.args.args)]
        if at < len(params):
            found.append((call, target, params[at]))
    return found


def _resolve_call(
    func: ast.expr, tree: ast.Module, script: str, root: str, source: Source | None
) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    found = _resolve_name(func, tree, script, root, source)
    return _top_def(found[0], found[1]) if found is not None else None


_Resolved = tuple[ast.Module, str, str]  # the module's tree, the name there, its file


def _resolve_name(
    func: ast.expr, tree: ast.Module, script: str, root: str, source: Source | None
) -> _Resolved | None:
    """The module of the app that defines what ``func`` names (``name``, a name imported from
    a module of the app, ``module.name`` of an imported module), with the name there and the
    module's file."""
    if isinstance(func, ast.Name):
        if any(
            isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            and stmt.name == func.id
            for stmt in tree.body
        ):
            return tree, func.id, script
        for stmt in tree.body:
            if isinstance(stmt, ast.ImportFrom):
                for alias in stmt.names:
                    if (alias.asname or alias.name) == func.id:
                        path = _module_path(stmt.module, stmt.level, script, root)
                        module = _module_tree(path, source) if path else None
                        return (module, alias.name, path) if module and path else None
        return None
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        holder = func.value.id
        for stmt in tree.body:
            path = None
            if isinstance(stmt, ast.ImportFrom):
                for alias in stmt.names:
                    if (alias.asname or alias.name) == holder:
                        base = f"{stmt.module}.{alias.name}" if stmt.module else alias.name
                        path = _module_path(base, stmt.level, script, root)
            elif isinstance(stmt, ast.Import):
                for alias in stmt.names:
                    if alias.asname == holder:
                        path = _module_path(alias.name, 0, script, root)
            if path is not None:
                module = _module_tree(path, source)
                return (module, func.attr, path) if module else None
    return None


def _top_def(tree: ast.Module | None, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    for stmt in tree.body if tree is not None else []:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and stmt.name == name:
            return stmt
    return None


def _module_path(module: str | None, level: int, script: str, root: str) -> str | None:
    """The file of an app module: relative to the script's package (``level`` dots) or to
    the app's root (absolute imports: the root is on sys.path). None outside the app."""
    base = relative_import_base(script, level) if level else root
    parts = (module or "").split(".") if module else []
    stem = os.path.join(base, *parts)
    real_root = os.path.realpath(root) + os.sep
    for candidate in (stem + ".py", os.path.join(stem, "__init__.py")):
        if os.path.realpath(candidate).startswith(real_root) and os.path.isfile(candidate):
            return candidate
    return None


def _module_tree(path: str, source: Source | None) -> ast.Module | None:
    text = source.text(path) if source is not None else None
    if text is None:
        try:
            with open(path, encoding="utf-8-sig") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError):
            return None
    return _parsed(text)


@functools.lru_cache(maxsize=8)
def _parsed(text: str) -> ast.Module | None:
    """The module's syntax tree, kept for the next function of the same text (the Run lens
    titles of one file read it once per HTTP function). Never modified by its readers."""
    if len(text) > 2_000_000:
        return None  # a huge file: no sample keys rather than a slow parse
    try:
        tree: ast.Module = parse_python(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return tree


def query_keys(fn: Function, source: Source | None) -> list[str]:
    """The query parameters an HTTP function reads from its request, in the order of the
    code: ``req.params.get("name")``, ``req.params["id"]``, or through a name bound to
    ``req.params``. ``HttpRequest.params`` is the URL's query string as a mapping
    (azure-functions-python-library azure/functions/_http.py, HttpRequest.params; the worker
    fills it from the invocation's query, azure_functions_worker/bindings/datumdef.py)."""
    node = _def_node(fn, source)
    trigger = fn.trigger
    if node is None or trigger is None:
        return []
    return list(_query_keys_of(node, trigger.name))


@functools.lru_cache(maxsize=4096)
def _query_keys_of(node: ast.FunctionDef | ast.AsyncFunctionDef, param: str) -> tuple[str, ...]:
    """query_keys of one def (of a kept tree: the lens titles ask for each function's at each
    request for a file's lenses)."""

    def is_params(expr: ast.AST) -> bool:
        return (
            isinstance(expr, ast.Attribute)
            and expr.attr == "params"
            and isinstance(expr.value, ast.Name)
            and expr.value.id == param
        )

    holders = {
        t.id
        for sub in ast.walk(node)
        if isinstance(sub, ast.Assign) and is_params(sub.value)
        for t in sub.targets
        if isinstance(t, ast.Name)
    }

    def is_holder(expr: ast.AST) -> bool:
        return is_params(expr) or (isinstance(expr, ast.Name) and expr.id in holders)

    keys: list[str] = []
    for sub in ast.walk(node):
        key: object = None
        if isinstance(sub, ast.Subscript) and is_holder(sub.value):
            key = sub.slice.value if isinstance(sub.slice, ast.Constant) else None
        elif (
            isinstance(sub, ast.Call)
            and isinstance(sub.func, ast.Attribute)
            and sub.func.attr == "get"
            and is_holder(sub.func.value)
            and sub.args
            and isinstance(sub.args[0], ast.Constant)
        ):
            key = sub.args[0].value
        if isinstance(key, str) and key not in keys:
            keys.append(key)
    return tuple(sorted(keys, key=lambda k: _position(node, k)))


# -- values the code compares an input with --------------------------------------------------


def compared_values(fn: Function, source: Source | None) -> dict[str, dict[str, Any]]:
    """For each input the code checks against constants, the value a sample should send:
    ``{"route": {"action": "list"}, "query": {…}, "json": {…}}``. An input is a route
    parameter (``req.route_params["action"]``), a query parameter (``req.params.get("mode")``)
    or a field of the trigger's JSON (``body["kind"]``), read directly or through a name bound
    to it; the constants are those of ``==``/``!=``, ``in (…)``/``not in (…)``, ``match``
    cases and the keys of a dict literal it indexes (``HANDLERS[action]``,
    ``HANDLERS.get(action)``). QA in code-server: the Durable sample's ``manage`` starter,
    routed ``manage/{action}``, got the action '1', which none of its branches takes.

    Of an ``if``/``elif`` chain, the value whose branch uses the fewest other inputs wins
    (first in code order on a tie): its run needs nothing else the sample can only guess
    (``manage``'s "list" rather than "raise", which also wants an instance id and an event
    name). Read from the source text (never run)."""
    node = _def_node(fn, source)
    trigger = fn.trigger
    if node is None or trigger is None:
        return {}
    chosen = _compared_of(node, trigger.name)
    if any(where == "dict" for where, _k, _v in chosen):
        # A dict of handlers at the module's top level: read from the module's tree.
        tree = _module_tree(fn.script_path, source) if fn.script_path else None
        module_dicts = _module_dicts(tree) if tree is not None else {}
    else:
        module_dicts = {}
    out: dict[str, dict[str, Any]] = {}
    for where, key, value in chosen:
        if where == "dict":
            input_where, input_key, name = value
            keys = module_dicts.get(name)
            if keys and input_key not in out.get(input_where, {}):
                out.setdefault(input_where, {})[input_key] = keys[0]
            continue
        out.setdefault(where, {}).setdefault(key, value)
    return out


@functools.lru_cache(maxsize=8)
def _module_dicts(tree: ast.Module) -> dict[str, list[str]]:
    """The module's top-level ``NAME = {"a": …, "b": …}``: the dict's text keys by name."""
    found: dict[str, list[str]] = {}
    for stmt in tree.body:
        target = value = None
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target, value = stmt.targets[0], stmt.value
        elif isinstance(stmt, ast.AnnAssign):
            target, value = stmt.target, stmt.value
        if isinstance(target, ast.Name) and isinstance(value, ast.Dict):
            keys = [k.value for k in value.keys if isinstance(k, ast.Constant)]
            texts = [k for k in keys if isinstance(k, str)]
            if texts:
                found[target.id] = texts
    return found


_Input = tuple[str, str]  # ("route" | "query" | "json", the parameter's or field's name)


@functools.lru_cache(maxsize=4096)
def _compared_of(
    node: ast.FunctionDef | ast.AsyncFunctionDef, param: str
) -> tuple[tuple[str, str, Any], ...]:
    """compared_values of one def (of a kept tree, like _query_keys_of: the lens titles ask
    for each HTTP function's route at each request): (where, key, value) in order of
    preference, and ("dict", key, (where, key, name)) for a dict of the module indexed with
    an input."""
    nodes = list(ast.walk(node))  # one walk for the passes below (cold lens titles: 500 defs)

    def indexes_with_a_name(sub: ast.AST) -> bool:
        if isinstance(sub, ast.Subscript):
            return not isinstance(sub.slice, ast.Constant)
        return (
            isinstance(sub, ast.Call)
            and isinstance(sub.func, ast.Attribute)
            and sub.func.attr == "get"
            and bool(sub.args)
            and not isinstance(sub.args[0], ast.Constant)
        )

    if not any(
        isinstance(sub, ast.Compare | ast.Match) or indexes_with_a_name(sub) for sub in nodes
    ):
        return ()

    def holder_of(expr: ast.AST) -> str | None:
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
            if expr.value.id == param and expr.attr == "route_params":
                return "route"
            if expr.value.id == param and expr.attr == "params":
                return "query"
        if isinstance(expr, ast.Name) and expr.id in holders:
            return holders[expr.id]
        if _reads_json(expr, param):
            return "json"
        return None

    def read_of(expr: ast.AST) -> _Input | None:
        holder, key = _keyed_read(expr)
        if holder is None or not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            return None
        where = holder_of(holder)
        return (where, key.value) if where is not None else None

    # Names bound to a holder (``query = req.params``, ``body = req.get_json()``), then names
    # bound to one input (``action = req.route_params["action"]``).
    holders: dict[str, str] = {}
    bound: dict[str, _Input] = {}
    assigns = [
        (sub.targets[0].id, sub.value)
        for sub in nodes
        if isinstance(sub, ast.Assign)
        and len(sub.targets) == 1
        and isinstance(sub.targets[0], ast.Name)
    ]
    for name, value in assigns:
        where = holder_of(value)
        if where is not None:
            holders[name] = where
    for name, value in assigns:
        read = read_of(value)
        if read is not None:
            bound[name] = read

    def input_of(expr: ast.AST) -> _Input | None:
        if isinstance(expr, ast.Name) and expr.id in bound:
            return bound[expr.id]
        return read_of(expr)

    def uses(stmts: list[ast.stmt], besides: str | None) -> int:
        """How many times ``stmts`` name the request or an input other than ``besides``."""
        count = 0
        for stmt in stmts:
            for sub in ast.walk(stmt):
                if (
                    isinstance(sub, ast.Name)
                    and sub.id != besides
                    and (sub.id == param or sub.id in bound or sub.id in holders)
                ):
                    count += 1
        return count

    def constants(expr: ast.AST) -> list[Any]:
        elts = expr.elts if isinstance(expr, ast.Tuple | ast.List | ast.Set) else [expr]
        return [
            e.value
            for e in elts
            if isinstance(e, ast.Constant)
            and e.value is not None
            and not isinstance(e.value, bytes)
            and e.value != ""  # ``if name == "": return 400`` is a guard, not a choice
        ]

    # (input, value, cost, where in the code): cost is how many other inputs the branch uses.
    candidates: list[tuple[_Input, Any, int, tuple[int, int]]] = []
    branches: dict[int, list[ast.stmt]] = {}  # a test's id -> the statements it guards
    for sub in nodes:
        if isinstance(sub, ast.If):
            branches[id(sub.test)] = sub.body
    for sub in nodes:
        order = (getattr(sub, "lineno", 0), getattr(sub, "col_offset", 0))
        if isinstance(sub, ast.Compare) and len(sub.ops) == 1:
            left, right, op = sub.left, sub.comparators[0], sub.ops[0]
            found = input_of(left)
            if found is None and isinstance(op, ast.Eq | ast.NotEq):
                found, left, right = input_of(right), right, left
            if found is None or not isinstance(op, ast.Eq | ast.NotEq | ast.In | ast.NotIn):
                continue
            if isinstance(op, ast.Eq | ast.NotEq) and not isinstance(right, ast.Constant):
                continue
            besides = left.id if isinstance(left, ast.Name) else None
            body = branches.get(id(sub))
            cost = (
                uses(body, besides) if body is not None and isinstance(op, ast.Eq | ast.In) else 0
            )
            for value in constants(right):
                candidates.append((found, value, cost, order))
        elif isinstance(sub, ast.Match):
            found = input_of(sub.subject)
            if found is None:
                continue
            besides = sub.subject.id if isinstance(sub.subject, ast.Name) else None
            for case in sub.cases:
                patterns = (
                    case.pattern.patterns
                    if isinstance(case.pattern, ast.MatchOr)
                    else [case.pattern]
                )
                for pattern in patterns:
                    if isinstance(pattern, ast.MatchValue):
                        for value in constants(pattern.value):
                            candidates.append((found, value, uses(case.body, besides), order))
    dicts: list[tuple[str, str, Any]] = []
    local = {
        name: [
            k.value for k in value.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)
        ]
        for name, value in assigns
        if isinstance(value, ast.Dict)
    }
    for sub in nodes:
        table: ast.AST | None = None
        index: ast.AST | None = None
        if isinstance(sub, ast.Subscript):
            table, index = sub.value, sub.slice
        elif (
            isinstance(sub, ast.Call)
            and isinstance(sub.func, ast.Attribute)
            and sub.func.attr == "get"
            and sub.args
        ):
            table, index = sub.func.value, sub.args[0]
        if not isinstance(table, ast.Name) or index is None:
            continue
        found = input_of(index)
        if found is None:
            continue
        if table.id in local:
            if local[table.id]:
                at = (table.lineno, table.col_offset)
                candidates.append((found, local[table.id][0], 0, at))
        elif table.id not in holders and table.id != param:
            dicts.append(("dict", found[1], (found[0], found[1], table.id)))
    # Route and query parameters are text: a number compared with one never matches.
    best = sorted(
        (c for c in candidates if c[0][0] == "json" or isinstance(c[1], str)),
        key=lambda c: (c[2], c[3]),
    )
    return tuple((where, key, value) for (where, key), value, _c, _o in best) + tuple(dicts)


def _position(node: ast.AST, key: str) -> tuple[int, int]:
    """Where the code first names ``key`` as a string (ast.walk goes breadth first)."""
    return min(
        (
            (sub.lineno, sub.col_offset)
            for sub in ast.walk(node)
            if isinstance(sub, ast.Constant) and sub.value == key
        ),
        default=(0, 0),
    )


def _list_keys(node: ast.AST, holders: set[str], param: str) -> dict[str, tuple[str, ...]]:
    """Keys whose value the function treats as a list: iterated over or measured with len(),
    directly (``for x in body["items"]``) or through a name (``items = body.get("items")``
    … ``len(items)``); each with the keys the code subscripts an item with (``x["product"]``,
    in code order), and those it reads with a typed ``.get`` (``int(x.get("qty", 1))``: a
    number, see _typed_reads; an untyped ``x.get("note")`` handles its absence and is left
    out)."""
    typed = _typed_reads(node) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) else {}
    named: dict[str, str] = {}  # variable -> the key it was read from
    for sub in ast.walk(node):
        if isinstance(sub, ast.Assign) and len(sub.targets) == 1:
            target = sub.targets[0]
            value = sub.value
            if isinstance(value, ast.IfExp):  # items = body.get("items") if … else None
                value = value.body
            key = _key_read(value, holders, param)
            if isinstance(target, ast.Name) and key is not None:
                named[target.id] = key

    def key_of(expr: ast.AST) -> str | None:
        if isinstance(expr, ast.Name) and expr.id in named:
            return named[expr.id]
        return _key_read(expr, holders, param)

    found: dict[str, set[str]] = {}
    for sub in ast.walk(node):
        used: ast.AST | None = None
        item: str | None = None  # the name each item is bound to
        if isinstance(sub, ast.For | ast.comprehension):
            used, target = sub.iter, sub.target
            if (  # for i, x in enumerate(body["items"])
                isinstance(used, ast.Call)
                and isinstance(used.func, ast.Name)
                and used.func.id == "enumerate"
                and len(used.args) == 1
                and isinstance(target, ast.Tuple)
                and len(target.elts) == 2
            ):
                used, target = used.args[0], target.elts[1]
            item = target.id if isinstance(target, ast.Name) else None
        elif isinstance(sub, ast.Call):
            used = _listed_by_call(sub)
        key = key_of(used) if used is not None else None
        if key is not None:
            names = found.setdefault(key, set())
            if item is not None:
                names.add(item)
    listed: dict[str, tuple[str, ...]] = {}
    for key, names in found.items():
        inner: list[str] = []
        if names:
            for sub in ast.walk(node):
                read = _key_read(sub, names, "")
                if not isinstance(sub, ast.Subscript) and read not in typed:
                    read = None
                if read is not None and read not in inner:
                    inner.append(read)
        listed[key] = tuple(sorted(inner, key=lambda k: _position(node, k)))
    return listed


# Builtins that take one iterable and read its items: len(x), sorted(x), any(x)… (max and min
# of two values compare them; only a lone argument counts).
_ITERATING_CALLS = frozenset(
    {"len", "sorted", "enumerate", "any", "all", "list", "tuple", "set", "max", "min"}
)
_LIST_TYPES = frozenset({"list", "List", "tuple", "Sequence"})


def _listed_by_call(call: ast.Call) -> ast.AST | None:
    """The argument ``call`` treats as a list: the one iterable of a builtin that iterates
    (``sorted(body["items"])``), the value ``isinstance`` checks against ``list`` (``if not
    isinstance(body.get("items"), list): return 400``: a "sample" got that 400). Not a truth
    test (``if not body["items"]``): a text is guarded the same way (``if not name``)."""
    func = call.func
    if not isinstance(func, ast.Name):
        return None
    if func.id in _ITERATING_CALLS and len(call.args) == 1:
        return call.args[0]
    if func.id == "isinstance" and len(call.args) == 2:
        kinds = call.args[1]
        names = kinds.elts if isinstance(kinds, ast.Tuple) else [kinds]
        if any(isinstance(k, ast.Name) and k.id in _LIST_TYPES for k in names):
            return call.args[0]
    return None


@functools.lru_cache(maxsize=4096)
def _typed_reads(node: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, Any]:
    """A value of the type the code wants for each key it converts or defaults, whatever it
    reads it from: ``int(x["qty"])`` -> 1, ``float(x.get("price"))`` -> 1.0, ``x.get("qty",
    1)`` -> 1, ``x.get("note", "")`` -> "sample" (a conversion wins over a default).
    QA in code-server: samples/v2-app's process_order reads ``int(item.get("qty", 1))``; the
    sample item sent no "qty" at all, and a "sample" would raise ValueError. Only asked of
    keys already known to be read from the trigger's JSON or its items."""
    converted: dict[str, Any] = {}
    defaults: dict[str, Any] = {}
    for sub in ast.walk(node):
        if not isinstance(sub, ast.Call):
            continue
        func = sub.func
        if (
            isinstance(func, ast.Name)
            and func.id in CONVERSIONS
            and len(sub.args) == 1
            and not sub.keywords
        ):
            key = _any_key_read(sub.args[0])
            if key is not None:
                converted.setdefault(key, CONVERSIONS[func.id])
        elif isinstance(func, ast.Attribute) and func.attr == "get" and len(sub.args) == 2:
            key = _any_key_read(sub)
            default = sub.args[1]
            if (
                key is not None
                and isinstance(default, ast.Constant)
                and isinstance(default.value, bool | int | float | str)
            ):
                # A text default says only "text" (the sample's own word shows it is free).
                text = isinstance(default.value, str)
                defaults.setdefault(key, SAMPLE_VALUE if text else default.value)
    return {**defaults, **converted}


def _any_key_read(expr: ast.AST) -> str | None:
    """``key`` of ``anything["key"]`` or ``anything.get("key"…)``."""
    if isinstance(expr, ast.Subscript):
        key = expr.slice
    elif (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Attribute)
        and expr.func.attr == "get"
        and expr.args
    ):
        key = expr.args[0]
    else:
        return None
    return key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else None


def model_sample(fn: Function, source: Source | None, root: str) -> dict[str, Any] | None:
    """The JSON object of the class ``fn`` builds from its trigger's JSON, with a sample value
    of each field's type (json_models.class_fields): a dataclass or pydantic model of the
    app built with ``Model(**body)``, ``Model.model_validate(body)`` / ``parse_obj`` /
    ``from_dict``, or ``Model.model_validate_json(req.get_body())`` / ``parse_raw``; the
    class defined in the function's module or imported from a module of the app. None when
    it builds none (read from the source text, never run)."""
    node = _def_node(fn, source)
    trigger = fn.trigger
    if node is None or trigger is None or fn.script_path is None:
        return None
    param = trigger.name
    holders = {
        t.id
        for sub in ast.walk(node)
        if isinstance(sub, ast.Assign) and _reads_json(sub.value, param)
        for t in sub.targets
        if isinstance(t, ast.Name)
    }

    def is_json(expr: ast.AST) -> bool:
        return (isinstance(expr, ast.Name) and expr.id in holders) or _reads_json(expr, param)

    def names_param(expr: ast.AST) -> bool:
        return any(isinstance(n, ast.Name) and n.id == param for n in ast.walk(expr))

    tree = None
    for call in ast.walk(node):
        if not isinstance(call, ast.Call):
            continue
        built: ast.expr | None = None
        if any(k.arg is None and is_json(k.value) for k in call.keywords):
            built = call.func  # Model(**body)
        elif isinstance(call.func, ast.Attribute) and call.args:
            how, given = call.func.attr, call.args[0]
            if (how in FROM_OBJECT and is_json(given)) or (how in FROM_TEXT and names_param(given)):
                built = call.func.value
        if built is None:
            continue
        tree = tree or _module_tree(fn.script_path, source)
        lookup = _class_lookup(tree, fn.script_path, root, source) if tree else None
        name = built.id if isinstance(built, ast.Name) else None
        found = lookup(name) if lookup is not None and name is not None else None
        if found is None and isinstance(built, ast.Attribute) and tree is not None:
            # module.Model: the module of the app imported under that name.
            where = _resolve_name(built, tree, fn.script_path, root, source)
            if where is not None:
                found = _class_lookup(where[0], where[2], root, source, 1)(where[1])
        if found is not None:
            return class_fields(found[0], found[1])
    return None


def _class_lookup(
    tree: ast.Module, script: str, root: str, source: Source | None, depth: int = 0
) -> Lookup:
    """json_models' Lookup of a module of the app: its own top-level classes, then the names it
    imports from modules of the app (followed 4 modules deep at most: imports may go round)."""
    classes = module_classes(tree)

    def lookup(name: str) -> tuple[ast.ClassDef, Lookup] | None:
        if name in classes:
            return classes[name], lookup
        if not script or depth >= 4:
            return None
        where = _resolve_name(ast.Name(id=name), tree, script, root, source)
        if where is None or where[0] is tree:
            return None
        return _class_lookup(where[0], where[2], root, source, depth + 1)(where[1])

    return lookup


def _reads_json(expr: ast.AST, param: str) -> bool:
    """``param.get_json()`` or ``json.loads(param.get_body()…)`` (possibly subscripted)."""
    while isinstance(expr, ast.Subscript):
        expr = expr.value
    if not isinstance(expr, ast.Call):
        return False
    func = expr.func
    if isinstance(func, ast.Attribute) and func.attr == "get_json":
        return isinstance(func.value, ast.Name) and func.value.id == param
    if isinstance(func, ast.Attribute) and func.attr == "loads" and expr.args:
        return any(isinstance(n, ast.Name) and n.id == param for n in ast.walk(expr.args[0]))
    return False


def _key_read(node: ast.AST, holders: set[str], param: str) -> str | None:
    def is_holder(expr: ast.AST) -> bool:
        return (isinstance(expr, ast.Name) and expr.id in holders) or _reads_json(expr, param)

    if isinstance(node, ast.Subscript) and is_holder(node.value):
        key = node.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            return key.value
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and is_holder(node.func.value)
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ):
        return node.args[0].value
    return None


def _def_node(fn: Function, source: Source | None) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    if fn.script_path is None or fn.def_name_range is None:
        return None
    text = source.text(fn.script_path) if source is not None else None
    if text is None:
        try:
            with open(fn.script_path, encoding="utf-8-sig") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError):
            return None
    if fn.def_range is not None:
        # The def alone (its decorators included), parsed once per text of the def: an edit
        # elsewhere in the file keeps every other def's tree, where parsing the whole module
        # again was ~70 ms per lens request on a file of 500 HTTP functions (the lens titles
        # ask each function's query keys). A def that does not parse alone (indented, in a
        # class) is looked up in the module's tree.
        starts = _line_starts(text)
        first, last = fn.def_range.start.line, fn.def_range.end.line + 1
        if 0 <= first < last < len(starts):
            found = _lone_def(text[starts[first] : starts[last]])
            if found is not None and found.name == fn.entry_point:
                return found
    tree = _parsed(text)
    if tree is None:
        return None
    return _defs_by_line(tree).get(fn.def_name_range.start.line + 1)


@functools.lru_cache(maxsize=8)
def _line_starts(text: str) -> list[int]:
    """The offset of each line's start in ``text``, and one past its end."""
    starts = [0]
    find = text.find
    at = find("\n")
    while at >= 0:
        starts.append(at + 1)
        at = find("\n", at + 1)
    if starts[-1] != len(text):
        starts.append(len(text))
    return starts


@functools.lru_cache(maxsize=8192)
def _lone_def(text: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The def that ``text`` holds alone, or None (positions are the def's own: readers use
    them only relative to each other). Never modified by its readers."""
    if len(text) > 200_000:
        return None
    try:
        body = parse_python(text).body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if len(body) == 1 and isinstance(body[0], ast.FunctionDef | ast.AsyncFunctionDef):
        return body[0]
    return None


@functools.lru_cache(maxsize=8)
def _defs_by_line(tree: ast.Module) -> dict[int, ast.FunctionDef | ast.AsyncFunctionDef]:
    """Each def of the module by the line of its ``def`` (one walk per tree, not one per
    function: the lens titles of a file of 300 HTTP functions walked it 900 times)."""
    return {
        sub.lineno: sub
        for sub in ast.walk(tree)
        if isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef)
    }


# -- the file's JSON Schema ------------------------------------------------------------------

_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


def _text_map(what: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": what,
        "markdownDescription": what,
        "additionalProperties": {"type": ["string", "number", "boolean"]},
    }


def input_entry_schema(http: bool | None = None) -> dict[str, Any]:
    """One function's saved input: an HTTP function's (``http``), another's, or either."""

    def described(schema: dict[str, Any], text: str) -> dict[str, Any]:
        return {**schema, "description": text, "markdownDescription": text}

    return described(
        {
            "type": "object",
            "properties": {
                "method": described(
                    {"type": "string", "enum": list(_METHODS)},
                    "HTTP functions: the request's method (default: GET, or the first the "
                    "function answers).",
                ),
                "path": described(
                    {"type": "string", "pattern": "^/"},
                    "HTTP functions: the request's path below the host, with the route prefix "
                    "and concrete route parameters, e.g. `/api/items/42?tag=a`.",
                ),
                "query": _text_map("HTTP functions: query parameters, added to the path's."),
                "headers": _text_map("HTTP functions: request headers."),
                "body": described(
                    {},
                    "The request body (HTTP), the message or event (queues, Service Bus, Event "
                    "Hubs, Event Grid…) or the blob's content (blob triggers). A value that is "
                    "not a string is sent as JSON.",
                ),
                "name": described(
                    {"type": "string", "pattern": "^[^/]+/.+"},
                    "Blob triggers: the blob's path, `container/name`, matching the trigger's "
                    "path; with a `body`, that blob is written first.",
                ),
            },
            "additionalProperties": False,
        }
        if http is None
        else {
            "type": "object",
            "properties": {
                k: v
                for k, v in input_entry_schema()["properties"].items()
                if k in (HTTP_KEYS if http else OTHER_KEYS)
            },
            "additionalProperties": False,
        },
        "What the Run lens and `funcls invoke` send to this function; missing parts come "
        "from a sample built from its bindings.",
    )


def inputs_schema(functions: dict[str, bool] | None = None) -> dict[str, Any]:
    """The schema of funcls.inputs.json; with the app's functions (name -> is it HTTP), each
    is a property with the keys it takes (for completion), and other keys still validate as
    entries."""
    entry = input_entry_schema()
    text = "Saved inputs for running this app's functions by hand, keyed by function name."
    schema: dict[str, Any] = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": INPUTS_FILE,
        "description": text,
        "markdownDescription": text,
        "type": "object",
        "additionalProperties": entry,
    }
    if functions:
        schema["properties"] = {
            name: input_entry_schema(http) for name, http in sorted(functions.items())
        }
    return schema
