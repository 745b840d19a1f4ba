"""Errors raised by every storage backend, the same classes whichever backend is in use.

Each message names the thing, and where it helps, the fix. The Azure backend translates the
service's error codes (QueueNotFound, PopReceiptMismatch, ...) into these classes.
"""

from __future__ import annotations


class StorageError(Exception):
    """Base class of all storage errors."""


class InvalidNameError(StorageError, ValueError):
    """A queue, container or blob name that Azure Storage would reject."""


class InvalidArgumentError(StorageError, ValueError):
    """A parameter outside the range Azure Storage accepts (visibility timeout, batch size...)."""


class NotFoundError(StorageError, LookupError):
    """Base class of the *NotFound errors."""


class QueueNotFoundError(NotFoundError):
    def __init__(self, queue: str) -> None:
        super().__init__(f"queue '{queue}' does not exist; create it first")
        self.queue = queue


class MessageNotFoundError(NotFoundError):
    def __init__(self, queue: str, message_id: str) -> None:
        super().__init__(
            f"message '{message_id}' is not in queue '{queue}' (already deleted or expired)"
        )
        self.queue = queue
        self.message_id = message_id


class ContainerNotFoundError(NotFoundError):
    def __init__(self, container: str) -> None:
        super().__init__(f"container '{container}' does not exist; create it first")
        self.container = container


class BlobNotFoundError(NotFoundError):
    def __init__(self, container: str, name: str) -> None:
        super().__init__(f"blob '{container}/{name}' does not exist")
        self.container = container
        self.name = name


class PopReceiptMismatchError(StorageError):
    """The pop receipt is stale: the message was received again (or updated) since."""

    def __init__(self, queue: str, message_id: str) -> None:
        super().__init__(
            f"pop receipt for message '{message_id}' in queue '{queue}' is stale: the message "
            "was received again or its visibility was updated since; use the newest receipt"
        )
        self.queue = queue
        self.message_id = message_id


class BlobAlreadyExistsError(StorageError):
    def __init__(self, container: str, name: str) -> None:
        super().__init__(f"blob '{container}/{name}' already exists and overwrite is off")
        self.container = container
        self.name = name


class MessageEncodingError(StorageError, ValueError):
    """A message body that cannot be written with the configured messageEncoding."""


class MessageTooLargeError(StorageError, ValueError):
    """A message over the 64 KiB limit of Azure Queue Storage (after encoding)."""


class StorageUnavailableError(StorageError):
    """The storage service cannot be reached (network error, emulator not running)."""


class ConnectionStringError(StorageError, ValueError):
    """A storage connection setting that cannot be parsed (its secrets are never quoted)."""


class TableNotFoundError(NotFoundError):
    def __init__(self, table: str) -> None:
        super().__init__(f"table '{table}' does not exist; create it first")
        self.table = table


class EntityAlreadyExistsError(StorageError):
    """An insert of an entity whose PartitionKey and RowKey are already in the table."""

    def __init__(self, table: str, partition_key: str, row_key: str) -> None:
        super().__init__(
            f"table '{table}' already has an entity with PartitionKey {partition_key!r} and "
            f"RowKey {row_key!r}; an output binding only inserts: use a new RowKey"
        )
        self.table = table
        self.partition_key = partition_key
        self.row_key = row_key
