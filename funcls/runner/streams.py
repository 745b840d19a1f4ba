"""A streamed HTTP invocation as the runner sees it: request body frames go to the app
process, response frames come back as the app sends them (funcls/runner/worker/http_stream.py
is the other end; the frames are listed in funcls/runner/wire.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

Frame = dict[str, Any]


class HttpExchange:
    def __init__(self) -> None:
        self.frames: asyncio.Queue[Frame] = asyncio.Queue()
        self.attached = asyncio.Event()
        self.invocation_id = ""
        self.ended = False
        self.too_large = False  # the request body went past the size limit
        self.client_gone = False  # the client disconnected
        self._post: Callable[[Frame], None] | None = None
        self._on_end: list[Callable[[], Any]] = []

    def attach(self, invocation_id: str, post: Callable[[Frame], None]) -> None:
        """The invocation went to an app process; post(frame) writes to that process."""
        self.invocation_id = invocation_id
        self._post = post
        self.attached.set()

    def post(self, frame: Frame) -> None:
        if self._post is not None and not self.ended:
            self._post({**frame, "id": self.invocation_id})

    def feed(self, frame: Frame) -> None:
        """A response frame from the app process (http_start, http_body, http_end)."""
        if self.ended:
            return
        if frame.get("op") == "http_end":
            self.ended = True
            for callback in self._on_end:
                callback()
            self._on_end.clear()
        self.frames.put_nowait(frame)

    def fail(self, reason: str) -> None:
        """The app process ended (or was stopped) before the response did."""
        self.feed({"op": "http_end", "error": reason})

    def on_end(self, callback: Callable[[], Any]) -> None:
        if self.ended:
            callback()
        else:
            self._on_end.append(callback)
