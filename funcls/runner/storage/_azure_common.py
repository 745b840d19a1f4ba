"""Shared by the Azure queue and blob services: error translation and value conversion."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

from azure.core.exceptions import HttpResponseError, ServiceRequestError

from .connection import mask_secrets
from .errors import (
    BlobAlreadyExistsError,
    BlobNotFoundError,
    ContainerNotFoundError,
    InvalidArgumentError,
    MessageNotFoundError,
    PopReceiptMismatchError,
    QueueNotFoundError,
    StorageError,
    StorageUnavailableError,
)
from .interface import NEVER_EXPIRES


def error_code(error: HttpResponseError) -> str:
    code = getattr(error, "error_code", None)
    return str(getattr(code, "value", code) or "")


@contextmanager
def translated(
    queue: str = "",
    message_id: str = "",
    container: str = "",
    name: str = "",
    *,
    ignore: str = "",
) -> Iterator[None]:
    """Raise the errors of errors.py for the service's error codes; swallow the code `ignore`."""
    try:
        yield
    except ServiceRequestError as error:
        raise StorageUnavailableError(
            f"storage service unreachable: {mask_secrets(str(error))}"
        ) from error
    except HttpResponseError as error:
        code = error_code(error)
        if ignore and code == ignore:
            return
        if code == "QueueNotFound":
            raise QueueNotFoundError(queue) from error
        if code == "MessageNotFound":
            raise MessageNotFoundError(queue, message_id) from error
        if code == "PopReceiptMismatch":
            raise PopReceiptMismatchError(queue, message_id) from error
        if code == "ContainerNotFound":
            raise ContainerNotFoundError(container) from error
        if code == "BlobNotFound":
            raise BlobNotFoundError(container, name) from error
        if code == "BlobAlreadyExists":
            raise BlobAlreadyExistsError(container, name) from error
        if code in ("InvalidQueryParameterValue", "OutOfRangeInput", "InvalidInput"):
            raise InvalidArgumentError(mask_secrets(str(error).splitlines()[0])) from error
        status = error.status_code
        first_line = mask_secrets(str(error).splitlines()[0] if str(error) else "")
        raise StorageError(f"storage request failed ({status} {code}): {first_line}") from error


def quoted_etag(etag: str) -> str:
    return etag if etag.startswith('"') else f'"{etag}"'


def aware(moment: datetime | None) -> datetime:
    if moment is None:
        return NEVER_EXPIRES
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
