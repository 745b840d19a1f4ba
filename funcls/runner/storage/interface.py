"""The one storage interface of the local runner and its value types.

A backend offers `queues` (Azure Queue Storage semantics), `blobs` (Azure Blob Storage
semantics), `tables` (Azure Table Storage semantics, tables.py) and `receipts` (the blob
trigger's record of processed blobs). All methods are
synchronous; the runner calls them from worker threads or through `asyncio.to_thread`, and
every backend is safe to share between threads.

Times are timezone-aware UTC datetimes. Durations (visibility timeout, time to live) are whole
seconds, as in the Azure REST API.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import field
from datetime import datetime, timezone
from typing import Literal, Protocol

from funcls.model.fastclass import dataclass

from .errors import InvalidArgumentError
from .tables import TableService

MessageEncoding = Literal["base64", "none"]
"""host.json `extensions.queues.messageEncoding`: how message bodies are stored in the queue."""

NEVER_EXPIRES = datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc)
"""The expiration time Azure reports for a message put with time_to_live=-1."""

DEFAULT_TIME_TO_LIVE = 7 * 24 * 3600
MAX_VISIBILITY_TIMEOUT = 7 * 24 * 3600
MAX_MESSAGES_PER_CALL = 32
MAX_MESSAGE_SIZE = 64 * 1024
"""The limit applies to the message as stored, that is after base64 encoding."""


@dataclass(frozen=True)
class QueueMessage:
    """A queue message as received, peeked or just put.

    `pop_receipt` and `next_visible_time` are None for peeked messages. `encoding_error` is set
    when the backend expected base64 but the stored text was not base64; `body` then holds the
    stored text as UTF-8 so the listener can report the message or move it to poison.
    """

    id: str
    pop_receipt: str | None
    body: bytes
    dequeue_count: int
    insertion_time: datetime
    expiration_time: datetime
    next_visible_time: datetime | None
    encoding_error: str | None = None

    @property
    def text(self) -> str:
        """The body decoded as UTF-8 (what a `str` queue trigger parameter receives)."""
        return self.body.decode("utf-8")


@dataclass(frozen=True)
class MessageUpdate:
    """The outcome of update_visibility: the only receipt valid from now on."""

    pop_receipt: str
    next_visible_time: datetime


@dataclass(frozen=True)
class BlobProperties:
    """What Azure reports about a blob; `etag` is always in its quoted form `"0x..."`."""

    container: str
    name: str
    etag: str
    last_modified: datetime
    content_length: int
    content_type: str
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def path(self) -> str:
        """`container/name`, the form blob trigger paths and receipts use."""
        return f"{self.container}/{self.name}"


@dataclass(frozen=True)
class DownloadedBlob:
    content: bytes
    properties: BlobProperties


class QueueService(Protocol):
    """Azure Queue Storage operations. Message bodies are bytes; the backend applies the
    configured MessageEncoding on the way in and out."""

    @property
    def message_encoding(self) -> MessageEncoding: ...

    def create_queue(self, queue: str) -> None:
        """Create the queue; nothing happens if it already exists."""
        ...

    def delete_queue(self, queue: str) -> bool:
        """Delete the queue and its messages; False if there was no such queue."""
        ...

    def list_queues(self, prefix: str = "") -> list[str]:
        """Names of the queues starting with prefix, sorted."""
        ...

    def put(
        self,
        queue: str,
        body: bytes | str,
        *,
        visibility_timeout: int = 0,
        time_to_live: int | None = None,
    ) -> QueueMessage:
        """Add a message; time_to_live None means 7 days, -1 means never expires."""
        ...

    def receive(
        self, queue: str, max_messages: int = 1, visibility_timeout: int = 30
    ) -> list[QueueMessage]:
        """Take up to max_messages visible messages, hide them for visibility_timeout seconds,
        increment their dequeue count and hand out a fresh pop receipt for each."""
        ...

    def peek(self, queue: str, max_messages: int = 1) -> list[QueueMessage]:
        """Look at visible messages without hiding them or changing their dequeue count."""
        ...

    def delete(self, queue: str, message_id: str, pop_receipt: str) -> None:
        """Delete a received message. Raises PopReceiptMismatchError on a stale receipt and
        MessageNotFoundError when the message is gone."""
        ...

    def update_visibility(
        self,
        queue: str,
        message_id: str,
        pop_receipt: str,
        visibility_timeout: int,
        *,
        body: bytes | str | None = None,
    ) -> MessageUpdate:
        """Hide a received message for visibility_timeout more seconds from now (0 shows it
        again at once), optionally replacing its body. The old receipt becomes stale."""
        ...

    def approximate_count(self, queue: str) -> int:
        """The number of unexpired messages, visible or not."""
        ...

    def clear(self, queue: str) -> None:
        """Delete every message of the queue."""
        ...


class BlobService(Protocol):
    """Azure Blob Storage operations (block blobs, whole-blob reads and writes)."""

    def create_container(self, container: str) -> None:
        """Create the container; nothing happens if it already exists."""
        ...

    def delete_container(self, container: str) -> bool:
        """Delete the container and its blobs; False if there was no such container."""
        ...

    def list_containers(self, prefix: str = "") -> list[str]: ...

    def put(
        self,
        container: str,
        name: str,
        data: bytes,
        *,
        content_type: str | None = None,
        metadata: dict[str, str] | None = None,
        overwrite: bool = True,
    ) -> BlobProperties:
        """Write the whole blob atomically: readers see the old or the new content, never a
        mix. Raises ContainerNotFoundError when the container is missing."""
        ...

    def get(self, container: str, name: str) -> DownloadedBlob:
        """The content and the properties of the same version of the blob."""
        ...

    def exists(self, container: str, name: str) -> bool: ...

    def delete(self, container: str, name: str) -> bool:
        """Delete the blob; False if it did not exist."""
        ...

    def list_blobs(self, container: str, prefix: str = "") -> list[BlobProperties]:
        """Properties of the blobs whose names start with prefix, sorted by name."""
        ...

    def properties(self, container: str, name: str) -> BlobProperties: ...


class BlobReceiptStore(Protocol):
    """Which blob versions a blob-triggered function has already processed."""

    def is_processed(self, function_id: str, blob: BlobProperties) -> bool:
        """True when function_id has a receipt for this blob's current etag."""
        ...

    def unprocessed(
        self, function_id: str, blobs: Iterable[BlobProperties]
    ) -> list[BlobProperties]:
        """The blobs function_id has no receipt for (new, or changed since processed)."""
        ...

    def mark_processed(self, function_id: str, blob: BlobProperties) -> None:
        """Record that function_id processed this version (etag) of the blob."""
        ...

    def forget(self, function_id: str) -> int:
        """Drop every receipt of a function (a renamed or removed function); returns how many."""
        ...


