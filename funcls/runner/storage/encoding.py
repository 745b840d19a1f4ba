"""Queue message encoding, host.json `extensions.queues.messageEncoding`.

`base64` (the default of the Functions host and of Storage Explorer) stores the base64 text of
the body; `none` stores the body itself, which must then be UTF-8 text. Both backends apply the
same rules: the Azure backend writes and reads the stored text, the embedded backend keeps raw
bytes but refuses exactly what Azure would refuse, so an app that works locally works deployed.
"""

from __future__ import annotations

import base64
import binascii

from .errors import InvalidArgumentError, MessageEncodingError, MessageTooLargeError
from .interface import MAX_MESSAGE_SIZE, MessageEncoding

ENCODINGS: tuple[MessageEncoding, ...] = ("base64", "none")


def check_encoding(value: str) -> MessageEncoding:
    """Accept host.json spellings (`base64`, `none`, any case)."""
    lowered = value.strip().lower() if isinstance(value, str) else ""
    if lowered == "base64":
        return "base64"
    if lowered == "none":
        return "none"
    raise InvalidArgumentError(
        f"messageEncoding {value!r} is not supported; use 'base64' (default) or 'none'"
    )


def as_bytes(body: bytes | str) -> bytes:
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    raise InvalidArgumentError(f"message body must be bytes or str, got {type(body).__name__}")


def encode_message(body: bytes | str, encoding: MessageEncoding) -> str:
    """The text stored in the queue for this body; checks the 64 KiB limit."""
    raw = as_bytes(body)
    if encoding == "base64":
        text = base64.b64encode(raw).decode("ascii")
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise MessageEncodingError(
                "message body is not UTF-8 text, which messageEncoding 'none' requires; "
                "send text or set extensions.queues.messageEncoding to 'base64' in host.json"
            ) from error
    size = len(text.encode("utf-8"))
    if size > MAX_MESSAGE_SIZE:
        raise MessageTooLargeError(
            f"message is {size} bytes as stored ({encoding}); Azure Queue Storage allows "
            f"{MAX_MESSAGE_SIZE} bytes (48 KiB of raw data with base64)"
        )
    return text


def decode_message(text: str, encoding: MessageEncoding) -> tuple[bytes, str | None]:
    """The body for stored text, and an error when base64 was expected but not found."""
    if encoding == "none":
        return text.encode("utf-8"), None
    try:
        return base64.b64decode(text.encode("ascii"), validate=True), None
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return text.encode("utf-8"), (
            "message text is not valid base64 although messageEncoding is 'base64'; it was "
            "probably put with messageEncoding 'none' (set the same encoding on both sides)"
        )
