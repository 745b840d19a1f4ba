"""The ASGI app of `funcls run`: HTTP functions under the route prefix, and the admin API.

A plain ASGI callable (no framework) keeps the path from socket to app process short.
Requests are matched against the HTTP functions' route templates, most specific first
(`funcls.model.parsers.routes`), then their methods; CORS and function keys are applied as
the host applies them; bodies over the limit get 413 before the function runs.
"""

from __future__ import annotations

import json
import os
from typing import Any

from funcls.model.fastclass import dataclass
from funcls.runner.durable.runtime import PATHS as DURABLE_PATHS
from funcls.runner.functions import RunFunction, build_function
from funcls.runner.host.http_trigger import (
    NO_BODY_STATUS,
    Response,
    http_payload,
    outcome_response,
    text_response,
)
from funcls.runner.host.policy import authorized, cors_headers, presented_key, remote_caller
from funcls.runner.host.streaming import serve_streamed
from funcls.runner.http_bytes import parse_query
from funcls.runner.state import RunState

Scope = dict[str, Any]


class BodyTooLarge(Exception):
    pass


@dataclass
class Routed:
    """The function a request goes to, with its route parameters and full URL."""

    fn: RunFunction
    params: dict[str, str]
    url: str


async def read_body(receive: Any, limit: int, declared: int | None) -> bytes:
    if declared is not None and declared > limit:
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    more = True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks)


def _headers(scope: Scope) -> dict[str, str]:
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope["headers"]:
        name = raw_name.decode("latin-1")
        value = raw_value.decode("latin-1")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


def _query(scope: Scope) -> dict[str, str]:
    return parse_query(scope.get("query_string", b""))


