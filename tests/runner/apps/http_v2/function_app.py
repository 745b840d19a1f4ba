"""Test app: every HTTP feature of the runner, and every way user code can crash."""

import asyncio
import ctypes
import json
import logging
import os
import sys
import threading
import time

import azure.functions as func
from helpers import shout

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="items/{id:int}", methods=["GET"])
def item_by_id(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse(
        json.dumps({"id": int(req.route_params["id"]), "kind": "int"}), mimetype="application/json"
    )


@app.route(route="items/{name:alpha}", methods=["GET"])
def item_by_name(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse(
        json.dumps({"name": req.route_params["name"], "kind": "alpha"}), mimetype="application/json"
    )


@app.route(route="pages/{page?}", methods=["GET"])
def pages(req: func.HttpRequest) -> str:
    return f"page={req.route_params.get('page', 'none')}"


@app.route(route="files/{*rest}", methods=["GET"])
def files(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse(f"rest={req.route_params.get('rest', '')}")


@app.route(route="echo", methods=["POST", "PUT"])
def echo(req: func.HttpRequest) -> func.HttpResponse:
    try:
        payload = req.get_json()
    except ValueError:
        payload = None
    body = {
        "method": req.method,
        "url": req.url,
        "query": dict(req.params),
        "header": req.headers.get("x-test"),
        "json": payload,
        "text": req.get_body().decode("utf-8"),
    }
    return func.HttpResponse(
        json.dumps(body), status_code=201, mimetype="application/json", headers={"X-Echo": "yes"}
    )


@app.route(route="plain")
def plain(req: func.HttpRequest) -> str:
    return "just a string"


@app.route(route="raw")
def raw(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse(b"\x00\x01raw", mimetype="application/octet-stream")


@app.route(route="bare-bytes")
def bare_bytes(req: func.HttpRequest):
    # The HTTP output converts str and func.HttpResponse only: on Azure this invocation fails.
    return b"\x00\x01raw"


@app.route(route="named", binding_arg_name="res")
def named_output(req: func.HttpRequest, res: func.Out[func.HttpResponse]) -> None:
    res.set(func.HttpResponse("from a named output", status_code=202))


@app.route(route="greet", methods=["POST"])
@app.queue_output(arg_name="out", queue_name="%OUT_QUEUE%", connection="AzureWebJobsStorage")
def greet(req: func.HttpRequest, out: func.Out[str]) -> func.HttpResponse:
    out.set(shout(req.params.get("name", "nobody")))
    return func.HttpResponse(os.environ["GREETING"])


@app.route(route="context")
def context_info(req: func.HttpRequest, context: func.Context) -> func.HttpResponse:
    return func.HttpResponse(
        json.dumps(
            {
                "invocation_id": context.invocation_id,
                "function_name": context.function_name,
                "function_directory": context.function_directory,
                "traceparent": context.trace_context.trace_parent,
                "thread_local": getattr(context.thread_local_storage, "invocation_id", None),
            }
        ),
        mimetype="application/json",
    )


@app.route(route="slow_async")
async def slow_async(req: func.HttpRequest) -> str:
    await asyncio.sleep(0.3)
    return "async done"


@app.route(route="slow_sync")
def slow_sync(req: func.HttpRequest) -> str:
    time.sleep(0.3)
    return f"sync done in {threading.current_thread().name}"


@app.route(route="fail")
def fail(req: func.HttpRequest) -> str:
    raise ValueError("this function always fails")


@app.route(route="threadlog")
def threadlog(req: func.HttpRequest, context: func.Context) -> str:
    logging.info("logged from the function")

    def work():
        context.thread_local_storage.invocation_id = context.invocation_id
        logging.info("logged from a thread")

    t = threading.Thread(target=work)
    t.start()
    t.join()
    return context.invocation_id


@app.route(route="crash/{how}")
def crash(req: func.HttpRequest) -> str:
    how = req.route_params["how"]
    if how == "exit":
        sys.exit(3)
    if how == "exit-text":
        sys.exit("stopping: no config")
    if how == "osexit":
        os._exit(7)
    if how == "segfault":
        ctypes.string_at(0)
    if how == "hang":
        time.sleep(60)
    return f"pid={os.getpid()}"


@app.route(route="locked", auth_level=func.AuthLevel.FUNCTION)
def locked(req: func.HttpRequest) -> str:
    return "secret"
