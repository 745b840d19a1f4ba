"""`funcls run --debug`: debugpy in the app process; a real Debug Adapter Protocol client
attaches, stops at a breakpoint inside a function while an HTTP request waits, reads a
variable, continues, and the request gets its answer."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.runner.dap import DapClient
from tests.runner.runner_process import RunningApp
from tests.support.azurite import free_port

pytestmark = pytest.mark.slow

APP = """import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="add")
def add(req: func.HttpRequest) -> func.HttpResponse:
    a = int(req.params.get("a", "1"))
    total = a + 1
    return func.HttpResponse(str(total))
"""
BREAK_LINE = APP.splitlines().index("    total = a + 1") + 1


def test_a_debugger_stops_in_a_function_and_the_request_completes(
    tmp_path: Path, run_app: Callable[..., RunningApp]
) -> None:
    app = tmp_path / "dbg"
    app.mkdir()
    (app / "function_app.py").write_text(APP)
    (app / "host.json").write_text(json.dumps({"version": "2.0"}))
    port = free_port()
    running = run_app(app, "--no-reload", "--debug", str(port))
    running.wait_for_log(f"Debugger: debugpy listens on 127.0.0.1:{port}")

    dap = DapClient("127.0.0.1", port)
    try:
        dap.request("initialize", adapterID="debugpy", clientID="funcls-tests", pathFormat="path")
        attach = dap.send("attach", justMyCode=True)
        dap.event("initialized")
        script = str(app / "function_app.py")
        placed = dap.request(
            "setBreakpoints", source={"path": script}, breakpoints=[{"line": BREAK_LINE}]
        )
        assert placed["body"]["breakpoints"][0]["verified"], placed
        dap.request("configurationDone")
        dap.response(attach)

        answer: dict[str, httpx.Response] = {}
        call = threading.Thread(
            target=lambda: answer.update(r=httpx.get(f"{running.url}/api/add?a=41", timeout=60))
        )
        call.start()
        stopped = dap.event("stopped")
        assert stopped["body"]["reason"] == "breakpoint"
        thread = stopped["body"]["threadId"]
        frames = dap.request("stackTrace", threadId=thread)["body"]["stackFrames"]
        assert (frames[0]["name"], frames[0]["line"]) == ("add", BREAK_LINE)
        assert frames[0]["source"]["path"] == script
        value = dap.request("evaluate", expression="a", frameId=frames[0]["id"], context="watch")
        assert value["body"]["result"] == "41"
        assert call.is_alive(), "the request must wait while the function is stopped"
        dap.request("continue", threadId=thread)
        call.join(30)
        assert answer["r"].status_code == 200 and answer["r"].text == "42"
        dap.request("disconnect")
    finally:
        dap.close()
    # After the debugger left, the app keeps serving.
    assert running.get("/api/add?a=1").text == "2"
