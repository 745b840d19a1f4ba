"""AZF609: a decorator of a top-level def or class whose name the module never binds.

Every case is also imported by a real Python (a child process with the app folder first on
sys.path, as the worker imports function_app.py), so that a finding stands only where the
import really fails with NameError, and each binding form Python accepts gives none.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from funcls.checks import Severity
from funcls.checks import decorator_names as azf609
from tests.checks.support import check, fixed_clean, one, only, text_at, write_app

APP = "import azure.functions as func\n\nfrom orders import bp\n\napp = func.FunctionApp()\n"
ROUTE = (
    '@{name}.route(route="orders")\n'
    "def list_orders(req: func.HttpRequest) -> func.HttpResponse:\n"
    '    return func.HttpResponse("[]")\n'
)
BP_HEAD = "import azure.functions as func\n\nbp = func.Blueprint()\n\n\n"


def import_error(root: Path, module: str = "function_app") -> str:
    """The last line of the error a real Python gives importing ``module`` ("" when none)."""
    code = f"import sys; sys.path.insert(0, {str(root)!r}); import {module}"
    done = subprocess.run(
        [sys.executable, "-B", "-c", code], cwd=root, capture_output=True, text=True, timeout=60
    )
    return "" if done.returncode == 0 else done.stderr.strip().splitlines()[-1]


def app_with(tmp_path: Path, orders: str, app: str = APP) -> Path:
    return write_app(tmp_path, {"function_app.py": app, "orders.py": orders})


def test_app_left_on_a_function_moved_to_a_blueprint(tmp_path: Path) -> None:
    root = app_with(tmp_path, BP_HEAD + ROUTE.format(name="app"))
    assert import_error(root) == "NameError: name 'app' is not defined"
    f = one(check(root), "AZF609")
    assert f.severity is Severity.ERROR
    assert f.path.endswith("orders.py") and text_at(f) == "app"
    assert f.range.start.line == 5
    assert "'app' of @app.route on line 6 of orders.py" in f.message
    assert "import of function_app.py fails with NameError" in f.message
    assert "bp = func.Blueprint() is defined on line 3: use @bp.route" in f.message
    assert f.fixes[0].title == "Use '@bp.route'"
    fixed_clean(root, f)
    assert import_error(root) == ""
    assert "@bp.route" in (root / "orders.py").read_text()


def test_blueprint_name_in_function_app_never_imported(tmp_path: Path) -> None:
    app = "import azure.functions as func\n\nimport orders\n\napp = func.FunctionApp()\n\n\n"
    root = app_with(tmp_path, BP_HEAD, app + ROUTE.format(name="bp"))
    assert import_error(root) == "NameError: name 'bp' is not defined"
    f = one(check(root), "AZF609")
    assert f.path.endswith("function_app.py") and text_at(f) == "bp"
    assert "app = func.FunctionApp() is defined on line 5: use @app.route" in f.message
    assert "or import 'bp' from orders.py, which creates it" in f.message


def test_no_app_in_the_module_no_fix(tmp_path: Path) -> None:
    orders = "import functools\n\n\n@cache\ndef rate() -> int:\n    return 1\n\n\n@lru(1)\nclass C:\n    pass\n"
    root = app_with(tmp_path, orders)
    assert import_error(root) == "NameError: name 'cache' is not defined"
    found = only(check(root), "AZF609")
    assert [text_at(f) for f in found] == ["cache", "lru"]
    assert "define or import 'cache' in orders.py" in found[0].message
    assert not found[0].fixes


def test_two_apps_in_the_module_no_fix(tmp_path: Path) -> None:
    orders = BP_HEAD + "other = func.Blueprint()\n\n\n" + ROUTE.format(name="app")
    f = one(check(app_with(tmp_path, orders)), "AZF609")
    assert not f.fixes


# (id, orders.py) — Python imports each (or funcls cannot be sure): none may be reported.
NOT_REPORTED: list[tuple[str, str]] = [
    ("bound", BP_HEAD + ROUTE.format(name="bp")),
    ("import", "import functools\n\n\n@functools.cache\ndef f():\n    pass\n"),
    ("from-import", "from functools import cache as app\n\n\n@app\ndef f():\n    pass\n"),
    ("builtin", "@staticmethod\ndef f():\n    pass\n\n\n@property\ndef g():\n    pass\n"),
    ("annotated", "app: object = staticmethod\n\n\n@app\ndef f():\n    pass\n"),
    ("augmented", "app = staticmethod\napp += 0 if False else 0 or app\n"),
    ("walrus", "if (app := staticmethod):\n    pass\n\n\n@app\ndef f():\n    pass\n"),
    ("for", "for app in [staticmethod]:\n    pass\n\n\n@app\ndef f():\n    pass\n"),
    (
        "with",
        "import contextlib\n\nwith contextlib.nullcontext(staticmethod) as app:\n"
        "    pass\n\n\n@app\ndef f():\n    pass\n",
    ),
    ("except", "try:\n    raise ValueError\nexcept ValueError as app:\n    pass\n"),
    (
        "global",
        "def make():\n    global app\n    app = staticmethod\n\n\nmake()\n\n\n"
        "@app\ndef f():\n    pass\n",
    ),
    ("match", "match staticmethod:\n    case app:\n        pass\n\n\n@app\ndef f():\n    pass\n"),
    ("def", "def app(f):\n    return f\n\n\n@app\ndef f():\n    pass\n"),
    (
        "class",
        "class app:\n    def __init__(self, f):\n        pass\n\n\n@app\nclass C:\n    pass\n",
    ),
    ("nested-def", "def outer():\n    @app\n    def inner():\n        pass\n"),
    ("docstring", '"""\n@app.route is how\n"""\n'),
    ("star", "from functools import *\n\n\n@cache\ndef f():\n    pass\n"),
    (
        "module-getattr",
        "def __getattr__(name):\n    return staticmethod\n\n\n@app\ndef f():\n    pass\n",
    ),
    (
        "builtins-set",
        "import builtins\n\nbuiltins.app = staticmethod\n\n\n@app\ndef f():\n    pass\n",
    ),
]


@pytest.mark.parametrize(
    ("orders",), [(o,) for _, o in NOT_REPORTED], ids=[i for i, _ in NOT_REPORTED]
)
def test_not_reported(tmp_path: Path, orders: str) -> None:
    root = app_with(
        tmp_path, orders, "import orders\n" + APP.replace("from orders import bp\n", "")
    )
    assert not only(check(root), "AZF609")
    error = import_error(root)
    assert "NameError" not in error or "getattr" in orders or "*" in orders, error


def test_not_reported_when_the_app_does_not_import_the_module(tmp_path: Path) -> None:
    orders = BP_HEAD + ROUTE.format(name="app")
    # orphan: never imported; conditional: imported under if, not for certain.
    app = "import os\nimport azure.functions as func\n\napp = func.FunctionApp()\n"
    root = write_app(tmp_path, {"function_app.py": app, "orphan.py": orders})
    assert not only(check(root), "AZF609")


def test_warning_when_the_app_imports_the_module_under_a_condition(tmp_path: Path) -> None:
    orders = (
        BP_HEAD
        + ROUTE.format(name="bp")
        + "\n\n"
        + ROUTE.format(name="app").replace("list_orders", "get_orders")
    )
    app = "import os\nimport azure.functions as func\n\napp = func.FunctionApp()\n"
    cond = (
        app
        + "if os.environ.get('ORDERS'):\n    from orders import bp\n\n    app.register_functions(bp)\n"
    )
    root = write_app(tmp_path, {"function_app.py": cond, "orders.py": orders})
    assert import_error(root) == ""  # the condition is false here
    f = one(check(root), "AZF609")
    assert f.severity is Severity.WARNING and text_at(f) == "app"
    assert "when function_app.py imports it (not for certain), the import fails" in f.message
    assert f.fixes[0].title == "Use '@bp.route'"


# Ninth round of the corpus: what the worker's import runs besides top-level defs. The corpus
# had none of these shapes failing (30 decorated defs under a top-level if/try, 34 modules with
# TYPE_CHECKING, none with an unbound decorator name); they follow from how Python runs a module.
TYPED = (
    "from typing import TYPE_CHECKING\n\nimport azure.functions as func\n\n"
    "if TYPE_CHECKING:\n    from function_app import app\n\n\n" + ROUTE.format(name="app")
)


def test_name_imported_only_under_type_checking(tmp_path: Path) -> None:
    # typing.TYPE_CHECKING is False when the module runs: the import under it never happens.
    root = app_with(tmp_path, TYPED, "import orders\n" + APP.replace("from orders import bp\n", ""))
    assert import_error(root) == "NameError: name 'app' is not defined"
    f = one(check(root), "AZF609")
    assert f.severity is Severity.ERROR and text_at(f) == "app"
    assert "'app' of @app.route on line 9 of orders.py is imported only under 'if " in f.message
    assert "TYPE_CHECKING:', which is False when the module runs, so the worker's import" in (
        f.message
    )
    assert "import 'app' outside 'if TYPE_CHECKING:' in orders.py" in f.message


def test_type_checking_near_misses(tmp_path: Path) -> None:
    app = "import orders\n" + APP.replace("from orders import bp\n", "")
    # Bound at run time too (the else arm, or beside the if), or the decorated def is itself
    # under TYPE_CHECKING (never run): no finding, and the real import works.
    for orders in (
        TYPED.replace("\n\n\n@app", "\nelse:\n    app = func.Blueprint()\n\n\n@app"),
        TYPED.replace("if TYPE_CHECKING:", "app = func.Blueprint()\nif TYPE_CHECKING:"),
        "from typing import TYPE_CHECKING\n\nimport azure.functions as func\n\n"
        "if TYPE_CHECKING:\n    from function_app import app\n\n"
        + "".join("    " + line + "\n" for line in ROUTE.format(name="app").splitlines()),
    ):
        root = app_with(tmp_path, orders, app)
        assert import_error(root) == "", orders
        assert not only(check(root), "AZF609"), orders


def test_def_under_a_top_level_if_or_try(tmp_path: Path) -> None:
    app = "import orders\n" + APP.replace("from orders import bp\n", "")
    indented = "".join("    " + line + "\n" for line in ROUTE.format(name="app").splitlines())
    # A try whose handlers cannot catch NameError: the decorator runs for certain: an error.
    orders = BP_HEAD + "try:\n" + indented + "except ImportError:\n    pass\n"
    root = app_with(tmp_path, orders, app)
    assert import_error(root) == "NameError: name 'app' is not defined"
    f = one(check(root), "AZF609")
    assert f.severity is Severity.ERROR and f.range.start.line == 6
    assert f.fixes[0].title == "Use '@bp.route'"
    # An if arm: only when that arm runs (here it does): a warning naming the if.
    orders = BP_HEAD + "import os\n\nif os.sep:\n" + indented
    root = app_with(tmp_path, orders, app)
    assert import_error(root) == "NameError: name 'app' is not defined"
    f = one(check(root), "AZF609")
    assert f.severity is Severity.WARNING
    assert "when the 'if' on line 8 runs this arm, the worker's import of" in f.message
    # Near misses: a try that swallows NameError, and the __main__ guard (not run on import).
    for orders in (
        BP_HEAD + "try:\n" + indented + "except Exception:\n    pass\n",
        BP_HEAD + 'if __name__ == "__main__":\n' + indented,
    ):
        root = app_with(tmp_path, orders, app)
        assert import_error(root) == "", orders
        assert not only(check(root), "AZF609"), orders


def _typed_in(head: str, block: str) -> str:
    """orders.py importing ``app`` only inside ``block`` (a compound statement whose
    ``{import}`` line is indented by 8 spaces), then decorating a def with @app.route."""
    imp = "        from function_app import app\n"
    return (
        head
        + "import azure.functions as func\n\n"
        + block.format(imp=imp)
        + "\n\n"
        + (ROUTE.format(name="app"))
    )


def test_type_checking_inside_a_top_level_arm_or_spelled_through_typing(tmp_path: Path) -> None:
    # typing.TYPE_CHECKING is False at run time (CPython Lib/typing.py) however it is reached
    # and however deep the `if` sits in the statements the import runs: the name is unbound.
    app = "import orders\n" + APP.replace("from orders import bp\n", "")
    tc = "from typing import TYPE_CHECKING\n"
    for orders in (
        _typed_in(tc, "try:\n    if TYPE_CHECKING:\n{imp}except ImportError:\n    pass\n"),
        _typed_in(
            "import sys\n" + tc, "if sys.version_info >= (3, 8):\n    if TYPE_CHECKING:\n{imp}"
        ),
        _typed_in(
            tc,
            "try:\n    import json\nexcept ImportError:\n    pass\nelse:\n"
            "    if TYPE_CHECKING:\n{imp}",
        ),
        _typed_in(tc, "for _ in range(1):\n    if TYPE_CHECKING:\n{imp}"),
        _typed_in(tc, "if not TYPE_CHECKING:\n    pass\nelse:\n    if True:\n{imp}"),
        _typed_in("import typing\n", "if typing.TYPE_CHECKING:\n    if True:\n{imp}"),
        _typed_in("import typing as t\n", "if t.TYPE_CHECKING:\n    if True:\n{imp}"),
    ):
        root = app_with(tmp_path, orders, app)
        assert import_error(root) == "NameError: name 'app' is not defined", orders
        f = one(check(root), "AZF609")
        assert f.severity is Severity.ERROR and text_at(f) == "app", orders
        assert "is imported only under 'if TYPE_CHECKING:'" in f.message, orders
    # Near misses: bound at run time in another arm of the same try/if, or beside it.
    for orders in (
        _typed_in(
            tc,
            "try:\n    if TYPE_CHECKING:\n{imp}    else:\n        app = func.Blueprint()\n"
            "except ImportError:\n    pass\n",
        ),
        _typed_in(
            "import sys\n" + tc,
            "if sys.version_info >= (3, 8):\n    if TYPE_CHECKING:\n{imp}"
            "    app = func.Blueprint()\n",
        ),
        _typed_in(
            tc, "if not TYPE_CHECKING:\n    app = func.Blueprint()\nelse:\n    if True:\n{imp}"
        ),
    ):
        root = app_with(tmp_path, orders, app)
        assert import_error(root) == "", orders
        assert not only(check(root), "AZF609"), orders


def test_a_def_under_not_type_checking_runs_for_certain(tmp_path: Path) -> None:
    # `if not TYPE_CHECKING:` always runs its body on import: an error, not an arm's warning.
    app = "import orders\n" + APP.replace("from orders import bp\n", "")
    indented = "".join("    " + line + "\n" for line in ROUTE.format(name="app").splitlines())
    orders = "from typing import TYPE_CHECKING\n\n" + BP_HEAD + "if not TYPE_CHECKING:\n" + indented
    root = app_with(tmp_path, orders, app)
    assert import_error(root) == "NameError: name 'app' is not defined"
    f = one(check(root), "AZF609")
    assert f.severity is Severity.ERROR and f.fixes[0].title == "Use '@bp.route'"


_PIECES = ["@", "\n", " ", "\t", "a", "b_", "1", ".", "é", "(", "#", "if", "try", "iffy", "__"]


@settings(max_examples=500, derandomize=True, database=None, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_the_decorator_scan_finds_what_the_line_patterns_find(text: str) -> None:
    # The scan looks for each pattern after a newline (issue 16: a sixth of the
    # instructions of the ^-anchored patterns); the names and their order are theirs.
    written = azf609._DECORATOR.findall(text)
    if azf609._TOP_LEVEL_ARMS.search(text):
        written += azf609._INDENTED_DECORATOR.findall(text)
    assert azf609._decorators(text) == written


def test_the_decorator_names_of_a_path_follow_its_text() -> None:
    # Kept per path with the text they were read from (issue 16): a new text is read again.
    path = "/nowhere/orders.py"
    assert azf609._decorator_bases(path, "@bp.route\n@print\n") == {"bp"}
    assert azf609._decorator_bases(path, "@app.route\n@__x\n") == {"app"}
    assert azf609._decorator_bases(path, "".join(["@app", ".route\n@__x\n"])) == {"app"}
    assert azf609._decorator_bases(path, "if x:\n    @bp.route\n") == {"bp"}
    assert azf609._decorator_bases(path, "x = 1\n    @bp.route\n") == frozenset()
