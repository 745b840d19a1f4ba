"""A streamed HTTP invocation as the runner sees it: request body frames go to the app
process, response frames come back as the app sends them (funcls/runner/worker/http_stream.py
is the other end; the frames are defined in funcls/runner/messages.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from funcls.runner.messages import (
    HttpBody,
    HttpDisconnect,
    HttpEnd,
    HttpRequest,
    HttpStart,
    Message,
)


class InvocationEnded:
    """Queued after the response frames when the invocation itself has ended."""


# What the relay (host/streaming.py) takes from the exchange's queue.
Frame = HttpStart | HttpBody | HttpEnd | InvocationEnded


class HttpExchange:
    def __init__(self) -> None:
        self.frames: asyncio.Queue[Frame] = asyncio.Queue()
        self.attached = asyncio.Event()
        self.invocation_id = ""
        self.ended = False
        self.too_large = False  # the request body went past the size limit
        self.client_gone = False  # the client disconnected
        self._post: Callable[[Message], None] | None = None
        self._on_end: list[Callable[[], Any]] = []

    def attach(self, invocation_id: str, post: Callable[[Message], None]) -> None:
        """The invocation went to an app process; post(frame) writes to that process."""
        self.invocation_id = invocation_id
        self._post = post
        self.attached.set()

    def send_body(self, body: bytes, more: bool) -> None:
        """A chunk of the client's request body, to the app process."""
        if self._post is not None and not self.ended:
            self._post(HttpRequest(self.invocation_id, body, more))

    def disconnect(self) -> None:
        """The client went away (or sent too much): tell the app process."""
        if self._post is not None and not self.ended:
            self._post(HttpDisconnect(self.invocation_id))

    def feed(self, frame: HttpStart | HttpBody | HttpEnd) -> None:
        """A response frame from the app process."""
        if self.ended:
            return
        if isinstance(frame, HttpEnd):
            self.ended = True
            for callback in self._on_end:
                callback()
            self._on_end.clear()
        self.frames.put_nowait(frame)

    def fail(self, reason: str) -> None:
        """The app process ended (or was stopped) before the response did."""
        self.feed(HttpEnd(self.invocation_id, reason))

    def on_end(self, callback: Callable[[], Any]) -> None:
        if self.ended:
            callback()
        else:
            self._on_end.append(callback)
