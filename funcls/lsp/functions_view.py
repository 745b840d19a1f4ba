"""The ``funcls/functions`` request: every app of the workspace and its functions, for a
client's tree of functions (the VS Code extension's Functions view).

A pure function of the index and the checker's findings to JSON. Each function carries its
trigger (type, a short kind for the icon, and the detail a developer recognises it by: the
HTTP methods and route, the schedule, the queue, the blob path), where its code is, how many
errors and warnings the checks report for it, and whether the local runner can run it (the
same reason the Run lens shows). Clients refresh on the ``funcls/functionsChanged``
notification, which the server sends after it re-indexed and published an app.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from funcls.checks.findings import Finding, Severity
from funcls.checks.wide import common_ends
from funcls.lsp.context import Context
from funcls.lsp.positions import path_to_uri
from funcls.lsp.run_function import broken_config, streaming_refusal, web_app, why_not_runnable
from funcls.model.appmodel import App, Binding, Function
from funcls.model.bindingview import binding_kind
from funcls.model.blob_pairs import reads_blob_by_name
from funcls.model.catalogue import CATALOGUE
from funcls.model.run_inputs import (
    ORCHESTRATION_TRIGGER,
    methods_of,
    route_text,
    sample_url_path,
    written_blob_values,
)
from funcls.model.v2.indexer import moved_function

if TYPE_CHECKING:
    from funcls.lsp.server import FunclsServer

REQUEST = "funcls/functions"
CHANGED = "funcls/functionsChanged"
LOCAL_HOST = "http://localhost:7071"
_HTTP_TRIGGER = binding_kind("httpTrigger")

# trigger type (lower case) -> (kind for the client's icon, the properties that say which one)
_TRIGGERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "httptrigger": ("http", ()),
    "timertrigger": ("timer", ("schedule",)),
    "queuetrigger": ("queue", ("queueName",)),
    "servicebustrigger": ("serviceBus", ("queueName", "topicName", "subscriptionName")),
    "eventhubtrigger": ("eventHub", ("eventHubName",)),
    "blobtrigger": ("blob", ("path",)),
    "cosmosdbtrigger": ("cosmosDB", ("containerName", "collectionName")),
    "eventgridtrigger": ("eventGrid", ()),
    "orchestrationtrigger": ("durable", ("orchestration",)),
    "activitytrigger": ("durable", ("activity",)),
    "entitytrigger": ("durable", ("entityName",)),
}


def functions_view(ctx: Context, findings: Callable[[str], list[Finding]]) -> dict[str, Any]:
    """``{"apps": [...]}``: apps by root, their functions by name."""
    apps = [_app(ctx, app, findings(root)) for root, app in sorted(ctx.index.apps.items())]
    return {"apps": apps}


class ViewCache:
    """Each function's entry of the view and its JSON, kept while its Function object (the
    indexer keeps the objects of unchanged defs), its findings' counts and the app's route
    prefix are the same: after a keystroke in an app of 5,000 functions, the view and its
    signature are rebuilt from 4,999 kept entries (issue 16; the whole view took 0.1-0.2 s)."""

    def __init__(self) -> None:
        # By app root, then by the Function's id (the Function is held: the id is its own).
        # Per app: pruning one app's entries to its functions keeps the other apps' (one
        # shared dict lost them, and their next whole view built every entry again).
        self.kept: dict[str, dict[int, tuple[Function, object, dict[str, Any], str]]] = {}
        self.order: dict[str, _Order] = {}  # by app root: the last view's order

    def app(self, ctx: Context, app: App, found: list[Finding]) -> tuple[dict[str, Any], str]:
        """The app's entry and a signature that changes when the entry does."""
        by_function: dict[str | None, list[Finding]] = {}
        for f in found:
            by_function.setdefault(f.function, []).append(f)
        prefix = app.route_prefix
        # What an entry reads of the app besides its function and the route prefix: whether
        # the app's HTTP functions can run (the streaming extension and its app setting,
        # ``why_not_runnable``) and the first orchestrator (a Durable starter's sample URL,
        # ``sample_url_path``). Either may change with no change to the functions shown.
        refusal = streaming_refusal(app)
        last = self.order.get(app.root)
        if (
            last is None
            or last.prefix != prefix
            or not last.same_order(app.functions)
            or last.facts != (refusal, last.orchestrator_now(app.functions), last.handoffs_now(app))
        ):
            last = self._whole(ctx, app, by_function, prefix, refusal)
        else:
            last.refresh(self, ctx, app, by_function)
        head = {
            "root": app.root,
            "name": os.path.basename(app.root.rstrip(os.sep)) or app.root,
            "model": app.model,
            "hostJson": app.host_json_path,
            "script": app.script_path,
            **_counts(found),
        }
        signature = json.dumps(head, sort_keys=True) + "[" + ",".join(last.texts) + "]"
        return {**head, "functions": list(last.entries)}, signature

    def entry(
        self,
        ctx: Context,
        app: App,
        fn: Function,
        mine: list[Finding] | None,
        prefix: str,
        facts: tuple[object, ...] = (),
    ) -> tuple[dict[str, Any], str]:
        """One function's entry and its JSON: kept, moved, or built. ``facts``: what the
        entry reads of the app besides the function and the prefix (``_Order.facts``)."""
        # (Most functions have no finding: counting an empty list 5,000 times with two
        # generators was most of the view's time after a keystroke.)
        counts = _counts(mine) if mine else _NONE
        key = (app.root, prefix, facts, counts["errors"], counts["warnings"])
        kept = self.kept.setdefault(app.root, {})
        old = kept.get(id(fn))
        if old is not None and old[0] is fn and old[1] == key:
            return old[2], old[3]
        moved = self._moved(ctx, app, fn, key)
        if moved is not None:
            entry, text = moved
        else:
            entry = _function(ctx, app, fn, mine or [])
            text = json.dumps(entry, sort_keys=True)
        kept[id(fn)] = (fn, key, entry, text)
        return entry, text

    def _whole(
        self,
        ctx: Context,
        app: App,
        by_function: dict[str | None, list[Finding]],
        prefix: str,
        refusal: str | None,
    ) -> _Order:
        """Every function's entry, in the view's order (by name)."""
        order = _Order(prefix, app, set(by_function), refusal)
        shown = sorted(
            (i for i, fn in enumerate(order.functions) if shown_in_view(fn)),
            key=lambda i: order.functions[i].name,
        )
        for i in shown:
            fn = order.functions[i]
            entry, text = self.entry(ctx, app, fn, by_function.get(fn.name), prefix, order.facts)
            order.slot[i] = len(order.entries)
            order.entries.append(entry)
            order.texts.append(text)
        kept = self.kept.get(app.root, {})
        if len(kept) > 2 * len(shown) + 1000:  # forget functions that are gone
            now = {id(order.functions[i]) for i in shown}
            self.kept[app.root] = {k: v for k, v in kept.items() if k in now}
        self.order[app.root] = order
        return order

    def _moved(
        self, ctx: Context, app: App, fn: Function, key: object
    ) -> tuple[dict[str, Any], str] | None:
        """The entry of a function that lines added or removed above its def moved (a copy of
        the last indexing's Function with its lines moved, ``model.v2.indexer.moved_function``):
        the original's entry at the def's new place. An Enter in a module of 500 functions
        moves the 250 below it, and building their entries again was most of the server's
        time after the keystroke (issue 16: 250 ms of each publication on 5,000 functions,
        by cProfile)."""
        if app.source is None:
            return None
        moved = moved_function(app.source, fn)
        if moved is None:
            return None
        old = self.kept.get(app.root, {}).get(id(moved[0]))
        if old is None or old[0] is not moved[0] or old[1] != key:
            return None
        where = old[2]["location"]
        if (
            where is not None
            and fn.script_path == where["path"]
            and fn.def_name_range is not None
            and moved[0].def_name_range is not None
            and moved[0].def_name_range.start.line == where["line"]
        ):
            # The def's line moved and its text did not: the same column, uri and path. The
            # JSON too, but for the line: "line" is a key of the location only (a string
            # holding it would show its quotes escaped), so the one occurrence is replaced.
            line = fn.def_name_range.start.line
            entry = {**old[2], "location": {**where, "line": line}}
            was = f'"line": {where["line"]}, "path": '
            if old[3].count(was) == 1:
                return entry, old[3].replace(was, f'"line": {line}, "path": ')
            return entry, json.dumps(entry, sort_keys=True)
        entry = {**old[2], "location": _where(ctx, fn)}
        return entry, json.dumps(entry, sort_keys=True)


