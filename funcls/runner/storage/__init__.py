"""Storage for the local runner: Azure Queue and Blob Storage semantics behind one interface,
on an embedded store (SQLite + files under `.funcls/storage/`) or on Azure Storage / Azurite.

Start with `open_backend`; see interface.py for the operations. `AzureBackend` is imported on
first use: the Azure SDKs take most of a second to import, and `funcls run` on the embedded
store should not pay for them (nor need them installed).
"""

from typing import TYPE_CHECKING, Any

from .connection import StorageConnection, mask_secrets, parse_connection_string
from .encoding import check_encoding, decode_message, encode_message
from .errors import (
    BlobAlreadyExistsError,
    BlobNotFoundError,
    ConnectionStringError,
    ContainerNotFoundError,
    EntityAlreadyExistsError,
    InvalidArgumentError,
    InvalidNameError,
    MessageEncodingError,
    MessageNotFoundError,
    MessageTooLargeError,
    NotFoundError,
    PopReceiptMismatchError,
    QueueNotFoundError,
    StorageError,
    StorageUnavailableError,
    TableNotFoundError,
)
from .interface import (
    NEVER_EXPIRES,
    BlobProperties,
    BlobReceiptStore,
    BlobService,
    DownloadedBlob,
    MessageEncoding,
    MessageUpdate,
    QueueMessage,
    QueueService,
    StorageBackend,
)
from .poison import (
    DEFAULT_MAX_DEQUEUE_COUNT,
    is_poison,
    move_to_poison,
    poison_queue_name,
)
from .receipts import find_unprocessed_blobs
from .selection import BackendKind, endpoint_reachable, open_backend
from .tables import Entity, TableService, WriteMode, partition_groups, quote_filter_string

if TYPE_CHECKING:
    from .azure_backend import AzureBackend
    from .embedded import EmbeddedBackend


def __getattr__(name: str) -> Any:
    if name == "AzureBackend":
        from .azure_backend import AzureBackend

        return AzureBackend
    if name == "EmbeddedBackend":  # imported with the first embedded connection (selection)
        from .embedded import EmbeddedBackend

        return EmbeddedBackend
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_MAX_DEQUEUE_COUNT",
    "NEVER_EXPIRES",
    "AzureBackend",
    "BackendKind",
    "BlobAlreadyExistsError",
    "BlobNotFoundError",
    "BlobProperties",
    "BlobReceiptStore",
    "BlobService",
    "ConnectionStringError",
    "ContainerNotFoundError",
    "DownloadedBlob",
    "EmbeddedBackend",
    "Entity",
    "EntityAlreadyExistsError",
    "InvalidArgumentError",
    "InvalidNameError",
    "MessageEncoding",
    "MessageEncodingError",
    "MessageNotFoundError",
    "MessageTooLargeError",
    "MessageUpdate",
    "NotFoundError",
    "PopReceiptMismatchError",
    "QueueMessage",
    "QueueNotFoundError",
    "QueueService",
    "StorageBackend",
    "StorageConnection",
    "StorageError",
    "StorageUnavailableError",
    "TableNotFoundError",
    "TableService",
    "WriteMode",
    "check_encoding",
    "decode_message",
    "encode_message",
    "endpoint_reachable",
    "find_unprocessed_blobs",
    "is_poison",
    "mask_secrets",
    "move_to_poison",
    "open_backend",
    "parse_connection_string",
    "partition_groups",
    "poison_queue_name",
    "quote_filter_string",
]
