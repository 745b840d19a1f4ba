"""A crash of user code never ends `funcls run`: the app process restarts, the port stays.
Saving a file reloads the app; a save that breaks the import answers with the error."""

from __future__ import annotations

import json
import os
import re
import signal
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.runner.runner_process import RunningApp, funcls_invoke

pytestmark = pytest.mark.slow


def app_pid(running: RunningApp) -> int:
    return int(running.get("/api/crash/none").text.split("=")[1])


@pytest.mark.parametrize(
    ("how", "expected"),
    [
        ("exit", "exited with code 3"),
        ("osexit", "exited with code 7"),
        ("segfault", "killed by SIGSEGV (a segmentation fault)"),
        ("hang", "ran past functionTimeout (3s)"),
    ],
)
def test_crash_restarts_the_app_process_and_keeps_the_port(
    how: str,
    expected: str,
    app_copy: Callable[[str], Path],
    run_app: Callable[..., RunningApp],
) -> None:
    running = run_app(app_copy("http_v2"), "--no-reload")
    before = app_pid(running)
    response = running.get(f"/api/crash/{how}")
    assert response.status_code == 500
    # a crash leaves no traceback: the answer must not send the user looking for one
    assert "traceback" not in response.text.lower()
    log = running.wait_for_log("starting a new one")
    assert expected in log
    after = running.wait_for("/api/crash/none")
    assert int(after.text.split("=")[1]) != before
    assert running.process.poll() is None
    assert running.get("/api/plain").text == "just a string"


