"""A blueprint the app never registers (AZF307): its quick fix registers it in the app's script,
placed as the new-blueprint command places its own registration (model.scaffold.module
plan_registration, shared), and `funcls check --fix` applies the same edit (QA findings
pass)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from funcls.commands.check_fix import preferred_fix
from tests.checks.support import apply_fix, check, codes, load, one, only, run_cli, write_app
from tests.support.fidelity import library_index

ORDERS = (
    "import azure.functions as func\n\nbp = func.Blueprint()\n\n\n"
    '@bp.route(route="orders/{id:int}")\n'
    "def orders(req: func.HttpRequest) -> func.HttpResponse:\n"
    '    return func.HttpResponse(req.route_params["id"])\n'
)
OTHER = ORDERS.replace("orders", "other")
SCRIPT = (
    "import azure.functions as func\n\n"
    "from other import bp as other_bp\n\n"
    "app = func.FunctionApp()\n"
    "app.register_functions(other_bp)\n\n\n"
    '@app.route(route="ping")\n'
    "def ping(req: func.HttpRequest) -> func.HttpResponse:\n"
    '    return func.HttpResponse("pong")\n'
)


def app(tmp_path: Path, script: str = SCRIPT, **files: str) -> Path:
    return write_app(
        tmp_path, {"function_app.py": script, "other.py": OTHER, "orders.py": ORDERS, **files}
    )


def registered(root: Path) -> list[str]:
    return sorted(f.name for f in load(root).functions)


def test_the_fix_registers_below_the_last_registration(tmp_path: Path) -> None:
    root = app(tmp_path)
    f = one(check(root), "AZF307")
    assert Path(f.path).name == "orders.py"
    (fix,) = f.fixes
    assert fix.title == "Register bp in function_app.py"
    assert fix.preferred
    assert {Path(e.path).name for e in fix.edits} == {"function_app.py"}
    apply_fix(fix)
    assert (root / "function_app.py").read_text() == SCRIPT.replace(
        "from other import bp as other_bp\n",
        "from other import bp as other_bp\nfrom orders import bp as orders_bp\n",
    ).replace(
        "app.register_functions(other_bp)\n",
        "app.register_functions(other_bp)\napp.register_functions(orders_bp)\n",
    )
    assert codes(check(root)) == []
    assert registered(root) == ["orders", "other", "ping"]
    # The real library agrees: the app now holds the blueprint's function.
    assert sorted(library_index(str(root))) == ["orders", "other", "ping"]


def test_without_a_registration_the_call_goes_below_the_app(tmp_path: Path) -> None:
    script = (
        "import azure.functions as func\n\n"
        "app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)\n\n\n"
        '@app.route(route="ping")\n'
        "def ping(req: func.HttpRequest) -> func.HttpResponse:\n"
        '    return func.HttpResponse("pong")\n'
    )
    root = app(tmp_path, script)
    (root / "other.py").unlink()
    apply_fix(one(check(root), "AZF307").fixes[0])
    assert (root / "function_app.py").read_text() == script.replace(
        "import azure.functions as func\n",
        "import azure.functions as func\nfrom orders import bp as orders_bp\n",
    ).replace("AuthLevel.ANONYMOUS)\n", "AuthLevel.ANONYMOUS)\napp.register_functions(orders_bp)\n")
    assert codes(check(root)) == []


def test_register_blueprint_is_a_registration_too(tmp_path: Path) -> None:
    script = SCRIPT.replace("app.register_functions(other_bp)", "app.register_blueprint(other_bp)")
    root = app(tmp_path, script)
    apply_fix(one(check(root), "AZF307").fixes[0])
    assert (
        "app.register_blueprint(other_bp)\napp.register_functions(orders_bp)\n"
        in (root / "function_app.py").read_text()
    )
    assert codes(check(root)) == []


def test_an_import_of_the_blueprint_is_used_as_it_is(tmp_path: Path) -> None:
    script = SCRIPT.replace(
        "from other import bp as other_bp\n",
        "from other import bp as other_bp\nfrom orders import bp as shop\n",
    )
    root = app(tmp_path, script)
    (fix,) = one(check(root), "AZF307").fixes
    assert len(fix.edits) == 1  # only the call: the import is there
    apply_fix(fix)
    assert (root / "function_app.py").read_text() == script.replace(
        "app.register_functions(other_bp)\n",
        "app.register_functions(other_bp)\napp.register_functions(shop)\n",
    )
    assert codes(check(root)) == []


def test_a_blueprint_of_a_package_and_another_name(tmp_path: Path) -> None:
    root = app(
        tmp_path,
        **{"shop/__init__.py": "", "shop/orders.py": ORDERS.replace("bp", "orders_blueprint")},
    )
    (root / "orders.py").unlink()
    f = one(check(root), "AZF307")
    assert f.fixes[0].title == "Register orders_blueprint in function_app.py"
    apply_fix(f.fixes[0])
    text = (root / "function_app.py").read_text()
    assert "from shop.orders import orders_blueprint\n" in text
    assert "app.register_functions(orders_blueprint)\n" in text
    assert codes(check(root)) == []
    assert sorted(library_index(str(root))) == ["orders", "other", "ping"]


def test_a_blueprint_of_the_script_is_registered_at_its_end(tmp_path: Path) -> None:
    # Below its defs: registering copies the functions the blueprint holds at that moment.
    script = SCRIPT + "\n\n" + ORDERS.split("\n\n\n", 1)[1].replace("@bp.", "@local_bp.")
    script = script.replace(
        "app = func.FunctionApp()\n", "app = func.FunctionApp()\nlocal_bp = func.Blueprint()\n"
    )
    root = app(tmp_path, script)
    (root / "orders.py").unlink()
    f = one(check(root), "AZF307")
    assert f.fixes[0].title == "Register local_bp in function_app.py"
    apply_fix(f.fixes[0])
    assert (
        root / "function_app.py"
    ).read_text() == script + "\n\napp.register_functions(local_bp)\n"
    assert codes(check(root)) == []
    assert sorted(library_index(str(root))) == ["orders", "other", "ping"]


@pytest.mark.parametrize(
    "case",
    ["circular", "no-app", "name-taken", "not-importable"],
)
def test_no_fix_when_it_cannot_be_written_safely(tmp_path: Path, case: str) -> None:
    files: dict[str, str] = {}
    script = SCRIPT
    if case == "circular":  # the blueprint module imports the script: the import would loop
        files["orders.py"] = ORDERS.replace(
            "import azure.functions as func\n",
            "import azure.functions as func\nimport function_app\n",
        )
    elif case == "no-app":
        script = "import azure.functions as func\n\nfrom other import bp\n"
    elif case == "name-taken":
        script = SCRIPT.replace("app = func", "orders_bp = 1\napp = func")
    root = app(tmp_path, script, **files)
    if case == "not-importable":
        (root / "my-orders").mkdir()
        shutil.move(root / "orders.py", root / "my-orders" / "orders.py")
    found = only(check(root), "AZF307")
    assert found, codes(check(root))
    assert all(not f.fixes for f in found)


def test_check_fix_applies_the_same_edit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    by_hand, by_cli = app(tmp_path / "a"), app(tmp_path / "b")
    fix = preferred_fix(one(check(by_hand), "AZF307"))
    assert fix is not None
    apply_fix(fix)
    code, out, _err = run_cli(capsys, "--fix", str(by_cli))
    assert code == 0, out
    assert (by_cli / "function_app.py").read_text() == (by_hand / "function_app.py").read_text()


@pytest.mark.parametrize(
    "test_module",
    ["tests/test_orders.py", "test_orders.py", "conftest.py", "orders_test.py", "pkg/tests/x.py"],
)
def test_no_finding_for_a_blueprint_of_a_test_module(
    tmp_path: Path, test_module: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # The worker imports only the script and what it imports; a test module's blueprint is
    # test scaffolding, and registering it would write it into the app's script.
    root = app(tmp_path, script=SCRIPT, **{test_module: ORDERS})
    (root / "orders.py").unlink()
    if test_module.startswith("pkg/"):
        (root / "pkg" / "__init__.py").write_text("")
    script_before = (root / "function_app.py").read_text()
    assert codes(check(root)) == []
    assert load(root).unregistered == []
    _code, _out, _err = run_cli(capsys, "--fix", str(root))
    assert (root / "function_app.py").read_text() == script_before


@pytest.mark.parametrize(
    "pattern", ["orders.py", "/orders.py", "*.py\n!function_app.py\n!other.py", "scratch/"]
)
def test_no_finding_for_a_blueprint_funcignore_leaves_out(tmp_path: Path, pattern: str) -> None:
    # The deployment does not upload it: the app in Azure could not import it.
    module = "scratch/orders.py" if pattern == "scratch/" else "orders.py"
    root = app(
        tmp_path, **{module: ORDERS, ".funcignore": ".venv\nlocal.settings.json\n" + pattern + "\n"}
    )
    if module != "orders.py":
        (root / "orders.py").unlink()
    assert codes(check(root)) == []


def test_funcignore_that_leaves_other_modules_out_keeps_the_finding(tmp_path: Path) -> None:
    root = app(
        tmp_path, **{".funcignore": ".venv\nlocal.settings.json\nscratch/\n!orders.py\n*_old.py\n"}
    )
    assert codes(check(root)) == ["AZF307"]
