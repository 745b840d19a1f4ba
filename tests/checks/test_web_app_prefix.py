"""AZF411: an AsgiFunctionApp/WsgiFunctionApp under a non-empty route prefix. The library
routes its one function '/{*route}', the host joins host.json's routePrefix ('api' unset) to
it as 'api//{*route}' and refuses to start (Azure/azure-functions-python-worker#1310). The
quick fix sets extensions.http.routePrefix to "" in host.json, adding the sections it needs;
the runner and the Run lens refuse the same apps (run_function.why_not_runnable)."""

from __future__ import annotations

import json
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
