"""Cases reduced from public apps where funcls claimed an error the platform does not make
(issue 11). Each builds a minimal app and asserts the exact findings."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from funcls.checks.findings import Severity
from funcls.model.workspace import find_app_roots
from tests.checks.support import (
    V2_HEAD,
    check,
    codes,
    fixed_clean,
    load,
    one,
    only,
    text_at,
    v1,
    v2,
    write_app,
)
from tests.support.fidelity import differences, funcls_index, library_index


def test_unknown_decorator_under_the_bindings_hides_the_signature(tmp_path: Path) -> None:
    # A request-validation helper publishes its own signature; the worker reads that one.
    v2(
        tmp_path,
        "from validation import validate_http\n\n\n"
        "class Item:\n    pass\n\n\n"
        '@app.route(route="items", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)\n'
        "@validate_http(body=Item)\n"
        "def create(req: func.HttpRequest, body: Item) -> func.HttpResponse:\n"
        '    return func.HttpResponse("ok")\n',
        **{"validation.py": "def validate_http(**kw):\n    return lambda f: f\n"},
    )
    assert codes(check(tmp_path)) == []


def test_decorator_above_the_bindings_leaves_the_signature_checked(tmp_path: Path) -> None:
    v2(
        tmp_path,
        "from validation import traced\n\n\n"
        "@traced\n"
        '@app.route(route="items", auth_level=func.AuthLevel.ANONYMOUS)\n'
        "def create(req: func.HttpRequest, body: str) -> func.HttpResponse:\n"
        '    return func.HttpResponse("ok")\n',
        **{"validation.py": "def traced(f):\n    return f\n"},
    )
    assert codes(check(tmp_path)) == ["AZF201"]


BP = (
    "import azure.functions as func\n\n"
    "bp = func.Blueprint()\n\n\n"
    '@bp.route(route="{name}", auth_level=func.AuthLevel.ANONYMOUS)\n'
    "def {name}(req: func.HttpRequest) -> func.HttpResponse:\n"
    '    return func.HttpResponse("{name}")\n'
)


def _loop_app(root: Path, main: str) -> Path:
    return write_app(
        root,
        {
            "function_app.py": "import azure.functions as func\n"
            "from orders import bp as orders_bp\n"
            "import stock\n\n"
            "app = func.FunctionApp()\n" + main,
            "orders.py": BP.format(name="orders"),
            "stock.py": BP.format(name="stock"),
        },
    )


def test_blueprints_registered_in_a_loop_over_a_tuple(tmp_path: Path) -> None:
    _loop_app(tmp_path, "for bp in (orders_bp, stock.bp):\n    app.register_blueprint(bp)\n")
    assert sorted(f.name for f in load(tmp_path).functions) == ["orders", "stock"]
    assert codes(check(tmp_path)) == []


def test_blueprints_registered_in_a_loop_over_a_module_list(tmp_path: Path) -> None:
    _loop_app(
        tmp_path,
        "BLUEPRINTS = [orders_bp, stock.bp]\n"
        "for item in BLUEPRINTS:\n    app.register_functions(item)\n",
    )
    assert sorted(f.name for f in load(tmp_path).functions) == ["orders", "stock"]
    assert codes(check(tmp_path)) == []


def test_blueprints_registered_through_a_call_funcls_cannot_follow(tmp_path: Path) -> None:
    _loop_app(
        tmp_path,
        "for item in (orders_bp, stock):\n    app.register_functions(getattr(item, 'bp', item))\n",
    )
    # Information that funcls cannot follow the call, not a false AZF307 (unregistered).
    assert codes(check(tmp_path)) == ["AZF312"]


def test_same_function_in_if_and_else_is_not_a_duplicate(tmp_path: Path) -> None:
    v2(
        tmp_path,
        "import os\n\nFAST = os.environ.get('FAST') == '1'\n\n"
        "if FAST:\n\n"
        '    @app.route(route="items", auth_level=func.AuthLevel.ANONYMOUS)\n'
        "    def items(req: func.HttpRequest) -> func.HttpResponse:\n"
        '        return func.HttpResponse("fast")\n\n'
        "else:\n\n"
        '    @app.route(route="items", auth_level=func.AuthLevel.ANONYMOUS)\n'
        "    def items(req: func.HttpRequest) -> func.HttpResponse:\n"
        '        return func.HttpResponse("slow")\n',
    )
    assert codes(check(tmp_path)) == []


def test_same_function_in_try_and_except_import_error_is_not_a_duplicate(
    tmp_path: Path,
) -> None:
    v2(
        tmp_path,
        "try:\n    import orjson\n\n"
        '    @app.route(route="items", auth_level=func.AuthLevel.ANONYMOUS)\n'
        "    def items(req: func.HttpRequest) -> func.HttpResponse:\n"
        "        return func.HttpResponse(orjson.dumps([]))\n\n"
        "except ImportError:\n\n"
        '    @app.route(route="items", auth_level=func.AuthLevel.ANONYMOUS)\n'
        "    def items(req: func.HttpRequest) -> func.HttpResponse:\n"
        '        return func.HttpResponse("[]")\n',
    )
    assert codes(check(tmp_path)) == []


def test_same_function_twice_in_one_arm_is_still_a_duplicate(tmp_path: Path) -> None:
    # Other handlers may run after part of the try body did: both defs can exist.
    v2(
        tmp_path,
        "try:\n\n"
        '    @app.route(route="items", auth_level=func.AuthLevel.ANONYMOUS)\n'
        "    def items(req: func.HttpRequest) -> func.HttpResponse:\n"
        '        return func.HttpResponse("a")\n\n'
        "except ValueError:\n\n"
        '    @app.route(route="items", auth_level=func.AuthLevel.ANONYMOUS)\n'
        "    def items(req: func.HttpRequest) -> func.HttpResponse:\n"
        '        return func.HttpResponse("b")\n',
    )
    assert sorted(codes(check(tmp_path))) == ["AZF302", "AZF303"]


SAMPLE_SETTINGS = (
    '{\n  "IsEncrypted": false,\n  "Values": {\n'
    '    "AzureWebJobsStorage": "UseDevelopmentStorage=true",\n'
    '    "FUNCTIONS_WORKER_RUNTIME": "python"\n  }\n}\n'
)
ARM = (
    '{\n  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/'
    'deploymentTemplate.json#",\n  "resources": [{"type": "Microsoft.Web/sites", '
    '"properties": {"siteConfig": {"appSettings": [\n'
    '    {"name": "AzureWebJobsStorage", "value": "UseDevelopmentStorage=true"}]}}}]\n}\n'
)
PING = (
    '@app.route(route="ping", auth_level=func.AuthLevel.ANONYMOUS)\n'
    "def ping(req: func.HttpRequest) -> func.HttpResponse:\n"
    '    return func.HttpResponse("pong")\n'
)


def test_azf604_ignores_an_example_settings_file_and_keeps_arm_templates(
    tmp_path: Path,
) -> None:
    v2(tmp_path, PING, **{"local.settings.sample.json": SAMPLE_SETTINGS})
    assert codes(check(tmp_path)) == []
    write_app(tmp_path, {"infra/azuredeploy.json": ARM}, base=False)
    assert codes(check(tmp_path)) == ["AZF604"]


PYPROJECT_UV = (
    '[project]\nname = "orders"\nversion = "1.0"\n'
    'dependencies = ["azure-functions>=1.20", "requests"]\n\n[tool.uv]\ndev-dependencies = []\n'
)


def test_azf601_pyproject_project_without_requirements_is_information(tmp_path: Path) -> None:
    v2(tmp_path, PING, **{"requirements.txt": None, "pyproject.toml": PYPROJECT_UV})
    (tmp_path / "requirements.txt").unlink(missing_ok=True)
    f = one(check(tmp_path), "AZF601")
    assert f.severity == Severity.INFO
    assert f.message == (
        "the app's dependencies are in pyproject.toml and it has no requirements.txt: "
        "'func azure functionapp publish' refuses to publish without one (any build option), "
        "and a remote build started another way runs 'poetry install', which installs into "
        "Poetry's own environment, not the packages the app loads; generate requirements.txt "
        "before publishing (e.g. 'uv export --no-hashes --no-dev -o requirements.txt')"
    )
    # With uv.lock beside pyproject.toml Oryx's remote build installs the locked versions
    # (microsoft/Oryx PythonBashBuildSnippet.sh.tpl); Core Tools' publish still refuses.
    (tmp_path / "uv.lock").write_text("version = 1\n")
    f = one(check(tmp_path), "AZF601")
    assert f.message == (
        "the app's dependencies are in pyproject.toml and it has no requirements.txt: "
        "'func azure functionapp publish' refuses to publish without one (any build option), "
        "and a remote build started another way installs uv.lock's versions; generate "
        "requirements.txt before publishing (e.g. 'uv export --no-hashes --no-dev -o "
        "requirements.txt')"
    )


def test_azf601_pyproject_export_follows_the_lock_file(tmp_path: Path) -> None:
    # Corpus information triage (seventh round): juandaherrera/finmail and
    # pedropcamellon/invoice-processing keep their versions in uv.lock ([tool.hatch] for the
    # build, or no [tool.*] at all); AZF601 offered pip-compile, which ignores the lock.
    hatch = PYPROJECT_UV.replace("[tool.uv]", "[tool.hatch.build]").replace(
        "dev-dependencies = []", 'packages = ["src"]'
    )
    v2(tmp_path, PING, **{"pyproject.toml": hatch, "uv.lock": "version = 1\n"})
    (tmp_path / "requirements.txt").unlink(missing_ok=True)
    f = one(check(tmp_path), "AZF601")
    assert f.message.endswith("(e.g. 'uv export --no-hashes --no-dev -o requirements.txt')")
    (tmp_path / "uv.lock").rename(tmp_path / "poetry.lock")
    f = one(check(tmp_path), "AZF601")
    assert f.message.endswith("(e.g. 'poetry export -f requirements.txt -o requirements.txt')")
    (tmp_path / "poetry.lock").unlink()
    f = one(check(tmp_path), "AZF601")
    assert f.message.endswith("(e.g. 'pip-compile pyproject.toml -o requirements.txt')")


def test_azf203_bare_out_gets_a_typed_out_not_out_of_out(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.route(route="send", auth_level=func.AuthLevel.ANONYMOUS)\n'
        '@app.queue_output(arg_name="msg", queue_name="outbox", connection="AzureWebJobsStorage")\n'
        "def send(req: func.HttpRequest, msg: func.Out) -> func.HttpResponse:\n"
        '    msg.set("hi")\n    return func.HttpResponse("ok")\n',
    )
    f = one(check(tmp_path), "AZF203")
    assert f.message == (
        "parameter 'msg' is annotated func.Out without the type it carries, which the worker "
        "refuses at load time; annotate it func.Out[str]"
    )
    assert [x.title for x in f.fixes] == ["Annotate it func.Out[str]"]
    assert fixed_clean(tmp_path, f) == []


def test_azf504_suggests_no_name_that_is_itself_refused(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.queue_trigger(arg_name="msg", queue_name="Orders_Q", '
        'connection="AzureWebJobsStorage")\n'
        "def drain(msg: func.QueueMessage) -> None:\n    pass\n",
    )
    f = one(check(tmp_path), "AZF504")
    assert f.message == (
        "\"queueName\" of binding 'msg': queue name 'Orders_Q' has an uppercase 'O'; use only "
        "lowercase letters, digits and '-'"
    )
    assert f.fixes == []


def test_unicode_whitespace_in_function_json_is_whitespace(tmp_path: Path) -> None:
    # Copied from a web page: no-break spaces for indentation, an ideographic space too.
    text = (
        '{\n\u00a0\u00a0"bindings": [\n'
        '\u00a0\u00a0\u00a0\u00a0{"name": "req", "type": "httpTrigger", "direction": "in",'
        '\u3000"authLevel": "anonymous"},\n'
        '\u00a0\u00a0\u00a0\u00a0{"name": "$return", "type": "http", "direction": "out"}\n'
        "\u00a0\u00a0]\n}\n"
    )
    write_app(
        tmp_path,
        {
            "hello/function.json": text,
            "hello/__init__.py": "import azure.functions as func\n\n\n"
            "def main(req: func.HttpRequest) -> func.HttpResponse:\n"
            '    return func.HttpResponse("hi")\n',
        },
    )
    app = load(tmp_path)
    assert [(b.name, b.type) for b in app.functions[0].bindings] == [
        ("req", "httpTrigger"),
        ("$return", "http"),
    ]
    assert codes(check(tmp_path)) == []


HTTP_JSON = (
    '{"bindings": [{"name": "req", "type": "httpTrigger", "direction": "in", '
    '"authLevel": "anonymous"}, {"name": "$return", "type": "http", "direction": "out"}]}\n'
)
HTTP_MAIN = (
    "import azure.functions as func\n\n\n"
    "def main(req: func.HttpRequest) -> func.HttpResponse:\n"
    '    return func.HttpResponse("hi")\n'
)


def test_v1_folder_whose_only_file_is_main_py_loads_it(tmp_path: Path) -> None:
    # The host takes the only file besides function.json when scriptFile is not set.
    write_app(tmp_path, {"hello/function.json": HTTP_JSON, "hello/main.py": HTTP_MAIN})
    fn = load(tmp_path).functions[0]
    assert (fn.script_file_name, fn.entry_found) == ("main.py", True)
    assert codes(check(tmp_path)) == []


def test_v1_folder_with_two_files_and_no_init_has_no_script(tmp_path: Path) -> None:
    write_app(
        tmp_path,
        {
            "hello/function.json": HTTP_JSON,
            "hello/main.py": HTTP_MAIN,
            "hello/helpers.py": "X = 1\n",
        },
    )
    assert codes(check(tmp_path)) == ["AZF110"]
    write_app(tmp_path, {"hello/__init__.py": HTTP_MAIN}, base=False)
    assert codes(check(tmp_path)) == []


def test_container_client_takes_a_container_path(tmp_path: Path) -> None:
    v2(
        tmp_path,
        "import azurefunctions.extensions.bindings.blob as blob\n\n\n"
        '@app.route(route="list", auth_level=func.AuthLevel.ANONYMOUS)\n'
        '@app.blob_input(arg_name="client", path="reports", connection="AzureWebJobsStorage")\n'
        "def listing(req: func.HttpRequest, client: blob.ContainerClient) -> func.HttpResponse:\n"
        '    return func.HttpResponse(",".join(b.name for b in client.list_blobs()))\n',
        **{"requirements.txt": "azure-functions\nazurefunctions-extensions-bindings-blob\n"},
    )
    assert codes(check(tmp_path)) == []
    # A BlobClient needs a blob: the same path is still refused there.
    text = (tmp_path / "function_app.py").read_text().replace("ContainerClient", "BlobClient")
    (tmp_path / "function_app.py").write_text(text)
    assert codes(check(tmp_path)) == ["AZF506"]


STREAMING = (
    "from azurefunctions.extensions.http.fastapi import JSONResponse, Request, "
    "StreamingResponse\n\n\n"
    '@app.route(route="stream", auth_level=func.AuthLevel.ANONYMOUS)\n'
    "async def stream(req: Request) -> StreamingResponse:\n"
    '    return StreamingResponse(iter([b"a"]))\n\n\n'
    '@app.route(route="count", auth_level=func.AuthLevel.ANONYMOUS)\n'
    "async def count(req: Request) -> int:\n    return 3\n\n\n"
    '@app.route(route="doc", auth_level=func.AuthLevel.ANONYMOUS)\n'
    "async def doc(req: Request) -> JSONResponse:\n"
    '    return JSONResponse({"a": 1})\n'
)


def test_http_streaming_extension_types_are_accepted(tmp_path: Path) -> None:
    settings = (
        '{"IsEncrypted": false, "Values": {"FUNCTIONS_WORKER_RUNTIME": "python", '
        '"AzureWebJobsStorage": "UseDevelopmentStorage=true", '
        '"PYTHON_ENABLE_INIT_INDEXING": "1"}}\n'
    )
    v2(
        tmp_path,
        STREAMING,
        **{
            "requirements.txt": "azure-functions\nazurefunctions-extensions-http-fastapi\n",
            "local.settings.json": settings,
        },
    )
    assert codes(check(tmp_path)) == []
    # Without the setting (Python 3.8-3.12 needs it): a warning with the fix.
    (tmp_path / "local.settings.json").write_text(
        settings.replace(', "PYTHON_ENABLE_INIT_INDEXING": "1"', "")
    )
    f = one(check(tmp_path), "AZF410")
    assert f.severity == Severity.WARNING
    assert fixed_clean(tmp_path, f) == []
    # An app environment on Python 3.13+ needs no setting.
    (tmp_path / "local.settings.json").write_text(
        settings.replace(', "PYTHON_ENABLE_INIT_INDEXING": "1"', "")
    )
    (tmp_path / ".venv" / "lib" / "python3.13" / "site-packages").mkdir(parents=True)
    assert codes(check(tmp_path)) == []


def test_http_streaming_switched_off_by_the_setting_checks_the_plain_types(
    tmp_path: Path,
) -> None:
    settings = (
        '{"IsEncrypted": false, "Values": {"FUNCTIONS_WORKER_RUNTIME": "python", '
        '"AzureWebJobsStorage": "UseDevelopmentStorage=true", '
        '"PYTHON_ENABLE_INIT_INDEXING": "false"}}\n'
    )
    v2(
        tmp_path,
        STREAMING,
        **{
            "local.settings.json": settings,
            "requirements.txt": "azure-functions\nazurefunctions-extensions-http-fastapi\n",
        },
    )
    assert sorted(codes(check(tmp_path))) == ["AZF204", "AZF410"]


def test_app_from_importlib_is_indexed_like_an_import(tmp_path: Path) -> None:
    # importlib.import_module with a literal name, cast() and getattr() with a literal
    # attribute change nothing at run time: funcls reads them as the import they are.
    write_app(
        tmp_path,
        {
            "function_app.py": "import importlib\nfrom typing import Any, cast\n\n"
            'func = cast(Any, importlib.import_module("azure.functions"))\n'
            'make_app = getattr(func, "FunctionApp")\n'
            'ANON = getattr(func.AuthLevel, "ANONYMOUS", "anonymous")\n'
            "app = make_app(http_auth_level=ANON)\n\n\n"
            '@app.route(route="ping")\n'
            "def ping(req):\n"
            '    return func.HttpResponse("pong")\n'
        },
    )
    assert [f.name for f in load(tmp_path).functions] == ["ping"]
    assert codes(check(tmp_path)) == []
    assert differences(load(tmp_path), library_index(str(tmp_path))) == []


def test_app_from_a_factory_is_information_not_silence(tmp_path: Path) -> None:
    write_app(
        tmp_path,
        {
            "function_app.py": "import azure.functions as func\n\n\n"
            "def build():\n    return func.FunctionApp()\n\n\n"
            "app = build()\n\n\n"
            '@app.route(route="ping")\n'
            "def ping(req):\n"
            '    return func.HttpResponse("pong")\n'
        },
    )
    f = one(check(tmp_path), "AZF306")
    assert f.severity == Severity.INFO
    assert f.message == (
        "function_app.py gets its function app from somewhere funcls cannot follow (another "
        "module, a factory, importlib): its functions are registered dynamically and funcls "
        "cannot list or check them"
    )


def test_app_attribute_of_an_imported_object_is_not_a_missing_app(tmp_path: Path) -> None:
    write_app(
        tmp_path,
        {
            "function_app.py": "import hosting\n\napp = hosting.host.function_app\n",
            "hosting.py": "import azure.functions as func\n\n\nclass Host:\n"
            "    def __init__(self):\n        self.function_app = func.FunctionApp()\n\n\n"
            "host = Host()\n",
        },
    )
    found = check(tmp_path)
    assert [(f.code, f.severity) for f in found] == [("AZF306", Severity.INFO)]


ENV_APP = (
    "import json\nimport os\n\n"
    'QUEUE = os.getenv("ORDERS_QUEUE", "orders")\n\n\n'
    '@app.queue_trigger(arg_name="msg", queue_name=QUEUE, connection="AzureWebJobsStorage")\n'
    '@app.generic_output_binding(arg_name="out", type="custom", '
    'data=json.dumps({"a": [1, 2]}), path=os.environ.get("OUT_PATH", default="x/{id}"))\n'
    "def drain(msg: func.QueueMessage, out: func.Out[str]) -> None:\n"
    "    out.set(msg.get_body().decode())\n"
)


def test_getenv_defaults_and_json_dumps_are_the_values_the_library_sees(
    tmp_path: Path,
) -> None:
    v2(tmp_path, ENV_APP)
    fn = load(tmp_path).functions[0]
    trig, out = fn.binding("msg"), fn.binding("out")
    assert trig is not None and out is not None
    q = trig.value("queueName")
    assert q is not None and (q.value, q.known, q.env) == ("orders", True, "ORDERS_QUEUE")
    assert out.get("data") == '{"a": [1, 2]}'
    path = out.value("path")
    assert path is not None and (path.value, path.env) == ("x/{id}", "OUT_PATH")
    # The library, imported without those settings, indexes exactly the same.
    assert "ORDERS_QUEUE" not in os.environ and "OUT_PATH" not in os.environ
    assert differences(load(tmp_path), library_index(str(tmp_path))) == []


def test_index_leaves_out_a_direction_that_was_not_written(tmp_path: Path) -> None:
    write_app(
        tmp_path,
        {
            "hello/function.json": '{"bindings": [{"name": "req", "type": "httpTrigger"}]}\n',
            "hello/__init__.py": HTTP_MAIN,
        },
    )
    assert load(tmp_path).functions[0].to_json()["bindings"] == [
        {"type": "httpTrigger", "name": "req"}
    ]


def test_discovery_v1_without_host_json_and_nested_apps(tmp_path: Path) -> None:
    write_app(
        tmp_path / "legacy",
        {
            "hello/function.json": HTTP_JSON,
            "hello/__init__.py": HTTP_MAIN,
            "requirements.txt": "azure-functions\n",
        },
        base=False,
    )
    write_app(tmp_path / "outer", {"function_app.py": V2_HEAD + PING})
    write_app(tmp_path / "outer" / "samples" / "inner", {"function_app.py": V2_HEAD + PING})
    write_app(tmp_path / "docs", {"notes/readme.md": "not an app\n"}, base=False)
    roots = find_app_roots(str(tmp_path))
    assert [os.path.relpath(r, tmp_path) for r in roots] == [
        "legacy",
        "outer",
        os.path.join("outer", "samples", "inner"),
    ]
    assert codes(check(tmp_path / "legacy")) == ["AZF408"]
    # The nested app's functions are its own: no duplicate, nothing unregistered.
    assert [f.name for f in load(tmp_path / "outer").functions] == ["ping"]
    assert codes(check(tmp_path / "outer")) == []


def test_discovery_leaves_out_a_program_that_only_shares_the_script_name(
    tmp_path: Path,
) -> None:
    # Corpus (seventh round, Splroak/add_member_telegram): src/function_app.py is a PyQt5
    # desktop program beside its own modules, with no host.json anywhere and no azure import;
    # funcls took it for an app and reported AZF408 and seven AZF605 errors.
    program = (
        "import sys\nfrom gui.window import *\nfrom PyQt5.QtWidgets import QApplication\n\n\n"
        "def main():\n    QApplication(sys.argv).exec_()\n"
    )
    (tmp_path / "desktop" / "gui").mkdir(parents=True)
    (tmp_path / "desktop" / "gui" / "window.py").write_text("TITLE = 'x'\n")
    (tmp_path / "desktop" / "function_app.py").write_text(program)
    # A Functions app without host.json yet (AZF408 tells it to add one); one that gets its app
    # from a module of its own and only decorates; an empty new script; and the same program
    # under a host.json: each stays an app.
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "function_app.py").write_text(V2_HEAD + PING)
    (tmp_path / "factory").mkdir()
    (tmp_path / "factory" / "function_app.py").write_text(
        "from core import app\n\n\n@app.route(route='ping')\ndef ping(req):\n    return 'pong'\n"
    )
    (tmp_path / "factory" / "core.py").write_text("app = None\n")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "function_app.py").write_text("")
    write_app(tmp_path / "hosted", {"function_app.py": program}, base=False)
    (tmp_path / "hosted" / "host.json").write_text('{"version": "2.0"}\n')
    roots = [os.path.relpath(r, tmp_path) for r in find_app_roots(str(tmp_path))]
    assert roots == ["empty", "factory", "hosted", "new"]
    assert "AZF408" in codes(check(tmp_path / "new"))
    # Once the script names the library, the folder is an app again.
    (tmp_path / "desktop" / "function_app.py").write_text("import azure.functions\n" + program)
    assert "desktop" in [os.path.relpath(r, tmp_path) for r in find_app_roots(str(tmp_path))]


def test_python_script_file_name_without_py_is_refused(tmp_path: Path) -> None:
    settings = (
        '{"IsEncrypted": false, "Values": {"FUNCTIONS_WORKER_RUNTIME": "python", '
        '"AzureWebJobsStorage": "UseDevelopmentStorage=true", '
        '"PYTHON_SCRIPT_FILE_NAME": "main"}}\n'
    )
    write_app(tmp_path, {"main.py": V2_HEAD + PING, "local.settings.json": settings})
    f = one(check(tmp_path), "AZF407")
    assert f.severity == Severity.ERROR
    assert f.message == (
        "PYTHON_SCRIPT_FILE_NAME is 'main', which the worker refuses (it wants a file name in "
        "the app folder: letters, digits, '_' or '-', ending in .py), so no function is "
        "indexed; write 'main.py'"
    )
    # Named properly, the script other than function_app.py is the app's.
    write_app(
        tmp_path, {"local.settings.json": settings.replace('"main"', '"main.py"')}, base=False
    )
    assert [f.name for f in load(tmp_path).functions] == ["ping"]
    assert codes(check(tmp_path)) == []


IMPORTS_APP = (
    "import yaml\n"
    "from PIL import Image\n"
    "from azure.storage.blob import BlobServiceClient\n"
    "import helpers\n"
    "try:\n    import orjson\nexcept ImportError:\n    orjson = None\n\n"
    "import azure.functions as func\n\napp = func.FunctionApp()\n\n\n" + PING
)


def _dist(site: Path, name: str, top: str, *requires: str) -> None:
    info = site / f"{name}-1.0.dist-info"
    info.mkdir(parents=True)
    meta = f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n"
    meta += "".join(f"Requires-Dist: {r}\n" for r in requires) + "\nlong description\n"
    (info / "METADATA").write_text(meta)
    (info / "top_level.txt").write_text(top + "\n")


def test_azf605_imports_nothing_provides_after_deployment(tmp_path: Path) -> None:
    write_app(
        tmp_path,
        {
            "function_app.py": IMPORTS_APP,
            "helpers.py": "import requests\n",
            "requirements.txt": "azure-functions\nPillow\n",
        },
    )
    found = check(tmp_path)
    # No environment to read: what the listed packages pull in is taken from the table of
    # their current releases (Pillow requires none of these), so warnings.
    assert [(f.code, f.severity, text_at(f)) for f in found] == [
        ("AZF605", Severity.WARNING, "import yaml"),
        ("AZF605", Severity.WARNING, "from azure.storage.blob import BlobServiceClient"),
        ("AZF605", Severity.WARNING, "import requests"),
    ]
    assert found[0].message == (
        "'yaml' is imported by function_app.py but nothing in requirements.txt provides it "
        "(nor does anything the packages it lists require, by their current releases); the "
        "deployment installs only what requirements.txt lists, so the worker fails with "
        "ModuleNotFoundError and the app shows no functions: add 'PyYAML' to requirements.txt"
    )
    assert [x.title for x in found[1].fixes] == ["Add azure-storage-blob to requirements.txt"]
    after = fixed_clean(tmp_path, found[0])
    assert [text_at(f) for f in after] == [
        "from azure.storage.blob import BlobServiceClient",
        "import requests",
    ]


def test_azf605_knows_the_distributions_of_google_readability_and_dotenv_vault_modules(
    tmp_path: Path,
) -> None:
    # Corpus (fifth round, warning triage): each import below sat beside its distribution in
    # requirements.txt, and AZF605 warned that nothing provided it, asking for 'google',
    # 'googleapiclient' or 'readability' (unrelated packages on PyPI, or none).
    imports = (
        "from googleapiclient.discovery import build\n"
        "from google.oauth2 import service_account\n"
        "import google.auth\n"
        "from google_auth_oauthlib.flow import InstalledAppFlow\n"
        "from google import genai\n"
        "from readability import Document\n"
        "from dotenv_vault import load_dotenv\n"
    )
    listed = (
        "azure-functions\nPillow\ngoogle-api-python-client\ngoogle-auth\ngoogle-auth-oauthlib\n"
        "google-genai\nreadability-lxml\npython-dotenv-vault\n"
    )
    write_app(
        tmp_path,
        {"function_app.py": IMPORTS_APP, "helpers.py": imports, "requirements.txt": listed},
    )
    assert [text_at(f) for f in only(check(tmp_path), "AZF605")] == [
        "import yaml",
        "from azure.storage.blob import BlobServiceClient",
    ]
    (tmp_path / "requirements.txt").write_text(
        "azure-functions\nPillow\nPyYAML\nazure-storage-blob\n"
    )
    fixes = [x.title for f in only(check(tmp_path), "AZF605") for x in f.fixes]
    assert fixes == [
        "Add google-api-python-client to requirements.txt",
        "Add google-auth to requirements.txt",
        "Add google-auth-oauthlib to requirements.txt",
        "Add google-genai to requirements.txt",
        "Add readability-lxml to requirements.txt",
        "Add python-dotenv-vault to requirements.txt",
    ]


def test_azf605_names_a_folder_of_the_repository_outside_the_app(tmp_path: Path) -> None:
    # Corpus (fifth round, warning triage): 'app.orchestrations' from src/app, 'admin_page' from
    # src/admin_page, 'shared_code' from beside the app; AZF605 offered to add 'app',
    # 'admin-page' or 'shared-code' to requirements.txt, which would install something else.
    app = tmp_path / "repo" / "func_app"
    write_app(
        app,
        {
            "function_app.py": "import shared_code.helpers\nfrom core.jobs import run\n"
            "import azure.functions as func\n\napp = func.FunctionApp()\n\n\n" + PING,
            "src/core/__init__.py": "",
            "src/core/jobs.py": "def run():\n    pass\n",
            "requirements.txt": "azure-functions\n",
        },
    )
    write_app(tmp_path / "repo", {"shared_code/helpers.py": "X = 1\n"}, base=False)
    found = only(check(app), "AZF605")
    assert [(f.severity, text_at(f), list(f.fixes)) for f in found] == [
        (Severity.ERROR, "import shared_code.helpers", []),
        (Severity.ERROR, "from core.jobs import run", []),
    ]
    assert found[0].message == (
        "'shared_code.helpers' is imported by function_app.py, but 'shared_code' is "
        "../shared_code, a part of the repository outside the app folder: the worker puts only "
        "the app folder on sys.path and a deployment carries only that folder, so the import "
        "fails with ModuleNotFoundError and the app shows no functions; move it into the app "
        "folder (or publish it as a package and list that in requirements.txt)"
    )
    # src/ is inside the app folder, below its root (tenth round: it was called "a part of the
    # repository outside the app folder")
    assert found[1].message == (
        "'core.jobs' is imported by function_app.py, but 'core' is src/core, below the app root: "
        "the worker puts only the app root on sys.path, so the import fails with "
        "ModuleNotFoundError and the app shows no functions; import it by its path from the app "
        "root ('src.core.jobs'), or move it to the root"
    )


def test_azf605_the_app_folder_imported_by_its_own_name(tmp_path: Path) -> None:
    """An app folder whose code imports its own modules through the folder's name, after
    putting the folder above on sys.path (AnthonyJPerez/AutomatedBlog's functions/, corpus
    seventh round): the message said "'functions' is ., a part of the repository outside the
    app folder", naming no place; it now says the name is the app folder's own."""
    app = tmp_path / "repo" / "functions"
    write_app(tmp_path / "repo", {"README.md": "x\n"}, base=False)
    write_app(
        app,
        {
            "function_app.py": "import sys\nsys.path.append('..')\n"
            "from functions.jobs import run\n"
            "import azure.functions as func\n\napp = func.FunctionApp()\n\n\n" + PING,
            "__init__.py": "",
            "jobs.py": "def run():\n    pass\n",
            "requirements.txt": "azure-functions\n",
        },
    )
    f = one(check(app), "AZF605")
    assert text_at(f) == "from functions.jobs import run"
    assert f.message == (
        "'functions.jobs' is imported by function_app.py, but 'functions' is the name of the "
        "app folder itself: the worker puts the app folder on sys.path, not the folder above "
        "it, and a deployment carries only the folder's contents, so the import fails with "
        "ModuleNotFoundError and the app shows no functions; import it as 'jobs', from the "
        "app root"
    )


