"""Where host.json decides what a function's own text does not show: the prefix of every HTTP
route (``extensions.http.routePrefix``, ``api`` when unset) and the settings of a trigger's
extension (``extensions.queues`` for a queue trigger…). Go to definition on a route lands on
the prefix, on a trigger's type in function.json on its extension's section; the route's
hover says where its prefix comes from.

Keys are matched as ``App.route_prefix`` reads them (ignoring case, as the host does), so
that the place shown is the one whose value the URLs are built from. When host.json does not
set the key, the target is the deepest object on the way that it has (``extensions.http``,
``extensions``, the file's top), where the key would go."""

from __future__ import annotations

from funcls.model.appmodel import App, Binding
from funcls.model.jsondoc import JsonNode
from funcls.model.locations import Location, Range

# The host.json section of each trigger extension (extensions.<section>), by the trigger's kind.
TRIGGER_SECTIONS = {
    "httptrigger": "http",
    "queuetrigger": "queues",
    "blobtrigger": "blobs",
    "servicebustrigger": "serviceBus",
    "eventhubtrigger": "eventHubs",
    "cosmosdbtrigger": "cosmosDB",
    "kafkatrigger": "kafka",
    "sqltrigger": "sql",
    "orchestrationtrigger": "durableTask",
    "activitytrigger": "durableTask",
    "entitytrigger": "durableTask",
}
ROUTE_PREFIX = ("extensions", "http", "routePrefix")


def host_json_place(app: App, keys: tuple[str, ...]) -> tuple[Location, JsonNode | None] | None:
    """Where host.json sets ``keys`` (the last member's key) and its value; else the key of
    the deepest object on the way that it has, or its top, and None; None without host.json."""
    doc, path = app.host_json, app.host_json_path
    if doc is None or path is None or doc.root is None or doc.root.kind != "object":
        return None
    node = doc.root
    at = Range.point(node.range.start.line, node.range.start.column)
    for i, key in enumerate(keys):
        member = node.get_ci(key)
        if member is None or member.value is None:
            break
        at = member.key_range
        if i == len(keys) - 1:
            return Location(path, at), member.value
        if member.value.kind != "object":
            break
        node = member.value
    return Location(path, at), None


def route_prefix_location(app: App) -> Location | None:
    found = host_json_place(app, ROUTE_PREFIX)
    return found[0] if found else None


def trigger_section_location(app: App, trigger: Binding) -> Location | None:
    section = TRIGGER_SECTIONS.get(trigger.kind)
    if section is None:
        return None
    found = host_json_place(app, ("extensions", section))
    return found[0] if found else None
