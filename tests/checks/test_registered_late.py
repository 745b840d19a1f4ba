"""Functions decorated on a blueprint after it is registered, and registrations made by modules
other than the script.

``register_functions`` (and its alias ``register_blueprint``) copies the functions the
blueprint holds when it runs (azure/functions/decorators/function_app.py,
``FunctionRegister.register_functions``: ``self._function_builders.extend(...)``): a def that
runs later adds to the blueprint only, and the host never sees it. Every app here is also
indexed by the real library, and funcls' index must equal it, in order.
"""

from __future__ import annotations

import os
from pathlib import Path

from funcls.checks.findings import Severity
from tests.checks.support import V2_HEAD, check, load, one, only, text_at, write_app
from tests.checks.test_imported_back import http, same_as_library
from tests.support.fidelity import library_index

BP_HEAD = "import azure.functions as func\n\nbp = func.Blueprint()\n\n\n"


def test_a_module_registering_the_blueprint_on_the_app_it_imports_back(tmp_path: Path) -> None:
    # The registration is in another module than the script: the library lists 'orders';
    # funcls used to say the blueprint was never registered (a false AZF307 error).
    write_app(
        tmp_path,
        {
            "function_app.py": V2_HEAD + "import registry  # noqa: E402,F401\n",
            "registry.py": "from function_app import app\nfrom shop import bp\n\n"
            "app.register_functions(bp)\n",
            "shop.py": BP_HEAD + http("bp", "orders"),
        },
    )
    assert same_as_library(tmp_path) == ["orders"]
    assert only(check(tmp_path), "AZF307") == []


def test_a_blueprint_module_registering_itself_above_a_further_def(tmp_path: Path) -> None:
    write_app(
        tmp_path,
        {
            "function_app.py": V2_HEAD + "import shop  # noqa: E402,F401\n",
            "shop.py": "from function_app import app\n"
            + BP_HEAD
            + http("bp", "orders")
            # register_blueprint is register_functions' alias.
            + "app.register_blueprint(bp)\n\n\n"
            + http("bp", "refunds"),
        },
    )
    assert same_as_library(tmp_path) == ["orders"]
    found = one(check(tmp_path), "AZF307")
    assert (os.path.basename(found.path), text_at(found), found.severity) == (
        "shop.py",
        "refunds",
        Severity.ERROR,
    )
    assert found.message == (
        "function 'refunds' is added to blueprint 'bp' after 'app' registers it on line 12; "
        "registering copies the functions the blueprint holds at that moment, so 'refunds' "
        "never reaches the host: move the registration below the last function of 'bp'"
    )


def test_the_registering_module_imported_before_the_blueprint_module_finishes(
    tmp_path: Path,
) -> None:
    # shop.py imports registry.py between its two defs; registry.py takes the half-run
    # blueprint (bound above) and registers it: 'refunds' is defined after that.
    write_app(
        tmp_path,
        {
            "function_app.py": V2_HEAD + "import shop  # noqa: E402,F401\n",
            "shop.py": BP_HEAD
            + http("bp", "orders")
            + "import registry  # noqa: E402,F401\n\n\n"
            + http("bp", "refunds"),
            "registry.py": "from function_app import app\nfrom shop import bp\n\n"
            "app.register_functions(bp)\n",
        },
    )
    assert same_as_library(tmp_path) == ["orders"]
    found = one(check(tmp_path), "AZF307")
    assert (os.path.basename(found.path), text_at(found)) == ("shop.py", "refunds")
    assert found.message == (
        "function 'refunds' is added to blueprint 'bp' after 'app' registers it in registry.py "
        "line 4, which runs before this def does; registering copies the functions the "
        "blueprint holds at that moment, so 'refunds' never reaches the host: move the "
        "registration so that it runs after every function of 'bp' is defined (after this "
        "module has run)"
    )
    assert [(os.path.basename(r.location.path), r.message) for r in found.related] == [
        ("registry.py", "the registration")
    ]


def test_the_script_decorating_on_an_imported_blueprint_around_its_registration(
    tmp_path: Path,
) -> None:
    write_app(
        tmp_path,
        {
            "function_app.py": V2_HEAD
            + "from shop import bp\n\n\n"
            + http("bp", "early")
            + "app.register_functions(bp)\n\n\n"
            + http("bp", "late"),
            "shop.py": BP_HEAD + http("bp", "orders"),
        },
    )
    assert same_as_library(tmp_path) == ["orders", "early"]
    findings = check(tmp_path)
    assert only(findings, "AZF306") == []
    found = one(findings, "AZF307")
    assert (os.path.basename(found.path), text_at(found)) == ("function_app.py", "late")
    assert "after 'app' registers it on line 14;" in found.message


def test_a_registration_in_a_module_whose_import_of_the_app_fails_is_not_followed(
    tmp_path: Path,
) -> None:
    # registry.py runs before `app` exists: its import fails (the library cannot load the
    # app at all); funcls does not take its registration for one that happens.
    write_app(
        tmp_path,
        {
            "function_app.py": "import azure.functions as func\n\nimport registry  # noqa\n\n"
            "app = func.FunctionApp()\n",
            "registry.py": "from function_app import app\nfrom shop import bp\n\n"
            "app.register_functions(bp)\n",
            "shop.py": BP_HEAD + http("bp", "orders"),
        },
    )
    assert [f.name for f in load(tmp_path).functions] == []


def test_a_module_also_imported_inside_a_function_is_never_said_to_run_late(
    tmp_path: Path,
) -> None:
    # loader.load_all() imports more.py inside a function, before the registration: the
    # library lists 'nightly'. The trace sees only the import at the end of the script, so
    # funcls cannot tell when more.py first runs: no AZF307 (it would be false), and the
    # function is left to AZF306 information.
    write_app(
        tmp_path,
        {
            "function_app.py": V2_HEAD + "from shop import bp\nimport loader\n\nloader.load_all()\n"
            "app.register_functions(bp)\n\nimport more  # noqa: E402,F401\n",
            "loader.py": "def load_all():\n    import more  # noqa: F401\n",
            "shop.py": BP_HEAD + http("bp", "orders"),
            "more.py": "import azure.functions as func\n\nfrom shop import bp\n\n\n"
            + http("bp", "nightly"),
        },
    )
    assert list(library_index(str(tmp_path))) == ["orders", "nightly"]
    assert [f.name for f in load(tmp_path).functions] == ["orders"]
    findings = check(tmp_path)
    assert only(findings, "AZF307") == []
    assert one(findings, "AZF306").severity == Severity.INFO