def test_azf605_reads_the_app_environment_for_what_packages_require(tmp_path: Path) -> None:
    write_app(
        tmp_path,
        {
            "function_app.py": IMPORTS_APP,
            "helpers.py": "import requests\n",
            "requirements.txt": "azure-functions\nPillow\nPyYAML\nazure-storage-blob\n",
        },
    )
    site = tmp_path / ".venv" / "lib" / "python3.11" / "site-packages"
    _dist(site, "azure_functions", "azure")
    _dist(site, "pillow", "PIL")
    _dist(site, "PyYAML", "yaml")
    _dist(site, "azure_storage_blob", "azure", "azure-core", "typing-extensions")
    _dist(site, "azure_core", "azure", "requests", "six; extra == 'aio'")
    _dist(site, "requests", "requests", "urllib3")
    _dist(site, "urllib3", "urllib3")
    _dist(site, "msal", "msal")
    assert codes(check(tmp_path)) == []  # requests comes with azure-core
    (tmp_path / "helpers.py").write_text("import requests\nimport msal\n")
    f = one(check(tmp_path), "AZF605")
    # Installed locally, but nothing listed requires it: an error.
    assert (f.severity, text_at(f)) == (Severity.ERROR, "import msal")
    assert f.message.startswith("'msal' is imported by helpers.py but nothing in requirements")


