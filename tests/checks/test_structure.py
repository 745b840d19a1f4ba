"""AZF300–AZF313: triggers, names, routes, app objects, blueprints, durable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from funcls.checks.findings import Severity
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

PING = (
    '@app.route(route="ping")\n'
    "def ping(req: func.HttpRequest) -> func.HttpResponse:\n"
    '    return func.HttpResponse("pong")\n'
)
BP = (
    "import azure.functions as func\n\nbp = func.Blueprint()\n\n\n"
    '@bp.route(route="items")\n'
    "def items(req: func.HttpRequest) -> func.HttpResponse:\n"
    '    return func.HttpResponse("[]")\n'
)


def test_azf300_no_trigger_v2(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.queue_output(arg_name="msg", queue_name="out", connection="AzureWebJobsStorage")\n'
        "def send(msg: func.Out[str]) -> None:\n    pass\n",
    )
    f = one(check(tmp_path), "AZF300")
    assert f.message.startswith("function 'send' has no trigger, so it can never run")
    assert text_at(f) == "send"


def test_azf300_v1_points_at_bindings_and_skips_broken_json(tmp_path: Path) -> None:
    out = {"name": "msg", "type": "queue", "direction": "out", "queueName": "outbox"}
    v1(tmp_path, "send", json.dumps({"bindings": [out]}), "def main(msg):\n    pass\n")
    v1(tmp_path, "broken", '{"bindings": [', "def main(msg):\n    pass\n")
    found = check(tmp_path)
    f = one(found, "AZF300")
    assert f.function == "send" and text_at(f) == '"bindings"'
    assert "AZF100" in codes(found)


def test_azf301_second_trigger_related(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.route(route="work")\n'
        '@app.queue_trigger(arg_name="msg", queue_name="jobs", connection="AzureWebJobsStorage")\n'
        "def work(req: func.HttpRequest, msg: func.QueueMessage) -> func.HttpResponse:\n"
        '    return func.HttpResponse("ok")\n',
    )
    f = one(check(tmp_path), "AZF301")
    assert "second trigger (httpTrigger) besides queueTrigger" in f.message
    assert text_at(f) == "route"
    assert f.related[0].message == "first trigger"


def test_azf302_duplicate_names_ignoring_case(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.function_name(name="Ping")\n' + PING + "\n\n" + PING.replace("ping", "ping2"),
    )
    src = tmp_path / "function_app.py"
    src.write_text(src.read_text().replace("def ping2(", "def ping_two(").replace('"ping2"', '"x"'))
    src.write_text(src.read_text().replace("def ping_two(", "def ping("))
    f = one(check(tmp_path), "AZF302")
    assert "('Ping' and 'ping' differ only in case)" in f.message
    assert f.related[0].message == "the other 'Ping'"


def test_azf302_near_miss_distinct_names(tmp_path: Path) -> None:
    v2(tmp_path, PING + "\n\n" + PING.replace("ping", "pong"))
    assert check(tmp_path) == []


def test_azf303_same_route_shape_and_method(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.route(route="items/{id}", methods=["GET", "POST"])\n'
        "def a(req: func.HttpRequest) -> func.HttpResponse:\n    return func.HttpResponse()\n\n\n"
        '@app.route(route="Items/{name}", methods=["get"])\n'
        "def b(req: func.HttpRequest) -> func.HttpResponse:\n    return func.HttpResponse()\n",
    )
    f = one(check(tmp_path), "AZF303")
    assert f.message.startswith("'b' and 'a' both answer GET on the route 'Items/{name}'")
    assert text_at(f) == '"Items/{name}"'
    assert f.related[0].message == "'a'"


def test_azf303_default_route_is_the_function_name(tmp_path: Path) -> None:
    v2(
        tmp_path,
        "@app.route()\ndef ping(req: func.HttpRequest) -> func.HttpResponse:\n"
        "    return func.HttpResponse()\n\n\n"
        '@app.route(route="ping")\ndef other(req: func.HttpRequest) -> func.HttpResponse:\n'
        "    return func.HttpResponse()\n",
    )
    assert len(only(check(tmp_path), "AZF303")) == 1


def test_azf303_near_miss_constraint_or_method_differs(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.route(route="items/{id:int}", methods=["GET"])\n'
        "def a(req: func.HttpRequest) -> func.HttpResponse:\n    return func.HttpResponse()\n\n\n"
        '@app.route(route="items/{name}", methods=["GET"])\n'
        "def b(req: func.HttpRequest) -> func.HttpResponse:\n    return func.HttpResponse()\n\n\n"
        '@app.route(route="items/{n}", methods=["DELETE"])\n'
        "def c(req: func.HttpRequest) -> func.HttpResponse:\n    return func.HttpResponse()\n",
    )
    assert check(tmp_path) == []


def test_azf304_mixed(tmp_path: Path) -> None:
    http = [
        {"name": "req", "type": "httpTrigger", "direction": "in"},
        {"name": "$return", "type": "http", "direction": "out"},
    ]
    v1(tmp_path, "old", json.dumps({"bindings": http}), "def main(req):\n    return 'x'\n")
    v2(tmp_path, PING)
    f = one(check(tmp_path), "AZF304")
    assert "function.json folders (old)" in f.message
    assert f.related[0].message == "v1 function 'old'"


def test_azf315_each_ignored_function_json_says_so(tmp_path: Path) -> None:
    """Beside AZF304 on function_app.py, each function.json the host ignores carries its own
    warning, so that a user who opens it sees why its function never runs."""
    http = [
        {"name": "req", "type": "httpTrigger", "direction": "in"},
        {"name": "$return", "type": "http", "direction": "out"},
    ]
    v1(tmp_path, "old", json.dumps({"bindings": http}), "def main(req):\n    return 'x'\n")
    v1(tmp_path, "older", json.dumps({"bindings": http}), "def main(req):\n    return 'y'\n")
    v2(tmp_path, PING)
    found = only(check(tmp_path), "AZF315")
    assert [Path(f.path).relative_to(tmp_path).as_posix() for f in found] == [
        "old/function.json",
        "older/function.json",
    ]
    first = found[0]
    assert first.severity == Severity.WARNING
    assert first.message == (
        "the host ignores this function.json: function_app.py registers functions, and then "
        "the host loads only those (the worker's index of function_app.py) and reads no "
        "function.json folder, so 'old' never runs; move it into function_app.py (or a "
        "blueprint) and delete the folder 'old'"
    )
    assert text_at(first) == "{"  # the document's first character
    assert [(Path(r.location.path).name, r.message) for r in first.related] == [
        ("function_app.py", "function_app.py registers functions")
    ]
    # A script that registers none: the host reads the folders, which are not ignored.
    v2(tmp_path, "import logging\n")
    assert only(check(tmp_path), "AZF315") == []


def test_azf304_not_when_the_script_registers_no_function(tmp_path: Path) -> None:
    """A function_app.py whose app has no function (kept for logging set-up, say) next to
    function.json folders (the shape of a corpus app): the worker's index is empty, so it
    answers use_default_metadata_indexing and the host indexes the folders; nothing is ignored."""
    http = [
        {"name": "req", "type": "httpTrigger", "direction": "in"},
        {"name": "$return", "type": "http", "direction": "out"},
    ]
    v1(tmp_path, "old", json.dumps({"bindings": http}), "def main(req):\n    return 'x'\n")
    v2(tmp_path, "import logging\n\nlogging.basicConfig(level=logging.INFO)\n")
    # The library's own index of the script is empty: what the worker's index_functions gets.
    assert library_index(str(tmp_path)) == {}
    assert "AZF304" not in codes(check(tmp_path))
    assert [f.name for f in load(tmp_path).functions] == ["old"]
    # One decorated function is enough for the worker to index the script and drop the folder.
    v2(tmp_path, PING)
    assert library_index(str(tmp_path)) != {}
    one(check(tmp_path), "AZF304")


def test_azf304_a_blueprint_funcls_cannot_find_still_hides_the_folders(tmp_path: Path) -> None:
    """A script registering a blueprint imported from outside the app (a parent folder it puts
    on sys.path) beside leftover function.json folders of the same functions, the shape of
    AnthonyJPerez/AutomatedBlog (corpus, seventh round): the worker's index is not empty (or
    the import fails), so the host never reads the folders. funcls could not list the
    blueprint, took the script for one registering nothing and reported the folders' broken
    function.json (AZF111, no 'main'): false errors about files the host ignores."""
    app = tmp_path / "app"
    http = [
        {"name": "req", "type": "httpTrigger", "direction": "in"},
        {"name": "$return", "type": "http", "direction": "out"},
    ]
    v1(app, "jobs", json.dumps({"bindings": http}), "def run_jobs(req):\n    return 'x'\n")
    write_app(tmp_path, {"shared/__init__.py": "", "shared/jobs.py": BP}, base=False)
    v2(
        app,
        "import os\nimport sys\n\n"
        "sys.path.append(os.path.join(os.path.dirname(__file__), '..'))\n\n"
        "from shared.jobs import bp  # noqa: E402\n\napp.register_functions(bp)\n",
    )
    # The library's index of the script, as the worker imports it here, is not empty.
    assert library_index(str(app)) != {}
    found = check(app)
    assert "AZF111" not in codes(found)
    assert "jobs" in one(found, "AZF304").message
    assert [Path(f.path).relative_to(app).as_posix() for f in only(found, "AZF315")] == [
        "jobs/function.json"
    ]
    assert [f.name for f in load(app).functions] == []
    # The app still has functions, so a missing requirements.txt is still an error.
    (app / "requirements.txt").unlink()
    assert "the app has no requirements.txt" in one(check(app), "AZF601").message


def test_a_script_without_a_function_app_hides_the_folders_too(tmp_path: Path) -> None:
    """function_app.py that only sets up logging, with no FunctionApp, beside function.json
    folders (AnthonyJPerez/AutomatedBlog's src/, corpus 6 December): the worker's indexing
    raises ('Could not find top level function app instances'), answers Failure and the host
    reads no folder, so nothing loads (AZF306). funcls read the folders as the app and
    reported a broken function.json in one of them (AZF111), about a file the host never
    reads."""
    http = [
        {"name": "req", "type": "httpTrigger", "direction": "in"},
        {"name": "$return", "type": "http", "direction": "out"},
    ]
    v1(tmp_path, "old", json.dumps({"bindings": http}), "def run(req):\n    return 'x'\n")
    write_app(tmp_path, {"function_app.py": "import logging\n\nlogging.basicConfig()\n"})
    # The module holds no FunctionRegister: the worker's index_function_app raises on that.
    assert library_index(str(tmp_path)) == {}
    found = check(tmp_path)
    assert "AZF111" not in codes(found)
    assert "creates no FunctionApp" in one(found, "AZF306").message
    assert load(tmp_path).functions == []
    # A script whose app may come from elsewhere keeps the fallback to the folders.
    write_app(tmp_path, {"function_app.py": "from helpers import app\n"})
    assert "AZF111" in codes(check(tmp_path))


def test_azf305_second_app(tmp_path: Path) -> None:
    v2(tmp_path, PING + "\n\nother = func.FunctionApp()\n")
    f = one(check(tmp_path), "AZF305")
    assert "second function app 'other' besides 'app'" in f.message
    assert text_at(f) == "other = func.FunctionApp()"


def test_azf306_no_app_and_near_miss_app_imported(tmp_path: Path) -> None:
    write_app(tmp_path / "a", {"function_app.py": BP})
    # At the blueprint the script creates instead of the app (was: line 1, column 1).
    assert text_at(one(check(tmp_path / "a"), "AZF306")) == "bp = func.Blueprint()"
    write_app(tmp_path / "c", {"function_app.py": "import azure.functions as func\n"})
    assert one(check(tmp_path / "c"), "AZF306").range.start.line == 0
    write_app(
        tmp_path / "b",
        {
            "function_app.py": "from core import app  # noqa: F401\n",
            "requirements.txt": "azure-functions\ncore\n",
        },
    )
    # An app funcls cannot follow: information that it cannot list the functions, no error.
    assert [(f.code, f.severity.name) for f in check(tmp_path / "b")] == [("AZF306", "INFO")]


def test_azf307_unregistered_blueprint(tmp_path: Path) -> None:
    v2(tmp_path, PING, **{"items_bp.py": BP})
    f = one(check(tmp_path), "AZF307")
    assert f.message.startswith("blueprint 'bp' in items_bp.py is never registered")
    assert "app.register_functions(bp)" in f.message
    assert text_at(f) == "bp = func.Blueprint()"
    assert f.related[0].message == "function 'items'"


def test_azf307_blueprint_functions_defined_after_registration(tmp_path: Path) -> None:
    # register_functions copies the blueprint's functions when it runs (the library extends
    # the app's list): a def below the call is never registered.
    v2(
        tmp_path,
        "bp = func.Blueprint()\n\n\n"
        '@bp.route(route="early")\n'
        "def early(req: func.HttpRequest) -> func.HttpResponse:\n"
        '    return func.HttpResponse("ok")\n\n\n'
        "app.register_functions(bp)\n\n\n"
        '@bp.route(route="late")\n'
        "def late(req: func.HttpRequest) -> func.HttpResponse:\n"
        '    return func.HttpResponse("ok")\n',
    )
    found = check(tmp_path)
    assert codes(found) == ["AZF307"]
    f = found[0]
    assert text_at(f) == "late"
    assert f.message == (
        "function 'late' is added to blueprint 'bp' after 'app' registers it on line 14; "
        "registering copies the functions the blueprint holds at that moment, so 'late' never "
        "reaches the host: move the registration below the last function of 'bp'"
    )
    assert f.related[0].message == "the registration"
    assert [fn.name for fn in load(tmp_path).functions] == ["early"]


def test_azf308_method(tmp_path: Path) -> None:
    v2(
        tmp_path,
        "class H:\n"
        '    @app.route(route="m")\n'
        "    def m(self, req: func.HttpRequest) -> func.HttpResponse:\n"
        "        return func.HttpResponse()\n\n"
        '    @app.route(route="s")\n'
        "    def s(req: func.HttpRequest) -> func.HttpResponse:\n"
        "        return func.HttpResponse()\n",
    )
    (f,) = only(check(tmp_path), "AZF308")
    assert text_at(f) == "route"
    assert (tmp_path / "function_app.py").read_text().splitlines()[f.range.start.line] == (
        '    @app.route(route="m")'
    )
    assert f.message == (
        "@app.route is on 'm', a method of a class; the library registers the plain function "
        "and the worker calls it with the bindings as arguments, so 'self' gets none and the "
        "function does not load: move the def to the top level"
    )


def test_azf308_not_on_a_def_nested_in_a_function_decorated_on_the_module_s_app(
    tmp_path: Path,
) -> None:
    """``def add_routes(): @app.route(...) def health(...)`` and ``add_routes()`` at the top
    level: the decorator runs while the worker imports the script, the library keeps the
    nested function object, and the worker calls that object (worker 7e6acf3, loader.py
    index_function_app: app.get_functions(); functions.py Registry.add_indexed_function:
    function.get_user_function()), not a module-level name. AZF308 said it never runs (a
    false error); that funcls does not list it stays information (AZF312)."""
    v2(
        tmp_path,
        "def add_routes() -> None:\n"
        '    @app.route(route="health")\n'
        "    def health(req: func.HttpRequest) -> func.HttpResponse:\n"
        '        return func.HttpResponse("ok")\n\n\n'
        "def never_called() -> None:\n"
        '    @app.route(route="later")\n'
        "    def later(req: func.HttpRequest) -> func.HttpResponse:\n"
        '        return func.HttpResponse("ok")\n\n\n'
        "add_routes()\n",
    )
    indexed = library_index(str(tmp_path))
    assert list(indexed) == ["health"]
    assert codes(check(tmp_path)) == ["AZF312"]


def test_azf308_not_on_a_def_nested_in_a_blueprint_factory(tmp_path: Path) -> None:
    """``def build(name): bp = func.Blueprint(); @bp.timer_trigger(...) def run(...); return
    bp`` and ``app.register_functions(build("a"))``: the library registers the nested def
    on the factory's blueprint and the worker calls the function object the blueprint holds,
    so it loads (the library's index lists it). AZF308 said the worker never finds it (a
    false error); the registration funcls cannot follow stays information (AZF312)."""
    write_app(
        tmp_path,
        {
            "function_app.py": V2_HEAD + "from jobs import build  # noqa: E402\n\n"
            'app.register_functions(build("nightly"))\n',
            "jobs.py": "import azure.functions as func\n\n\n"
            "def build(name: str) -> func.Blueprint:\n"
            "    bp = func.Blueprint()\n\n"
            "    @bp.function_name(name=name)\n"
            '    @bp.timer_trigger(arg_name="timer", schedule="0 0 * * * *")\n'
            "    def run(timer: func.TimerRequest) -> None:\n"
            "        pass\n\n"
            "    return bp\n",
        },
    )
    assert list(library_index(str(tmp_path))) == ["nightly"]
    assert codes(check(tmp_path)) == ["AZF312"]


@pytest.mark.parametrize(
    ("registration", "why"),
    [
        (
            'app.register_functions(build("nightly"))\n',
            "does not run the app's code, and this is what an expression gives (a call's "
            "result), not the name of a blueprint",
        ),
        (
            "for name in NAMES:\n"
            "    module = importlib.import_module(name)\n"
            '    bp = getattr(module, "bp", None)\n'
            "    app.register_functions(bp)\n",
            "does not run the app's code, and 'bp' is bound by code here, not by an import or "
            "a Blueprint() of this module",
        ),
        (
            "from helpers import bp  # noqa: E402\n\napp.register_functions(bp)\n",
            "only follows imports of modules inside the app folder",
        ),
    ],
)
def test_azf312_says_why_the_registration_cannot_be_followed(
    tmp_path: Path, registration: str, why: str
) -> None:
    """Corpus, tenth round: a factory's result and a blueprint found with getattr in a loop
    over the app's modules were both explained by "funcls only follows imports of modules
    inside the app folder", though each is inside the app; that stays for an import funcls
    cannot find (helpers is not in the app)."""
    write_app(
        tmp_path,
        {
            "function_app.py": V2_HEAD
            + "import importlib  # noqa: E402\n\nfrom jobs import build  # noqa: E402\n\n"
            + 'NAMES = ["jobs"]\n'
            + registration,
            "jobs.py": "import azure.functions as func\n\n\n"
            "def build(name: str) -> func.Blueprint:\n"
            "    return func.Blueprint()\n",
        },
    )
    f = one(check(tmp_path), "AZF312")
    assert f.message.endswith("is defined in the app; funcls " + why)


def test_azf308_decorated_def_under_main_guard(tmp_path: Path) -> None:
    # The worker imports function_app as a module: an `if __name__ == "__main__":` block does
    # not run, so the library never registers the function (app.get_functions() misses it).
    v2(
        tmp_path,
        'if __name__ == "__main__":\n'
        '    @app.route(route="debug")\n'
        "    def debug(req: func.HttpRequest) -> func.HttpResponse:\n"
        '        return func.HttpResponse("ok")\n'
        "else:\n"
        '    @app.route(route="live")\n'
        "    def live(req: func.HttpRequest) -> func.HttpResponse:\n"
        '        return func.HttpResponse("ok")\n',
    )
    found = check(tmp_path)
    assert codes(found) == ["AZF308"]
    f = found[0]
    assert text_at(f) == "route"
    assert f.range.start.line == 6
    assert f.message == (
        "@app.route is on 'debug', defined under `if __name__ == \"__main__\":`; that block "
        "does not run when the worker imports the script, so the function is never "
        "registered: move the def out of the block"
    )
    assert [fn.name for fn in load(tmp_path).functions] == ["live"]


def test_azf308_main_guard_written_the_other_way_round(tmp_path: Path) -> None:
    v2(
        tmp_path,
        "if '__main__' != __name__:\n"
        '    @app.route(route="live")\n'
        "    def live(req: func.HttpRequest) -> func.HttpResponse:\n"
        '        return func.HttpResponse("ok")\n',
    )
    assert check(tmp_path) == []


def test_azf309_durable_requirement_fix(tmp_path: Path) -> None:
    write_app(
        tmp_path,
        {
            "function_app.py": "import azure.durable_functions as df\n\napp = df.DFApp()\n\n\n"
            '@app.activity_trigger(input_name="city")\ndef hello(city: str) -> str:\n'
            "    return city\n"
        },
    )
    f = one(check(tmp_path), "AZF309")
    assert text_at(f) == "df.DFApp()"
    assert fixed_clean(tmp_path, f) == []
    assert (
        tmp_path / "requirements.txt"
    ).read_text() == "azure-functions\nazure-functions-durable\n"


def test_azf309_durable_package_listed_in_an_included_requirements_file(tmp_path: Path) -> None:
    # JoranSlingerland/StockTracker's shape: pip reads a nested -r relative to the file that
    # names it, so the package is in requirements/common.txt; funcls does not read includes.
    code = (
        "import azure.durable_functions as df\n\n"
        "def orchestrator_function(context: df.DurableOrchestrationContext):\n"
        "    return None\n\n\nmain = df.Orchestrator.create(orchestrator_function)\n"
    )
    write_app(
        tmp_path,
        {
            "orchestrate/__init__.py": code,
            "orchestrate/function.json": json.dumps(
                {
                    "bindings": [
                        {"name": "context", "type": "orchestrationTrigger", "direction": "in"}
                    ]
                }
            ),
            "requirements.txt": "-r requirements/prod.txt\n",
            "requirements/prod.txt": "-r common.txt\n",
            "requirements/common.txt": "azure-functions\nazure-functions-durable\n",
        },
    )
    assert only(check(tmp_path), "AZF309") == []
    # Without the include, the same app is reported.
    (tmp_path / "requirements.txt").write_text("azure-functions\n", encoding="utf-8")
    assert len(only(check(tmp_path), "AZF309")) == 1


def test_azf310_durable_drops_decorators(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.orchestration_trigger(context_name="context")\n'
        '@app.function_name(name="Orchestrate")\n'
        "def orchestrate(context):\n    return 1\n",
        **{"requirements.txt": "azure-functions\nazure-functions-durable\n"},
    )
    f = one(check(tmp_path), "AZF310")
    assert "drops what the decorators below it added (function_name)" in f.message
    assert text_at(f) == "orchestration_trigger"


def test_azf311_registered_twice_without_azf302_noise(tmp_path: Path) -> None:
    head = V2_HEAD.replace("app = func", "from items_bp import bp\n\napp = func")
    write_app(
        tmp_path,
        {
            "function_app.py": head + "app.register_functions(bp)\napp.register_functions(bp)\n",
            "items_bp.py": BP,
        },
    )
    found = check(tmp_path)
    assert codes(found) == ["AZF311"]
    assert text_at(found[0]) == "app.register_functions(bp)"
    assert found[0].range.start.line == 8  # the second call


def test_azf312_unresolved_blueprint_is_info_and_silences_azf307(tmp_path: Path) -> None:
    head = V2_HEAD.replace("app = func", "from shared_lib import bp\n\napp = func")
    write_app(
        tmp_path,
        {
            "function_app.py": head + "app.register_functions(bp)\n",
            "items_bp.py": BP,
            "requirements.txt": "azure-functions\nshared-lib\n",
        },
    )
    found = check(tmp_path)
    assert codes(found) == ["AZF312"]
    assert found[0].severity.label == "info"


def test_azf313_invalid_names(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.function_name(name="get item")\n'
        + PING.replace("ping", "a")
        + "\n\n"
        + PING.replace("ping", "_private"),
    )
    found = only(check(tmp_path), "AZF313")
    assert [text_at(f) for f in found] == ['"get item"', "_private"]
    assert "rename the def or @app.function_name" in found[0].message


def test_azf313_near_miss_dashes_and_underscores(tmp_path: Path) -> None:
    v2(tmp_path, '@app.function_name(name="get-item_2")\n' + PING)
    assert check(tmp_path) == []


def test_fix_free_config_keeps_findings_of_other_apps_apart(tmp_path: Path) -> None:
    v2(tmp_path / "one", PING)
    v2(tmp_path / "two", "@app.route\n" + PING.split("\n", 1)[1])
    assert check(tmp_path / "one") == []
    assert codes(check(tmp_path / "two")) == ["AZF109"]
    assert fixed_clean(tmp_path / "two", check(tmp_path / "two")[0]) == []


def _steps_app(root: Path, main: str, steps_init: str) -> Path:
    return write_app(
        root,
        {
            "function_app.py": V2_HEAD + main,
            "steps/__init__.py": "from .first import first_bp\nfrom .second import second_bp\n\n"
            + steps_init,
            "steps/first.py": BP.replace("bp", "first_bp").replace('"items"', '"first"'),
            "steps/second.py": BP.replace("bp", "second_bp")
            .replace('"items"', '"second"')
            .replace("def items", "def second_items"),
        },
    )


def test_blueprints_a_loop_over_an_imported_list_registers_are_listed(tmp_path: Path) -> None:
    """``for bp in activity_blueprints: app.register_functions(bp)`` with the list imported
    from a package that re-exports its modules' blueprints (pedropcamellon/invoice-processing):
    the library registers every one. funcls called them unregistered (AZF307, a false error),
    then said it could not follow the loop (AZF312) and listed none; it now reads the other
    module's literal list and lists each blueprint's functions, as the library does."""
    _steps_app(
        tmp_path,
        "from steps import step_blueprints  # noqa: E402\n\n"
        "for bp in step_blueprints:\n    app.register_functions(bp)\n",
        "step_blueprints = [first_bp, second_bp]\n",
    )
    assert differences(funcls_index(str(tmp_path)), library_index(str(tmp_path))) == []
    assert [f.name for f in load(tmp_path).functions] == ["items", "second_items"]
    assert check(tmp_path) == []


def test_a_loop_over_an_imported_module_attribute_tuple_is_followed(tmp_path: Path) -> None:
    _steps_app(
        tmp_path,
        "import steps  # noqa: E402\n\nfor step in steps.ALL:\n    app.register_blueprint(step)\n",
        "ALL = (second_bp, first_bp)\n",
    )
    assert differences(funcls_index(str(tmp_path)), library_index(str(tmp_path))) == []
    assert [f.name for f in load(tmp_path).functions] == ["second_items", "items"]
    assert check(tmp_path) == []


@pytest.mark.parametrize(
    ("main_extra", "steps_extra"),
    [
        ("", "step_blueprints.append(first_bp)\n"),  # changed where it is bound
        ("", "step_blueprints += [first_bp]\n"),
        ("", "if True:\n    step_blueprints = [second_bp]\n"),  # bound twice
        ("step_blueprints.pop()\n", ""),  # changed by the script before the loop
    ],
)
def test_a_loop_over_an_imported_list_funcls_cannot_be_sure_of_stays_information(
    tmp_path: Path, main_extra: str, steps_extra: str
) -> None:
    """A list changed after it is bound is not read: the registration stays one funcls
    cannot follow (AZF312 information), and nothing is called unregistered (AZF307)."""
    _steps_app(
        tmp_path,
        "from steps import step_blueprints  # noqa: E402\n\n"
        + main_extra
        + "for bp in step_blueprints:\n    app.register_functions(bp)\n",
        "step_blueprints = [first_bp, second_bp]\n" + steps_extra,
    )
    found = check(tmp_path)
    assert "AZF307" not in codes(found)
    f = one(found, "AZF312")
    assert text_at(f) == "app.register_functions(bp)"
    assert load(tmp_path).functions == []


def test_blueprints_a_top_level_call_registers_in_a_loop_are_listed(tmp_path: Path) -> None:
    """``def main(): blueprints = [a, b]; for bp in blueprints: app.register_blueprint(bp)``
    and then ``main()`` at the top level: the call runs while the worker imports the script,
    so the library registers every blueprint. funcls read registrations among the module's
    own statements only and called each blueprint unregistered (AZF307, a false error per
    blueprint module); it now reads the body of a def the module calls there."""
    _steps_app(
        tmp_path,
        "from steps import first_bp, second_bp  # noqa: E402\n\n\n"
        "def main():\n"
        "    blueprints = [first_bp, second_bp]\n"
        "    for blueprint in blueprints:\n"
        "        app.register_blueprint(blueprint)\n\n\n"
        "main()\n",
        "",
    )
    assert differences(funcls_index(str(tmp_path)), library_index(str(tmp_path))) == []
    assert [f.name for f in load(tmp_path).functions] == ["items", "second_items"]
    assert check(tmp_path) == []


@pytest.mark.parametrize(
    "call",
    [
        'if __name__ == "__main__":\n    main()\n',  # not run when the worker imports
        "",  # never called
        "async def main():\n    pass\n\n\nmain()\n",  # a coroutine made, never run
    ],
)
def test_a_def_the_import_does_not_run_registers_nothing(tmp_path: Path, call: str) -> None:
    """The library registers nothing there (the index is compared with its own)."""
    _steps_app(
        tmp_path,
        "from steps import first_bp, second_bp  # noqa: E402\n\n\n"
        "def main():\n"
        "    app.register_functions(first_bp)\n"
        "    app.register_functions(second_bp)\n\n\n" + call,
        "",
    )
    assert load(tmp_path).functions == []
    assert codes(check(tmp_path)) == ["AZF307", "AZF307"]
    assert differences(funcls_index(str(tmp_path)), library_index(str(tmp_path))) == []


REGISTERING_CODE = {
    "function_app.py": "import azure.functions as func\n"
    + "from helpers import add_routes, tool\n\n"
    + "app = func.FunctionApp()\n"
    + "add_routes(app, 'status')\n"
    + "mcp_tool = tool(app)\n\n"
    + "for name in ('alpha', 'beta'):\n"
    + "    app.function_name(name)(app.route(route=name)(lambda req: func.HttpResponse(name)))\n\n\n"
    + "def later(req: func.HttpRequest) -> func.HttpResponse:\n"
    + "    return func.HttpResponse('late')\n\n\n"
    + "def setup() -> None:\n"
    + "    app.route(route='late')(later)\n\n\n"
    + "setup()\n",
    "helpers.py": "import azure.functions as func\n\n\n"
    "def add_routes(app: func.FunctionApp, name: str) -> None:\n"
    "    app.function_name(name)(app.route(route=name)(lambda req: func.HttpResponse(name)))\n\n\n"
    "def tool(app: func.FunctionApp):\n"
    "    return app.route\n",
}


def test_registrations_by_code_funcls_does_not_run_are_information(tmp_path: Path) -> None:
    """Corpus (fifth round): functions registered in a loop with computed names, by a helper
    handed the app or a blueprint, and through a home-made decorator factory were silently left
    out of the index (50 functions of three apps). funcls does not run that code; it now says
    where its list stops being complete (AZF312 information)."""
    write_app(tmp_path, REGISTERING_CODE)
    library = library_index(str(tmp_path), script="function_app.py")
    assert sorted(library) == ["alpha", "beta", "later", "status"]  # they do exist
    assert load(tmp_path).functions == []
    found = only(check(tmp_path), "AZF312")
    # Once per app object and kind (the first call handed it, the first decorator in a loop
    # or function), not once per call: a helper called fourteen times is one fact.
    assert [(f.severity, text_at(f)) for f in found] == [
        (Severity.INFO, "add_routes(app, 'status')"),
        (Severity.INFO, "app.function_name"),
    ]
    assert found[0].message.startswith(
        "add_routes() is handed 'app', code funcls does not run: the functions it registers "
        "there are not listed or checked"
    )
    assert "app.function_name() is applied inside a loop" in found[1].message
    # Columns count characters: a non-ASCII name before the call on its line.
    script = REGISTERING_CODE["function_app.py"]
    accented = script.replace("add_routes(app, 'status')", "état = add_routes(app, 'status')")
    write_app(tmp_path, {"function_app.py": accented}, base=False)
    assert text_at(only(check(tmp_path), "AZF312")[0]) == "add_routes(app, 'status')"
    script = REGISTERING_CODE["function_app.py"]
    only_tool = script[: script.index("for name")].replace("add_routes(app, 'status')\n", "")
    write_app(tmp_path, {"function_app.py": only_tool}, base=False)
    assert [text_at(f) for f in only(check(tmp_path), "AZF312")] == ["tool(app)"]


def test_no_registration_information_for_code_funcls_reads(tmp_path: Path) -> None:
    """Near misses: blueprints registered in a loop, decorators in a top-level if/try, a
    decorated def (its decorators run where the def is), the app handed to isinstance."""
    write_app(
        tmp_path,
        {
            "function_app.py": "import azure.functions as func\n"
            + "from items import bp\n\n"
            + "app = func.FunctionApp()\n"
            + "for one in (bp,):\n    app.register_functions(one)\n"
            + "assert isinstance(app, func.FunctionApp)\n"
            + "try:\n"
            + "    @app.route(route='a')\n"
            + "    def a(req: func.HttpRequest) -> func.HttpResponse:\n"
            + "        return func.HttpResponse('a')\n"
            + "except ImportError:\n    pass\n\n\n"
            + "@app.route(route='b')\n"
            + "def b(req: func.HttpRequest) -> func.HttpResponse:\n"
            + "    return func.HttpResponse('b')\n",
            "items.py": "import azure.functions as func\n\nbp = func.Blueprint()\n\n\n"
            "@bp.route(route='c')\n"
            "def c(req: func.HttpRequest) -> func.HttpResponse:\n"
            "    return func.HttpResponse('c')\n",
        },
    )
    assert sorted(f.name for f in load(tmp_path).functions) == ["a", "b", "c"]
    assert only(check(tmp_path), "AZF312") == []
