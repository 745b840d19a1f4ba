"""messageEncoding base64/none: the pure codec, the same acceptance rules on both backends, and
interoperability with messages written and read by the raw Azure SDK (as Storage Explorer and
deployed apps do)."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from azure.storage.queue import (
    BinaryBase64DecodePolicy,
    BinaryBase64EncodePolicy,
    QueueClient,
    TextBase64DecodePolicy,
    TextBase64EncodePolicy,
)

from funcls.runner.storage import (
    InvalidArgumentError,
    MessageEncodingError,
    MessageTooLargeError,
    check_encoding,
    decode_message,
    encode_message,
)
from tests.runner.storage.harness import Store
from tests.support.azurite import Azurite


@pytest.mark.parametrize(
    ("body", "encoding", "stored"),
    [
        (b"hello", "base64", "aGVsbG8="),
        ("héllo", "base64", base64.b64encode("héllo".encode()).decode()),
        (b"\x00\xff\x10", "base64", "AP8Q"),
        (b"", "base64", ""),
        (b"hello", "none", "hello"),
        ("héllo", "none", "héllo"),
    ],
)
def test_codec_round_trip(body: bytes | str, encoding: str, stored: str) -> None:
    enc = check_encoding(encoding)
    assert encode_message(body, enc) == stored
    raw = body.encode() if isinstance(body, str) else body
    assert decode_message(stored, enc) == (raw, None)


def test_decoding_text_that_is_not_base64_keeps_the_text_and_says_why() -> None:
    body, problem = decode_message("plain {json}", "base64")
    assert body == b"plain {json}"
    assert problem is not None and "not valid base64" in problem


@pytest.mark.parametrize("spelling", ["base64", "Base64", " NONE ", "none"])
def test_host_json_spellings(spelling: str) -> None:
    assert check_encoding(spelling) == spelling.strip().lower()


def test_unknown_encoding() -> None:
    with pytest.raises(InvalidArgumentError, match="'utf8'"):
        check_encoding("utf8")


def test_size_limit_counts_the_encoded_text() -> None:
    encode_message(b"x" * 48 * 1024, "base64")  # 64 KiB once encoded: allowed
    with pytest.raises(MessageTooLargeError, match="65540 bytes"):
        encode_message(b"x" * (48 * 1024 + 1), "base64")
    encode_message(b"x" * 64 * 1024, "none")
    with pytest.raises(MessageTooLargeError):
        encode_message(b"x" * (64 * 1024 + 1), "none")


def test_both_backends_refuse_what_azure_refuses(store: Store) -> None:
    plain = store.open("none").queues
    queue = store.name("q")
    plain.create_queue(queue)
    with pytest.raises(MessageEncodingError, match="not UTF-8"):
        plain.put(queue, b"\xff\xfe binary")
    with pytest.raises(MessageTooLargeError):
        store.open("base64").queues.put(queue, b"x" * 50_000)
    assert plain.approximate_count(queue) == 0


@pytest.mark.parametrize("encoding", ["base64", "none"])
def test_binary_and_text_round_trip_on_each_backend(store: Store, encoding: str) -> None:
    queues = store.open(check_encoding(encoding)).queues
    queue = store.name("q")
    queues.create_queue(queue)
    bodies = [b'{"n": 1}', "ünïcode ✓".encode()]
    if encoding == "base64":
        bodies.append(bytes(range(256)))
    for body in bodies:
        queues.put(queue, body)
    assert [m.body for m in queues.receive(queue, 32, 30)] == bodies


# -- interoperability with the raw SDK (Azurite only: the SDK is the Azure client) ----------


def _raw_queue(azurite: Azurite, queue: str, **policies: Any) -> QueueClient:
    return QueueClient.from_connection_string(azurite.connection_string, queue, **policies)


@pytest.mark.azurite
def test_message_put_by_sdk_in_base64_is_decoded(azurite: Azurite, azurite_store: Store) -> None:
    queues = azurite_store.open("base64").queues
    queue = azurite_store.name("q")
    queues.create_queue(queue)
    with _raw_queue(azurite, queue, message_encode_policy=TextBase64EncodePolicy()) as raw:
        raw.send_message('{"order": 42, "note": "café"}')
    with _raw_queue(azurite, queue, message_encode_policy=BinaryBase64EncodePolicy()) as raw:
        raw.send_message(b"\x00\x01binary")
    first, second = queues.receive(queue, 32, 30)
    assert first.text == '{"order": 42, "note": "café"}'
    assert first.encoding_error is None
    assert second.body == b"\x00\x01binary"


@pytest.mark.azurite
def test_message_put_by_funcls_in_base64_is_read_by_sdk(
    azurite: Azurite, azurite_store: Store
) -> None:
    queues = azurite_store.open("base64").queues
    queue = azurite_store.name("q")
    queues.create_queue(queue)
    queues.put(queue, "output ✓")
    queues.put(queue, b"\xff\x00")
    with _raw_queue(azurite, queue, message_decode_policy=TextBase64DecodePolicy()) as raw:
        [text] = raw.peek_messages(1)
        assert text.content == "output ✓"
    with _raw_queue(azurite, queue, message_decode_policy=BinaryBase64DecodePolicy()) as raw:
        assert [m.content for m in raw.peek_messages(2)] == ["output ✓".encode(), b"\xff\x00"]


@pytest.mark.azurite
def test_encoding_none_reads_and_writes_plain_text(azurite: Azurite, azurite_store: Store) -> None:
    queues = azurite_store.open("none").queues
    queue = azurite_store.name("q")
    queues.create_queue(queue)
    with _raw_queue(azurite, queue) as raw:
        raw.send_message("plain text")
        queues.put(queue, "from funcls")
        assert [m.content for m in raw.peek_messages(2)] == ["plain text", "from funcls"]
    assert [m.body for m in queues.receive(queue, 32, 30)] == [b"plain text", b"from funcls"]


@pytest.mark.azurite
def test_mismatched_encoding_is_reported_on_the_message(
    azurite: Azurite, azurite_store: Store
) -> None:
    queues = azurite_store.open("base64").queues
    queue = azurite_store.name("q")
    queues.create_queue(queue)
    with _raw_queue(azurite, queue) as raw:
        raw.send_message("not base64 {at all}")
        raw.send_message(base64.b64encode(b"fine").decode())
    broken, fine = queues.receive(queue, 32, 30)
    assert broken.body == b"not base64 {at all}"
    assert broken.encoding_error is not None and "messageEncoding" in broken.encoding_error
    assert (fine.body, fine.encoding_error) == (b"fine", None)