def test_non_type_annotations_are_refused_like_the_worker_does(tmp_path: Path) -> None:
    v1(
        tmp_path,
        "hello",
        HTTP_JSON,
        "def main(req: 123) -> 123:\n    return 'trust me'\n",
    )
    found = check(tmp_path)
    assert [(f.code, text_at(f)) for f in found] == [("AZF202", "123"), ("AZF204", "123")]
    assert found[0].message == (
        "parameter 'req' of main(req) is annotated 123, which is not a type; the worker "
        "refuses it at load time (invalid non-type annotation): annotate it with a type or "
        "remove the annotation"
    )


def test_azf605_app_without_requirements_imports_a_missing_module(tmp_path: Path) -> None:
    write_app(
        tmp_path,
        {
            "hello/function.json": HTTP_JSON,
            "hello/__init__.py": "import does_not_exist\n\n" + HTTP_MAIN,
            "requirements.txt": None,
        },
    )
    found = only(check(tmp_path), "AZF605")
    assert [(f.severity, text_at(f)) for f in found] == [(Severity.ERROR, "import does_not_exist")]
    assert "nothing in requirements.txt provides it (the app has none)" in found[0].message


def test_unknown_decorator_between_two_binding_decorators_hides_the_signature(
    tmp_path: Path,
) -> None:
    v2(
        tmp_path,
        "from validation import validate_http\n\n\n"
        '@app.route(route="items", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)\n'
        "@validate_http(body=dict)\n"
        '@app.queue_output(arg_name="msg", queue_name="out", connection="AzureWebJobsStorage")\n'
        "def create(req: func.HttpRequest, body: dict, msg: func.Out[str]) -> func.HttpResponse:\n"
        '    return func.HttpResponse("ok")\n',
        **{"validation.py": "def validate_http(**kw):\n    return lambda f: f\n"},
    )
    assert codes(check(tmp_path)) == []


