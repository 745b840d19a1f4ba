"""Functions decorated on an app object or blueprint that another module of the app imports
back (AGVANKU/agent.agcloud.it's shape): funcls lists them where, and in the order, the
library does, from the syntax trees alone; what it cannot follow keeps AZF306 information."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from funcls.checks import CheckConfig
from funcls.checks.findings import Severity
from tests.checks.support import V2_HEAD, check, load, one, only, text_at, write_app
from tests.support.fidelity import differences, library_index


def timer(target: str, name: str) -> str:
    return (
        f'@{target}.timer_trigger(schedule="0 0 1 * * *", arg_name="timer")\n'
        f"def {name}(timer: func.TimerRequest) -> None:\n    pass\n\n\n"
    )


def http(target: str, name: str) -> str:
    return (
        f'@{target}.route(route="{name}")\n'
        f"def {name}(req: func.HttpRequest) -> func.HttpResponse:\n"
        "    return func.HttpResponse('ok')\n\n\n"
    )


def same_as_library(root: Path) -> list[str]:
    """funcls' functions in order, after checking they equal the library's, in its order."""
    app = load(root)
    library = library_index(str(root))
    assert differences(app, library) == []
    names = [f.name for f in app.functions]
    assert names == list(library)  # the library's registration order (json keeps it)
    return names


def test_a_blueprint_module_ending_with_an_import_of_a_module_that_decorates_on_it(
    tmp_path: Path,
) -> None:
    write_app(
        tmp_path,
        {
            "function_app.py": V2_HEAD
            + "from jobs.board import bp\n\napp.register_functions(bp)\n",
            "jobs/__init__.py": "",
            "jobs/board.py": "import azure.functions as func\n\nbp = func.Blueprint()\n\n\n"
            + http("bp", "first")
            + "from jobs import nightly  # noqa: E402,F401\n\n\n"
            + http("bp", "last"),
            "jobs/nightly.py": "import azure.functions as func\n\nfrom jobs.board import bp\n\n\n"
            + timer("bp", "nightly_a")
            + timer("bp", "nightly_b"),
        },
    )
    # The import runs nightly.py between the two defs of board.py.
    assert same_as_library(tmp_path) == ["first", "nightly_a", "nightly_b", "last"]
    app = load(tmp_path)
    nightly = next(f for f in app.functions if f.name == "nightly_a")
    assert nightly.script_path == str(tmp_path / "jobs" / "nightly.py")
    assert (
        nightly.def_name_range is not None and nightly.def_name_range.start.line == 6
    )  # `def nightly_a`
    assert (nightly.registered_on, nightly.blueprint_path) == (
        "bp",
        str(tmp_path / "jobs" / "board.py"),
    )
    findings = check(tmp_path)
    assert only(findings, "AZF306") == []
    # Every rule sees it: a binding error in the imported-back function is found there.
    (tmp_path / "jobs" / "nightly.py").write_text(
        (tmp_path / "jobs" / "nightly.py").read_text().replace("0 0 1 * * *", "every day", 1),
        encoding="utf-8",
    )
    found = one(check(tmp_path), "AZF500")
    assert (found.severity, text_at(found), os.path.basename(found.path)) == (
        Severity.ERROR,
        "every day",
        "nightly.py",
    )


def test_the_script_ending_with_an_import_of_a_module_that_takes_the_app_back(
    tmp_path: Path,
) -> None:
    write_app(
        tmp_path,
        {
            "function_app.py": V2_HEAD
            + http("app", "before")
            + "import routes  # noqa: E402,F401\n"
            + "from api import more  # noqa: E402,F401\n\n\n"
            + http("app", "after"),
            "routes.py": "import azure.functions as func\n\nfrom function_app import app\n\n\n"
            + http("app", "hello"),
            # An alias, in a package, importing a module that decorates on the app in turn.
            "api/__init__.py": "",
            "api/more.py": "import azure.functions as func\n\n"
            "from function_app import app as application\n"
            "from api import deeper  # noqa: F401\n\n\n" + http("application", "more"),
            "api/deeper.py": "import azure.functions as func\n\nimport function_app\n"
            "from function_app import app\n\n\n" + timer("app", "deepest"),
        },
    )
    assert same_as_library(tmp_path) == ["before", "hello", "deepest", "more", "after"]
    app = load(tmp_path)
    more = next(f for f in app.functions if f.name == "more")
    assert (more.registered_on, more.script_path) == ("app", str(tmp_path / "api" / "more.py"))
    assert only(check(tmp_path), "AZF306") == []


def test_the_script_takes_its_app_from_a_module_of_the_app(tmp_path: Path) -> None:
    # CGSOG-JumpStarts/indexadillo's shape: the worker takes the FunctionRegister among the
    # script's names, imported or not; every module decorating on that object adds to it.
    holder = (
        "import azure.functions as func\n\n"
        "app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)\n\n\n"
    )
    write_app(
        tmp_path,
        {
            "function_app.py": "import azure.functions as func\n\n"
            "from core.holder import app as application\n"
            "from jobs import nightly  # noqa: F401\n"
            "from shop import bp\n\n"
            + http("application", "own")
            + "application.register_functions(bp)\n\n\n"
            + timer("application", "last"),
            "core/__init__.py": "",
            "core/holder.py": holder + http("app", "in_holder"),
            "jobs/__init__.py": "",
            "jobs/nightly.py": "import azure.functions as func\n\nfrom core.holder import app\n\n\n"
            + timer("app", "nightly"),
            "shop.py": "import azure.functions as func\n\nbp = func.Blueprint()\n\n\n"
            + http("bp", "items"),
        },
    )
    assert same_as_library(tmp_path) == ["in_holder", "nightly", "own", "items", "last"]
    app = load(tmp_path)
    own = next(f for f in app.functions if f.name == "own")
    assert own.trigger is not None and own.trigger.properties["authLevel"].value == "anonymous"
    assert only(check(tmp_path), "AZF306") == []
    assert only(check(tmp_path), "AZF307") == []


def test_an_import_back_that_python_cannot_complete_is_one_error_not_also_information(
    tmp_path: Path,
) -> None:
    # routes is imported before `app` is bound: `from function_app import app` fails (a
    # circular import), so the worker loads nothing. funcls does not list 'hello'; AZF608 says
    # why, and the AZF306 information on 'hello' (funcls cannot tell whether 'app' holds it)
    # would repeat it less precisely, so it is left out — unless AZF608 is turned off.
    write_app(
        tmp_path,
        {
            "function_app.py": "import azure.functions as func\n\nimport routes  # noqa: F401\n\n"
            "app = func.FunctionApp()\n\n\n" + http("app", "before"),
            "routes.py": "import azure.functions as func\n\nfrom function_app import app\n\n\n"
            + http("app", "hello"),
        },
    )
    with pytest.raises(AssertionError, match="cannot import name 'app'"):
        library_index(str(tmp_path))
    assert [f.name for f in load(tmp_path).functions] == ["before"]
    findings = check(tmp_path)
    assert [(f.code, os.path.basename(f.path), text_at(f)) for f in findings] == [
        ("AZF608", "routes.py", "app")
    ]
    found = one(check(tmp_path, CheckConfig(ignore=("AZF608",))), "AZF306")
    assert (found.severity, text_at(found), os.path.basename(found.path)) == (
        Severity.INFO,
        'app.route(route="hello")',
        "routes.py",
    )


def test_a_module_that_runs_after_the_registration_adds_nothing_the_host_sees(
    tmp_path: Path,
) -> None:
    # register_functions copies the blueprint as it is then; nightly.py runs later.
    write_app(
        tmp_path,
        {
            "function_app.py": V2_HEAD + "from jobs.board import bp\n\napp.register_functions(bp)\n"
            "import jobs.nightly  # noqa: E402,F401\n",
            "jobs/__init__.py": "",
            "jobs/board.py": "import azure.functions as func\n\nbp = func.Blueprint()\n\n\n"
            + http("bp", "first"),
            "jobs/nightly.py": "import azure.functions as func\n\nfrom jobs.board import bp\n\n\n"
            + timer("bp", "nightly"),
        },
    )
    assert same_as_library(tmp_path) == ["first"]
    findings = check(tmp_path)
    assert only(findings, "AZF306") == []
    found = one(findings, "AZF307")
    assert (os.path.basename(found.path), text_at(found), found.severity) == (
        "nightly.py",
        "nightly",
        Severity.ERROR,
    )
    assert "registers it in function_app.py line 8, which runs before this def does" in (
        found.message
    )
    assert [(os.path.basename(r.location.path), r.message) for r in found.related] == [
        ("function_app.py", "the registration")
    ]


def test_a_chain_of_modules_each_running_the_next_between_two_functions(tmp_path: Path) -> None:
    # Each module takes the blueprint back, decorates one function, imports the next module
    # (which runs to its end there) and decorates another: the library's order nests.
    depth = 60
    files = {
        "function_app.py": V2_HEAD + "from chain.board import bp\n\napp.register_functions(bp)\n",
        "chain/__init__.py": "",
        "chain/board.py": "import azure.functions as func\n\nbp = func.Blueprint()\n\n"
        "from chain import m0  # noqa: E402,F401\n",
    }
    for k in range(depth):
        files[f"chain/m{k}.py"] = (
            "import azure.functions as func\n\nfrom chain.board import bp\n\n\n"
            + timer("bp", f"down_{k}")
            + (f"from chain import m{k + 1}  # noqa: E402,F401\n\n\n" if k + 1 < depth else "")
            + timer("bp", f"up_{k}")
        )
    write_app(tmp_path, files)
    down = [f"down_{k}" for k in range(depth)]
    up = [f"up_{k}" for k in reversed(range(depth))]
    assert same_as_library(tmp_path) == down + up


def test_relative_imports_and_an_alias_of_the_blueprint(tmp_path: Path) -> None:
    write_app(
        tmp_path,
        {
            "function_app.py": V2_HEAD
            + "from jobs.board import bp\n\napp.register_functions(bp)\n",
            "jobs/__init__.py": "",
            "jobs/board.py": "import azure.functions as func\n\nbp = func.Blueprint()\n\n\n"
            + http("bp", "first")
            + "from . import nightly  # noqa: E402,F401\n",
            "jobs/nightly.py": "import azure.functions as func\n\nfrom .board import bp as board\n\n\n"
            + timer("board", "nightly"),
        },
    )
    assert same_as_library(tmp_path) == ["first", "nightly"]
    nightly = load(tmp_path).functions[1]
    assert (nightly.registered_on, nightly.script_path) == (
        "bp",
        str(tmp_path / "jobs" / "nightly.py"),
    )


def test_a_package_named_like_the_script_is_what_the_worker_imports(tmp_path: Path) -> None:
    """function_app.py beside a package function_app/ (Nick-007/StreamFoundry's shape): the
    worker imports the script by its stem (azure_functions_worker/loader.py,
    index_function_app), and Python finds the package before the module, so the package's
    __init__.py creates the app and its submodules decorate on it through ``from .. import
    app`` / ``from . import app``. funcls listed nothing and said it could not follow."""
    write_app(
        tmp_path,
        {
            # Never run by the worker: the import of function_app finds the package.
            "function_app.py": "from function_app import app  # noqa: F401\n",
            "function_app/__init__.py": V2_HEAD + "from . import jobs, orders  # noqa: E402\n",
            "function_app/jobs.py": "import azure.functions as func\n\nfrom . import app\n\n\n"
            + timer("app", "nightly"),
            "function_app/orders/__init__.py": "import azure.functions as func\n\n"
            "from .. import app\n\n\n" + http("app", "list_orders") + http("app", "add_order"),
        },
    )
    app = load(tmp_path)
    assert app.script_path == str(tmp_path / "function_app" / "__init__.py")
    assert same_as_library(tmp_path) == ["nightly", "list_orders", "add_order"]
    assert not [f for f in check(tmp_path) if f.code in ("AZF305", "AZF306", "AZF307")]
