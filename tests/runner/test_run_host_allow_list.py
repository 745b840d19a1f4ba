"""host.json's "functions" list under `funcls run` and `funcls invoke`: the host loads only
the functions it names, ignoring case (azure-functions-host FunctionMetadataManager
.ApplyAllowList), and logs which; the others have no URL and cannot be invoked. Before,
funcls run served every function of the app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.runner.runner_process import funcls_invoke, start_run

pytestmark = pytest.mark.slow

APP = """import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="hello")
def hello(req: func.HttpRequest) -> str:
    return "hello"


@app.route(route="other")
def other(req: func.HttpRequest) -> str:
    return "other"
"""
REASON = (
    "'other' is not loaded: host.json's \"functions\" list leaves it out, so the host does "
    "not load it (it loads only Hello); add 'other' to that list, or remove the list, to run it"
)


def make_app(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "function_app.py").write_text(APP)
    (root / "host.json").write_text(json.dumps({"version": "2.0", "functions": ["Hello"]}))
    (root / "local.settings.json").write_text(
        json.dumps({"IsEncrypted": False, "Values": {"AzureWebJobsStorage": ""}})
    )
    return root


@pytest.mark.parametrize("front", [(), ("--no-http-front",)], ids=["front", "reference"])
def test_funcls_run_serves_only_the_listed_functions(
    tmp_path: Path, front: tuple[str, ...]
) -> None:
    app = make_app(tmp_path / "app")
    running = start_run(app, *front)
    try:
        assert running.wait_for("/api/hello").text == "hello"
        assert running.get("/api/other").status_code == 404
        listed = running.get("/admin/functions").json()
        assert [f["name"] for f in listed] == ["hello"]
        refused = running.post("/admin/funcls/invoke/other", json={})
        assert refused.status_code == 404
        # (a 404 carries the app's load errors whole since 84cba92: none here)
        assert refused.json() == {"error": REASON, "loadErrors": []}
        log = running.wait_for_log("A function allow list has been specified")
        assert (
            "A function allow list has been specified, excluding all but the following "
            "functions: [Hello]" in log
        )
        through = funcls_invoke("other", str(app))
        assert through.returncode != 0
        assert REASON in through.stderr
    finally:
        running.stop()


def test_funcls_invoke_without_a_run_refuses_a_left_out_function(tmp_path: Path) -> None:
    app = make_app(tmp_path / "app")
    done = funcls_invoke("other", str(app))
    assert done.returncode != 0
    assert REASON in done.stderr
    ran = funcls_invoke("HELLO", str(app))
    assert ran.returncode == 0, ran.stderr
    assert "hello" in ran.stdout