def test_function_app_module_of_a_package_is_not_an_app(tmp_path: Path) -> None:
    write_app(
        tmp_path / "lib" / "decorators",
        {"__init__.py": "", "function_app.py": "class FunctionApp:\n    pass\n"},
        base=False,
    )
    assert find_app_roots(str(tmp_path)) == []


def test_azf605_worker_provided_packages_are_a_warning(tmp_path: Path) -> None:
    # The worker's dependency-isolation test app imports grpc and protobuf from the worker.
    write_app(tmp_path, {"function_app.py": "import grpc\n\n" + V2_HEAD + PING})
    f = one(check(tmp_path), "AZF605")
    assert f.severity == Severity.WARNING
    assert "the worker's own copy serves it up to Python 3.12, not from 3.13" in f.message


def test_union_annotations_are_refused_like_the_worker_does(tmp_path: Path) -> None:
    v2(
        tmp_path,
        "from typing import Optional\n\n\n"
        '@app.route(route="a", auth_level=func.AuthLevel.ANONYMOUS)\n'
        "def a(req: Optional[func.HttpRequest]) -> func.HttpResponse | None:\n"
        '    return func.HttpResponse("a")\n',
    )
    found = check(tmp_path)
    assert [(f.code, text_at(f)) for f in found] == [
        ("AZF202", "Optional[func.HttpRequest]"),
        ("AZF204", "func.HttpResponse | None"),
    ]
    assert found[0].message == (
        "parameter 'req' of a(req) is annotated Optional[func.HttpRequest], a union, which the "
        "worker refuses at load time (invalid non-type annotation: it takes a class or a "
        "generic such as typing.List[...]); annotate it with one type"
    )


