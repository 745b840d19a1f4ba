"""`funcls run` reads host.json and local.settings.json with json alone when they are plain
JSON (`config.early_host_settings`) and reads the app with the model only for its static
check, after the first answers (issue 16: command to first HTTP 200). The settings must be
the model's, and the static check's errors and a crash of the model's reading still show
before the banner."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from funcls.runner.config import HostSettings, early_host_settings, read_host_settings
from tests.runner.runner_process import REPO, start_run
from tests.runner.test_prestart import APP, APP_DIRS


def _model_settings(root: Path) -> HostSettings:
    from funcls.model.loader import load_app
    from funcls.model.source import Source

    return read_host_settings(load_app(str(root), Source()))


def _app(root: Path, host: str = '{"version": "2.0"}', local: str | None = None) -> Path:
    root.mkdir()
    (root / "host.json").write_text(host, "utf-8")
    if local is not None:
        (root / "local.settings.json").write_text(local, "utf-8")
    (root / "function_app.py").write_text(APP)
    return root


@pytest.mark.parametrize("app_dir", APP_DIRS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_json_settings_equal_the_models(app_dir: Path) -> None:
    fast = early_host_settings(str(app_dir))
    if fast is None:  # a file json alone does not read: the model reads it, as before
        with pytest.raises(ValueError):
            for name in ("host.json", "local.settings.json"):
                path = app_dir / name
                if path.exists():
                    json.loads(path.read_text("utf-8-sig"))
        return
    assert dataclasses.asdict(fast) == dataclasses.asdict(_model_settings(app_dir))


def test_most_apps_are_read_without_the_model() -> None:
    read = [d for d in APP_DIRS if early_host_settings(str(d)) is not None]
    assert len(read) >= len(APP_DIRS) * 3 // 4


def test_every_setting_the_runner_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYTHON_SCRIPT_FILE_NAME", raising=False)
    monkeypatch.delenv("FUNCTIONS_WORKER_PROCESS_COUNT", raising=False)
    host = {
        "version": "2.0",
        "functionTimeout": "00:00:10",
        "extensions": {
            "http": {"routePrefix": "/v1/"},
            "queues": {
                "batchSize": 40,
                "maxDequeueCount": 2,
                "visibilityTimeout": "00:00:03",
                "maxPollingInterval": "00:00:05",
                "messageEncoding": "none",
            },
        },
    }
    local = {
        "Values": {
            "python_script_file_name": "missing.py",
            "FUNCTIONS_WORKER_PROCESS_COUNT": "11",
            "N": 3,
        },
        "ConnectionStrings": {"Db": "Server=x"},
        "Host": {"LocalHttpPort": 7999, "CORS": "http://a/, http://b", "CORSCredentials": True},
    }
    root = _app(tmp_path / "app", "\ufeff" + json.dumps(host), json.dumps(local))
    fast = early_host_settings(str(root))
    assert fast is not None
    assert (fast.route_prefix, fast.function_timeout, fast.local_http_port) == ("v1", 10.0, 7999)
    assert (fast.queues.batch_size, fast.queues.visibility_timeout) == (32, 3)
    assert fast.queues.message_encoding == "none"
    assert fast.cors_origins == ["http://a", "http://b"] and fast.cors_credentials
    assert fast.script_name == "missing.py" and fast.environment["N"] == "3"
    assert len(fast.problems) == 2  # the worker count and the missing script
    assert dataclasses.asdict(fast) == dataclasses.asdict(_model_settings(root))


@pytest.mark.parametrize(
    ("extensions", "prefix"),
    [
        ({"Extensions": {"Http": {"RoutePrefix": "shop"}}}, "shop"),
        ({"extensions": {"HTTP": {"routeprefix": ""}}}, ""),
        ({"extensions": {"http": {"routePrefix": "a", "RoutePrefix": "b/"}}}, "b"),
        # A number is the text the host's configuration holds (77860b8, config_text).
        ({"extensions": {"http": {"routePrefix": 3}}}, "3"),
        ({"extensions": {"http": {"routePrefix": {"v": "x"}}}}, "api"),
    ],
    ids=["other case", "lower case, empty", "the last wins", "a number", "an object"],
)
def test_the_route_prefix_ignoring_case(
    tmp_path: Path, extensions: dict[str, object], prefix: str
) -> None:
    # The host reads host.json into its configuration, whose keys ignore case: Azure serves
    # /shop/… for "Extensions": {"Http": {"RoutePrefix": "shop"}}; funcls ran it under /api.
    root = _app(tmp_path / "app", json.dumps({"version": "2.0", **extensions}))
    fast = early_host_settings(str(root))
    assert fast is not None and fast.route_prefix == prefix
    assert dataclasses.asdict(fast) == dataclasses.asdict(_model_settings(root))


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ('{"version": "2.0", // the version\n}', None),
        ('{"version": "2.0", "version": "2.0"}', None),  # which one wins is the model's call
        ('{"version": "2.0"}', '{"Values": {"A": "1", "A": "2"}}'),
        ('{"version": "2.0"}', '{"Values": {"A": "1",},}'),
    ],
    ids=["comment", "host key twice", "value twice", "trailing commas"],
)
def test_other_json_is_left_to_the_model(tmp_path: Path, host: str, local: str | None) -> None:
    root = _app(tmp_path / "app", host, local)
    assert early_host_settings(str(root)) is None


def test_a_folder_named_host_json_is_left_to_the_model(tmp_path: Path) -> None:
    root = tmp_path / "app"
    (root / "host.json").mkdir(parents=True)
    assert early_host_settings(str(root)) is None


def test_the_first_answer_imports_no_model_loader(tmp_path: Path) -> None:
    """What `funcls run` imports on the way to its first answer: the runner's modules, not
    the model's loader, app or source, nor the rules (they come with the static check), nor
    the admin API, the home page or the TimeSpan parser (imported when first used)."""
    root = _app(tmp_path / "app")
    script = (
        "import sys\n"
        "from funcls.cli import build_parser\n"
        f"build_parser(['run', {str(root)!r}])\n"
        "from funcls.runner.prestart import prestart\n"
        "from funcls.runner.config import RunOptions\n"
        f"early = prestart(RunOptions(app_dir={str(root)!r}, reload=True))\n"
        "import funcls.runner.runner\n"
        "from funcls.runner.host.front import Front\n"
        "for p in early.processes.values(): p.discard()\n"
        "print(early.app is None, sorted(m for m in sys.modules if m in ("
        "'funcls.model.loader', 'funcls.model.appmodel', 'funcls.model.source', "
        "'funcls.model.run_inputs', 'funcls.checks', 'funcls.runner.host.admin', "
        "'funcls.runner.host.homepage', 'funcls.model.parsers.timespan')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=str(REPO), timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True []"


def test_the_reload_watcher_ignores_the_run_inputs_file() -> None:
    from funcls.model.run_inputs import INPUTS_FILE
    from funcls.runner.reload import IGNORED_FILES

    assert INPUTS_FILE in IGNORED_FILES


FAULTY = (
    APP
    + """

@app.queue_trigger(arg_name="msg", queue_name="Orders_In", connection="AzureWebJobsStorage")
def orders(msg: func.QueueMessage) -> None:
    pass
"""
)


def test_the_static_check_still_prints_its_errors_before_the_banner(tmp_path: Path) -> None:
    root = _app(
        tmp_path / "app",
        local=json.dumps({"Values": {"AzureWebJobsStorage": "UseDevelopmentStorage=true"}}),
    )
    (root / "function_app.py").write_text(FAULTY)
    assert early_host_settings(str(root)) is not None  # the json path is the one tested
    running = start_run(root, "--no-reload", "--storage", "embedded")
    try:
        assert running.wait_for("/api/hello").text == "hello"
        log = running.wait_for_log("Admin API:")
        found = log.index("funcls check found errors")
        assert "AZF504" in log[found:] and "Orders_In" in log[found:]
        assert found < log.index("HTTP functions:")
    finally:
        running.stop()
