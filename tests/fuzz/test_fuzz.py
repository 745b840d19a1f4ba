"""Bounded fuzzing (issue 17): generated and mutated function.json, host.json,
local.settings.json and function_app.py through the indexer (``load_app``), the rule engine
(``check_app`` with ``raise_errors=True``, as ``funcls check`` runs it) and the CLI, and the
NCRONTAB, TimeSpan and route parsers on generated text. No exception may escape; every
problem is a finding with a location inside the file, and a parser's error has offsets
inside its input.

Deterministic in CI: ``derandomize=True`` and a small ``max_examples``. ``scripts/fuzz``
runs the same properties longer and randomised (``FUNCLS_FUZZ_EXAMPLES``,
``FUNCLS_FUZZ_RANDOM=1``)."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from funcls.checks import CheckConfig, check_app
from funcls.cli import main
from funcls.model.loader import load_app
from funcls.model.parsers.errors import ParseError
from funcls.model.parsers.ncrontab import parse_schedule
from funcls.model.parsers.routes import parse_route
from funcls.model.parsers.timespan import parse_function_timeout, parse_timespan
from funcls.model.source import Source

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
EXAMPLES = int(os.environ.get("FUNCLS_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=os.environ.get("FUNCLS_FUZZ_RANDOM") != "1",
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# (app, file inside it) whose mutations are checked.
TARGETS = [
    ("v1-app", "get_product/function.json"),
    ("v1-app", "heartbeat/function.json"),
    ("v1-app", "host.json"),
    ("v1-app", "local.settings.json"),
    ("v2-app", "function_app.py"),
    ("v2-app", "orders_bp.py"),  # a blueprint the script registers
    ("v2-app", "host.json"),
    ("v2-app", "local.settings.json"),
]

SPECIAL = [
    b"\x00",
    b"\xff\xfe",  # invalid UTF-8 (and a UTF-16 byte-order mark)
    b"\xed\xa0\x80",  # an encoded lone surrogate
    b"\xef\xbb\xbf",  # a UTF-8 byte-order mark in the middle
    b"\r",
    b"\r\n",
    "²٣۴".encode(),  # Unicode digits
    "\u00a0\u2003\u3000\u2028".encode(),  # Unicode white space and a line separator
    b"[" * 3000,
    b"{" * 3000,
    b'"' + b"a" * 200_000 + b'"',
    b"9" * 5000,
    b"1e999",
    b"\\ud800",
    b"%SETTING%",
    b"b'route'",
]


@contextlib.contextmanager
def _apps() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="funcls-fuzz-") as tmp:
        root = Path(tmp)
        for name in ("v1-app", "v2-app"):
            shutil.copytree(SAMPLES / name, root / name)
        yield root


@pytest.fixture(scope="module")
def apps() -> Iterator[Path]:
    with _apps() as root:
        yield root


def check_bytes(root: Path, app: str, rel: str, data: bytes) -> None:
    """Write ``data`` as ``rel`` of ``app``, index and check it; the properties hold."""
    path = root / app / rel
    original = (SAMPLES / app / rel).read_bytes()
    path.write_bytes(data)
    try:
        lines = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n") + 1
        findings = check_app(load_app(str(root / app), Source()), CheckConfig(), raise_errors=True)
        for f in findings:
            assert f.message.strip(), f
            start, end = f.range
            assert 0 <= start.line <= end.line, f
            assert start.column >= 0 and end.column >= 0, f
            if f.path == str(path):
                assert end.line <= lines + 1, (f, lines)
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            # Nothing is lost without a word: a file that cannot be read is a finding on it.
            assert any(f.path == str(path) for f in findings), [f.message for f in findings]
    finally:
        path.write_bytes(original)


def mutate(data: bytes, kind: int, at: int, extra: int) -> bytes:
    at %= len(data) + 1
    if kind == 0:
        return data[:at]  # truncated
    if kind == 1 and data:
        i = at % len(data)
        return data[:i] + bytes([data[i] ^ (1 << (extra % 8))]) + data[i + 1 :]
    if kind == 2:
        return data[:at] + SPECIAL[extra % len(SPECIAL)] + data[at:]
    if kind == 3:
        return data.replace(b"\n", b"\r")  # CR-only
    if kind == 4:
        return data.replace(b"\n", b"\r\n")
    if kind == 5:
        return b"\xef\xbb\xbf" + data
    return data[:at] + data[at:][::-1]  # a reversed tail


@FUZZ
@given(
    target=st.sampled_from(TARGETS),
    steps=st.lists(
        st.tuples(st.integers(0, 6), st.integers(0, 10**6), st.integers(0, 255)),
        min_size=1,
        max_size=3,
    ),
)
def test_mutated_files_check_without_crash(
    apps: Path, target: tuple[str, str], steps: list[tuple[int, int, int]]
) -> None:
    app, rel = target
    data = (SAMPLES / app / rel).read_bytes()
    for kind, at, extra in steps:
        data = mutate(data, kind, at, extra)
    check_bytes(apps, app, rel, data)


JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(
        ["00:0²:00", "٠٠:٠٥:٠٠", "-1", "1e999", "0 */5 * * * *", "%X%", "api/{id:int}"]
    ),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)
KEYS = {
    "function.json": ["scriptFile", "entryPoint", "bindings", "disabled", "retry"],
    "host.json": ["version", "functionTimeout", "extensions", "extensionBundle", "logging"],
    "local.settings.json": ["IsEncrypted", "Values", "Host", "ConnectionStrings"],
}
BINDING_KEYS = [
    "type",
    "direction",
    "name",
    "route",
    "methods",
    "schedule",
    "authLevel",
    "queueName",
    "connection",
    "path",
    "dataType",
    "cardinality",
]


def _json_text(value: object) -> bytes:
    import json

    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


@FUZZ
@given(
    target=st.sampled_from([t for t in TARGETS if t[1].endswith(".json")]),
    top=st.dictionaries(
        st.sampled_from([k for keys in KEYS.values() for k in keys]), JSON_VALUES, max_size=5
    ),
    bindings=st.lists(
        st.dictionaries(st.sampled_from(BINDING_KEYS), JSON_VALUES, max_size=8), max_size=3
    ),
)
def test_generated_json_checks_without_crash(
    apps: Path, target: tuple[str, str], top: dict[str, object], bindings: list[object]
) -> None:
    app, rel = target
    if rel.endswith("function.json") and "bindings" not in top:
        top["bindings"] = bindings
    if rel.endswith("local.settings.json") and bindings:
        top["Values"] = {f"K{i}": b for i, b in enumerate(bindings)}
    check_bytes(apps, app, rel, _json_text(top))


PY_PIECES = [
    '@app.route(route="{r}")\n',
    '@app.schedule(schedule="{r}", arg_name="t")\n',
    '@app.queue_trigger(arg_name="m", queue_name="{r}", connection="{r}")\n',
    "def f{n}(req: func.HttpRequest) -> func.HttpResponse:\n    return req\n",
    "x = {r!r}\n",
    "async def g{n}(m):\n    pass\n",
    "app = func.FunctionApp()\n",
    "import azure.functions as func\n",
    "@app.function_name(name={r!r})\n",
    "\tif True:\n",
    "x = " + "(" * 60 + "1" + ")" * 60 + "\n",
    "y = f'{{{r!r}}}'\n",
]


@FUZZ
@given(pieces=st.lists(st.tuples(st.sampled_from(PY_PIECES), st.text(max_size=20)), max_size=12))
def test_generated_python_checks_without_crash(apps: Path, pieces: list[tuple[str, str]]) -> None:
    text = "".join(p.format(r=r, n=i) for i, (p, r) in enumerate(pieces))
    check_bytes(apps, "v2-app", "function_app.py", text.encode("utf-8", "surrogatepass"))


@pytest.mark.parametrize("app,rel", [t for t in TARGETS if t[1].endswith(".json")])
def test_every_truncation_of_the_json_samples(apps: Path, app: str, rel: str) -> None:
    data = (SAMPLES / app / rel).read_bytes()
    for at in range(len(data) + 1):
        check_bytes(apps, app, rel, data[:at])


def test_every_truncation_of_the_v2_script_by_line(apps: Path) -> None:
    data = (SAMPLES / "v2-app" / "function_app.py").read_bytes()
    cuts = [i for i, b in enumerate(data) if b == ord("\n")] + [len(data)]
    for at in cuts:
        for cut in (at, max(0, at - 3)):  # at each line end and inside the line's end
            check_bytes(apps, "v2-app", "function_app.py", data[:cut])


@settings(FUZZ, max_examples=max(5, EXAMPLES // 6))
@given(
    target=st.sampled_from(TARGETS),
    kind=st.integers(0, 6),
    at=st.integers(0, 10**6),
    extra=st.integers(0, 255),
    fmt=st.sampled_from(["text", "json", "sarif", "github"]),
)
def test_cli_check_exits_0_or_1(
    apps: Path, target: tuple[str, str], kind: int, at: int, extra: int, fmt: str
) -> None:
    app, rel = target
    path = apps / app / rel
    original = path.read_bytes()
    path.write_bytes(mutate(original, kind, at, extra))
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["check", "--format", fmt, str(apps / app)])
    finally:
        path.write_bytes(original)
    assert code in (0, 1), (code, err.getvalue()[-2000:])
    out.getvalue().encode("utf-8")  # printable: no lone surrogate left in the output


# -- the parsers ---------------------------------------------------------------------------
CRON_ALPHABET = st.sampled_from([*"0123456789*/,-? LW#%", "MON", "jan", "²", "٣", "\u2003"])
TIMESPAN_ALPHABET = st.sampled_from([*"0123456789:.-+ ", "²", "٣", "\u00a0", "e"])
ROUTE_ALPHABET = st.sampled_from(
    [*"ab/{}:?*=()~.%", "int", "min(1)", "regex(^a$)", "{{", "}}", "²", "\x00", "\ud800"]
)


def _text(alphabet: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.lists(alphabet, max_size=30).map("".join), st.text(max_size=30))


def _error_in_bounds(error: ParseError, text: str) -> None:
    assert error.message.strip()
    assert 0 <= error.start <= error.end <= len(text), (error.start, error.end, len(text))


@FUZZ
@given(text=_text(CRON_ALPHABET), five=st.booleans())
def test_ncrontab_parser(text: str, five: bool) -> None:
    try:
        parse_schedule(text, allow_five_fields=five)
    except ParseError as error:
        _error_in_bounds(error, text)


@FUZZ
@given(text=_text(TIMESPAN_ALPHABET))
def test_timespan_parser(text: str) -> None:
    try:
        parse_timespan(text)
    except ParseError as error:
        _error_in_bounds(error, text)
    try:
        parse_function_timeout(text)
    except ParseError as error:
        _error_in_bounds(error, text)


@FUZZ
@given(text=_text(ROUTE_ALPHABET), prefix=st.sampled_from(["api", "", "x/y"]))
def test_route_parser(text: str, prefix: str) -> None:
    try:
        parse_route(text, route_prefix=prefix)
    except ParseError as error:
        _error_in_bounds(error, text)


# -- every crash found so far, kept --------------------------------------------------------
FOUND = [
    # parse_timespan read Unicode digits as numbers: int("²") raised ValueError, and "0²"
    # made two numbers without a separator (zip(strict=True) raised).
    (parse_timespan, "²"),
    (parse_timespan, "0²"),
    (parse_timespan, "00:0²:00"),
    (parse_timespan, "٠٠:٠٥:٠٠"),
    (parse_function_timeout, "00:0²:00"),
    (lambda t: parse_schedule(t), "²"),
    (lambda t: parse_schedule(t), "0²"),
]


def test_an_unreadable_blueprint_is_a_finding(apps: Path) -> None:
    # Found by the property above: orders_bp.py with a byte that is not UTF-8 lost its
    # functions without a finding (the worker fails to import the script).
    data = (SAMPLES / "v2-app" / "orders_bp.py").read_bytes()
    check_bytes(apps, "v2-app", "orders_bp.py", data[:40] + b"\xff" + data[40:])


@pytest.mark.parametrize("parse,text", FOUND)
def test_crashes_found_by_fuzzing_stay_fixed(parse: object, text: str) -> None:
    assert callable(parse)
    with pytest.raises(ParseError) as error:
        parse(text)
    _error_in_bounds(error.value, text)