def test_protocol_typed_parameter_is_refused_like_the_worker_does(tmp_path: Path) -> None:
    v2(
        tmp_path,
        "from typing import Protocol\n\n\n"
        "class HttpRequestLike(Protocol):\n    def get_json(self) -> object: ...\n\n\n"
        '@app.route(route="a", auth_level=func.AuthLevel.ANONYMOUS)\n'
        "def a(req: HttpRequestLike) -> func.HttpResponse:\n"
        '    return func.HttpResponse("a")\n',
    )
    f = one(check(tmp_path), "AZF202")
    assert text_at(f) == "HttpRequestLike"
    assert f.message == (
        "parameter 'req' of a(req) is annotated HttpRequestLike, a typing.Protocol; the worker "
        "checks the annotation with issubclass against what an httpTrigger binding provides, "
        "which a protocol is not, and refuses to load the function: annotate it "
        "func.HttpRequest"
    )


SRC_BP = BP.format(name="orders")


def test_src_layout_reached_through_sys_path(tmp_path: Path) -> None:
    write_app(
        tmp_path,
        {
            "function_app.py": "import os\nimport sys\n\n"
            'sys.path.insert(0, os.path.join(os.path.dirname(__file__), "src"))\n\n'
            "import azure.functions as func  # noqa: E402\n"
            "from orders_bp import bp  # noqa: E402\n\n"
            "app = func.FunctionApp()\napp.register_functions(bp)\n",
            "src/orders_bp.py": SRC_BP,
        },
    )
    assert [f.name for f in load(tmp_path).functions] == ["orders"]
    assert codes(check(tmp_path)) == []
    assert differences(load(tmp_path), library_index(str(tmp_path))) == []


