"""Stand-in for the Python worker's `tests/utils/testutils.py`: the same names its
`WebHostTestCase` suites use, with the host start replaced by `funcls run APP --port PORT`.

`scripts/worker_suites/run.py` copies this file over the worker's own testutils in a scratch
copy of its `tests/` tree. What the worker's harness does and this one keeps: one host per test
class (setUpClass), requests to `/api/<name>` with `code=testFunctionKey`, and for every
`test_X` with a `check_log_X`, the host's output of that test (timestamps cut off, one line per
item) handed to `check_log_X(host_out=...)`. Written from the harness's behaviour, not copied.
"""

from __future__ import annotations

import functools
import json
import os
import pathlib
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import typing
import unittest

import requests

TESTS_ROOT = pathlib.Path(__file__).resolve().parents[1]
PROJECT_ROOT = TESTS_ROOT.parent
E2E_TESTS_FOLDER = pathlib.Path("endtoend")
E2E_TESTS_ROOT = TESTS_ROOT / E2E_TESTS_FOLDER
UNIT_TESTS_FOLDER = pathlib.Path("unittests")
UNIT_TESTS_ROOT = TESTS_ROOT / UNIT_TESTS_FOLDER
EXTENSION_TESTS_FOLDER = pathlib.Path("extension_tests")
LOCALHOST = "127.0.0.1"
START_TIMEOUT = 60.0
HOST_JSON = '{"version": "2.0", "logging": {"logLevel": {"default": "Trace"}}}\n'
_TIMESTAMP = re.compile(r"^\[\d+(/|-)\d+(/|-)\d+T*\d+:\d+:\d+.*?(A|P)*M*\]")


def remove_path(path: typing.Any) -> None:
    path = pathlib.Path(path)
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)


def retryable_test(number_of_retries: int, interval_sec: int, expected_exception=Exception):
    def decorate(func):
        @functools.wraps(func)
        def call(*args, **kwargs):
            left = number_of_retries
            while True:
                try:
                    return func(*args, **kwargs)
                except expected_exception:
                    left -= 1
                    if left <= 0:
                        raise
                time.sleep(interval_sec)

        return call

    return decorate


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((LOCALHOST, 0))
        return s.getsockname()[1]


class _WebHostProxy:
    def __init__(self, proc: subprocess.Popen, addr: str) -> None:
        self._proc = proc
        self._addr = addr

    def is_healthy(self) -> bool:
        return 200 <= self.request("GET", "", no_prefix=True).status_code < 300

    def request(self, meth: str, funcname: str, *args, **kwargs):
        params = dict(kwargs.pop("params", {}))
        no_prefix = kwargs.pop("no_prefix", False)
        params.setdefault("code", "testFunctionKey")
        kwargs.setdefault("timeout", 60)
        url = self._addr + ("/" if no_prefix else "/api/") + funcname
        return getattr(requests, meth.lower())(url, *args, params=params, **kwargs)

    def close(self) -> None:
        self._proc.terminate()
        try:
            self._proc.wait(20)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait(5)


def start_webhost(*, script_dir=None, stdout=None, env=None) -> _WebHostProxy:
    """`funcls run` on the app: the interpreter running the tests runs it too."""
    root = TESTS_ROOT / script_dir
    if not (root / "host.json").is_file():
        (root / "host.json").write_text(HOST_JSON)
    port = _free_port()
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    command = [sys.executable, "-m", "funcls", "run", str(root), "--port", str(port)]
    command.append("--no-reload")
    proc = subprocess.Popen(
        command, stdout=stdout or subprocess.DEVNULL, stderr=subprocess.STDOUT, env=full_env
    )
    addr = f"http://{LOCALHOST}:{port}"
    deadline = time.monotonic() + START_TIMEOUT
    state = root / ".funcls" / "run.json"
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if json.loads(state.read_text("utf-8")).get("pid") == proc.pid:
                break
        except (OSError, ValueError):
            pass
        time.sleep(0.05)
    time.sleep(0.5)  # the app processes finish loading
    return _WebHostProxy(proc, addr)


class WebHostTestCaseMeta(type(unittest.TestCase)):
    def __new__(mcls, name, bases, dct):
        for attrname, attr in list(dct.items()):
            if not (attrname.startswith("test_") and callable(attr)):
                continue
            check = dct.get(attrname.replace("test_", "check_log_", 1))

            @functools.wraps(attr)
            def wrapper(self, *args, __meth__=attr, __check__=check, **kwargs):
                result = self._run_test(__meth__, *args, **kwargs)
                if callable(__check__):
                    lines = getattr(self, "host_out", "").splitlines()
                    output = [_TIMESTAMP.sub("", line).strip() for line in lines]
                    self._run_test(__check__, host_out=output)
                return result

            dct[attrname] = wrapper
        return super().__new__(mcls, name, bases, dct)


class WebHostTestCase(unittest.TestCase, metaclass=WebHostTestCaseMeta):
    env_variables: typing.ClassVar[dict] = {}

    @classmethod
    def get_script_dir(cls):
        raise NotImplementedError

    @classmethod
    def get_libraries_to_install(cls):
        return None

    @classmethod
    def get_environment_variables(cls):
        return None

    @classmethod
    def docker_tests_enabled(cls):
        return False, None

    @classmethod
    def setUpClass(cls):
        # The host appends to its own handle (O_APPEND); the tests read through another, so
        # seeking to a test's start never moves where the host writes.
        handle, cls.host_log = tempfile.mkstemp(suffix="-funcls-run.log")
        os.close(handle)
        cls.host_writer = open(cls.host_log, "ab")  # noqa: SIM115 (closed in tearDownClass)
        cls.host_stdout = open(cls.host_log, encoding="utf-8", errors="replace")  # noqa: SIM115
        env = cls.get_environment_variables() or {}
        cls.webhost = start_webhost(
            script_dir=pathlib.Path(cls.get_script_dir()), stdout=cls.host_writer, env=env
        )

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "webhost", None) is not None:
            cls.webhost.close()
            cls.webhost = None
        for name in ("host_writer", "host_stdout"):
            handle = getattr(cls, name, None)
            if handle is not None:
                handle.close()
                setattr(cls, name, None)

    def _run_test(self, test, *args, **kwargs):
        self.host_stdout.seek(0, os.SEEK_END)
        start = self.host_stdout.tell()
        try:
            return test(self, *args, **kwargs)
        finally:
            time.sleep(0.06)  # the runner writes its console lines within 50 ms
            self.host_stdout.seek(start)
            self.host_out = self.host_stdout.read()
