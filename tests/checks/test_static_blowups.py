"""Hangs and blow-ups on the static side (issue 17), through ``funcls check`` in a process:
symlink loops, a link to ``/``, a FIFO named ``*.json``, a link to ``/dev/zero``, a 900 KB
broken host.json, lone surrogates, huge integers and ``b'…'`` routes in every output
format, and an internal crash giving exit code 2 (not 1, "errors found")."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from funcls.cli import main
from funcls.model.jsondoc import parse_json
from funcls.model.jsondoc.parser import MAX_ERRORS

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
LIMIT_S = 60  # each case finished in under 1 s; before the fixes they hung or ate memory


def copy_app(tmp_path: Path, name: str = "v2-app") -> Path:
    root = tmp_path / name
    shutil.copytree(SAMPLES / name, root)
    return root


def check(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "funcls", "check", *args, str(root)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="strict",
        timeout=LIMIT_S,
    )
    assert time.monotonic() - started < LIMIT_S
    return done


def clean_reference(tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return check(copy_app(tmp_path / "reference"), "-q")


def test_symlink_loops_and_a_link_to_root_are_walked_once(tmp_path: Path) -> None:
    root = copy_app(tmp_path)
    pkg = root / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    os.symlink(".", pkg / "same")
    os.symlink("..", pkg / "up")
    os.symlink("/", pkg / "root")
    os.symlink(".", root / "a")
    os.symlink(".", root / "b")
    done = check(root, "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == json.loads(
        check(copy_app(tmp_path / "ref"), "--format", "json").stdout
    )


def test_a_fifo_and_a_link_to_dev_zero_are_not_read(tmp_path: Path) -> None:
    root = copy_app(tmp_path)
    os.mkfifo(root / "x.json")
    os.mkfifo(root / "main.bicep")
    os.symlink("/dev/zero", root / "z.json")
    os.symlink("/dev/zero", root / "template.bicep")
    done = check(root, "-q")  # findings only: the reference has none, so no summary
    assert done.returncode == 0, done.stderr
    # Not read; each named like a template gets a warning saying so (x.json and z.json too).
    said = [ln for ln in done.stdout.splitlines() if " AZF604 " in ln]
    assert sorted(ln.split(":")[0].rsplit("/", 1)[1] for ln in said) == [
        "main.bicep",
        "template.bicep",
        "x.json",
        "z.json",
    ]
    rest = [ln for ln in done.stdout.splitlines() if " AZF604 " not in ln]
    assert rest == clean_reference(tmp_path).stdout.splitlines()


def test_a_900_kb_broken_host_json_is_capped(tmp_path: Path) -> None:
    root = copy_app(tmp_path)
    broken = '{"version": "2.0", "x": [' + ",".join(['{"a": 1 2}'] * 60000)
    (root / "host.json").write_text(broken[:900_000])
    done = check(root)
    assert done.returncode == 1
    lines = [ln for ln in done.stdout.splitlines() if " AZF100 " in ln]
    assert len(lines) == MAX_ERRORS + 1  # before: 120,002 lines in 11 s
    assert f"more than {MAX_ERRORS} errors in this file" in lines[-1]
    assert all("host.json:1:" in ln for ln in lines)


def test_the_json_error_cap_keeps_what_came_before() -> None:
    text = '{"a": [' + ", ".join(["1 2"] * (MAX_ERRORS + 50)) + "]}"
    doc = parse_json(text)
    assert len(doc.errors) == MAX_ERRORS + 1
    few = parse_json('{"a": [' + ", ".join(["1 2"] * 5) + "]}")
    assert len(few.errors) == 5 and all("more than" not in e.message for e in few.errors)


SURROGATE_APP = """

@app.route(route=b'bytes/route')
def bytes_route(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("x")


@app.route(route="sur\\ud800/x", methods=["G\\udc00ET"])
def surrogate(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("x")


@app.schedule(schedule="\\ud800 * * * * *", arg_name="t")
def timer_s(t: func.TimerRequest) -> None:
    pass


@app.route(route="r", methods=[HUGE])
def big_int(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("x")
"""


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_surrogates_huge_integers_and_bytes_routes_in_every_format(
    tmp_path: Path, fmt: str
) -> None:
    root = copy_app(tmp_path)
    script = root / "function_app.py"
    script.write_text(script.read_text() + SURROGATE_APP.replace("HUGE", "9" * 5000))
    (root / "host.json").write_text(
        '{"version": "2.0", "functionTimeout": 1' + "0" * 5000 + ', "x": "\\ud800"}'
    )
    done = check(root, "--format", fmt)  # the output decodes as strict UTF-8
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    if fmt in ("json", "sarif"):
        json.loads(done.stdout)
    assert "AZF505" in done.stdout  # 'G\udc00ET' is no HTTP method
    assert "\\udc00" in done.stdout
    assert "AZF406" in done.stdout  # the 5,000-digit functionTimeout


def test_an_internal_crash_exits_2_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import funcls.commands.check as check_command

    def crash(paths: object, **options: object) -> object:
        raise RuntimeError("a bug in model loading")

    monkeypatch.setattr(check_command, "load_apps", crash)
    assert main(["check", str(copy_app(tmp_path))]) == 2
    err = capsys.readouterr().err
    assert "RuntimeError: a bug in model loading" in err
    assert "funcls: internal error" in err