def test_out_rules_apply_when_the_binding_type_is_unknown(tmp_path: Path) -> None:
    fj = (
        '{"bindings": [{"type": "httpTrigger", "direction": "in", "name": "req"}, '
        '{"direction": "out", "name": "foo", "type": "int"}, '
        '{"type": "http", "direction": "out", "name": "$return"}]}\n'
    )
    v1(tmp_path, "hello", fj, "def main(req, foo: int):\n    return 'x'\n")
    found = check(tmp_path)
    assert sorted(codes(found)) == ["AZF101", "AZF203"]
    assert one(found, "AZF203").message == (
        "parameter 'foo' of main(req, foo) is annotated int, but binding 'foo' is an output, "
        "which takes a func.Out; the worker refuses it at load time: annotate it func.Out[int]"
    )


def test_azf605_python2_module_names_the_python3_one(tmp_path: Path) -> None:
    write_app(tmp_path, {"function_app.py": "import httplib\n\n" + V2_HEAD + PING})
    f = one(check(tmp_path), "AZF605")
    assert f.severity == Severity.ERROR
    assert f.message == (
        "'httplib' is imported by function_app.py, but it is a Python 2 module that Python 3 "
        "does not have, so the worker fails with ModuleNotFoundError and the app shows no "
        "functions: use 'http.client'"
    )
    assert f.fixes == []


def test_discovery_of_an_app_whose_script_is_named_by_the_setting(tmp_path: Path) -> None:
    settings = (
        '{"IsEncrypted": false, "Values": {"FUNCTIONS_WORKER_RUNTIME": "python", '
        '"PYTHON_SCRIPT_FILE_NAME": "main.py"}}\n'
    )
    write_app(
        tmp_path / "app",
        {"main.py": V2_HEAD + PING, "local.settings.json": settings},
        base=False,
    )
    assert find_app_roots(str(tmp_path)) == [str(tmp_path / "app")]
    assert [f.name for f in load(tmp_path / "app").functions] == ["ping"]


def test_getenv_default_says_which_value_binds(tmp_path: Path) -> None:
    settings = (
        '{"IsEncrypted": false, "Values": {"FUNCTIONS_WORKER_RUNTIME": "python", '
        '"AzureWebJobsStorage": "UseDevelopmentStorage=true", "ORDERS_QUEUE": "jobs"}}\n'
    )
    v2(
        tmp_path,
        "import os\n\n\n"
        '@app.queue_trigger(arg_name="msg", queue_name=os.getenv("ORDERS_QUEUE", "orders"), '
        'connection="AzureWebJobsStorage")\n'
        "def drain(msg: func.QueueMessage) -> None:\n    pass\n",
        **{"local.settings.json": settings},
    )
    f = one(check(tmp_path), "AZF401")
    assert (f.severity, text_at(f)) == (Severity.INFO, 'os.getenv("ORDERS_QUEUE", "orders")')
    assert f.message == (
        "\"queueName\" of binding 'msg' comes from the setting ORDERS_QUEUE: local.settings.json "
        "sets it, so a local run binds 'jobs', not the default 'orders' funcls shows; in Azure "
        "the app setting ORDERS_QUEUE decides (the default only when it is absent)"
    )
    # Not set locally: a hint that the default is what binds unless the environment sets it.
    (tmp_path / "local.settings.json").write_text(settings.replace(', "ORDERS_QUEUE": "jobs"', ""))
    f = one(check(tmp_path), "AZF401")
    assert f.severity == Severity.HINT


def test_nested_getattr_and_getenv_inside_an_f_string(tmp_path: Path) -> None:
    write_app(
        tmp_path,
        {
            "function_app.py": "import os\n\nimport azure.functions as func\n\n"
            'ANON = getattr(getattr(func, "AuthLevel", None), "ANONYMOUS", "anonymous")\n'
            'QUEUE = os.getenv("QUEUE_NAME", "orders")\n\n'
            "app = func.FunctionApp(http_auth_level=ANON)\n\n\n"
            '@app.service_bus_queue_trigger(arg_name="msg", '
            'queue_name=f"{QUEUE}/$DeadLetterQueue", connection="SB")\n'
            "def dead(msg: func.ServiceBusMessage) -> None:\n    pass\n\n\n"
            '@app.route(route="ping")\n'
            "def ping(req: func.HttpRequest) -> func.HttpResponse:\n"
            '    return func.HttpResponse("pong")\n'
        },
    )
    app = load(tmp_path)
    assert {
        f.name: f.trigger.get("queueName") or f.trigger.get("authLevel")
        for f in app.functions
        if f.trigger
    } == {
        "dead": "orders/$DeadLetterQueue",
        "ping": "anonymous",
    }
    assert differences(app, library_index(str(tmp_path))) == []


def test_requirements_saved_as_utf16_are_read_as_pip_reads_them(tmp_path: Path) -> None:
    v2(tmp_path, PING, **{"requirements.txt": None})
    text = "azure-functions==1.21.3\r\nrequests\r\n"
    (tmp_path / "requirements.txt").write_bytes(text.encode("utf-16"))  # BOM + UTF-16 LE
    app = load(tmp_path)
    assert [r.name for r in app.requirements] == ["azure-functions", "requests"]
    assert codes(check(tmp_path)) == []


def test_azf601_datetime_on_pypi_is_an_unrelated_package_not_a_broken_build(
    tmp_path: Path,
) -> None:
    v2(tmp_path, PING, **{"requirements.txt": "azure-functions\ndatetime\nlogging\n"})
    found = only(check(tmp_path), "AZF601")
    assert [(f.severity, text_at(f)) for f in found] == [
        (Severity.WARNING, "datetime"),
        (Severity.ERROR, "logging"),
    ]
    assert found[0].message == (
        "'datetime' is part of the Python standard library; on PyPI the name installs Zope's "
        "DateTime package (module DateTime), which does not replace the module but is not what "
        "the code imports: remove the line"
    )


@pytest.mark.parametrize(
    ("line", "severity"),
    [
        ("configparser==7.2.0", Severity.WARNING),  # GraniLuk/CryptoMorningReports
        ("configparser", Severity.WARNING),  # pip takes the newest: 7.x
        ("configparser>=7.0", Severity.WARNING),
        ("configparser==6.0.0", Severity.ERROR),  # its wheel still has configparser/
        ("configparser==4.0.2", Severity.ERROR),  # configparser.py
        ("configparser<7", Severity.ERROR),
    ],
)
def test_azf601_configparser_backport_shadows_the_module_only_before_release_7(
    tmp_path: Path, line: str, severity: Severity
) -> None:
    """PyPI's configparser wheels ship a top-level configparser module up to 6.0.0 (which
    shadows the standard one from .python_packages) and only backports/configparser from 7.0.0
    on: a false error on a corpus app pinning 7.2.0, now a warning that it is useless."""
    v2(tmp_path, PING, **{"requirements.txt": f"azure-functions\n{line}\n"})
    found = only(check(tmp_path), "AZF601")
    assert [(f.severity, text_at(f)) for f in found] == [(severity, "configparser")]
    if severity == Severity.WARNING:
        assert found[0].message == (
            "'configparser' is part of the Python standard library; the PyPI backport this line "
            f"installs ({line}) puts its code under backports.configparser and does not replace "
            "the module, so it is not what the code imports: remove the line"
        )


