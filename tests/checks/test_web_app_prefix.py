"""AZF411: an AsgiFunctionApp/WsgiFunctionApp under a non-empty route prefix. The library
routes its one function '/{*route}', the host joins host.json's routePrefix ('api' unset) to
it as 'api//{*route}' and refuses to start (Azure/azure-functions-python-worker#1310). The
quick fix sets extensions.http.routePrefix to "" in host.json, adding the sections it needs;
the runner and the Run lens refuse the same apps (run_function.why_not_runnable)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from funcls.checks.findings import Severity
from funcls.lsp.run_function import why_not_runnable
from tests.checks.support import apply_fix, check, load, one, only, text_at, write_app

ASGI = (
    "import azure.functions as func\n"
    "from fastapi import FastAPI\n\n"
    "api = FastAPI()\n\n\n"
    "app = func.AsgiFunctionApp(app=api, http_auth_level=func.AuthLevel.ANONYMOUS)\n"
)
WSGI = (
    "import azure.functions as func\n"
    "from flask import Flask\n\n"
    "flask_app = Flask(__name__)\n"
    "app = func.WsgiFunctionApp(app=flask_app.wsgi_app)\n"
)
ASGI_CALL = "func.AsgiFunctionApp(app=api, http_auth_level=func.AuthLevel.ANONYMOUS)"
BUNDLE = (
    '  "extensionBundle": {\n'
    '    "id": "Microsoft.Azure.Functions.ExtensionBundle",\n'
    '    "version": "[4.*, 5.0.0)"\n'
    "  }"
)


def host(extra: str = "") -> str:
    return '{\n  "version": "2.0",\n' + BUNDLE + (",\n" + extra if extra else "") + "\n}\n"


def app(tmp_path: Path, host_json: str, script: str = ASGI) -> Path:
    return write_app(
        tmp_path,
        {
            "function_app.py": script,
            "host.json": host_json,
            "requirements.txt": "azure-functions\nfastapi\nflask\n",
        },
    )


# host.json as written -> the route prefix the host uses, and host.json after the fix.
FIXES = {
    "no extensions": (
        host(),
        "api",
        host('  "extensions": {\n    "http": {\n      "routePrefix": ""\n    }\n  }'),
    ),
    "extensions without http": (
        host('  "extensions": {\n    "queues": {\n      "batchSize": 8\n    }\n  }'),
        "api",
        host(
            '  "extensions": {\n    "queues": {\n      "batchSize": 8\n    },\n'
            '    "http": {\n      "routePrefix": ""\n    }\n  }'
        ),
    ),
    "http without routePrefix": (
        host('  "extensions": {\n    "http": {\n      "maxConcurrentRequests": 10\n    }\n  }'),
        "api",
        host(
            '  "extensions": {\n    "http": {\n      "maxConcurrentRequests": 10,\n'
            '      "routePrefix": ""\n    }\n  }'
        ),
    ),
    "a prefix of its own": (
        host('  "extensions": {"http": {"routePrefix": "/v1/"}}'),
        "v1",
        host('  "extensions": {"http": {"routePrefix": ""}}'),
    ),
    "keys in another case": (
        host('  "Extensions": {"Http": {"RoutePrefix": "shop"}}'),
        "shop",
        host('  "Extensions": {"Http": {"RoutePrefix": ""}}'),
    ),
}


@pytest.mark.parametrize("shape", list(FIXES))
def test_the_fix_sets_the_empty_prefix(tmp_path: Path, shape: str) -> None:
    before, prefix, after = FIXES[shape]
    root = app(tmp_path, before)
    f = one(check(root), "AZF411")
    assert f.severity == Severity.ERROR
    assert Path(f.path).name == "function_app.py"
    assert text_at(f) == ASGI_CALL
    assert f"the route '{prefix}//{{*route}}'" in f.message
    (fix,) = f.fixes
    assert fix.title == 'Set "routePrefix": "" under extensions.http in host.json'
    assert fix.preferred
    apply_fix(fix)
    assert (root / "host.json").read_text() == after
    assert json.loads(after)  # still JSON
    assert only(check(root), "AZF411") == []


def test_the_message_names_the_line_the_prefix_and_the_fix(tmp_path: Path) -> None:
    root = app(tmp_path, host())
    assert one(check(root), "AZF411").message == (
        "the AsgiFunctionApp at function_app.py:7 serves every path through one function "
        "routed '/{*route}'; host.json sets no extensions.http.routePrefix, so the host uses "
        "'api', and the host refuses to start with the route 'api//{*route}' ('/' cannot "
        'appear twice in a row); set "routePrefix": "" under extensions.http in host.json '
        "(the web app then routes every path itself)"
    )
    root = app(tmp_path, host('  "extensions": {"http": {"routePrefix": "v1"}}'), WSGI)
    f = one(check(root), "AZF411")
    assert f.message.startswith(
        "the WsgiFunctionApp at function_app.py:5 serves every path through one function "
        "routed '/{*route}'; host.json sets extensions.http.routePrefix to 'v1', and the "
        "host refuses to start with the route 'v1//{*route}'"
    )
    (related,) = f.related
    assert Path(related.location.path).name == "host.json"
    assert related.message == "the route prefix"


@pytest.mark.parametrize(
    ("host_json", "script"),
    [
        (host('  "extensions": {"http": {"routePrefix": ""}}'), ASGI),
        (host('  "extensions": {"http": {"routePrefix": "/"}}'), WSGI),
        (host(), "import azure.functions as func\n\napp = func.FunctionApp()\n"),
    ],
    ids=["empty prefix", "only a slash", "no web app"],
)
def test_quiet_without_a_prefix_or_a_web_app(tmp_path: Path, host_json: str, script: str) -> None:
    root = app(tmp_path, host_json, script)
    assert only(check(root), "AZF411") == []
    assert all(why_not_runnable(fn, load(root)) is None for fn in load(root).functions)


def test_the_runner_refuses_what_the_rule_reports(tmp_path: Path) -> None:
    for i, (before, _, _) in enumerate(FIXES.values()):
        root = app(tmp_path / str(i), before)
        loaded = load(root)
        (fn,) = loaded.functions
        assert one(check(root), "AZF411")
        assert (why_not_runnable(fn, loaded) or "").startswith('set "routePrefix": ""')


def test_no_fix_when_a_section_is_no_object(tmp_path: Path) -> None:
    root = app(tmp_path, host('  "extensions": {"http": []}'))
    f = one(check(root), "AZF411")
    assert f.fixes == []


def _library_routes(root: Path) -> dict[str, str]:
    """Each function's name and route as the real azure-functions library lists them
    (get_functions -> get_function_json), importing function_app.py in a child process."""
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); import function_app as m;"
        "out = {f.get_function_name(): next((b.get('route') for b in"
        " json.loads(f.get_function_json())['bindings'] if b['type'] == 'httpTrigger'), None)"
        " for f in m.app.get_functions()}; print(json.dumps(out))"
    )
    done = subprocess.run(
        [sys.executable, "-B", "-c", code, str(root)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def _with(*defs: str) -> str:
    return ASGI + "".join(f"\n\n{d}" for d in defs)


PING = (
    '@app.route(route="ping")\n'
    "def ping(req: func.HttpRequest) -> func.HttpResponse:\n"
    '    return func.HttpResponse("ok")\n'
)
TICK = (
    '@app.timer_trigger(schedule="0 */5 * * * *", arg_name="t")\n'
    "def tick(t: func.TimerRequest) -> None:\n"
    "    pass\n"
)


def test_the_message_names_the_other_http_functions_the_fix_moves(tmp_path: Path) -> None:
    # The empty prefix is app-wide: the host routes every HTTP function below it, so the
    # fix moves ping from /api/ping to /ping; the timer has no URL and is not named.
    root = app(tmp_path / "one", host(), _with(PING, TICK))
    assert _library_routes(root) == {"http_app_func": "/{*route}", "ping": "ping", "tick": None}
    assert one(check(root), "AZF411").message.endswith(
        "(the web app then routes every path itself); the empty prefix also moves the app's "
        "other HTTP function, ping from /api/ping to /ping: update its callers, or start its "
        "route with 'api/' to keep its URL"
    )
    # Four of them under 'v1': three named, with the route the library gives (the def's
    # name when the decorator gives none), and how many more.
    others = [PING.replace("ping", f"ping{i}") for i in range(3)]
    others.append(PING.replace('route="ping"', "").replace("ping", "health"))
    root = app(
        tmp_path / "four", host('  "extensions": {"http": {"routePrefix": "v1"}}'), _with(*others)
    )
    assert _library_routes(root)["health"] == "health"
    assert one(check(root), "AZF411").message.endswith(
        "; the empty prefix also moves the app's 4 other HTTP functions (ping0 from "
        "/v1/ping0 to /ping0, ping1 from /v1/ping1 to /ping1, ping2 from /v1/ping2 to /ping2 "
        "and 1 more): update their callers, or start each route with 'v1/' to keep their URLs"
    )
    # Only a timer besides the web app: the fix concerns the web app alone.
    root = app(tmp_path / "timer", host(), _with(TICK))
    assert one(check(root), "AZF411").message.endswith(
        "(the web app then routes every path itself)"
    )