def test_the_request_behind_a_timed_out_one_waits_for_the_new_app_process(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    # Hardening pass: a request sent on the same connection right after the timed-out
    # one's 500 was given to the app process being killed and failed with its kill
    # ("WorkerCrashed: function 'crash' ran past functionTimeout", 5 of 6 tries by hand);
    # the host restarts that worker and holds invocations until the new one is ready.
    running = run_app(app_copy("http_v2"), "--no-reload")
    for attempt in range(3):
        before = app_pid(running)
        timed_out = running.get("/api/crash/hang")
        assert timed_out.status_code == 500
        assert "FunctionTimeout" in timed_out.text
        behind = running.get("/api/crash/none")
        assert behind.status_code == 200, (attempt, behind.text)
        assert int(behind.text.split("=")[1]) != before
    assert "WorkerCrashed" not in running.log()


def test_sys_exit_is_named_as_called_and_where(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    # QA: sys.exit("…") exits with code 1 after printing its text, and the answer said
    # "called sys.exit(1)" with no place; it names the call as written and its line.
    app_dir = app_copy("http_v2")
    line = (app_dir / "function_app.py").read_text().splitlines().index(
        '        sys.exit("stopping: no config")'
    ) + 1
    running = run_app(app_dir, "--no-reload")
    for how, called, code in (
        ("exit-text", "sys.exit('stopping: no config')", 1),
        ("exit", "sys.exit(3)", 3),
    ):
        response = running.get(f"/api/crash/{how}")
        assert response.status_code == 500
        at = line if how == "exit-text" else line - 2
        assert (
            f"SystemExit: the function called {called} at function_app.py:{at} (exit code {code}); "
            "the app process stops, and the runner starts a new one"
        ) in response.text, response.text
        running.wait_for_log(f"exited with code {code}; starting a new one")
        running.wait_for("/api/crash/none")
    assert "stopping: no config" in running.log()  # what sys.exit printed, as Python does


@pytest.mark.parametrize(
    ("how", "ended"),
    [
        ("osexit", "exited with code 7"),
        ("segfault", "was killed by SIGSEGV (a segmentation fault)"),
    ],
)
def test_a_process_ended_in_a_function_names_the_function_and_where(
    how: str, ended: str, app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    # runner16: os._exit(7) (or a crash in native code) answered only "WorkerCrashed: the app
    # process (pid N) exited with code 7", where sys.exit names its line: no traceback comes
    # back, but the runner knows which invocation the process was running and where that
    # function is (its index). The same words through funcls invoke (a fresh app process).
    app_dir = app_copy("http_v2")
    line = (app_dir / "function_app.py").read_text().splitlines().index(
        '@app.route(route="crash/{how}")'
    ) + 1
    said = (
        f"{ended} while running 'crash' (function_app.py:{line}); no Python error came back "
        "(os._exit or a crash in native code ends a process at once)"
    )
    running = run_app(app_dir, "--no-reload")
    response = running.get(f"/api/crash/{how}")
    assert response.status_code == 500
    assert said in response.text, response.text
    assert said in running.wait_for_log("starting a new one")
    running.stop()
    done = funcls_invoke("crash", str(app_dir), "--path", f"/api/crash/{how}", "--format", "json")
    assert done.returncode == 1, done.stdout + done.stderr
    assert said in json.loads(done.stdout)["error"]["message"]


def test_app_process_killed_from_outside_is_replaced(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    running = run_app(app_copy("http_v2"), "--no-reload")
    before = app_pid(running)
    os.kill(before, signal.SIGKILL)
    running.wait_for_log("killed by SIGKILL")
    assert int(running.wait_for("/api/crash/none").text.split("=")[1]) != before


def test_several_app_processes(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    running = run_app(
        app_copy("http_v2"), "--no-reload", env={"FUNCTIONS_WORKER_PROCESS_COUNT": "3"}
    )
    assert "3 app processes" in running.log()
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(12) as pool:
        pids = set(pool.map(lambda _: app_pid(running), range(60)))
    assert len(pids) == 3


def test_save_reloads_the_new_code(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    app_dir = app_copy("http_v2")
    running = run_app(app_dir)
    assert running.get("/api/plain").text == "just a string"
    script = app_dir / "function_app.py"
    script.write_text(script.read_text().replace('"just a string"', '"a new string"'))
    deadline = time.monotonic() + 15
    while running.get("/api/plain").text != "a new string":
        assert time.monotonic() < deadline, running.log()
        time.sleep(0.05)
    assert "reloading" in running.log()
    helpers = app_dir / "helpers.py"
    helpers.write_text(helpers.read_text().replace("HELLO", "HI"))
    deadline = time.monotonic() + 15
    while running.post("/api/greet?name=x").status_code != 200 or not re.search(
        r"reloaded", running.log()
    ):
        assert time.monotonic() < deadline, running.log()
        time.sleep(0.05)


def test_a_save_that_breaks_host_json_is_said_with_its_place(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    # Hardening pass: a host.json saved half-typed, or with a functionTimeout that is no
    # TimeSpan, reloaded the app on the default settings without a word (the start says
    # both: the static check's AZF100, the settings' problems).
    app_dir = app_copy("http_v2")
    running = run_app(app_dir)
    assert running.get("/api/plain").text == "just a string"
    host = app_dir / "host.json"
    host.write_text('{"version": "2.0",\n "functionTimeout": "00:00:03",\n')
    log = running.wait_for_log("host.json:2:31: not valid JSON: object is not closed")
    assert "its settings are not read (the defaults apply) until it is fixed" in log
    running.wait_for_log("reloaded: ")
    assert running.wait_for("/api/plain").text == "just a string"
    host.write_text('{"version": "2.0", "functionTimeout": "banana"}')
    log = running.wait_for_log("host.json functionTimeout: 'banana' is not a TimeSpan")
    assert "using 30 minutes" in log
    running.wait_for_log("reloaded: ", count=2)
    assert running.wait_for("/api/plain").text == "just a string"
    assert running.process.poll() is None


def test_broken_import_answers_with_the_error_until_fixed(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    app_dir = app_copy("http_v2")
    running = run_app(app_dir)
    script = app_dir / "function_app.py"
    good = script.read_text()
    script.write_text(good.replace("from helpers import shout", "from helpers import nothing"))
    broken = running.wait_for("/api/plain", status=404, timeout=15)
    assert "ImportError" in broken.text
    assert "nothing" in broken.text
    status = running.get("/admin/host/status").json()
    assert status["errors"] and "ImportError" in status["errors"][0]
    script.write_text(good)
    assert running.wait_for("/api/plain", timeout=15).text == "just a string"


def test_a_fix_saved_while_an_import_hangs_is_served_at_once(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    # Issue 17: the reload of the fix waited behind the hanging load until its 120 s
    # READY_TIMEOUT; a newer save now ends the load it replaces.
    app_dir = app_copy("http_v2")
    running = run_app(app_dir)
    script = app_dir / "function_app.py"
    good = script.read_text()
    script.write_text("import time\ntime.sleep(600)\n" + good.replace("just a string", "x"))
    deadline = time.monotonic() + 15
    while running.log().count("reloading") < 1:
        assert time.monotonic() < deadline, running.log()
        time.sleep(0.05)
    time.sleep(1.0)  # the new app process is now stuck in its import
    script.write_text(good.replace('"just a string"', '"fixed"'))
    deadline = time.monotonic() + 15  # the hanging load's timeout is 120 s
    while running.get("/api/plain").text != "fixed":
        assert time.monotonic() < deadline, running.log()
        time.sleep(0.05)


def test_exception_at_import_on_start_keeps_serving_the_error(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    app_dir = app_copy("http_v2")
    script = app_dir / "function_app.py"
    good = script.read_text()
    script.write_text("raise RuntimeError('broken at import')\n" + good)
    running = run_app(app_dir)
    response = running.get("/api/plain")
    # as the host: a function that failed to index is not found; the body says why
    assert response.status_code == 404
    assert "RuntimeError: broken at import" in response.text
    assert "Failed to load" in running.log()
    script.write_text(good)
    assert running.wait_for("/api/plain", timeout=15).text == "just a string"


def test_os_exit_at_import_is_retried_and_reported(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    app_dir = app_copy("http_v2")
    script = app_dir / "function_app.py"
    good = script.read_text()
    script.write_text("import os\nos._exit(9)\n" + good)
    running = run_app(app_dir)
    response = running.get("/api/plain")
    assert response.status_code == 404
    assert "exited with code 9 while loading the app" in response.text
    script.write_text(good)
    assert running.wait_for("/api/plain", timeout=20).text == "just a string"


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signal_to_the_terminal_s_process_group_stops_cleanly(
    sig: signal.Signals, app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    # Ctrl+C in a terminal sends SIGINT to every process of the foreground group; `timeout`
    # and many supervisors send SIGTERM to the group. The runner stops; its app processes
    # must not die first with a traceback and be "restarted" on the way out.
    running = run_app(app_copy("http_v2"), "--no-reload", new_session=True)
    worker = app_pid(running)
    os.killpg(running.process.pid, sig)
    running.process.wait(15)
    log = running.log()
    assert "KeyboardInterrupt" not in log
    assert "starting a new one" not in log
    assert "Traceback" not in log
    deadline = time.monotonic() + 5
    while os.path.exists(f"/proc/{worker}") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not os.path.exists(f"/proc/{worker}")


STUCK_APP = """
import json
import os
import time

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="stuck")
def stuck(req: func.HttpRequest) -> str:
    time.sleep(600)
    return "never"


@app.route(route="pid")
def pid(req: func.HttpRequest) -> str:
    return str(os.getpid())
"""


def test_sigterm_stops_the_run_while_an_invocation_is_stuck(
    tmp_path: Path, run_app: Callable[..., RunningApp]
) -> None:
    # SIGTERM to the runner alone (a supervisor, `kill`): the app process does not get it, so
    # the stuck invocation never ends by itself; the runner stops after its grace period.
    import threading

    app = tmp_path / "app"
    app.mkdir()
    (app / "host.json").write_text('{"version": "2.0", "functionTimeout": "-1"}')
    (app / "function_app.py").write_text(STUCK_APP)
    running = run_app(app, "--no-reload")
    worker = int(running.get("/api/pid").text)
    answers: list[object] = []

    def call() -> None:
        try:
            answers.append(httpx.get(running.url + "/api/stuck", timeout=60).status_code)
        except httpx.HTTPError as error:
            answers.append(error)

    caller = threading.Thread(target=call, daemon=True)
    caller.start()
    running.wait_for_log("Executing 'Functions.stuck'")
    started = time.monotonic()
    running.process.send_signal(signal.SIGTERM)
    running.process.wait(20)
    assert time.monotonic() - started < 15
    caller.join(10)
    assert answers, "the stuck request was left hanging"
    deadline = time.monotonic() + 5
    while os.path.exists(f"/proc/{worker}") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not os.path.exists(f"/proc/{worker}")


def test_a_v1_function_that_failed_to_load_is_named_for_its_url(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    # QA: a save that broke samples/v1-app's shared/catalog.py left five functions serving
    # and two failing (get_product, heartbeat import it); GET /api/products/1 answered with
    # both errors and "because the app failed to load". It names the function whose route
    # (its function.json's) the URL is, with its error alone.
    app_dir = app_copy("v1-app")
    running = run_app(app_dir)
    assert running.get("/api/products/1").status_code == 200
    catalog = app_dir / "shared" / "catalog.py"
    catalog.write_text(catalog.read_text() + "\ndef broken(:\n")
    broken = running.wait_for("/api/products/1", status=404, timeout=15)
    assert broken.text.startswith(
        "404 Not Found: GET /api/products/1 is the route of 'get_product', which failed to "
        "load; funcls serves it again as soon as a saved file fixes this:\n\nget_product: "
    ), broken.text
    assert "catalog.py" in broken.text and "heartbeat" not in broken.text
    # A URL no function.json routes: the failed functions are named, not "the app".
    other = running.get("/api/nowhere")
    assert other.status_code == 404
    assert other.text.startswith(
        "404 Not Found: no function answers GET /api/nowhere; 2 of the app's functions "
        "failed to load ('get_product', 'heartbeat'), and this URL may be one of theirs"
    ) or other.text.startswith(
        "404 Not Found: no function answers GET /api/nowhere; 2 of the app's functions "
        "failed to load ('heartbeat', 'get_product'), and this URL may be one of theirs"
    ), other.text
    # The other functions serve meanwhile; a fix brings get_product back.
    assert running.post("/api/orders", json={"items": [{"product": 1}]}).status_code == 202
    catalog.write_text(catalog.read_text().replace("\ndef broken(:\n", ""))
    assert running.wait_for("/api/products/1", status=200, timeout=15).json()["id"] == 1
