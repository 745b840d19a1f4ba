"""`context.trace_context` as the host fills it: an incoming W3C traceparent is continued
(same trace id, a new span id, its flags), tracestate is passed on, and the attributes the
host adds under APPLICATIONINSIGHTS_ENABLE_AGENT. Against a real `funcls run` on loopback,
plus the header parsing as a pure function."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from funcls.runner.trace_context import invocation_trace, parse_traceparent
from tests.runner.runner_process import RunningApp

APP = """
import json
import os

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="trace")
def trace(req: func.HttpRequest, context: func.Context) -> str:
    t = context.trace_context
    return json.dumps(
        {"parent": t.trace_parent, "state": t.trace_state, "attributes": t.attributes,
         "pid": os.getpid()}
    )
"""

PARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
SHAPE = re.compile(r"00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})")


def make_app(tmp_path: Path, values: dict[str, str]) -> Path:
    app = tmp_path / "app"
    app.mkdir()
    (app / "host.json").write_text('{"version": "2.0"}')
    (app / "function_app.py").write_text(APP)
    (app / "local.settings.json").write_text(json.dumps({"Values": values}))
    return app


@pytest.mark.slow
def test_incoming_traceparent_is_continued(
    tmp_path: Path, run_app: Callable[..., RunningApp]
) -> None:
    running = run_app(make_app(tmp_path, {}), "--no-reload")
    continued = running.get(
        "/api/trace", headers={"traceparent": PARENT, "tracestate": "congo=t61rcWkgMzE"}
    ).json()
    match = SHAPE.fullmatch(continued["parent"])
    assert match is not None
    assert match.group(1) == "0af7651916cd43dd8448eb211c80319c"  # the same trace
    assert match.group(2) != "b7ad6b7169203331"  # a span of its own
    assert match.group(3) == "01"
    assert continued["state"] == "congo=t61rcWkgMzE"
    assert continued["attributes"] == {}

    unsampled = running.get("/api/trace", headers={"traceparent": PARENT[:-2] + "00"}).json()
    assert unsampled["parent"].endswith("-00")
    assert unsampled["state"] == ""

    fresh = [running.get("/api/trace").json()["parent"] for _ in range(2)]
    fresh.append(running.get("/api/trace", headers={"traceparent": "garbage"}).json()["parent"])
    trace_ids = {SHAPE.fullmatch(p).group(1) for p in fresh}  # type: ignore[union-attr]
    assert len(trace_ids) == 3 and "0af7651916cd43dd8448eb211c80319c" not in trace_ids


@pytest.mark.slow
def test_attributes_with_the_application_insights_agent(
    tmp_path: Path, run_app: Callable[..., RunningApp]
) -> None:
    running = run_app(
        make_app(tmp_path, {"APPLICATIONINSIGHTS_ENABLE_AGENT": "true"}), "--no-reload"
    )
    answer = running.get("/api/trace").json()
    attributes = answer["attributes"]
    assert set(attributes) == {"HostInstanceId", "ProcessId", "OperationName", "Category"}
    assert attributes["ProcessId"] == str(answer["pid"])  # the app process, as the worker's
    assert attributes["OperationName"] == "trace"
    assert attributes["Category"] == "Function.trace.User"
    assert re.fullmatch(r"[0-9a-f]{32}", attributes["HostInstanceId"])
    again = running.get("/api/trace").json()["attributes"]
    assert again["HostInstanceId"] == attributes["HostInstanceId"]  # one per host


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (PARENT, ("0af7651916cd43dd8448eb211c80319c", "01")),
        (PARENT.upper(), ("0af7651916cd43dd8448eb211c80319c", "01")),
        ("01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00-extra", None),
        ("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra", None),
        ("ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", None),
        ("00-00000000000000000000000000000000-b7ad6b7169203331-01", None),
        ("00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01", None),
        ("00-0af7651916cd43dd8448eb211c80319-b7ad6b7169203331-01", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_traceparent(header: str | None, expected: tuple[str, str] | None) -> None:
    if header and header.startswith("01-") and expected is None:
        # A future version may carry more fields: its first four are still read.
        assert parse_traceparent(header) == ("0af7651916cd43dd8448eb211c80319c", "00")
        return
    assert parse_traceparent(header) == expected


def test_tracestate_without_a_valid_traceparent_is_dropped() -> None:
    trace = invocation_trace("f", {}, {"tracestate": "a=b", "traceparent": "nonsense"})
    assert trace["tracestate"] == ""
    assert trace["attributes"] == {}
    assert SHAPE.fullmatch(trace["traceparent"])