class StorageBackend(Protocol):
    """What the runner talks to: queues, blobs, tables and blob receipts of one storage
    account."""

    @property
    def queues(self) -> QueueService: ...

    @property
    def tables(self) -> TableService: ...

    @property
    def blobs(self) -> BlobService: ...

    @property
    def receipts(self) -> BlobReceiptStore: ...

    @property
    def description(self) -> str:
        """One line for the runner's banner; never contains a secret."""
        ...

    def close(self) -> None: ...


def check_visibility_timeout(seconds: int, *, minimum: int = 0) -> None:
    if not isinstance(seconds, int) or not minimum <= seconds <= MAX_VISIBILITY_TIMEOUT:
        raise InvalidArgumentError(
            f"visibility timeout {seconds!r} must be whole seconds from {minimum} "
            f"to {MAX_VISIBILITY_TIMEOUT} (7 days)"
        )


def check_time_to_live(seconds: int | None) -> int:
    """The effective time to live in seconds (-1 for never)."""
    if seconds is None:
        return DEFAULT_TIME_TO_LIVE
    if not isinstance(seconds, int) or (seconds != -1 and seconds < 1):
        raise InvalidArgumentError(
            f"time to live {seconds!r} must be -1 (never expires) or at least 1 second"
        )
    return seconds


def check_max_messages(count: int) -> None:
    if not isinstance(count, int) or not 1 <= count <= MAX_MESSAGES_PER_CALL:
        raise InvalidArgumentError(
            f"max_messages {count!r} must be from 1 to {MAX_MESSAGES_PER_CALL}"
        )


def check_put_times(visibility_timeout: int, time_to_live: int | None) -> int:
    """Validate put's durations like the service does; returns the effective time to live."""
    check_visibility_timeout(visibility_timeout)
    ttl = check_time_to_live(time_to_live)
    if ttl != -1 and visibility_timeout >= ttl:
        raise InvalidArgumentError(
            f"visibility timeout {visibility_timeout}s must be shorter than the message's "
            f"time to live {ttl}s"
        )
    return ttl
