"""Azure Cache for Redis: pub/sub, list and stream triggers and the command binding."""

from __future__ import annotations

from funcls.model.catalogue.common import (
    DATA_TYPE,
    GENERIC_INPUT_TYPES,
    GENERIC_OUTPUT_TYPES,
    connection,
    prop,
)
from funcls.model.catalogue.types import BindingSpec, PropertySpec

_DOCS = "https://learn.microsoft.com/azure/azure-functions/"


_REDIS_CONN = connection(
    "the Redis cache",
    extra="The setting holds a StackExchange.Redis connection string, or, for managed "
    "identity, is the prefix of `<prefix>__redisHostName` and related settings.",
)
_POLLING: tuple[PropertySpec, ...] = (
    prop(
        "key",
        "string",
        "The Redis key to read from.",
        required=True,
    ),
    prop(
        "pollingIntervalInMs",
        "integer",
        "Milliseconds between polls of the key.",
        default=1000,
    ),
    prop(
        "maxBatchSize",
        "integer",
        "Most entries read in one poll; each runs its own invocation.",
        default=16,
    ),
)


def _redis_trigger(
    type_: str, title: str, summary: str, description: str, extra: tuple[PropertySpec, ...]
) -> BindingSpec:
    return BindingSpec(
        type=type_,
        family="redis",
        title=title,
        trigger=True,
        directions=("in",),
        summary=summary,
        description=description
        + " There is no azure-functions decorator; declare it in function.json. Redis "
        "triggers need a Premium or Dedicated plan.",
        properties=(_REDIS_CONN, *extra, DATA_TYPE),
        input_types=GENERIC_INPUT_TYPES,
        docs=_DOCS + "functions-bindings-cache-trigger-" + type_[:-7].lower(),
    )


REDIS: tuple[BindingSpec, ...] = (
    _redis_trigger(
        "redisPubSubTrigger",
        "Redis pub/sub trigger",
        "Runs the function for each message published on a Redis channel.",
        "Also fires for keyspace notifications (`__keyspace@0__:<key>`). Messages sent while "
        "no instance listens are lost.",
        (
            prop(
                "channel",
                "string",
                "The channel (or channel pattern) to subscribe to.",
                required=True,
            ),
            prop(
                "pattern",
                "boolean",
                "Treat `channel` as a glob pattern.",
                default=False,
            ),
        ),
    ),
    _redis_trigger(
        "redisListTrigger",
        "Redis list trigger",
        "Runs the function for entries popped from a Redis list.",
        "Each entry is removed from the list and handed to one invocation.",
        (
            *_POLLING,
            prop(
                "listDirection",
                "string",
                "Pop from the `left` or the `right` end of the list.",
                values=("left", "right"),
                default="left",
            ),
            prop(
                "listPopFromBeginning",
                "boolean",
                "Older form of `listDirection`: pop from the beginning of the list.",
                default=True,
            ),
        ),
    ),
    _redis_trigger(
        "redisStreamTrigger",
        "Redis stream trigger",
        "Runs the function for entries added to a Redis stream.",
        "Entries are read through a consumer group named after the function.",
        _POLLING,
    ),
    BindingSpec(
        type="redis",
        family="redis",
        title="Redis input / output",
        trigger=False,
        directions=("in", "out"),
        summary="Runs a Redis command and returns its result, or runs one with the output.",
        description=(
            "As an input, `command` is run and its result handed to the function as text. As "
            "an output, the value set is appended as the command's last argument, e.g. "
            "`SET mykey` with the value to store. Declare it in function.json."
        ),
        properties=(
            _REDIS_CONN,
            prop(
                "command",
                "string",
                "The redis-cli command, arguments separated by spaces, e.g. `GET {key}`.",
                required=True,
            ),
            DATA_TYPE,
        ),
        input_types=GENERIC_INPUT_TYPES,
        output_types=GENERIC_OUTPUT_TYPES,
        docs=_DOCS + "functions-bindings-cache",
    ),
)


BINDINGS: tuple[BindingSpec, ...] = REDIS
