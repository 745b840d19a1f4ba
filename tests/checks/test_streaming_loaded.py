"""The HTTP streaming extension is enabled by the modules the worker loads: the script and what
it imports, transitively. A blueprint never registered (AZF307) is judged as if registered:
the app's modules plus what its own module imports (QA: AZF202 on a registered function
because a module the script never imports imported the extension)."""

from __future__ import annotations

from pathlib import Path

from funcls.checks import CheckConfig
from funcls.checks.engine import IncrementalCheck, check_app
from tests.checks.support import check, codes, load, write_app

PING = (
    "import azure.functions as func\n\n{imports}"
    "app = func.FunctionApp()\n\n\n"
    '@app.route(route="ping")\n'
    "def ping(req: func.HttpRequest) -> func.HttpResponse:\n"
    '    return func.HttpResponse("pong")\n'
)
STREAMY = (
    "import azure.functions as func\n"
    "from azurefunctions.extensions.http.fastapi import Request\n\n"
    "bp = func.Blueprint()\n\n\n"
    '@bp.route(route="stream")\n'
    "async def stream(req: Request) -> func.HttpResponse:\n"
    '    return func.HttpResponse("x")\n'
)
# An unregistered blueprint with a plain request, and no import of the extension itself.
PLAIN_BP = (
    "import azure.functions as func\n{imports}\n"
    "bp = func.Blueprint()\n\n\n"
    '@bp.route(route="plain")\n'
    "def plain(req: func.HttpRequest) -> func.HttpResponse:\n"
    '    return func.HttpResponse("x")\n'
)
HELPER = "from azurefunctions.extensions.http.fastapi import Request\n\nR = Request\n"
REQS = {"requirements.txt": "azure-functions\nazurefunctions-extensions-http-fastapi\n"}


def _found(root: Path) -> list[str]:
    """check_app's codes, asserting the language server's IncrementalCheck finds the same."""
    app = load(root)
    expected = check_app(app, CheckConfig())
    assert IncrementalCheck().run(app, CheckConfig()) == expected
    return sorted(codes(expected))


def test_a_module_the_script_never_imports_does_not_stream(tmp_path: Path) -> None:
    root = write_app(
        tmp_path, {"function_app.py": PING.format(imports=""), "streamy.py": STREAMY, **REQS}
    )
    found = check(root)
    # streamy's blueprint is not registered (AZF307); ping's func.HttpRequest is what the
    # worker takes, as it never imports streamy.py. No AZF410 either: nothing loaded streams.
    assert not [f for f in found if f.code == "AZF202" and "function_app.py" in f.path]
    assert "AZF410" not in codes(found)
    assert _found(root) == sorted(codes(found))


def test_a_module_the_script_imports_transitively_streams(tmp_path: Path) -> None:
    root = write_app(
        tmp_path,
        {
            "function_app.py": PING.format(imports="import shared\n\n"),
            "shared.py": "import helper\n",
            "helper.py": HELPER,
            **REQS,
        },
    )
    found = check(root)
    assert "AZF202" in codes(found)  # ping's func.HttpRequest, refused once it streams
    assert _found(root) == sorted(codes(found))


def test_an_unregistered_blueprint_is_judged_with_its_own_imports(tmp_path: Path) -> None:
    # Registered, plain.py would load helper.py, which imports the extension: its plain
    # request is refused then (and so would ping's be, reported once registered).
    root = write_app(
        tmp_path,
        {
            "function_app.py": PING.format(imports=""),
            "plain.py": PLAIN_BP.format(imports="import helper\n"),
            "helper.py": HELPER,
            **REQS,
        },
    )
    found = check(root)
    assert [Path(f.path).name for f in found if f.code == "AZF202"] == ["plain.py"]
    assert _found(root) == sorted(codes(found))
    # Without that import it does not stream, and the app does not either.
    (root / "plain.py").write_text(PLAIN_BP.format(imports=""))
    assert "AZF202" not in codes(check(root))
