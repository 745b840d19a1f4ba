"""The binding-data names a trigger supplies to ``{name}`` expressions in other bindings.

Sources: the trigger binding providers of Azure/azure-webjobs-sdk-extensions and the Azure
SDK extensions, as documented in "Azure Functions binding expression patterns" and each
trigger's "metadata" section, cross-checked with the names the ``azure-functions`` Python
library reads from ``trigger_metadata`` (``QueueMessageInConverter``,
``ServiceBusMessageInConverter``, ``EventHubConverter``, ``BlobConverter``,
``KafkaConverter``). Notable facts:

* HTTP (``HttpTriggerAttributeBindingProvider.GetRequestBindingData``): route parameters,
  every query-string parameter except ``code``, the top-level members of a JSON body,
  ``Query`` and ``Headers`` (dictionaries, so ``{Query.name}`` and ``{Headers.x}``).
* Blob: the ``{names}`` of the trigger's path pattern plus ``BlobTrigger`` (the blob path),
  ``Uri``, ``Properties`` and ``Metadata``.
* Triggers whose payload may be JSON (queue, Service Bus, Event Hubs, Event Grid, Cosmos DB,
  Kafka, …) also expose the payload's top-level members ("JSON payloads" in the docs), so
  their set of names is open.
* Binding data is looked up ignoring case. ``sys`` and the built-ins ``rand-guid`` and
  ``datetime`` are available everywhere and are not listed here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from funcls.model.fastclass import dataclass
from funcls.model.parsers.blob_paths import BlobPathError, parse_blob_path
from funcls.model.parsers.route_constraints import RouteError
from funcls.model.parsers.routes import parse_route


@dataclass(frozen=True, slots=True)
class TriggerMetadata:
    """Names a trigger adds to binding data, with a description each (for hovers)."""

    trigger_type: str
    names: Mapping[str, str]
    open_ended: bool  # payload members (or query parameters) add names known only at run time

    def lookup(self, name: str) -> str | None:
        """The canonical spelling of ``name`` (binding data ignores case), or None."""
        wanted = name.casefold()
        return next((n for n in self.names if n.casefold() == wanted), None)


_QUEUE = {
    "QueueTrigger": "the message content, when it is a valid string",
    "DequeueCount": "how many times the message has been dequeued",
    "ExpirationTime": "when the message expires",
    "Id": "the queue message ID",
    "InsertionTime": "when the message was added to the queue",
    "NextVisibleTime": "when the message will next be visible",
    "PopReceipt": "the message's pop receipt",
}
_BLOB = {
    "BlobTrigger": "the path of the triggering blob, container included",
    "Uri": "the blob's URI for the primary location",
    "Properties": "the blob's system properties",
    "Metadata": "the blob's user-defined metadata",
}
_SERVICE_BUS = {
    "ApplicationProperties": "the message's application properties",
    "ContentType": "the content type of the message",
    "CorrelationId": "the correlation ID",
    "DeadLetterErrorDescription": "the dead-letter error description",
    "DeadLetterReason": "the dead-letter reason",
    "DeadLetterSource": "the queue or subscription the message was dead-lettered from",
    "DeliveryCount": "the number of deliveries",
    "EnqueuedSequenceNumber": "the enqueued sequence number",
    "EnqueuedTimeUtc": "when the message was enqueued (UTC)",
    "ExpiresAtUtc": "when the message expires (UTC)",
    "Label": "the application-specific label (older name of Subject)",
    "LockedUntil": "when the message lock expires",
    "LockToken": "the lock token",
    "MessageId": "a user-defined ID for deduplication",
    "PartitionKey": "the partition key",
    "ReplyTo": "the reply-to queue address",
    "ReplyToSessionId": "the reply-to session ID",
    "ScheduledEnqueueTimeUtc": "when a scheduled message is enqueued (UTC)",
    "SequenceNumber": "the unique number Service Bus gives the message",
    "SessionId": "the session ID",
    "State": "the message state",
    "Subject": "the application-specific label",
    "TimeToLive": "the message's time to live",
    "To": "the send-to address",
    "TransactionPartitionKey": "the transaction partition key",
    "UserProperties": "the message's user properties (older name of ApplicationProperties)",
    "MessageActions": "an object to settle the message (complete, abandon, …)",
    "SessionActions": "an object to manage the session",
}
_EVENT_HUB = {
    "PartitionContext": "the partition the events come from",
    "EnqueuedTimeUtc": "when the event was enqueued (UTC)",
    "Offset": "the event's offset in the partition",
    "PartitionKey": "the partition key the event was sent with",
    "Properties": "the event's user properties",
    "SequenceNumber": "the event's sequence number in the partition",
    "SystemProperties": "the event's system properties",
}
_KAFKA = {
    "Key": "the message key",
    "Offset": "the message offset",
    "Partition": "the partition",
    "Topic": "the topic",
    "Timestamp": "the message timestamp",
    "Headers": "the message headers",
}
_EVENT_GRID = {
    "data": "the event's data payload (use {data.member})",
}
_HTTP = {
    "Query": "the query-string parameters (use {Query.name})",
    "Headers": "the request headers (use {Headers.name})",
}
# (names, open-ended, names get an "Array" twin when cardinality is "many")
_TABLE: dict[str, tuple[dict[str, str], bool, bool]] = {
    "queuetrigger": (_QUEUE, True, False),
    "blobtrigger": (_BLOB, False, False),
    "timertrigger": ({}, False, False),
    "httptrigger": (_HTTP, True, False),
    "servicebustrigger": (_SERVICE_BUS, True, True),
    "eventhubtrigger": (_EVENT_HUB, True, True),
    "kafkatrigger": (_KAFKA, True, True),
    "eventgridtrigger": (_EVENT_GRID, True, False),
    "cosmosdbtrigger": ({}, True, False),
}
_ARRAY_EXCEPTIONS = {"PartitionContext", "MessageActions", "SessionActions"}


def _get(properties: Mapping[str, object], key: str) -> object:
    wanted = key.casefold()
    return next((v for k, v in properties.items() if k.casefold() == wanted), None)


def trigger_metadata(
    trigger_type: str, trigger_properties: Mapping[str, object] | None = None
) -> TriggerMetadata | None:
    """What ``trigger_type`` (a function.json ``type``) supplies; None for unknown triggers.

    ``trigger_properties`` is the trigger's function.json object: ``path`` adds a blob
    trigger's captured names, ``route`` an HTTP trigger's parameters, and ``cardinality:
    many`` the ``…Array`` names of batched triggers.
    """
    entry = _TABLE.get(trigger_type.casefold())
    if entry is None:
        return None
    base, open_ended, batched = entry
    properties = trigger_properties or {}
    names = dict(base)
    if batched and str(_get(properties, "cardinality") or "").casefold() == "many":
        for name, text in base.items():
            if name not in _ARRAY_EXCEPTIONS:
                names[name + "Array"] = f"one per message in the batch: {text}"
    path = _get(properties, "path")
    if trigger_type.casefold() == "blobtrigger" and isinstance(path, str):
        try:
            pattern = parse_blob_path(path)
        except BlobPathError:
            open_ended = True
        else:
            if pattern.template.settings:
                open_ended = True  # a setting's value may hold more {names}
            for name in pattern.parameter_names:
                names.setdefault(name, f"captured by {{{name}}} in the blob path '{path}'")
    route = _get(properties, "route")
    if trigger_type.casefold() == "httptrigger" and isinstance(route, str):
        try:
            template = parse_route(route, route_prefix="")
        except RouteError:
            pass
        else:
            for name in template.parameter_names:
                names.setdefault(name, f"the route parameter {{{name}}}")
    return TriggerMetadata(trigger_type, names, open_ended)


_NAMES: dict[str, frozenset[str]] = {kind: frozenset(entry[0]) for kind, entry in _TABLE.items()}


V = TypeVar("V")


def supplied(trigger_type: str, values: Mapping[str, V]) -> dict[str, V]:
    """``values`` as the binding data (or trigger metadata) a trigger supplies, each key one of
    the names this module lists for ``trigger_type``: the runner builds its payloads through
    this, so the names its triggers supply and the names the checker and the hovers know are
    one list. A name not listed here is a mistake in the caller (ValueError)."""
    names = _NAMES.get(trigger_type.casefold(), frozenset())
    unknown = [name for name in values if name not in names]
    if unknown:
        raise ValueError(
            f"{trigger_type} does not supply {', '.join(sorted(unknown))}: add the name to "
            "funcls/model/parsers/trigger_metadata.py first"
        )
    return dict(values)


def trigger_supplied_names(
    trigger_type: str, trigger_properties: Mapping[str, object] | None = None
) -> set[str] | None:
    """The names a trigger supplies, or None when anything may be supplied (unknown trigger,
    or a payload whose members become names), so a checker only flags what surely fails.

    Compare ignoring case; ``sys``, ``rand-guid`` and ``datetime`` are always available.
    """
    # The answer depends on the type and on three properties only (``trigger_metadata``):
    # kept by those, as most functions of an app share a few triggers (issue 16).
    properties = trigger_properties or {}
    # The three properties in one pass, each the first key matching it ignoring case, as
    # ``_get`` finds it (issue 16, ninth pass: three passes with a generator each were most
    # of this function's cost in AZF503, asked for every function with an expression).
    found: dict[str, object] = {}
    for k, v in properties.items():
        folded = k.casefold()
        if folded in _KEYED and folded not in found:
            found[folded] = v
    key = (
        trigger_type,
        _hashable(found.get("cardinality")),
        _hashable(found.get("path")),
        _hashable(found.get("route")),
    )
    if key in _SUPPLIED:
        known = _SUPPLIED[key]
    else:
        metadata = trigger_metadata(trigger_type, trigger_properties)
        known = None if metadata is None or metadata.open_ended else frozenset(metadata.names)
        if len(_SUPPLIED) >= 4096:
            _SUPPLIED.clear()
        _SUPPLIED[key] = known
    return None if known is None else set(known)


_SUPPLIED: dict[tuple[object, ...], frozenset[str] | None] = {}
_KEYED = frozenset({"cardinality", "path", "route"})


def _hashable(value: object) -> object:
    """A property as part of a key: strings as they are, anything else by its type and text
    (only strings change what a trigger supplies; ``cardinality`` is compared as text)."""
    return value if isinstance(value, str) or value is None else (type(value), str(value))