class _Order:
    """One app's last view: its functions in the app's order, each shown one's place in the
    view (by name), the entries and their JSON in the view's order, and the names that had
    findings. A keystroke changes one run of the app's functions (one def, or the defs below
    an added line, copied with their lines moved): when that run keeps its names, the view's
    order is the same and only those places, and the functions whose findings may have
    changed, are looked at again, not the app's 5,000 functions (issue 16)."""

    def __init__(
        self,
        prefix: str,
        app: App,
        named: set[str | None],
        refusal: str | None,
    ) -> None:
        self.prefix = prefix
        self.functions = functions = list(app.functions)
        # The app's first orchestrator: its index in ``functions`` (None: none), the HTTP
        # functions whose sample route may follow the writer of a blob they read, and the
        # facts every entry was built with (``ViewCache.app``).
        self.orchestrator = _first_orchestrator(functions, 0, len(functions))
        self.readers = [i for i, fn in enumerate(functions) if _blob_reader(fn)]
        self.facts: tuple[object, ...] = (
            refusal,
            self._orchestrator_name(),
            _handoffs(app, functions, self.readers),
        )
        self.slot: dict[int, int] = {}  # index in functions -> place in the view
        self.entries: list[dict[str, Any]] = []
        self.texts: list[str] = []
        self.named = named  # the names findings were about
        self.by_name: dict[str, list[int]] | None = None
        self.changed: range = range(0)

    def same_order(self, functions: list[Function]) -> bool:
        """Whether ``functions`` differ from the last ones only in a run of the same length
        with the same names and kinds (shown or synthetic): then the view's order is the
        same (``changed``: that run)."""
        old = self.functions
        if len(functions) != len(old):
            return False
        start, end = common_ends(list(map(id, old)), list(map(id, functions)))
        stop = len(functions) - end
        for i in range(start, stop):
            a, b = old[i], functions[i]
            if a.name != b.name or shown_in_view(a) != shown_in_view(b):
                return False
        self.changed = range(start, stop)
        return True

    def _orchestrator_name(self) -> str | None:
        i = self.orchestrator
        return None if i is None else self.functions[i].name

    def orchestrator_now(self, functions: list[Function]) -> str | None:
        """The name of the first orchestrator of ``functions``, which differ from the last
        ones only in ``changed`` (``same_order``): only that run is read again, and the rest
        of the list only when the first orchestrator was in the run and left it."""
        run, i = self.changed, self.orchestrator
        if i is not None and i < run.start:
            found: int | None = i
        else:
            found = _first_orchestrator(functions, run.start, run.stop)
            if found is None and i is not None and i >= run.stop:
                found = i
            elif found is None and i is not None:
                found = _first_orchestrator(functions, run.stop, len(functions))
        self.orchestrator = found
        return None if found is None else functions[found].name

    def handoffs_now(self, app: App) -> tuple[object, ...]:
        """The route values each blob reader's sample takes from its writer's sample
        (``run_inputs.written_blob_values``): an edit of the writer (its message's "id")
        changes the reader's URL. The readers are found again in the changed run only."""
        functions, run = app.functions, self.changed
        self.readers = sorted(
            [i for i in self.readers if i not in run]
            + [i for i in run if _blob_reader(functions[i])]
        )
        return _handoffs(app, functions, self.readers)

    def refresh(
        self,
        cache: ViewCache,
        ctx: Context,
        app: App,
        by_function: dict[str | None, list[Finding]],
    ) -> None:
        """The entries of the changed run and of the functions findings are (or were) about."""
        functions = app.functions
        named = set(by_function)
        again = set(self.changed)
        if named or self.named:
            if self.by_name is None:
                self.by_name = {}
                for i, fn in enumerate(functions):
                    self.by_name.setdefault(fn.name, []).append(i)
            for name in named | self.named:
                again.update(self.by_name.get(name, ()) if isinstance(name, str) else ())
        kept = cache.kept.setdefault(app.root, {})
        for i in sorted(again):
            place = self.slot.get(i)
            if place is None:
                continue  # synthetic (but a web app's catch-all): not shown
            fn = functions[i]
            entry, text = cache.entry(
                ctx, app, fn, by_function.get(fn.name), self.prefix, self.facts
            )
            self.entries[place] = entry
            self.texts[place] = text
            # The entry of the Function this one replaced goes now (its id is not reused
            # while ``self.functions`` holds it). Kept until the pruning below, the
            # replaced entries of ~25 Enters on 5,000 functions (6,000 Functions and their
            # entries, the last references to most of them) were freed at once: 65-100 ms
            # of CPU on the event loop, holding the interpreter lock, every ~25th
            # publication — the slowest completions after an Enter (issue 16, session 10).
            was = self.functions[i]
            if was is not fn:
                old = kept.get(id(was))
                if old is not None and old[0] is was:
                    del kept[id(was)]
        self.functions = list(functions)
        self.named = named
        if len(kept) > 2 * len(self.slot) + 1000:  # forget functions that are gone
            now = set(map(id, functions))
            cache.kept[app.root] = {k: v for k, v in kept.items() if k in now}


