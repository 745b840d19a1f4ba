"""Test app: HTTP streaming with azurefunctions-extensions-http-fastapi."""

import asyncio
import os
import time

import azure.functions as func
from azurefunctions.extensions.http.fastapi import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    Request,
    Response,
    StreamingResponse,
)

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


async def _wait_for(path: str, limit: float = 10.0) -> bool:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if os.path.exists(path):
            return True
        await asyncio.sleep(0.02)
    return False


@app.route(route="stream_async", methods=["GET"])
async def stream_async(req: Request) -> StreamingResponse:
    """The second chunk is produced only once the file named by ?gate= exists."""
    gate = req.query_params["gate"]

    async def chunks():
        yield b"first\n"
        released = await _wait_for(gate)
        yield b"second\n" if released else b"gate never opened\n"

    return StreamingResponse(chunks(), media_type="text/plain")


@app.route(route="stream_sync", methods=["GET"])
def stream_sync(req: Request) -> StreamingResponse:
    gate = req.query_params["gate"]

    def chunks():
        yield "one\n"
        deadline = time.monotonic() + 10
        while not os.path.exists(gate) and time.monotonic() < deadline:
            time.sleep(0.02)
        yield "two\n"

    return StreamingResponse(chunks(), media_type="text/plain")


@app.route(route="stream_forever", methods=["GET"])
async def stream_forever(req: Request) -> StreamingResponse:
    """Writes ?marker= when the generator is stopped (the client went away)."""
    marker = req.query_params.get("marker")

    async def chunks():
        try:
            while True:
                yield b"tick\n"
                await asyncio.sleep(0.05)
        finally:
            if marker:
                with open(marker, "w") as f:
                    f.write("stopped")

    return StreamingResponse(chunks(), media_type="text/plain")


@app.route(route="stream_crash", methods=["GET"])
async def stream_crash(req: Request) -> StreamingResponse:
    async def chunks():
        yield b"before the crash\n"
        await asyncio.sleep(0.2)
        os._exit(3)

    return StreamingResponse(chunks(), media_type="text/plain")


class ExitingResponse(Response):
    """Ends the app process when FastAPI sends it: after the function returned, before
    any byte of the response."""

    async def __call__(self, scope, receive, send):
        os._exit(4)


@app.route(route="exit_before_start", methods=["GET"])
async def exit_before_start(req: Request) -> Response:
    return ExitingResponse("never sent")


@app.route(route="upload", methods=["POST"])
async def upload(req: Request) -> JSONResponse:
    chunks = [chunk async for chunk in req.stream()]
    body = b"".join(chunks)
    return JSONResponse(
        {"size": len(body), "text": body.decode(), "content_type": req.headers.get("content-type")}
    )


@app.route(route="upload_marked", methods=["POST"])
async def upload_marked(req: Request) -> JSONResponse:
    """Writes the file named by ?marker= as soon as the first chunk of the body arrives."""
    chunks = []
    async for chunk in req.stream():
        if chunk and not chunks:
            with open(req.query_params["marker"], "w") as f:
                f.write("first chunk seen")
        if chunk:
            chunks.append(chunk.decode())
    return JSONResponse({"chunks": chunks})


@app.route(route="items/{category}/{id}", methods=["GET"])
async def item(req: Request) -> JSONResponse:
    return JSONResponse(
        {"params": dict(req.path_params), "query": dict(req.query_params), "method": req.method},
        status_code=201,
        headers={"x-item": req.path_params["id"]},
    )


@app.route(route="html", methods=["GET"])
def html(req: Request) -> HTMLResponse:
    return HTMLResponse("<h1>hello</h1>")


@app.route(route="plain", methods=["GET"])
def plain(req: Request) -> PlainTextResponse:
    return PlainTextResponse("plain text", status_code=202)


@app.route(route="as_dict", methods=["GET"])
async def as_dict(req: Request):
    return {"served": "as JSON", "n": 1}


@app.route(route="fails", methods=["GET"])
async def fails(req: Request) -> JSONResponse:
    return JSONResponse({"value": 1 / 0})


@app.route(route="fails_sync", methods=["GET"])
def fails_sync(req: Request) -> JSONResponse:
    raise ValueError("bad input")
