"""QueueService over azure-storage-queue.

Message bodies travel as the stored text: this module applies the configured messageEncoding
itself (encoding.py) instead of the SDK's encode policies, so text that is not base64 becomes a
readable `encoding_error` on its message instead of an exception that loses the whole batch.
"""

from __future__ import annotations

from typing import Any

from azure.storage.queue import QueueServiceClient

from ._azure_common import aware, translated
from ._names import check_queue_name
from .encoding import as_bytes, check_encoding, decode_message, encode_message
from .errors import QueueNotFoundError, StorageError
from .interface import (
    MessageEncoding,
    MessageUpdate,
    QueueMessage,
    check_max_messages,
    check_put_times,
    check_visibility_timeout,
)


class AzureQueues:
    """QueueService over azure-storage-queue."""

    def __init__(self, service: QueueServiceClient | None, encoding: MessageEncoding) -> None:
        self._service = service
        self._encoding = check_encoding(encoding)

    @property
    def message_encoding(self) -> MessageEncoding:
        return self._encoding

    def _client(self, queue: str) -> Any:
        check_queue_name(queue)
        if self._service is None:
            raise StorageError(
                "the storage connection string has no queue endpoint; add QueueEndpoint=... "
                "or AccountName=..."
            )
        return self._service.get_queue_client(queue)

    def _message(self, raw: Any, *, peeked: bool = False) -> QueueMessage:
        body, problem = decode_message(raw.content or "", self._encoding)
        return QueueMessage(
            id=raw.id,
            pop_receipt=None if peeked else raw.pop_receipt,
            body=body,
            dequeue_count=raw.dequeue_count or 0,
            insertion_time=aware(raw.inserted_on),
            expiration_time=aware(raw.expires_on),
            next_visible_time=None if peeked else aware(raw.next_visible_on),
            encoding_error=problem,
        )

    def create_queue(self, queue: str) -> None:
        client = self._client(queue)
        with translated(queue, ignore="QueueAlreadyExists"):
            client.create_queue()

    def delete_queue(self, queue: str) -> bool:
        client = self._client(queue)
        try:
            with translated(queue):
                client.delete_queue()
        except QueueNotFoundError:
            return False
        return True

    def list_queues(self, prefix: str = "") -> list[str]:
        if self._service is None:
            return []
        with translated():
            return sorted(
                q.name for q in self._service.list_queues(name_starts_with=prefix or None)
            )

    def put(
        self,
        queue: str,
        body: bytes | str,
        *,
        visibility_timeout: int = 0,
        time_to_live: int | None = None,
    ) -> QueueMessage:
        client = self._client(queue)
        ttl = check_put_times(visibility_timeout, time_to_live)
        raw = as_bytes(body)
        text = encode_message(raw, self._encoding)
        with translated(queue):
            sent = client.send_message(
                text, visibility_timeout=visibility_timeout or None, time_to_live=ttl
            )
        return QueueMessage(
            id=sent.id,
            pop_receipt=sent.pop_receipt,
            body=raw,
            dequeue_count=0,
            insertion_time=aware(sent.inserted_on),
            expiration_time=aware(sent.expires_on),
            next_visible_time=aware(sent.next_visible_on),
        )

    def receive(
        self, queue: str, max_messages: int = 1, visibility_timeout: int = 30
    ) -> list[QueueMessage]:
        client = self._client(queue)
        check_max_messages(max_messages)
        check_visibility_timeout(visibility_timeout, minimum=1)
        with translated(queue):
            pages = client.receive_messages(
                messages_per_page=max_messages,
                max_messages=max_messages,
                visibility_timeout=visibility_timeout,
            ).by_page()
            page: Any = next(iter(pages), [])  # exactly one request to the service
            return [self._message(raw) for raw in page]

    def peek(self, queue: str, max_messages: int = 1) -> list[QueueMessage]:
        client = self._client(queue)
        check_max_messages(max_messages)
        with translated(queue):
            return [self._message(raw, peeked=True) for raw in client.peek_messages(max_messages)]

    def delete(self, queue: str, message_id: str, pop_receipt: str) -> None:
        client = self._client(queue)
        with translated(queue, message_id):
            client.delete_message(message_id, pop_receipt)

    def update_visibility(
        self,
        queue: str,
        message_id: str,
        pop_receipt: str,
        visibility_timeout: int,
        *,
        body: bytes | str | None = None,
    ) -> MessageUpdate:
        client = self._client(queue)
        check_visibility_timeout(visibility_timeout)
        text = None if body is None else encode_message(body, self._encoding)
        with translated(queue, message_id):
            updated = client.update_message(
                message_id, pop_receipt, text, visibility_timeout=visibility_timeout
            )
        return MessageUpdate(
            pop_receipt=updated.pop_receipt, next_visible_time=aware(updated.next_visible_on)
        )

    def approximate_count(self, queue: str) -> int:
        client = self._client(queue)
        with translated(queue):
            count: int = client.get_queue_properties().approximate_message_count or 0
        return count

    def clear(self, queue: str) -> None:
        client = self._client(queue)
        with translated(queue):
            client.clear_messages()