def shown_in_view(fn: Function) -> bool:
    """Every function but those the library adds, except an ASGI/WSGI app's catch-all (the
    web app itself, run from its row)."""
    return not fn.synthetic or web_app(fn)


def _blob_reader(fn: Function) -> bool:
    trigger = fn.trigger
    return trigger is not None and trigger.kind == _HTTP_TRIGGER and reads_blob_by_name(fn)


def _handoffs(app: App, functions: list[Function], readers: list[int]) -> tuple[object, ...]:
    bodies: dict[int, object] = {}  # a writer's sample, asked once for all its readers
    return tuple(
        (i, tuple(sorted(written_blob_values(app, functions[i], bodies).items()))) for i in readers
    )


def _first_orchestrator(functions: list[Function], start: int, stop: int) -> int | None:
    """The index of the first function in ``functions[start:stop]`` with an orchestration
    trigger (``sample_url_path`` gives a Durable starter's route that one's name)."""
    for i in range(start, stop):
        trigger = functions[i].trigger
        if trigger is not None and trigger.kind == ORCHESTRATION_TRIGGER:
            return i
    return None


def _app(ctx: Context, app: App, found: list[Finding]) -> dict[str, Any]:
    return ViewCache().app(ctx, app, found)[0]


_NONE = {"errors": 0, "warnings": 0}