class RunnerApp:
    def __init__(self, state: RunState) -> None:
        self.state = state
        self._routes_cache: dict[
            tuple[int, str, str], tuple[RunFunction, dict[str, str]] | None
        ] = {}
        self._streaming = (-1, False)  # (routes version, whether any HTTP function streams)

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        headers = _headers(scope)
        query = _query(scope)
        extra = cors_headers(
            headers.get("origin"),
            self.state.settings.cors_origins,
            self.state.settings.cors_credentials,
        )
        method = scope["method"].upper()
        if method == "OPTIONS" and "access-control-request-method" in headers and extra:
            extra += [
                (b"access-control-allow-methods", b"GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS"),
                (b"access-control-max-age", b"86400"),
            ]
            wanted = headers.get("access-control-request-headers")
            if wanted:
                extra.append((b"access-control-allow-headers", wanted.encode("latin-1")))
            await _send(send, (204, [], b""), extra)
            return
        if self._streaming[0] != self.state.version:
            self._streaming = (self.state.version, any(f.http_stream for f in self.state.routes))
        if self._streaming[1] and not scope["path"].startswith("/admin"):
            # HTTP streaming: the body is not read here but sent on as it arrives.
            routed = self._route(scope, method, scope["path"], query, headers)
            if isinstance(routed, Routed) and routed.fn.http_stream:
                await serve_streamed(
                    self.state,
                    routed.fn,
                    routed.params,
                    scope,
                    receive,
                    send,
                    extra,
                    headers,
                    query,
                    routed.url,
                )
                return
        length = headers.get("content-length")
        try:
            body = await read_body(
                receive,
                self.state.options.max_body,
                int(length) if length and length.isdigit() else None,
            )
        except BodyTooLarge:
            limit = self.state.options.max_body
            response = text_response(413, f"413 Payload Too Large: the limit is {limit} bytes\n")
            await _send(send, response, extra)
            return
        path: str = scope["path"]
        if path.startswith(DURABLE_PATHS) and self.state.durable is not None:
            # It starts, signals and ends orchestrations: the host wants its system key.
            refused = self._refused_remote(scope, headers, "the durable HTTP API")
            if refused is not None:
                await _send(send, refused, extra)
                return
            keys = self.state.keys
            host = headers.get("host", f"{self.state.options.host}:{self.state.options.port}")
            response = await self.state.durable.handle(
                method,
                path,
                query,
                body,
                f"{scope.get('scheme', 'http')}://{host}",
                lambda: not keys or authorized("admin", presented_key(query, headers), keys),
            )
        elif path.startswith("/admin/") or path == "/admin":
            refused = self._refused_remote(scope, headers, "the admin API")
            if refused is not None:
                await _send(send, refused, extra)
                return
            if self.state.keys and not authorized(
                "admin", presented_key(query, headers), self.state.keys
            ):
                await _send(
                    send,
                    text_response(401, "401 Unauthorized: the admin API needs the master key\n"),
                    extra,
                )
                return
            # The admin API and the home page are imported on their first request, not on
            # the way to the runner's first answer (issue 16).
            from funcls.runner.host.admin import handle_admin

            response = await handle_admin(self.state, method, path, query, headers, body)
        else:
            response = await self._function(scope, method, path, query, headers, body)
        await _send(send, response, extra)

    def _refused_remote(self, scope: Scope, headers: dict[str, str], what: str) -> Response | None:
        """403 for a call from another host (or relayed for one) when the run has no keys."""
        caller = None if self.state.keys else remote_caller(scope.get("client"), headers)
        if caller is None:
            return None
        return text_response(
            403,
            f"403 Forbidden: {what} answers only this machine without keys (this call came "
            f"from {caller}); start 'funcls run --enforce-auth' and pass the master key "
            "(.funcls/keys.json) to call it from elsewhere\n",
        )

    async def _function(
        self,
        scope: Scope,
        method: str,
        path: str,
        query: dict[str, str],
        headers: dict[str, str],
        body: bytes,
    ) -> Response:
        routed = self._route(scope, method, path, query, headers)
        if not isinstance(routed, Routed):
            return routed
        fn, params, url = routed.fn, routed.params, routed.url
        state = self.state
        payload = http_payload(
            method, url, headers, query, params, body, binding_data=fn.uses_binding_data
        )
        outcome = await state.invoker.invoke(
            fn,
            payload.data,
            payload.metadata,
            payload.binding_data,
            "This function was programmatically called via the host APIs.",
        )
        return outcome_response(outcome, state.invoker.console.say)

    def _route(
        self,
        scope: Scope,
        method: str,
        path: str,
        query: dict[str, str],
        headers: dict[str, str],
    ) -> Response | Routed:
        """The function a request goes to, its route parameters and URL; or the answer
        when none may take it (404, 401)."""
        state = self.state
        prefix = state.settings.route_prefix
        raw_path = scope.get("raw_path") or path.encode()
        raw = raw_path.decode("latin-1").split("?", 1)[0]
        if prefix:
            lead = "/" + prefix
            if not (raw.lower() == lead.lower() or raw.lower().startswith(lead.lower() + "/")):
                return self._not_found(method, path)
            raw = raw[len(lead) :]
        found = self._match(method, raw)
        if found is None:
            return self._not_found(method, path, raw)
        fn, params = found
        if fn.disabled:
            return text_response(404, f"function '{fn.name}' is disabled\n")
        if state.keys and not authorized(fn.auth_level, presented_key(query, headers), state.keys):
            return text_response(401, f"401 Unauthorized: '{fn.name}' needs a function key\n")
        host = headers.get("host", f"{state.options.host}:{state.options.port}")
        scheme = scope.get("scheme", "http")
        qs = scope.get("query_string", b"").decode("latin-1")
        url = f"{scheme}://{host}{path}" + (f"?{qs}" if qs else "")
        return Routed(fn, params, url)

    def _match(self, method: str, raw: str) -> tuple[RunFunction, dict[str, str]] | None:
        """The function for a request path below the prefix, most specific route first.
        Answers are cached per (routes, method, path): route matching is pure."""
        key = (self.state.version, method, raw)
        cached = self._routes_cache.get(key)
        if cached is not None or key in self._routes_cache:
            return cached
        found = None
        for fn in self.state.routes:
            assert fn.route is not None
            params = fn.route.match(raw)
            if params is not None and (fn.methods is None or method in fn.methods):
                found = (fn, params)
                break
        if len(self._routes_cache) > 4096:
            self._routes_cache.clear()
        self._routes_cache[key] = found
        return found

    def _not_found(self, method: str, path: str, raw: str | None = None) -> Response:
        errors = self.state.index.errors
        if errors:
            # The host indexes what it can and answers 404 for the URL of a function that
            # failed to index (its log has the error); the body says why here too: the
            # function whose route it is when its function.json says so (QA: a v1 app with a
            # shared module broken answered GET /api/products/1 with every function's error
            # and "the app failed to load", while five of its seven functions served).
            owner = failed_owner(self.state, method, raw) if raw is not None else None
            if owner is not None:
                return text_response(
                    404,
                    f"404 Not Found: {method} {path} is the route of '{owner.get('function')}', "
                    "which failed to load; funcls serves it again as soon as a saved file "
                    f"fixes this:\n\n{_error_text([owner])}\n",
                )
            if self.state.functions:
                names = ", ".join(f"'{e.get('function')}'" for e in errors)
                return text_response(
                    404,
                    f"404 Not Found: no function answers {method} {path}; {len(errors)} of the "
                    f"app's functions failed to load ({names}), and this URL may be one of "
                    "theirs; funcls serves them again as soon as a saved file fixes this:"
                    f"\n\n{_error_text(errors)}\n",
                )
            return text_response(
                404,
                f"404 Not Found: no function answers {method} {path}, because the app failed "
                "to load; funcls serves it again as soon as a saved file fixes this:"
                f"\n\n{_error_text(errors)}\n",
            )
        if path == "/" and method in ("GET", "HEAD"):
            from funcls.runner.host.homepage import homepage, homepage_disabled

            if not homepage_disabled(self.state):
                return homepage(self.state)
        return text_response(404, f"404 Not Found: no function answers {method} {path}\n")


