"""AZF600–AZF603: module names, requirements.txt, what gets published, syntax errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from funcls.checks import CheckConfig, check_app
from funcls.checks.compile_errors import compile_error
from funcls.checks.packaging import secret_settings
from funcls.commands.common import load_apps
from tests.checks.support import check, codes, fixed_clean, one, only, text_at, v1, v2

PING = (
    '@app.route(route="ping")\n'
    "def ping(req: func.HttpRequest) -> func.HttpResponse:\n"
    '    return func.HttpResponse("pong")\n'
)


def test_azf600_module_and_package(tmp_path: Path) -> None:
    v2(tmp_path, PING, **{"json.py": "X = 1\n", "email/__init__.py": "", "tests/x.py": ""})
    found = only(check(tmp_path), "AZF600")
    assert [Path(f.path).relative_to(tmp_path).as_posix() for f in found] == [
        "email/__init__.py",
        "json.py",
    ]
    assert "shadows the standard-library module 'json'" in found[1].message


def test_azf600_near_miss_namespace_folder_and_harmless_names(tmp_path: Path) -> None:
    v2(tmp_path, PING, **{"email/readme.txt": "x", "test/__init__.py": "", "helpers.py": ""})
    assert check(tmp_path) == []


def test_azf601_missing_azure_functions_fix(tmp_path: Path) -> None:
    v2(tmp_path, PING, **{"requirements.txt": "requests"})
    f = one(check(tmp_path), "AZF601")
    assert f.message.startswith("requirements.txt does not list azure-functions")
    assert fixed_clean(tmp_path, f) == []
    assert (tmp_path / "requirements.txt").read_text() == "requests\nazure-functions\n"


def test_azf601_worker_and_stdlib_lines_fix_removes_line(tmp_path: Path) -> None:
    reqs = "azure-functions\nazure-functions-worker\nlogging==0.4\n"
    v2(tmp_path, PING, **{"requirements.txt": reqs})
    found = only(check(tmp_path), "AZF601")
    assert [text_at(f) for f in found] == ["azure-functions-worker", "logging"]
    assert "the platform provides the worker" in found[0].message
    assert "'logging' is part of the Python standard library" in found[1].message
    fixed_clean(tmp_path, found[1])
    assert (
        tmp_path / "requirements.txt"
    ).read_text() == "azure-functions\nazure-functions-worker\n"


def test_azf601_near_miss_markers_and_includes(tmp_path: Path) -> None:
    v2(
        tmp_path / "a",
        PING,
        **{"requirements.txt": 'dataclasses; python_version < "3.7"\nazure-functions\n'},
    )
    assert check(tmp_path / "a") == []
    v2(tmp_path / "b", PING, **{"requirements.txt": "-r base.txt\n"})
    assert check(tmp_path / "b") == []


def test_azf601_windows_only_distribution_fails_the_linux_install(tmp_path: Path) -> None:
    # pywin32 has only Windows wheels on PyPI: pip on Linux finds "versions: none" and the
    # deployment's install fails. The corpus (seventh round) had it unmarked in an app.
    reqs = "azure-functions\npywin32  # for COM\nrequests\n"
    v2(tmp_path / "a", PING, **{"requirements.txt": reqs})
    f = one(check(tmp_path / "a"), "AZF601")
    assert text_at(f) == "pywin32"
    assert "'pywin32' is published for Windows only" in f.message
    assert [x.title for x in f.fixes] == ["Install only on Windows", "Remove the line"]
    assert fixed_clean(tmp_path / "a", f) == []
    assert (tmp_path / "a" / "requirements.txt").read_text() == (
        'azure-functions\npywin32; sys_platform == "win32"  # for COM\nrequests\n'
    )
    # Marked already, or a cross-platform relative: nothing to say.
    reqs = 'azure-functions\npywin32; sys_platform == "win32"\npywin32-ctypes\n'
    v2(tmp_path / "b", PING, **{"requirements.txt": reqs})
    assert check(tmp_path / "b") == []


def test_azf601_no_requirements_file(tmp_path: Path) -> None:
    v2(tmp_path, PING, **{"requirements.txt": None})
    assert "the app has no requirements.txt" in one(check(tmp_path), "AZF601").message


def test_azf602_funcignore_fix(tmp_path: Path) -> None:
    v2(tmp_path, PING, **{".funcignore": ".venv"})
    f = one(check(tmp_path), "AZF602")
    assert f.path == str(tmp_path / ".funcignore")
    assert fixed_clean(tmp_path, f) == []
    assert (tmp_path / ".funcignore").read_text() == ".venv\nlocal.settings.json\n"


@pytest.mark.parametrize(
    "line", ["local.settings.json", "/local.settings.json", "*.json", "local.*"]
)
def test_azf602_near_miss_patterns(tmp_path: Path, line: str) -> None:
    v2(tmp_path, PING, **{".funcignore": f".venv\n{line}\n"})
    assert check(tmp_path) == []


def test_azf602_negation_re_includes(tmp_path: Path) -> None:
    v2(tmp_path, PING, **{".funcignore": "*.json\n!local.settings.json\n"})
    assert "AZF602" in codes(check(tmp_path))


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def test_azf602_tracked_with_a_real_looking_key(tmp_path: Path) -> None:
    key = "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5bC7dE9f="
    settings = (
        '{"Values": {"FUNCTIONS_WORKER_RUNTIME": "python", "AzureWebJobsStorage": '
        f'"DefaultEndpointsProtocol=https;AccountName=shop;AccountKey={key}"}}}}\n'
    )
    v2(tmp_path, PING, **{"local.settings.json": settings})
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "local.settings.json")
    f = one(check(tmp_path), "AZF602")
    assert f.message.startswith(
        "local.settings.json is tracked by git and 'AzureWebJobsStorage' look like real keys"
    )
    assert text_at(f).startswith('"DefaultEndpointsProtocol')


def test_azf602_tracked_in_a_version_4_index_of_a_linked_worktree(tmp_path: Path) -> None:
    key = "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5bC7dE9f="
    settings = (
        '{"Values": {"FUNCTIONS_WORKER_RUNTIME": "python", '
        f'"AzureWebJobsStorage": "AccountName=shop;AccountKey={key}"}}}}'
    )
    main = v2(tmp_path / "main", PING, **{"local.settings.json": settings})
    _git(main, "init", "-q")
    _git(main, "add", ".")
    _git(main, "-c", "user.name=t", "-c", "user.email=t@x", "commit", "-q", "-m", "app")
    wt = tmp_path / "wt"
    _git(main, "worktree", "add", "-q", str(wt))
    _git(wt, "update-index", "--index-version", "4")
    assert (wt / ".git").is_file()
    f = one(check(wt), "AZF602")
    assert f.path == str(wt / "local.settings.json")
    assert f.message.startswith("local.settings.json is tracked by git and 'AzureWebJobsStorage'")
    _git(wt, "rm", "-q", "--cached", "local.settings.json")
    assert check(wt) == []


def test_azf602_unreadable_index_is_said_not_guessed(tmp_path: Path) -> None:
    key = "sk9fJd8sK2mN4pQ6rT8vX0zB2dF4hJ6k"
    settings = f'{{"Values": {{"FUNCTIONS_WORKER_RUNTIME": "python", "API_KEY": "{key}"}}}}'
    v2(tmp_path, PING, **{"local.settings.json": settings})
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "host.json")
    index = tmp_path / ".git" / "index"
    index.write_bytes(index.read_bytes()[:-3])  # truncated: the checksum no longer matches
    f = one(check(tmp_path), "AZF602")
    assert f.message == (
        "'API_KEY' in local.settings.json look like real keys or passwords, and whether git "
        f"tracks the file is unknown: its index file {index} cannot be read: its checksum "
        "does not match its content (a corrupt file); run 'git ls-files local.settings.json' "
        "and, if it is listed, rotate them, run 'git rm --cached local.settings.json' and add "
        "it to .gitignore"
    )
    assert text_at(f) == f'"{key}"'


def test_azf602_tracked_placeholders_are_fine(tmp_path: Path) -> None:
    v2(tmp_path, PING)
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "local.settings.json")
    assert check(tmp_path) == []


def test_secret_detection() -> None:
    assert secret_settings(
        {
            "A": "Endpoint=sb://x/;SharedAccessKeyName=k;SharedAccessKey=PLACEHOLDER-NOT-A-REAL-KEY",
            "B": "AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
            "C": "UseDevelopmentStorage=true",
            "API_KEY": "sk9fJd8sK2mN4pQ6rT8vX0zB2dF4hJ6k",
            "SQL": "Server=x;Password=hunter2;",
            "FEATURE": "on",
        }
    ) == ["API_KEY", "SQL"]


def test_azf603_syntax_error_position(tmp_path: Path) -> None:
    v2(tmp_path, PING.replace("def ping(req", "def ping(req,"))
    f = one(check(tmp_path), "AZF603")
    assert f.message.startswith("function_app.py has a syntax error (")
    assert (f.range.start.line, f.range.start.column) == (6, 13)  # the ':' after 'req,'
    assert text_at(f) == ":"


@pytest.mark.parametrize(
    ("tail", "message", "at"),
    [
        ("result = 1\nreturn result\n", "'return' outside function", "return result"),
        ("for i in []:\n    pass\nbreak\n", "'break' outside loop", "break"),
        ("yield 1\n", "'yield' outside function", "yield 1"),
        ("nonlocal x\n", "nonlocal declaration not allowed at module level", "nonlocal x"),
        ("await ping(None)\n", "'await' outside function", "await ping(None)"),
        ("def f(a, a):\n    pass\n", "duplicate argument 'a' in function definition", "a"),
        ("a, *b, *c = [1, 2]\n", "multiple starred expressions in assignment", "a, *b, *c"),
        ("é = 1\nx = é; return é\n", "'return' outside function", "return é"),
    ],
)
def test_azf603_errors_python_reports_when_it_compiles(
    tmp_path: Path, tail: str, message: str, at: str
) -> None:
    # ast.parse accepts each of these; the worker's import compiles the module and fails.
    v2(tmp_path, PING + tail)
    f = one(check(tmp_path), "AZF603")
    assert f.message.startswith(f"function_app.py has a syntax error ({message}): ")
    assert "the worker cannot import it" in f.message
    assert text_at(f) == at


def test_azf603_compile_errors_in_blueprint_and_v1_script_not_in_other_modules(
    tmp_path: Path,
) -> None:
    blueprint = (
        "import azure.functions as func\n\nbp = func.Blueprint()\n\n\n"
        '@bp.route(route="b")\ndef b(req: func.HttpRequest) -> func.HttpResponse:\n'
        '    return func.HttpResponse("b")\n\n\nreturn bp\n'
    )
    v2(
        tmp_path,
        PING + "from blue import bp\n\napp.register_functions(bp)\n",
        **{"blue.py": blueprint, "notes.py": "return 1\n"},
    )
    found = only(check(tmp_path), "AZF603")
    assert [(Path(f.path).name, text_at(f)) for f in found] == [("blue.py", "return bp")]

    root = tmp_path / "v1"
    root.mkdir()
    v1(
        root,
        "Hello",
        '{"bindings": [{"type": "httpTrigger", "direction": "in", "name": "req"},'
        ' {"type": "http", "direction": "out", "name": "$return"}]}',
        "def main(req):\n    for x in req:\n        pass\n    continue\n",
        **{"function_app.py": None},
    )
    f = one(check(root), "AZF603")
    assert f.message.startswith(
        "Hello/__init__.py has a syntax error ('continue' not properly in loop): continue;"
    )


def test_azf603_and_the_model_for_v1_folders_holding_one_script_text(tmp_path: Path) -> None:
    # `funcls check` reads, parses and compiles a small text once for every file holding it
    # (v1 folders made from one template, issue 16): each file keeps its own functions and
    # findings, and a folder of another text its own answer.
    http = (
        '{"bindings": [{"type": "httpTrigger", "direction": "in", "name": "req", "colour": 1},'
        ' {"type": "http", "direction": "out", "name": "$return"}]}'
    )
    script = "def main(req):\n    for x in req:\n        pass\n    continue\n"
    for name, text in [("A", script), ("B", script), ("C", script.replace("    continue\n", ""))]:
        v1(tmp_path, name, http, text, **{"function_app.py": None})
    (app,) = load_apps([str(tmp_path)], keep_trees=True)
    found = only(check_app(app, CheckConfig(), raise_errors=True), "AZF603")
    assert [(Path(f.path).parent.name, text_at(f)) for f in found] == [
        ("A", "continue"),
        ("B", "continue"),
    ]
    assert sorted((Path(f.script_path or "").parent.name, f.name) for f in app.functions) == [
        ("A", "A"),
        ("B", "B"),
        ("C", "C"),
    ]
    assert sorted(Path(f.config_path or "").parent.name for f in app.functions) == ["A", "B", "C"]
    unknown = only(check_app(app, CheckConfig(), raise_errors=True), "AZF102")
    assert [(Path(f.path).parent.name, text_at(f)) for f in unknown] == [
        ("A", '"colour"'),
        ("B", '"colour"'),
        ("C", '"colour"'),
    ]


def test_compile_error_runs_nothing(tmp_path: Path) -> None:
    # A module that would write a file and import a module of its own when run: compiling it
    # (to find its error) does neither.
    marker = tmp_path / "ran"
    (tmp_path / "sideeffect_mod_xyz.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    text = (
        f"import sys\nsys.path.insert(0, {str(tmp_path)!r})\nimport sideeffect_mod_xyz\n"
        f"open({str(marker)!r}, 'w').close()\ndef f(a, a):\n    pass\n"
    )
    module = str(tmp_path / "function_app.py")
    error = compile_error(module, text)
    assert error is not None and error.message.startswith("duplicate argument")
    assert compile_error(module, text.replace("(a, a)", "(a, b)")) is None
    assert compile_error(module, text) == error
    assert not marker.exists()
    assert "sideeffect_mod_xyz" not in sys.modules


def test_azf603_compile_pass_reads_no_file_outside_the_app(tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (tmp_path / "outside.py").write_text("return 1\n")
    v1(
        app,
        "Hello",
        '{"scriptFile": "../../outside.py", "bindings": [{"type": "httpTrigger", '
        '"direction": "in", "name": "req"}, {"type": "http", "direction": "out", '
        '"name": "$return"}]}',
        "",
        **{"function_app.py": None},
    )
    assert [f for f in check(app) if f.code == "AZF603"] == []
