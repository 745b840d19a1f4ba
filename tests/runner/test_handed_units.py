"""The pieces an app process serving a handed connection uses per request (worker/handed.py),
each against the slower form it replaces: the request object the library's converter makes
from the wire form, the per-line header parser, and the response of a plain returned value.
"""

from __future__ import annotations

import io
import random
import re
import time
from typing import Any

import azure.functions as func
import pytest

from funcls.runner.http_bytes import http_response, plain_http, plain_response
from funcls.runner.logs import Console
from funcls.runner.messages import Invoke
from funcls.runner.worker.handed import header_fields
from funcls.runner.worker.invoke import builds_http_request, http_request, prepare
from funcls.runner.worker.loader import FunctionInfo, describe_function

TRIGGER = {"type": "httpTrigger", "direction": "in", "name": "req", "authLevel": "anonymous"}
RETURN = {"type": "http", "direction": "out", "name": "$return"}


def typed(req: func.HttpRequest) -> str:
    return "typed"


def untyped(req):  # type: ignore[no-untyped-def]
    return "untyped"


def text(req: str) -> str:
    return req


def info_of(function: Any) -> FunctionInfo:
    return describe_function(function.__name__, function, "/d", "/d/f.py", [TRIGGER, RETURN])


REQUESTS: list[dict[str, Any]] = [
    {
        "method": "GET",
        "url": "http://127.0.0.1:7071/api/hello",
        "headers": {"host": "127.0.0.1:7071"},
        "query": {},
        "params": {},
        "body": b"",
    },
    {
        "method": "POST",
        "url": "http://localhost/api/items/7?a=1&a=2&b=%C3%A9",
        "headers": {
            "host": "localhost",
            "content-type": "application/json",
            "x-many": "1, 2",
            "cookie": "a=b; c=d",
        },
        "query": {"a": "1,2", "b": "é"},
        "params": {"id": "7"},
        "body": b'{"name": "x\\u00e9"}',
    },
    {
        "method": "PUT",
        "url": "http://h/api/form",
        "headers": {"content-type": "application/x-www-form-urlencoded", "x-latin": "caf\xe9"},
        "query": {"empty": ""},
        "params": {"rest": "a/b/c"},
        "body": b"k=v&k2=%20",
    },
]


def state(request: Any) -> dict[str, Any]:
    """Everything the object holds, and what a function reads of it."""
    return {
        "type": type(request),
        "vars": {name: value for name, value in vars(request).items()},
        "method": request.method,
        "url": request.url,
        "headers": dict(request.headers),
        "params": dict(request.params),
        "route_params": dict(request.route_params),
        "body": request.get_body(),
    }


@pytest.mark.parametrize("number", range(len(REQUESTS)))
@pytest.mark.parametrize("function", [typed, untyped])
def test_the_direct_request_is_the_converters_object(function: Any, number: int) -> None:
    info = info_of(function)
    assert builds_http_request(info)
    wire = REQUESTS[number]
    trigger = ("http", {**wire, "body": ("bytes", wire["body"])})
    message = Invoke("id", info.name, {"req": trigger}, {}, {}, {"count": 0, "max": 0})
    through_converter = prepare(info, message)[0]["req"]
    direct = http_request(
        wire["method"],
        wire["url"],
        dict(wire["headers"]),
        dict(wire["query"]),
        wire["params"],
        wire["body"],
    )
    assert isinstance(direct, func.HttpRequest)
    assert state(direct) == state(through_converter)
    if wire["headers"].get("content-type") == "application/json":
        assert direct.get_json() == through_converter.get_json() == {"name": "xé"}
    if "form" in wire["url"]:
        assert dict(direct.form) == dict(through_converter.form) == {"k": "v", "k2": " "}


def test_a_str_parameter_keeps_the_generic_binding() -> None:
    assert not builds_http_request(info_of(text))


# -- headers ------------------------------------------------------------------------------------

