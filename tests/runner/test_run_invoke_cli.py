"""`funcls invoke` edge cases, the same through a running `funcls run` and a fresh app process:
binary bodies from a file, repeated --query and --header, unknown names, exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.runner.runner_process import RunningApp, funcls_invoke

pytestmark = pytest.mark.slow

ECHO_APP = """
import json
import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="echo", methods=["POST"])
def echo(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse(json.dumps({
        "method": req.method,
        "params": dict(req.params),
        "x_a": req.headers.get("x-a"),
        "body_hex": req.get_body().hex(),
    }), mimetype="application/json")


@app.queue_trigger(arg_name="msg", queue_name="work", connection="AzureWebJobsStorage")
def work(msg: func.QueueMessage) -> None:
    pass
"""


@pytest.fixture
def echo_app(tmp_path: Path) -> Path:
    app = tmp_path / "app"
    app.mkdir()
    (app / "host.json").write_text('{"version": "2.0"}')
    (app / "function_app.py").write_text(ECHO_APP)
    return app


@pytest.mark.parametrize("where", ["fresh", "running"])
def test_invoke_sends_a_binary_body_and_repeated_options(
    where: str, echo_app: Path, tmp_path: Path, run_app: Callable[..., RunningApp]
) -> None:
    if where == "running":
        run_app(echo_app, "--no-reload")
    body = tmp_path / "body.bin"
    body.write_bytes(b"\x00\x01\xff\xfe binary")
    done = funcls_invoke(
        "echo",
        str(echo_app),
        "--method",
        "post",
        "--body",
        f"@{body}",
        "--query",
        "tag=a",
        "--query",
        "tag=b",
        "--header",
        "X-A: 1",
        "--header",
        "x-a: 2",
        "--format",
        "json",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(done.stdout)
    assert result["ranOn"].startswith("http://" if where == "running" else "a fresh")
    assert json.loads(result["body"]) == {
        "method": "POST",
        "params": {"tag": "a,b"},  # as the host joins ?tag=a&tag=b
        "x_a": "1, 2",
        "body_hex": b"\x00\x01\xff\xfe binary".hex(),
    }


@pytest.mark.parametrize("where", ["fresh", "running"])
def test_invoke_refuses_a_binary_input_file_and_names_the_functions(
    where: str, echo_app: Path, tmp_path: Path, run_app: Callable[..., RunningApp]
) -> None:
    if where == "running":
        run_app(echo_app, "--no-reload")
    data = tmp_path / "message.bin"
    data.write_bytes(b"\xff\xfe")
    refused = funcls_invoke("work", str(echo_app), "--input", f"@{data}")
    assert refused.returncode == 2
    assert "Traceback" not in refused.stderr
    assert f"--input @{data}: the file is not UTF-8 text" in refused.stderr
    unknown = funcls_invoke("nope", str(echo_app))
    assert unknown.returncode == 2
    assert "no function 'nope'" in unknown.stderr
    assert "(functions: echo, work)" in unknown.stderr


@pytest.mark.parametrize("where", ["fresh", "running"])
def test_invoke_takes_a_query_in_the_path_and_the_function_s_method(
    where: str, echo_app: Path, run_app: Callable[..., RunningApp]
) -> None:
    if where == "running":
        run_app(echo_app, "--no-reload")
    # echo answers POST only: with no --method, invoke sends POST, as a real client must.
    done = funcls_invoke(
        "echo",
        str(echo_app),
        "--path",
        "/api/echo?tag=a&tag=b",
        "--query",
        "tag=c",
        "--format",
        "json",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    body = json.loads(json.loads(done.stdout)["body"])
    assert body["method"] == "POST"
    assert body["params"] == {"tag": "a,b,c"}
    refused = funcls_invoke("echo", str(echo_app), "--method", "GET")
    assert refused.returncode == 2
    assert "'echo' answers POST only, not GET" in refused.stderr


def test_invoke_path_failing_a_constraint_says_so(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    app = app_copy("http_v2")
    run_app(app, "--no-reload")
    refused = funcls_invoke("item_by_id", str(app), "--path", "/api/items/abc")
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "give a concrete path" not in refused.stderr
    assert (
        "path '/api/items/abc' does not match the route of 'item_by_id' (/api/items/{id:int}): "
        "a value fails its parameter's constraint, or a segment differs; for example: "
        "/api/items/1"
    ) in refused.stderr


def test_invoke_warns_when_the_saved_inputs_cannot_be_read(echo_app: Path) -> None:
    # QA as a new user: a typo in funcls.inputs.json made `funcls invoke` send the sample
    # without a word. It still runs (the entries that could be read are used), and says where
    # the file is broken and how to go on.
    inputs = echo_app / "funcls.inputs.json"
    inputs.write_text('{"echo": {"query": {"tag": "saved"}}, oops\n')
    done = funcls_invoke("echo", str(echo_app), "--format", "json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(json.loads(done.stdout)["body"])["params"] == {"tag": "saved"}
    assert done.stderr.splitlines() == [
        f"funcls: warning: {inputs}:1:39: expected a property name in double quotes, "
        "found 'o'; what could not be read there is not used (fix the file, or pass --no-saved)"
    ]
    clean = funcls_invoke("echo", str(echo_app), "--no-saved", "--format", "json")
    assert clean.returncode == 0 and clean.stderr == "", clean.stderr
    assert json.loads(json.loads(clean.stdout)["body"])["params"] == {}


def test_an_event_grid_event_that_is_not_a_json_object_is_refused(tmp_path: Path) -> None:
    # QA as a new user: a typo in --body ('{bad') ran, the function getting the text as the
    # event's data; the host's conversion of the event fails on it.
    app = tmp_path / "grid"
    app.mkdir()
    (app / "host.json").write_text('{"version": "2.0"}')
    (app / "function_app.py").write_text(
        "import logging\n"
        "import azure.functions as func\n\n"
        "app = func.FunctionApp()\n\n\n"
        '@app.event_grid_trigger(arg_name="event")\n'
        "def on_event(event: func.EventGridEvent) -> None:\n"
        '    logging.info("data %s", event.get_json())\n'
    )
    typo = funcls_invoke("on_event", str(app), "--body", "{bad")
    assert typo.returncode == 2, typo.stdout + typo.stderr
    assert typo.stderr == (
        "funcls: error: the event for Event Grid function 'on_event' is not JSON: Expecting "
        "property name enclosed in double quotes: line 1 column 2 (char 1); give the event, or "
        """its data, as a JSON object: --body '{"data": {"id": 1}}'\n"""
    )
    text = funcls_invoke("on_event", str(app), "--body", '"just text"')
    assert text.returncode == 2
    assert "is JSON str, not an object" in text.stderr
    ran = funcls_invoke("on_event", str(app), "--body", '{"data": {"id": 1}}', "--format", "json")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert json.loads(ran.stdout)["logs"][-1]["message"] == "data {'id': 1}"


BIG_APP = """
import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="euros")
def euros(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("€" * int(req.params["n"]))


@app.route(route="bytes")
def binary(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse(bytes(range(256)) * int(req.params["n"]))
"""


@pytest.mark.parametrize("where", ["fresh", "running"])
def test_invoke_prints_the_head_of_a_big_body_and_saves_it_whole(
    where: str, tmp_path: Path, run_app: Callable[..., RunningApp]
) -> None:
    # runner16: a 50 MB answer was printed whole (6 times its size in memory). The text
    # format prints its first 64 KiB and its size; --output FILE writes the whole body.
    app = tmp_path / "big"
    app.mkdir()
    (app / "host.json").write_text('{"version": "2.0"}')
    (app / "function_app.py").write_text(BIG_APP)
    if where == "running":
        run_app(app, "--no-reload")
    shown = funcls_invoke("euros", str(app), "--query", "n=100000")
    assert shown.returncode == 0, shown.stdout + shown.stderr
    lines = shown.stdout.splitlines()
    # 65,536 bytes end inside the 21,846th euro sign: the head keeps the whole ones.
    assert "€" * 21845 in lines
    assert "€" * 21846 not in shown.stdout
    assert "… (the first 65,535 of 300,000 bytes; --output FILE saves the whole body)" in lines
    small = funcls_invoke("euros", str(app), "--query", "n=3")
    assert "€€€" in small.stdout.splitlines() and "--output" not in small.stdout

    saved = tmp_path / "body.bin"
    done = funcls_invoke("binary", str(app), "--query", "n=1000", "--output", str(saved))
    assert done.returncode == 0, done.stdout + done.stderr
    assert saved.read_bytes() == bytes(range(256)) * 1000
    assert f"<256,000 bytes, saved to {saved}>" in done.stdout.splitlines()
    assert "base64" not in done.stdout
    as_json = funcls_invoke(
        "binary", str(app), "--query", "n=2", "--output", str(saved), "--format", "json"
    )
    result = json.loads(as_json.stdout)
    assert (result["body"], result["bodySize"], result["bodyFile"]) == (None, 512, str(saved))
    assert "bodyBase64" not in result and saved.read_bytes() == bytes(range(256)) * 2
