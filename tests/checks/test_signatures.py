"""AZF200–AZF205: parameters and annotations against bindings."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest

from funcls.checks.config import resolve_config
from funcls.checks.engine import IncrementalCheck, check_app
from funcls.model.loader import load_app
from funcls.model.source import Source
from tests.checks.support import check, codes, fixed_clean, one, only, text_at, v1, v2

HTTP = [
    {"name": "req", "type": "httpTrigger", "direction": "in", "authLevel": "anonymous"},
    {"name": "$return", "type": "http", "direction": "out"},
]
QUEUE_OUT = {"name": "msg", "type": "queue", "direction": "out", "queueName": "outbox"}


def fjson(*extra: dict[str, object]) -> str:
    return json.dumps({"bindings": [*HTTP, *extra]}, indent=2) + "\n"


SCRIPT = (
    "import azure.functions as func\n\n\n"
    "def main(req: func.HttpRequest, outmsg: func.Out[str]) -> func.HttpResponse:\n"
    '    outmsg.set("hi")\n    return func.HttpResponse("ok")\n'
)


def test_azf200_and_azf201_mismatch_message_related_and_rename_fix(tmp_path: Path) -> None:
    v1(tmp_path, "hello", fjson(QUEUE_OUT), SCRIPT)
    found = check(tmp_path)
    assert sorted(codes(found)) == ["AZF200", "AZF201"]
    b, p = one(found, "AZF200"), one(found, "AZF201")
    assert b.message == (
        "binding 'msg' has no parameter in main(req, outmsg); rename the binding or add a "
        "parameter 'msg'"
    )
    assert text_at(b) == '"msg"'
    assert [r.message for r in b.related] == ["the function 'hello'", "parameter 'outmsg'"]
    assert p.message.startswith("parameter 'outmsg' of main(req, outmsg) has no binding")
    assert text_at(p) == "outmsg"
    assert [r.message for r in p.related] == ["binding 'msg'"]
    assert [x.title for x in b.fixes] == [
        "Rename binding 'msg' to 'outmsg'",
        "Add parameter 'msg'",
    ]
    assert fixed_clean(tmp_path, b) == []


def test_azf200_add_parameter_fix_with_annotation(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.route(route="hello")\n'
        '@app.queue_output(arg_name="msg", queue_name="out", connection="AzureWebJobsStorage")\n'
        "def hello(req: func.HttpRequest) -> func.HttpResponse:\n"
        '    return func.HttpResponse("hi")\n',
    )
    f = one(check(tmp_path), "AZF200")
    assert text_at(f) == '"msg"'
    assert [x.title for x in f.fixes] == ["Add parameter 'msg'"]
    assert fixed_clean(tmp_path, f) == []
    assert (
        "def hello(req: func.HttpRequest, msg: func.Out[str])"
        in (tmp_path / "function_app.py").read_text()
    )


def test_azf200_add_parameter_for_a_blob_output_writes_a_string(tmp_path: Path) -> None:
    """The worker takes func.Out[func.InputStream] for a blob output, but a function has no
    stream to write: the parameter added is func.Out[str] (found in Neovim, where v1
    parameter completion offered the InputStream one too)."""
    v2(
        tmp_path,
        '@app.route(route="hello")\n'
        '@app.blob_output(arg_name="doc", path="out/x.txt", connection="AzureWebJobsStorage")\n'
        "def hello(req: func.HttpRequest) -> func.HttpResponse:\n"
        '    return func.HttpResponse("hi")\n',
    )
    f = one(check(tmp_path), "AZF200")
    assert fixed_clean(tmp_path, f) == []
    assert (
        "def hello(req: func.HttpRequest, doc: func.Out[str])"
        in (tmp_path / "function_app.py").read_text()
    )


def test_azf200_add_parameter_multiline_signature(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.route(route="hello")\n'
        '@app.queue_output(arg_name="msg", queue_name="out", connection="AzureWebJobsStorage")\n'
        "def hello(\n    req: func.HttpRequest,\n) -> func.HttpResponse:\n"
        '    return func.HttpResponse("hi")\n',
    )
    f = one(check(tmp_path), "AZF200")
    assert fixed_clean(tmp_path, f) == []
    assert (
        "    req: func.HttpRequest,\n    msg: func.Out[str],\n)"
        in (tmp_path / "function_app.py").read_text()
    )


def test_azf200_near_miss_return_and_mcp(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.route(route="hello")\n'
        "def hello(req: func.HttpRequest) -> func.HttpResponse:\n"
        '    return func.HttpResponse("hi")\n',
    )
    assert check(tmp_path) == []


def test_azf201_context_is_allowed_and_star_args_are_not(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.route(route="a")\n'
        "def a(req: func.HttpRequest, context: func.Context) -> func.HttpResponse:\n"
        '    return func.HttpResponse("a")\n\n\n'
        '@app.route(route="b")\n'
        "def b(req: func.HttpRequest, **kwargs) -> func.HttpResponse:\n"
        '    return func.HttpResponse("b")\n',
    )
    f = one(check(tmp_path), "AZF201")
    assert f.message.startswith("parameter '**kwargs' of b(req, kwargs) has no binding")
    assert f.fixes == []


DECORATED = (
    "import azure.functions as func\n\n\n"
    "def authorized(handler):\n"
    "    async def check(req):\n"
    '        return await handler(req, {"user": "me"})\n\n'
    "    return check\n\n\n"
    "@authorized\n"
    "async def main(req: func.HttpRequest, payload: dict) -> func.HttpResponse:\n"
    "    return func.HttpResponse(str(payload))\n"
)


def test_azf201_silent_on_a_decorated_v1_entry_point(tmp_path: Path) -> None:
    # v1 has no binding decorators: a decorator replaces main with what it returns, and the
    # worker checks that callable's signature (inspect.signature, azure_functions_worker/
    # functions.py). Here the wrapper takes req alone, so the function loads: no AZF201.
    v1(tmp_path, "verify", fjson(), DECORATED)
    assert only(check(tmp_path), "AZF201") == []
    # What the worker sees, from a real import of the script (the decorator runs, nothing else).
    namespace: dict[str, object] = {}
    exec(compile(DECORATED, "verify/__init__.py", "exec"), namespace)
    assert list(inspect.signature(namespace["main"]).parameters) == ["req"]  # type: ignore[arg-type]
    # Near miss: the same def undecorated is reported.
    (tmp_path / "verify" / "__init__.py").write_text(DECORATED.replace("@authorized\n", ""))
    assert one(check(tmp_path), "AZF201").message.startswith("parameter 'payload' of main(")


def test_azf201_on_a_v1_entry_point_under_a_wraps_decorator_of_the_script(tmp_path: Path) -> None:
    # functools.wraps gives the wrapper __wrapped__, which inspect.signature follows: the worker
    # sees main(req, payload) and refuses 'payload'. The script defines the decorator, so
    # funcls can tell, and still reports it.
    wrapped = DECORATED.replace(
        "import azure.functions as func\n", "import functools\n\nimport azure.functions as func\n"
    ).replace(
        "    async def check(req):", "    @functools.wraps(handler)\n    async def check(req):"
    )
    namespace: dict[str, object] = {}
    exec(compile(wrapped, "verify/__init__.py", "exec"), namespace)
    assert list(inspect.signature(namespace["main"]).parameters) == ["req", "payload"]  # type: ignore[arg-type]
    v1(tmp_path, "verify", fjson(), wrapped)
    assert one(check(tmp_path), "AZF201").message.startswith("parameter 'payload' of main(")


AUTH = (
    "import functools\n\n\n"
    "def authorized(handler):\n"
    "    @functools.wraps(handler)\n"
    "    async def check(req):\n"
    '        return await handler(req, {"user": "me"})\n\n'
    "    return check\n"
)
ENTRY = (
    "import azure.functions as func\n{imports}\n\n"
    "@{decorator}\n"
    "async def main(req: func.HttpRequest, payload: dict) -> func.HttpResponse:\n"
    "    return func.HttpResponse(str(payload))\n"
)


def worker_signature(root: Path, folder: str) -> list[str]:
    """The parameters of ``main`` as the worker sees them: the script imported as a module of
    an ``__app__`` namespace package over the app's folder, with the folder first on sys.path
    (azure_functions_worker/loader.py, install and load_function), in a child process."""
    code = (
        "import importlib, importlib.machinery, importlib.util, inspect, sys\n"
        "root = sys.argv[1]\nsys.path.insert(0, root)\n"
        "spec = importlib.machinery.ModuleSpec('__app__', None)\n"
        "spec.submodule_search_locations = [root]\n"
        "sys.modules['__app__'] = importlib.util.module_from_spec(spec)\n"
        "m = importlib.import_module('__app__.' + sys.argv[2])\n"
        "print(' '.join(inspect.signature(m.main).parameters))\n"
    )
    done = subprocess.run(
        [sys.executable, "-B", "-c", code, str(root), folder],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


@pytest.mark.parametrize(
    ("imports", "decorator", "shared"),
    [
        ("from ..shared.auth import authorized", "authorized", "shared/auth.py"),
        ("from shared.auth import authorized", "authorized", "shared/auth.py"),
        (
            "from __app__.shared.auth import authorized as auth_required",
            "auth_required",
            "shared/auth.py",
        ),
        ("from ..shared import auth", "auth.authorized", "shared/auth.py"),
        ("import shared.auth as auth", "auth.authorized", "shared/auth.py"),
        ("from .. import shared", "shared.authorized", "shared/__init__.py"),
    ],
)
def test_azf201_under_a_wraps_decorator_imported_from_the_app(
    tmp_path: Path, imports: str, decorator: str, shared: str
) -> None:
    # The decorator's module is read (never run): its wrapper is marked functools.wraps, so
    # inspect.signature follows __wrapped__ to main(req, payload), which the worker refuses.
    script = ENTRY.format(imports=imports, decorator=decorator)
    files = {shared: AUTH, "shared/__init__.py": ""} if shared != "shared/__init__.py" else {}
    v1(tmp_path, "verify", fjson(), script, **{**files, shared: AUTH})
    assert worker_signature(tmp_path, "verify") == ["req", "payload"]
    assert one(check(tmp_path), "AZF201").message.startswith("parameter 'payload' of main(")


def test_azf201_silent_under_an_imported_decorator_it_cannot_see_through(tmp_path: Path) -> None:
    # The same decorator without functools.wraps: the worker sees check(req), which loads.
    script = ENTRY.format(imports="from ..shared.auth import authorized", decorator="authorized")
    plain = AUTH.replace("    @functools.wraps(handler)\n", "")
    v1(tmp_path, "verify", fjson(), script, **{"shared/__init__.py": "", "shared/auth.py": plain})
    assert worker_signature(tmp_path, "verify") == ["req"]
    assert only(check(tmp_path), "AZF201") == []
    # A module funcls cannot find in the app (an installed package), a name the module does
    # not define, a decorator factory: unknown, silent.
    for imports, decorator in (
        ("from authlib_missing import authorized", "authorized"),
        ("from ..shared.auth import nowhere", "nowhere"),
        ("from ..shared.auth import authorized", "authorized()"),
    ):
        script = ENTRY.format(imports=imports, decorator=decorator)
        v1(tmp_path, "verify", fjson(), script, **{"shared/auth.py": AUTH})
        assert only(check(tmp_path), "AZF201") == [], imports


def test_azf201_inline_suppression(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.route(route="b")\n'
        "def b(req: func.HttpRequest, extra=None) -> func.HttpResponse:  # funcls: ignore[AZF201]\n"
        '    return func.HttpResponse("b")\n',
    )
    assert check(tmp_path) == []


def test_azf202_wrong_input_annotation_fix(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.route(route="hello")\n'
        "def hello(req: func.QueueMessage) -> func.HttpResponse:\n"
        '    return func.HttpResponse("hi")\n',
    )
    f = one(check(tmp_path), "AZF202")
    assert f.message == (
        "parameter 'req' is annotated func.QueueMessage, which an httpTrigger binding cannot "
        "provide; annotate it func.HttpRequest"
    )
    assert text_at(f) == "func.QueueMessage"
    assert fixed_clean(tmp_path, f) == []


def test_azf202_names_each_accepted_type_once(tmp_path: Path) -> None:
    # Corpus, eleventh round (Hazhzeng/python-durable-function): a v1 orchestrator's
    # `main(context: str)`; the message listed DurableOrchestrationContext twice (it is both a
    # library input type of orchestrationTrigger and a type the durable package wraps).
    v1(
        tmp_path,
        "Orchestrator",
        json.dumps(
            {
                "scriptFile": "__init__.py",
                "bindings": [
                    {"name": "context", "type": "orchestrationTrigger", "direction": "in"}
                ],
            }
        ),
        "def main(context: str):\n    return context\n",
        **{"requirements.txt": "azure-functions\nazure-functions-durable\n"},
    )
    f = one(check(tmp_path), "AZF202")
    assert f.message == (
        "parameter 'context' is annotated str, which an orchestrationTrigger binding cannot "
        "provide; annotate it one of func.OrchestrationContext, "
        "azure.durable_functions.DurableOrchestrationContext"
    )


def test_azf202_builtin_list_is_refused_typing_list_is_not(tmp_path: Path) -> None:
    trigger = (
        '@app.event_hub_message_trigger(arg_name="events", event_hub_name="hub", '
        'connection="AzureWebJobsStorage", cardinality="many")\n'
    )
    v2(tmp_path, trigger + "def batch(events: list[func.EventHubEvent]) -> None:\n    pass\n")
    f = one(check(tmp_path), "AZF202")
    assert f.message == (
        "parameter 'events' is annotated list[func.EventHubEvent], which the worker refuses at "
        "load time: it accepts typing.List[...] but not the built-in list[...]; annotate it "
        "typing.List[func.EventHubEvent]"
    )
    near = tmp_path / "near"
    v2(
        near,
        "import typing\n\n"
        + trigger
        + "def batch(events: typing.List[func.EventHubEvent]) -> None:\n    pass\n",
    )
    assert "AZF202" not in codes(check(near))


def test_azf202_out_type_the_binding_cannot_take(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.route(route="hello")\n'
        '@app.queue_output(arg_name="msg", queue_name="out", connection="AzureWebJobsStorage")\n'
        "def hello(req: func.HttpRequest, msg: func.Out[dict]) -> func.HttpResponse:\n"
        '    return func.HttpResponse("hi")\n',
    )
    f = one(check(tmp_path), "AZF202")
    assert f.message.startswith("a queue output cannot take dict")


def test_azf202_near_miss_str_bytes_sdk_and_own_types(tmp_path: Path) -> None:
    v2(
        tmp_path,
        "from azurefunctions.extensions.http.fastapi import Request\n\n\n"
        '@app.queue_trigger(arg_name="msg", queue_name="jobs", connection="AzureWebJobsStorage")\n'
        "def work(msg: str) -> None:\n    pass\n\n\n"
        '@app.route(route="stream")\n'
        "async def stream(req: Request) -> func.HttpResponse:\n"
        '    return func.HttpResponse("x")\n',
        **{"requirements.txt": "azure-functions\nazurefunctions-extensions-http-fastapi\n"},
    )
    assert codes(check(tmp_path)) == ["AZF410"]  # the streaming setting, not the annotations


def test_azf202_func_httprequest_in_an_app_that_streams(tmp_path: Path) -> None:
    # Found by the QA pass: the worker refuses it at load time once the extension is imported.
    v2(
        tmp_path,
        "from azurefunctions.extensions.http.fastapi import Request\n\n\n"
        '@app.route(route="plain")\n'
        "def plain(req: func.HttpRequest) -> func.HttpResponse:\n"
        '    return func.HttpResponse("x")\n\n\n'
        '@app.route(route="stream")\n'
        "async def stream(req: Request) -> func.HttpResponse:\n"
        '    return func.HttpResponse("x")\n',
        **{"requirements.txt": "azure-functions\nazurefunctions-extensions-http-fastapi\n"},
    )
    findings = check(tmp_path)
    assert sorted(codes(findings)) == ["AZF202", "AZF410"]
    f = one(findings, "AZF202")
    assert text_at(f) == "func.HttpRequest"
    assert "imports the HTTP streaming extension (function_app.py)" in f.message
    assert [r.message for r in f.related] == ["binding 'req'", "the streaming extension's import"]


def test_azf203_wrap_in_out_fix_uses_module_alias(tmp_path: Path) -> None:
    (tmp_path / "function_app.py").parent.mkdir(parents=True, exist_ok=True)
    v2(
        tmp_path,
        '@app.route(route="hello")\n'
        '@app.queue_output(arg_name="msg", queue_name="out", connection="AzureWebJobsStorage")\n'
        "def hello(req: func.HttpRequest, msg: str) -> func.HttpResponse:\n"
        '    msg.set("x")\n    return func.HttpResponse("hi")\n',
    )
    src = tmp_path / "function_app.py"
    src.write_text(
        src.read_text()
        .replace("import azure.functions as func", "import azure.functions as af")
        .replace("func.", "af.")
    )
    f = one(check(tmp_path), "AZF203")
    assert "annotate it af.Out[str]" in f.message
    assert text_at(f) == "str"
    assert fixed_clean(tmp_path, f) == []
    assert "msg: af.Out[str]" in src.read_text()


def test_azf203_out_on_input_unwrap(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.queue_trigger(arg_name="msg", queue_name="jobs", connection="AzureWebJobsStorage")\n'
        "def work(msg: func.Out[str]) -> None:\n    pass\n",
    )
    f = one(check(tmp_path), "AZF203")
    assert "func.Out is only for output bindings: annotate it str" in f.message
    assert fixed_clean(tmp_path, f) == []


def test_azf203_near_miss_unannotated_output(tmp_path: Path) -> None:
    v1(
        tmp_path,
        "hello",
        fjson(QUEUE_OUT),
        "def main(req, msg):\n    msg.set('x')\n    return 'ok'\n",
    )
    assert check(tmp_path) == []


def test_azf204_none_with_return_binding_fix(tmp_path: Path) -> None:
    v2(
        tmp_path,
        "@app.route(route=\"hello\")\ndef hello(req: func.HttpRequest) -> None:\n    print('x')\n",
    )
    f = one(check(tmp_path), "AZF204")
    assert f.message.startswith("hello() is annotated -> None, but its return value feeds")
    assert text_at(f) == "None"
    assert [r.message for r in f.related] == ["the $return binding"]
    assert fixed_clean(tmp_path, f) == []
    assert "-> func.HttpResponse:" in (tmp_path / "function_app.py").read_text()


def test_azf204_out_as_return(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.route(route="hello")\ndef hello(req: func.HttpRequest) -> func.Out[str]:\n    pass\n',
    )
    assert "func.Out is for parameters" in one(check(tmp_path), "AZF204").message


def test_azf204_near_miss_none_without_return_binding(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.queue_trigger(arg_name="msg", queue_name="jobs", connection="AzureWebJobsStorage")\n'
        "def work(msg: func.QueueMessage) -> None:\n    pass\n\n\n"
        '@app.route(route="s")\n'
        "def s(req: func.HttpRequest) -> str:\n    return 'x'\n",
    )
    assert check(tmp_path) == []


def test_azf205_context_annotation_fix(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.route(route="hello")\n'
        "def hello(req: func.HttpRequest, context: dict) -> func.HttpResponse:\n"
        '    return func.HttpResponse("hi")\n',
    )
    f = one(check(tmp_path), "AZF205")
    assert text_at(f) == "dict"
    assert fixed_clean(tmp_path, f) == []


def test_azf205_near_miss_binding_named_context(tmp_path: Path) -> None:
    v2(
        tmp_path,
        "import azure.durable_functions as df\n\n\n"
        '@app.orchestration_trigger(context_name="context")\n'
        "def orchestrate(context: df.DurableOrchestrationContext):\n"
        "    return 1\n",
        **{"requirements.txt": "azure-functions\nazure-functions-durable\n"},
    )
    assert only(check(tmp_path), "AZF205") == []


def test_an_edit_of_the_decorator_module_checks_the_v1_function_again(tmp_path: Path) -> None:
    # The v1 function is kept while its files are unchanged (loader._v1_function), and the
    # incremental engine re-checks only functions whose object is new: an edit of the
    # decorator's module alone must give a new one, so that the findings follow it.
    script = ENTRY.format(imports="from ..shared.auth import authorized", decorator="authorized")
    v1(tmp_path, "verify", fjson(), script, **{"shared/__init__.py": "", "shared/auth.py": AUTH})
    auth = str(tmp_path / "shared" / "auth.py")
    source = Source()
    engine = IncrementalCheck()
    config = resolve_config(str(tmp_path))
    first = load_app(str(tmp_path), source)
    assert [f.code for f in engine.run(first, config) if f.code == "AZF201"] == ["AZF201"]
    plain = AUTH.replace("    @functools.wraps(handler)\n", "")
    for version, text in enumerate([plain, AUTH, plain], start=1):
        source.open(auth, version, text)
        app = load_app(str(tmp_path), source)
        incremental = sorted((f.code, f.message) for f in engine.run(app, config))
        fresh = Source()
        fresh.open(auth, version, text)
        full = sorted(
            (f.code, f.message) for f in check_app(load_app(str(tmp_path), fresh), config)
        )
        assert incremental == full, version
        assert ("AZF201" in {c for c, _ in full}) is (text == AUTH), version
    # An edit of an unrelated module keeps the function as it was (not re-checked).
    source.open(str(tmp_path / "shared" / "__init__.py"), 9, "X = 1\n")
    engine.run(load_app(str(tmp_path), source), config)
    assert engine.rechecked == []