_NAME = re.compile(rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_BAD_VALUE = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")


def per_line(block: bytes) -> dict[str, str] | None:
    """The parser header_fields replaced: each line checked and decoded on its own."""
    headers: dict[str, str] = {}
    for line in block[:-2].split(b"\r\n") if block else []:
        raw_name, colon, raw_value = line.partition(b":")
        if not colon or not _NAME.fullmatch(raw_name):
            return None
        raw_value = raw_value.strip(b" \t")
        if _BAD_VALUE.search(raw_value):
            return None
        name = raw_name.decode("latin-1").lower()
        value = raw_value.decode("latin-1")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


LINES = [
    b"Host: 127.0.0.1:7071",
    b"host:x",
    b"X-Tab:\tvalue\t",
    b"X-Spaces:   a b   ",
    b"X-Empty:",
    b"X-Colons: a:b:c",
    b"X-Latin: caf\xe9 \xff",
    b"Accept: */*",
    b"X-Weird-Token!#$%&'*+.^_`|~: 1",
    b"X-Nul: a\x00b",
    b"X-Cr: a\rb",
    b"X-Lf: a\nb",
    b"X-Del: a\x7fb",
    b"X-Esc: \x1b",
    b" Folded: x",
    b"No colon here",
    b": no name",
    b"Bad Name: x",
    b"Bad(name): x",
    b"Caf\xe9: x",
]


def test_header_fields_answer_as_the_per_line_parser() -> None:
    picker = random.Random(16)
    blocks = [b"", b"\r\n"] + [line + b"\r\n" for line in LINES]
    for _ in range(3000):
        lines = picker.choices(LINES, k=picker.randint(1, 6))
        blocks.append(b"".join(line + b"\r\n" for line in lines))
    refused = 0
    for block in blocks:
        expected = per_line(block)
        assert header_fields(block) == expected, block
        refused += expected is None
    assert 0 < refused < len(blocks)  # both kinds were tried


# -- responses ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        ("string", "Hello, world"),
        ("string", "é ✓"),
        ("bytes", b"\x00\xff"),
        ("json", '{"a": 1}'),
        ("int", 42),
        ("double", 1.5),
        (None, None),
        ("string", ""),
    ],
)
def test_a_plain_value_answers_as_before(value: tuple[Any, Any]) -> None:
    assert plain_response(value) == http_response(plain_http(value))


def test_the_console_does_not_keep_every_invocation_name() -> None:
    """Each Executing line records the invocation's name (for tagged logs that come after);
    under load millions of invocations pass through the runner's console."""
    console = Console(io.StringIO(), quiet=True)
    for number in range(25_000):
        invocation_id = f"id-{number}"
        console.started("hello", invocation_id, "This function was programmatically called")
        console.finished("hello", invocation_id, True, 0.001)
    assert 0 < len(console.names) <= 10_000
    assert console.names["id-24999"] == "hello"  # the latest are kept


def test_replayed_events_print_as_started_and_finished(monkeypatch: pytest.MonkeyPatch) -> None:
    """The runner prints a batch of invocations an app process served itself
    (messages.Served) with Console.replay: the same text, in the same order, as the calls it
    replaces, failure details and notes included; the names kept for tagged logs alike."""
    reason = "This function was programmatically called via the host APIs."
    monkeypatch.setattr(time, "time", lambda: 1_780_000_000.5)  # the moment of `say` lines
    events: list[tuple[Any, ...]] = []
    for number in range(40):
        invocation_id = f"{number:08d}-0000-4000-8000-000000000000"
        moment = 1_780_000_000.0 + number * 0.0137
        events.append(("s", invocation_id, "hello", moment))
        detail = "Result: Failure\nException: ValueError: no" if number % 7 == 3 else ""
        note = "function 'hello' returned a response funcls cannot send" if number % 9 == 4 else ""
        events.append(
            ("f", invocation_id, "hello", not detail, number / 1000, detail, moment, note)
        )
    for tag_logs in (False, True):
        replayed, called = io.StringIO(), io.StringIO()
        by_replay = Console(replayed, tag_logs=tag_logs)
        by_calls = Console(called, tag_logs=tag_logs)
        by_replay.replay(events, reason)
        for event in events:
            if event[0] == "s":
                by_calls.started(event[2], event[1], reason, event[3])
            else:
                _, invocation_id, name, ok, duration, detail, moment, note = event
                by_calls.finished(name, invocation_id, ok, duration, detail, moment)
                if note:
                    by_calls.say(note)
        by_replay._flush()
        by_calls._flush()
        assert replayed.getvalue() == called.getvalue()
        assert replayed.getvalue().count("Executing 'Functions.hello'") == 40
        assert "Exception: ValueError: no" in replayed.getvalue()
        assert by_replay.names == by_calls.names