def test_decorators_applied_by_hand_after_the_def(tmp_path: Path) -> None:
    write_app(
        tmp_path,
        {
            "function_app.py": "import azure.functions as func\n\n\n"
            "def create(req: func.HttpRequest, msg: func.Out[str]) -> func.HttpResponse:\n"
            '    msg.set("x")\n    return func.HttpResponse("ok")\n\n\n'
            "app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)\n"
            'app.route("items", methods=["POST"])(\n'
            '    app.queue_output(arg_name="msg", queue_name="out", '
            'connection="AzureWebJobsStorage")(create)\n'
            ")\n"
        },
    )
    app = load(tmp_path)
    assert [(f.name, sorted(b.name for b in f.bindings)) for f in app.functions] == [
        ("create", ["$return", "msg", "req"])
    ]
    assert codes(check(tmp_path)) == []
    assert differences(app, library_index(str(tmp_path))) == []


def test_decorators_applied_by_hand_and_kept_in_a_name(tmp_path: Path) -> None:
    """``submit = app.route(...)(handle_submit)`` in a module that imports the app back
    (Nick-007/StreamFoundry): the decorator registers the function when it runs, assigned or
    not. funcls read only the bare expression form and missed 3 of the app's 5 functions."""
    write_app(
        tmp_path,
        {
            "function_app.py": V2_HEAD + "import jobs  # noqa: E402,F401\n",
            "jobs.py": "import azure.functions as func\n\nfrom function_app import app\n\n\n"
            "def submit(req: func.HttpRequest, msg: func.Out[str]) -> func.HttpResponse:\n"
            '    msg.set("x")\n    return func.HttpResponse("ok")\n\n\n'
            "def drain(msg: func.QueueMessage) -> None:\n    pass\n\n\n"
            'submitted = app.route(route="submit", methods=["POST"])(\n'
            '    app.queue_output(arg_name="msg", queue_name="jobs", '
            'connection="AzureWebJobsStorage")(submit)\n'
            ")\n"
            'drained: object = app.queue_trigger(arg_name="msg", queue_name="jobs", '
            'connection="AzureWebJobsStorage")(drain)\n',
        },
    )
    app = load(tmp_path)
    assert [(f.name, sorted(b.name for b in f.bindings)) for f in app.functions] == [
        ("submit", ["$return", "msg", "req"]),
        ("drain", ["msg"]),
    ]
    assert differences(app, library_index(str(tmp_path))) == []
    assert not [f for f in check(tmp_path) if f.severity == Severity.ERROR]


def test_bare_import_azure_is_the_namespace_azure_functions_ships(tmp_path: Path) -> None:
    # kloudkrafts01/kspyder: `import azure` then `import azure.durable_functions as df`. The
    # namespace comes with azure-functions; PyPI's 'azure' is the retired meta-package.
    write_app(
        tmp_path,
        {
            "function_app.py": "import azure\nimport azure.storage.blob\n" + V2_HEAD + PING,
            "requirements.txt": "azure-functions\n",
        },
    )
    found = only(check(tmp_path), "AZF605")
    assert [(text_at(f), f.message.split(": add ")[-1]) for f in found] == [
        ("import azure.storage.blob", "'azure-storage-blob' to requirements.txt")
    ]
    (tmp_path / "requirements.txt").unlink()
    assert [f.message.split(" is imported")[0] for f in only(check(tmp_path), "AZF605")] == [
        "'azure.storage.blob'"
    ]


def test_a_package_inside_an_app_with_function_folders_is_part_of_the_app(tmp_path: Path) -> None:
    # 1084-Ventures/autogensocial_content-generator: blueprints/scheduling/ is a package of the
    # v2 app (it has __init__.py) that also holds two function.json folders. The host reads
    # function.json one level below the script root only, so they are not functions of any
    # app; funcls took the package for a second app without host.json (AZF408, AZF601, AZF605
    # errors for 7 false alarms).
    write_app(
        tmp_path,
        {
            "function_app.py": V2_HEAD + PING,
            "blueprints/__init__.py": "",
            "blueprints/scheduling/__init__.py": "",
            "blueprints/scheduling/daily/__init__.py": "import requests\n",
            "blueprints/scheduling/daily/function.json": (
                '{"scriptFile": "__init__.py", "bindings": [{"type": "timerTrigger", '
                '"direction": "in", "name": "t", "schedule": "0 0 * * * *"}]}'
            ),
        },
    )
    assert find_app_roots(str(tmp_path)) == [str(tmp_path)]
    assert [f.code for f in check(tmp_path) if f.severity == Severity.ERROR] == []
    # A folder inside the app that is not a package is still an app of its own (the worker's
    # test apps nest like that), and one with host.json always is.
    os.remove(tmp_path / "blueprints/scheduling/__init__.py")
    assert find_app_roots(str(tmp_path)) == [
        str(tmp_path),
        str(tmp_path / "blueprints/scheduling"),
    ]


@pytest.mark.parametrize(
    "fallback",
    [
        # Corpus (QA on a public v2 app): the package-qualified path is tried when the
        # app-relative one fails; it never runs once deployed.
        "try:\n    from shared.util import helper\n"
        "except ModuleNotFoundError:\n    from api_hub.shared.util import helper\n",
        "try:\n    import urllib.request as request\nexcept ImportError:\n    import urllib2 as request\n",
        "try:\n    import orjson as fast\nexcept Exception:\n    import nowhere_to_be_found as fast\n",
    ],
)
def test_azf605_is_silent_on_an_import_error_handler_s_fallback(
    tmp_path: Path, fallback: str
) -> None:
    write_app(
        tmp_path,
        {
            "function_app.py": fallback + "\n" + V2_HEAD + PING,
            "shared/__init__.py": "",
            "shared/util.py": "def helper():\n    return 1\n",
            "requirements.txt": "azure-functions\n",
        },
    )
    assert only(check(tmp_path), "AZF605") == []
    # The same import outside the handler is still reported.
    last = fallback.rstrip("\n").splitlines()[-1].strip()
    (tmp_path / "function_app.py").write_text(last + "\n" + V2_HEAD + PING)
    assert [text_at(f) for f in only(check(tmp_path), "AZF605")] == [last]


def test_a_mixed_app_lists_only_what_the_host_loads(tmp_path: Path) -> None:
    """A function_app.py with a decorated function beside function.json folders (the shape
    of yazaratm/file-processor-function: the same function in both models): the worker
    answers the host's metadata request with the script's index, and the host falls back to
    the folders only when that index is empty (azure-functions-host FunctionMetadataProvider
    .cs). funcls listed the folders' functions too, and so reported a duplicate name (AZF302)
    the host never sees; now the index is the library's, and AZF304 names the ignored folder."""
    blob = [
        {"name": "myblob", "type": "blobTrigger", "direction": "in", "path": "files/{name}"},
    ]
    v1(tmp_path, "ping", json.dumps({"bindings": blob}), "def main(myblob):\n    pass\n")
    v1(tmp_path, "other", json.dumps({"bindings": blob}), "def main(myblob):\n    pass\n")
    v2(tmp_path, PING)
    app = load(tmp_path)
    assert app.model == "mixed"
    assert [(f.name, f.model) for f in app.functions] == [("ping", "v2")]
    assert differences(funcls_index(str(tmp_path)), library_index(str(tmp_path))) == []
    found = check(tmp_path)
    # and AZF315 on each ignored function.json
    assert codes(found) == ["AZF304", "AZF315", "AZF315"]
    assert [r.message for r in found[0].related] == [
        "v1 function 'other'",
        "v1 function 'ping'",
    ]


