"""host.json's routePrefix written as a number or a boolean: the host's configuration holds every
scalar of host.json as text (HostJsonFileConfigurationProvider: JValue.ToString with the
invariant culture), so ``"routePrefix": 5`` serves the app under /5/. funcls read only a string
and served such an app under /api/, where the host answers 404."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from funcls.model.loader import load_app
from funcls.model.source import Source
from funcls.runner.config import early_host_settings, read_host_settings
from tests.runner.runner_process import start_run

APP = """import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="hello")
def hello(req: func.HttpRequest) -> str:
    return "hello"
"""


def _app(root: Path, prefix: object) -> Path:
    root.mkdir()
    host = {"version": "2.0", "extensions": {"http": {"routePrefix": prefix}}}
    (root / "host.json").write_text(json.dumps(host))
    (root / "function_app.py").write_text(APP)
    return root


@pytest.mark.parametrize(
    ("prefix", "served"),
    [(5, "5"), (5.0, "5"), (2.5, "2.5"), (True, "True"), ("/shop/", "shop"), (None, "api")],
)
def test_the_model_and_the_runner_read_the_prefix_as_the_host(
    tmp_path: Path, prefix: object, served: str
) -> None:
    root = _app(tmp_path / "app", prefix)
    app = load_app(str(root), Source())
    assert app.route_prefix == served
    early = early_host_settings(str(root))
    assert early is not None and early.route_prefix == served
    assert read_host_settings(app).route_prefix == served


def test_a_number_prefix_is_served(tmp_path: Path) -> None:
    running = start_run(_app(tmp_path / "app", 5), "--no-reload")
    try:
        assert running.wait_for("/5/hello").text == "hello"
        assert running.get("/api/hello").status_code == 404
    finally:
        running.stop()
