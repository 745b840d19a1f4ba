"""The live state of a run that the HTTP host, the admin API and the triggers share."""

from __future__ import annotations

import asyncio
import time
from dataclasses import field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

from funcls.model.fastclass import dataclass
from funcls.model.parsers.blob_paths import parse_blob_path
from funcls.model.parsers.route_samples import sample_path
from funcls.model.runnable import host_json_exclusion, not_runnable_by_hand_reason
from funcls.runner.binding_data import resolve
from funcls.runner.config import HostSettings, RunOptions
from funcls.runner.functions import RunFunction, build_function, http_routes, url_path
from funcls.runner.invocation import Invoker, Outcome, split_blob_path
from funcls.runner.pool import AppIndex
from funcls.runner.storage import (
    BlobNotFoundError,
    ContainerNotFoundError,
    StorageError,
    mask_secrets,
)
from funcls.runner.trigger_data import blob_payload, manual_payload

if TYPE_CHECKING:
    from funcls.runner.durable.runtime import DurableRuntime


class ManualInvokeError(Exception):
    """A by-hand invocation that cannot start (bad input); status is the HTTP status."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class HttpCall:
    """An HTTP request for an HTTP-triggered function, by hand or from the HTTP host."""

    method: str | None = None  # None: GET, or the first method the function answers
    path: str | None = None  # below the host, e.g. /api/products/2?tag=a (a query is merged)
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass
class RunState:
    options: RunOptions
    settings: HostSettings
    invoker: Invoker
    base_url: str = ""
    functions: dict[str, RunFunction] = field(default_factory=dict)
    routes: list[RunFunction] = field(default_factory=list)
    index: AppIndex = field(default_factory=AppIndex)
    keys: dict[str, str] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)
    version: int = 0  # bumped whenever the functions change (keys the route cache)
    warmed_up: bool = False  # /admin/warmup ran the warmup functions
    # The files whose save started a reload still under way (runner.py: Run.on_change); None
    # when the loaded code is current.
    reloading: list[str] | None = None
    durable: DurableRuntime | None = None  # the embedded durable engine (runner/durable/)
    # Set when the run's stop begins (Run.stopping): the timer, queue and blob listeners
    # start no new invocation, as the host stops its listeners before it drains those under
    # way (QA: a timer fired during the 7 s a Ctrl+C waited for a request).
    stopping: asyncio.Event = field(default_factory=asyncio.Event)

    def update(self, index: AppIndex) -> None:
        self.index = index
        # host.json's "functions" list: the host loads only the functions it names
        # (azure-functions-host FunctionMetadataManager.ApplyAllowList); the worker indexes
        # them all, the host leaves the others out of what it loads and routes.
        listed = self.settings.functions_list
        functions = [
            build_function(d, self.settings.route_prefix, self.settings.environment)
            for d in index.functions
            if host_json_exclusion(listed, str(d.get("name", ""))) is None
        ]
        self.functions = {f.name.lower(): f for f in functions}
        self.routes = http_routes(functions)
        self.version += 1

    def function(self, name: str) -> RunFunction | None:
        return self.functions.get(name.lower())

    async def invoke_manually(
        self,
        fn: RunFunction,
        text: str,
        http: HttpCall | None = None,
        *,
        collect_logs: bool = False,
        blob_content: bytes | None = None,
    ) -> Outcome:
        """Run ``fn`` once by hand. ``text`` is the trigger's input (for a blob trigger, the
        blob's path; with ``blob_content`` that blob is written first). The outcome's
        ``request`` says what was sent."""
        from funcls.runner.host.http_trigger import http_payload  # the host imports state

        if fn.support == "none":
            raise ManualInvokeError(f"function '{fn.name}' cannot run here: {fn.reason}", 409)
        by_hand = not_runnable_by_hand_reason(fn.trigger_type)
        if by_hand is not None:
            raise ManualInvokeError(f"'{fn.name}' cannot be run by hand: {by_hand}", 409)
        if fn.trigger_kind == "orchestrationtrigger" and self.durable is not None:
            # Started as an instance of the durable engine; the result is its output.
            return await self.durable.run_by_hand(fn, text, self.settings.function_timeout)
        reason = "This function was programmatically called via the host APIs."
        if fn.is_http:
            call = http or HttpCall(body=text.encode("utf-8"))
            method = _method(fn, call.method)
            prefix = "/" + self.settings.route_prefix if self.settings.route_prefix else ""
            path, _, query_text = (call.path or self.sample_url(fn)).partition("?")
            query = merged_query(query_text, call.query)
            below = path[len(prefix) :] if prefix and path.startswith(prefix) else path
            params = fn.route.match(below) if fn.route else {}
            if params is None:
                route = url_path(fn, self.settings.route_prefix)
                why = (
                    "give a concrete path"
                    if "{" in path
                    else "a value fails its parameter's constraint, or a segment differs"
                )
                raise ManualInvokeError(
                    f"path '{path}' does not match the route of '{fn.name}' ({route}): "
                    f"{why}; for example: {self.sample_url(fn)}"
                )
            query_text = "&".join(q for q in (query_text, urlencode(call.query)) if q)
            url = self.base_url + path + ("?" + query_text if query_text else "")
            payload = http_payload(method, url, call.headers, query, params, call.body)
            outcome = await self.invoker.invoke(
                fn,
                payload.data,
                payload.metadata,
                payload.binding_data,
                reason,
                collect_logs=collect_logs,
            )
            outcome.request = {
                "method": method,
                "path": path + ("?" + query_text if query_text else ""),
                "url": url,
                "headers": dict(call.headers),
                "body": call.body.decode("utf-8", "replace"),
            }
            return outcome
        if fn.trigger_kind == "blobtrigger":
            if blob_content is not None:
                await self._write_blob(fn, text.strip(), blob_content)
            payload = await self._blob_payload(fn, text.strip())
            sent: dict[str, Any] = {"name": text.strip()}
            if blob_content is not None:
                sent["body"] = blob_content.decode("utf-8", "replace")
        else:
            payload = manual_payload(fn.trigger_type, text)
            sent = {"body": text}
        outcome = await self.invoker.invoke(
            fn,
            payload.data,
            payload.metadata,
            payload.binding_data,
            reason,
            collect_logs=collect_logs,
        )
        outcome.request = sent
        return outcome

    async def _write_blob(self, fn: RunFunction, path: str, content: bytes) -> None:
        """Store the blob a by-hand run of a blob trigger names, with the content given."""
        container, name = split_blob_path(path)
        if not container or not name:
            raise ManualInvokeError(
                f"the name of a blob is container/path, e.g. samples/sample.txt; got '{path}'"
            )
        try:
            backend = self.invoker.connections.backend(fn.trigger.get("connection"))
        except StorageError as error:
            raise self._unwritable(fn, path, error) from None

        def write() -> None:
            backend.blobs.create_container(container)
            backend.blobs.put(container, name, content)
            # This run is the blob's invocation: the blob trigger of a running app must not
            # run the function a second time for it.
            stored = backend.blobs.get(container, name)
            backend.receipts.mark_processed(f"Functions.{fn.name}", stored.properties)

        try:
            await asyncio.to_thread(write)
        except StorageError as error:
            raise self._unwritable(fn, path, error) from None

    @staticmethod
    def _unwritable(fn: RunFunction, path: str, error: StorageError) -> ManualInvokeError:
        """Storage down or refusing: an answer (503), not an exception inside the server (a
        500 and a traceback in the log, as before; issue 17)."""
        return ManualInvokeError(
            f"could not write the blob '{path}' for '{fn.name}' before running it: "
            f"{mask_secrets(str(error))}",
            status=503,
        )

    def sample_url(self, fn: RunFunction) -> str:
        """A concrete path for a route with parameters (``products/{id:int}`` -> ``products/1``),
        so a function can be run by hand without spelling one out."""
        if fn.route is None or not fn.route.parameters:
            return url_path(fn, self.settings.route_prefix)
        prefix = "/" + self.settings.route_prefix if self.settings.route_prefix else ""
        sample = sample_path(fn.route)
        if sample is None:
            return url_path(fn, self.settings.route_prefix)
        return f"{prefix}/{sample}" if sample else prefix or "/"

    async def _blob_payload(self, fn: RunFunction, path: str) -> Any:
        pattern_text = (
            resolve(
                str(fn.trigger.get("path", "")),
                {},
                self.settings.environment,
                function_name=fn.name,
            )
            if "%" in str(fn.trigger.get("path", ""))
            else str(fn.trigger.get("path", ""))
        )
        pattern = parse_blob_path(pattern_text)
        captures = pattern.match(path)
        if captures is None:
            raise ManualInvokeError(
                f"the input of a blob-triggered function is a blob path that matches "
                f"'{pattern_text}', e.g. {pattern_text.replace('{', '').replace('}', '')}; "
                f"got '{path}'"
            )
        backend = self.invoker.connections.backend(fn.trigger.get("connection"))
        container, name = split_blob_path(path)
        try:
            blob = await asyncio.to_thread(backend.blobs.get, container, name)
        except (BlobNotFoundError, ContainerNotFoundError):
            raise ManualInvokeError(f"blob '{path}' does not exist", 404) from None
        properties = {
            "ContentLength": blob.properties.content_length,
            "ContentType": blob.properties.content_type,
            "ETag": blob.properties.etag,
            "LastModified": blob.properties.last_modified.isoformat(),
        }
        return blob_payload(path, blob.content, captures, f"local://{path}", properties)


def _method(fn: RunFunction, asked: str | None) -> str:
    """The method of a by-hand call: the one asked for, if the function answers it (a request
    with another method never reaches it through the host); else GET, or its first method."""
    if asked is None:
        if fn.methods is None or "GET" in fn.methods:
            return "GET"
        preferred = ("POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
        return next((m for m in preferred if m in fn.methods), sorted(fn.methods)[0])
    method = asked.upper()
    if fn.methods is not None and method not in fn.methods:
        raise ManualInvokeError(
            f"'{fn.name}' answers {', '.join(sorted(fn.methods))} only, not {method}; "
            f"pass one of those as the method (or none)"
        )
    return method


def merged_query(text: str, query: dict[str, str]) -> dict[str, str]:
    """The query of a path (`?a=1&a=2`) with the given parameters added; a repeated key gets
    its values joined with "," as the host joins them."""
    merged: dict[str, str] = {}
    pairs = [*parse_qsl(text, keep_blank_values=True), *query.items()]
    for key, value in pairs:
        merged[key] = f"{merged[key]},{value}" if key in merged else value
    return merged