def _counts(found: list[Finding]) -> dict[str, int]:
    return {
        "errors": sum(1 for f in found if f.severity >= Severity.ERROR),
        "warnings": sum(1 for f in found if f.severity == Severity.WARNING),
    }


def _text(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return ", ".join(value)
    return None


def trigger_detail(app: App, fn: Function, trigger: Binding | None) -> tuple[str, str]:
    """(kind, detail): ``("http", "GET, POST /api/orders/{id}")``, ``("timer", "0 0 * * * *")``"""
    if trigger is None:
        return "none", "no trigger"
    kind, keys = _TRIGGERS.get(trigger.type.lower(), ("other", ()))
    if kind == "http" and web_app(fn):
        # Every method of the library's catch-all, for the web app's own routes.
        return kind, f"{(fn.http_type or '').upper()} web app: ANY {route_text(app, fn)}"
    if kind == "http":
        methods = methods_of(fn)
        return kind, f"{', '.join(methods) if methods else 'ANY'} {route_text(app, fn)}"
    parts = [t for t in (_text(trigger.get(k)) for k in keys) if t is not None]
    if parts:
        return kind, " / ".join(parts)
    # Nothing names the source (an Event Grid subscription points at the function): the
    # trigger's name in words, as the catalogue writes it, rather than its type.
    spec = CATALOGUE.binding(trigger.type)
    return kind, spec.title if spec is not None else trigger.type


def _where(ctx: Context, fn: Function) -> dict[str, Any] | None:
    """The def (or, when it cannot be found, function.json / the trigger) as an LSP location."""
    trigger = fn.trigger
    if fn.script_path and fn.def_name_range is not None:
        path, start = fn.script_path, fn.def_name_range.start
    elif fn.config_path and trigger is not None and trigger.path == fn.config_path:
        path, start = fn.config_path, trigger.range.start
    elif fn.config_path:
        return {
            "uri": path_to_uri(fn.config_path),
            "path": fn.config_path,
            "line": 0,
            "character": 0,
        }
    else:
        return None
    pos = ctx.positions.position(path, start)
    return {"uri": path_to_uri(path), "path": path, "line": pos.line, "character": pos.character}


def _function(ctx: Context, app: App, fn: Function, found: list[Finding]) -> dict[str, Any]:
    trigger = fn.trigger
    kind, detail = trigger_detail(app, fn, trigger)
    broken = broken_config(app, fn)
    where = _where(ctx, fn)
    if broken is not None:
        # Not "no trigger": function.json could not be read. The row leads to the error.
        detail = f"{os.path.basename(broken.path)} is not valid JSON"
        pos = ctx.positions.position(broken.path, broken.range.start)
        where = {
            "uri": path_to_uri(broken.path),
            "path": broken.path,
            "line": pos.line,
            "character": pos.character,
        }
    http = kind == "http"
    methods = methods_of(fn) if http else None
    why = why_not_runnable(fn, app)
    url_path = sample_url_path(app, fn) if http else None
    return {
        "name": fn.name,
        "model": fn.model,
        "trigger": trigger.type if trigger is not None else None,
        "kind": kind,
        "detail": detail,
        "methods": methods,
        "route": route_text(app, fn) if http else None,
        "urlPath": url_path,
        "url": f"{LOCAL_HOST}{url_path}" if url_path is not None else None,
        "answersGet": http and (methods is None or "GET" in methods),
        "location": where,
        "config": fn.config_path,
        "runnable": why is None,
        "whyNotRunnable": why,
        "storage": storage_settings(fn),
        **_counts(found),
    }


_STORAGE_KINDS = ("queue", "queuetrigger", "blob", "blobtrigger")


def storage_settings(fn: Function) -> list[str]:
    """The connection settings of the function's queue and blob bindings (the host's default,
    AzureWebJobsStorage, when a binding names none), as the runner opens a store for each
    (``runner.storage_connections``): a client says which store each one reaches."""
    names: dict[str, str] = {}
    for b in fn.bindings:
        if isinstance(b.type, str) and b.type.lower() in _STORAGE_KINDS:
            name = b.get("connection")
            name = name.strip() if isinstance(name, str) and name.strip() else "AzureWebJobsStorage"
            names.setdefault(name.lower(), name)
    return list(names.values())


# -- wiring ---------------------------------------------------------------------------------


def view_signature(view: dict[str, Any]) -> str:
    """What a client's tree shows of one app; a notification goes out only when it changes."""
    return json.dumps(view, sort_keys=True)


def register(server: FunclsServer) -> None:
    """``funcls/functions`` answers the view; after the publisher sends the diagnostics of
    re-indexed apps (``Publisher.publish_roots``, the one place that follows every change), the
    apps whose view changed are announced with ``funcls/functionsChanged {"roots": [...]}`` —
    once the client has asked for the view: a client that never did (Neovim, Emacs) has
    nothing to refresh, and the view of an app of 5,000 functions costs a few ms of the event
    loop after every publication (issue 16)."""
    shown: dict[str, str] = {}
    cache = ViewCache()
    asked = False

    def findings(root: str) -> list[Finding]:
        return server.state.findings(root)

    @server.feature(REQUEST)
    def on_functions(_params: Any = None) -> dict[str, Any]:
        nonlocal asked
        asked = True
        server.state.flush()
        try:
            apps = []
            shown.clear()
            for root, app in sorted(server.ctx.index.apps.items()):
                entry, signature = cache.app(server.ctx, app, findings(root))
                apps.append(entry)
                shown[root] = signature
        except Exception as e:
            server.failed("the functions view", e)
            return {"apps": []}
        # The first indexing not over: the view says "looking for apps", not "none found".
        return {"apps": apps, "indexing": True} if not server.ready.is_set() else {"apps": apps}

    def announce(roots: list[str]) -> None:
        if not asked:
            return
        try:
            changed = []
            for root in roots:
                app = server.state.index.apps.get(root)
                now = cache.app(server.ctx, app, findings(root))[1] if app else None
                if app is None:  # an app gone: its last view and its entries
                    cache.order.pop(root, None)
                    cache.kept.pop(root, None)
                if shown.get(root) != now:
                    changed.append(root)
                    if now is None:
                        shown.pop(root, None)
                    else:
                        shown[root] = now
            if changed:
                server.protocol.notify(CHANGED, {"roots": sorted(changed)})
        except Exception as e:
            server.failed("the functions view notification", e)

    server.publisher.listeners.append(announce)