@pytest.mark.parametrize(
    ("listed", "expected"),
    [
        (None, ["AZF303", "AZF303"]),
        ([], ["AZF303", "AZF303"]),  # an empty list: configuration binding leaves it unset
        (["flaskwrapper"], []),  # names compare ignoring case, as the host's allow list does
        (["FlaskWrapper", "FastapiWrapper"], ["AZF303"]),
    ],
)
def test_azf303_only_between_functions_host_json_lets_the_host_load(
    tmp_path: Path, listed: list[str] | None, expected: list[str]
) -> None:
    """Three v1 wrappers of WSGI/ASGI frameworks on the same catch-all route, with host.json's
    "functions" naming the one to run (Hazhzeng/functions-wsgi): the host loads only the
    functions that list names, ignoring case (azure-functions-host FunctionMetadataManager.cs,
    ApplyAllowList), so the others answer nothing and cannot clash. funcls reported every
    pair as a duplicate route (AZF303)."""
    http = {
        "bindings": [
            {
                "type": "httpTrigger",
                "direction": "in",
                "name": "req",
                "authLevel": "anonymous",
                "methods": ["get", "post"],
                "route": "{*route}",
            },
            {"type": "http", "direction": "out", "name": "$return"},
        ]
    }
    host: dict[str, object] = {"version": "2.0"}
    if listed is not None:
        host["functions"] = listed
    files = {"host.json": json.dumps(host)}
    for name in ("FastapiWrapper", "FlaskWrapper", "FlaskTrigger"):
        files[f"{name}/function.json"] = json.dumps(http)
        files[f"{name}/__init__.py"] = "def main(req):\n    return 'x'\n"
    write_app(tmp_path, files)
    found = codes(check(tmp_path))
    assert [c for c in found if c != "AZF316"] == expected
    # Each function the list leaves out is said not to load (AZF316, information).
    assert found.count("AZF316") == (3 - len(listed) if listed else 0)


# Reduced from DamolAAkinleye/loganalytics-to-adls (azure_function/function_app.py, corpus
# information verdict "false"): the script imports a processor class, settings helpers and an
# exception from its own package, makes only a func.Blueprint() and calls an add_function the
# library does not have. It makes no FunctionApp, so the host finds no functions.
OWN_PACKAGE_APP = {
    "function_app.py": "import logging\n\nimport azure.functions as func\n\n"
    "from proc import Processor\n"
    "from proc.config import Settings, get_settings\n"
    "from proc.utils.errors import ProcessingError\n"
    "from proc import config as proc_config\n\n"
    'logger = logging.getLogger("azure.functions")\n\n\n'
    "def main(timer: func.TimerRequest) -> None:\n"
    "    try:\n        Processor(get_settings()).run()\n"
    "    except ProcessingError:\n"
    '        logger.exception("failed")\n\n\n'
    'trigger = func.TimerTrigger(name="timer", schedule="0 */5 * * * *")\n'
    "jobs = func.Blueprint()\n"
    'jobs.add_function("every_five_minutes", main, trigger=trigger)\n',
    "proc/__init__.py": 'from .processor import Processor\n\n__all__ = ["Processor"]\n',
    "proc/processor.py": "class Processor:\n    def __init__(self, settings):\n"
    "        self.settings = settings\n\n    def run(self):\n        return None\n",
    "proc/config.py": "class Settings:\n    pass\n\n\ndef get_settings():\n    return Settings()\n",
    "proc/utils/__init__.py": "",
    "proc/utils/errors.py": "class ProcessingError(Exception):\n    pass\n",
}


def test_names_from_the_apps_own_package_are_followed_for_azf306(tmp_path: Path) -> None:
    write_app(tmp_path, OWN_PACKAGE_APP)
    f = one(check(tmp_path), "AZF306")
    assert f.severity == Severity.ERROR
    assert f.message == (
        "function_app.py creates no FunctionApp at its top level, so the host finds no "
        "functions; add app = func.FunctionApp() (and register your blueprints on it)"
    )
    assert text_at(f).startswith("jobs")


# The same script importing a name its own package does not define (a settings class the
# package's __init__.py forgot to re-export): the import raises ImportError (AZF606), so the
# name is no function app made elsewhere, and the script still makes none.
MISSING_NAME_APP = {
    **OWN_PACKAGE_APP,
    "function_app.py": OWN_PACKAGE_APP["function_app.py"].replace(
        "import Settings, get_settings\n", "import Settings, get_settings, JobConfig\n"
    ),
    "proc/config/__init__.py": "from .values import Settings, get_settings\n",
    "proc/config/values.py": "class Settings:\n    pass\n\n\ndef get_settings():\n"
    "    return Settings()\n",
}
del MISSING_NAME_APP["proc/config.py"]


def test_a_name_its_own_package_does_not_define_is_no_app_for_azf306(tmp_path: Path) -> None:
    write_app(tmp_path, MISSING_NAME_APP)
    found = check(tmp_path)
    f = one(found, "AZF306")
    assert f.severity == Severity.ERROR
    assert f.message.startswith("function_app.py creates no FunctionApp at its top level")
    assert text_at(one(found, "AZF606")) == "JobConfig"


@pytest.mark.parametrize(
    "config",
    [
        # The name may come from somewhere funcls cannot see: the hedge stays.
        "from .values import *\n",
        "from .values import Settings, get_settings\n\n\ndef __getattr__(name):\n"
        "    return getattr(Settings, name)\n",
        "import sys\n\nfrom .values import Settings, get_settings\n\n"
        'setattr(sys.modules[__name__], "JobConfig", object())\n',
    ],
)
def test_a_name_its_own_package_may_bind_keeps_the_hedge(tmp_path: Path, config: str) -> None:
    write_app(tmp_path, {**MISSING_NAME_APP, "proc/config/__init__.py": config})
    f = one(check(tmp_path), "AZF306")
    assert f.severity == Severity.INFO


@pytest.mark.parametrize(
    "processor",
    [
        # The package's name is a function app made there (or maybe one): the hedge stays.
        "import azure.functions as func\n\nProcessor = func.FunctionApp()\n",
        "from factory import build\n\nProcessor = build()\n",
        "import azure.functions as func\n\n\ndef wrap(c):\n    return func.FunctionApp()\n\n\n"
        "@wrap\nclass Processor:\n    pass\n",
        "from elsewhere import *\n",
    ],
)
def test_a_name_of_the_apps_own_package_that_may_be_an_app_keeps_the_hedge(
    tmp_path: Path, processor: str
) -> None:
    write_app(tmp_path, {**OWN_PACKAGE_APP, "proc/processor.py": processor})
    f = one(check(tmp_path), "AZF306")
    assert f.severity == Severity.INFO
    assert f.message.startswith(
        "function_app.py gets its function app from somewhere funcls cannot follow"
    )


# A Go program the host starts as a custom handler, with function.json folders and no Python
# file: the host never starts the Python worker, so there are no Python packages to list.
GO_HANDLER_HOST = {
    "version": "2.0",
    "customHandler": {"description": {"defaultExecutablePath": "handler", "arguments": []}},
}
GO_HANDLER_APP = {
    "host.json": json.dumps(GO_HANDLER_HOST),
    "QueueTrigger1/function.json": json.dumps(
        {
            "bindings": [
                {
                    "type": "queueTrigger",
                    "direction": "in",
                    "name": "item",
                    "queueName": "jobs",
                    "connection": "AzureWebJobsStorage",
                }
            ]
        }
    ),
    "handler.go": "package main\n\nfunc main() {}\n",
}


def test_no_requirements_finding_in_a_custom_handler_app_without_python(tmp_path: Path) -> None:
    write_app(tmp_path / "go", GO_HANDLER_APP, base=False)
    assert only(check(tmp_path / "go"), "AZF601") == []
    # A Python program as the handler, or no custom handler: the finding stays.
    write_app(tmp_path / "py", {**GO_HANDLER_APP, "handler.py": "print('serve')\n"}, base=False)
    assert "has no requirements.txt" in one(check(tmp_path / "py"), "AZF601").message
    plain = {**GO_HANDLER_APP, "host.json": json.dumps({"version": "2.0"})}
    plain["QueueTrigger1/__init__.py"] = "def main(item):\n    pass\n"
    write_app(tmp_path / "v1", plain, base=False)
    assert "has no requirements.txt" in one(check(tmp_path / "v1"), "AZF601").message