def _error_text(errors: list[dict[str, str]]) -> str:
    return "\n\n".join(
        f"{e.get('function')}: {e.get('message')}\n{e.get('traceback', '')}".rstrip()
        for e in errors
    )


def failed_owner(state: RunState, method: str, raw: str) -> dict[str, str] | None:
    """The load error of the v1 function whose function.json routes ``method raw`` (the path
    below the route prefix), when that function failed to load; None otherwise. Its
    function.json is read as the host reads it (the runner's binding view); a v2 function
    that failed to index has no binding the runner can read."""
    root = os.path.realpath(state.options.app_dir)
    loaded = {name.lower() for name in state.functions}
    for error in state.index.errors:
        name = str(error.get("function") or "")
        if not name or name.lower() in loaded or os.sep in name or name.startswith("."):
            continue
        config = os.path.join(root, name, "function.json")
        try:
            with open(config, encoding="utf-8-sig") as f:
                doc = json.load(f)
        except (OSError, ValueError):
            continue
        if not isinstance(doc, dict) or not isinstance(doc.get("bindings"), list):
            continue
        description = {
            "name": name,
            "bindings": [b for b in doc["bindings"] if isinstance(b, dict)],
        }
        try:
            fn = build_function(description, state.settings.route_prefix, {})
        except Exception:  # a half-written binding: no route to compare
            continue
        if fn.route is None or fn.route.match(raw) is None:
            continue
        if fn.methods is None or method in fn.methods:
            return error
    return None


async def _send(send: Any, response: Response, extra: list[tuple[bytes, bytes]]) -> None:
    status, headers, body = response
    all_headers = [*headers, *extra]
    if status not in NO_BODY_STATUS:
        all_headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": all_headers})
    await send({"type": "http.response.body", "body": body})
