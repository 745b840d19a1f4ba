"""Hunt for inputs that make the model's loader (`load_app`) raise or hang (issue 17).

    .venv/bin/python scripts/hunt_loader.py [--corpus /tmp/funcls-corpus] [--per-root 40]
        [--seed 17] [--check] [--out /tmp/hunt-loader.json]

`funcls run` reads the app through `load_app_or_settings`, which survives a crash of the loader
but then skips the static check; `load_app` itself must never raise on bad input. The byte-level
fuzzing of tests/fuzz seldom reaches the loader's semantic paths (which module registers which
blueprint, which name is an app, what a decorator's argument is), so this hunt mutates real apps
*structurally*, seeded and bounded:

- python-splice: an expression of the script replaced by one taken from another app;
- python-args: a decorator's keyword argument replaced by a value of another type or shape;
- python-rebind: a statement that rebinds, deletes, re-registers or re-imports the app or a
  blueprint inserted at a random top-level place;
- python-lines: a line deleted, duplicated or moved;
- blueprint-cycles: modules that import and register each other (cycles, self-imports,
  star-imports through a package, a module and a package of the same name);
- python-deep: long alias chains, stacked decorators, long attribute chains, many
  registrations, nested definitions;
- json-values: a value of host.json / local.settings.json / function.json replaced by another
  type, a deep nest, or a weird string (`%`, NUL, `..`, very long);
- files: the script, host.json, a function.json or a blueprint made a directory, a link to
  itself, a link loop, a dangling link.

Apps come from the corpus of public apps (scripts/build_corpus.py; only its exported files
are read, nothing is run) and from this repository's samples and test apps. Each input is
loaded in this process with a 10 s alarm; with --check the rules run too
(`check_app(raise_errors=True)`). Nothing from the apps is executed: the loader only parses.
Prints one line per distinct failure (exception type and funcls' innermost frame) and a
summary; --out writes the counts and failures as JSON.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from funcls.checks import CheckConfig, check_app  # noqa: E402
from funcls.model.loader import load_app  # noqa: E402
from funcls.model.source import Source  # noqa: E402

LIMIT_S = 10
SKIP = {".git", ".venv", "venv", "node_modules", "__pycache__", ".funcls", ".python_packages"}
MAX_APP_BYTES = 20 * 1024 * 1024

WEIRD_VALUES = [
    "None",
    "123",
    "-1",
    "1e999",
    "[]",
    "{}",
    "()",
    'b"x"',
    'f"{x}/{y}"',
    '"a" "b"',
    "x.y.z",
    "lambda: 0",
    "...",
    '"%Setting%"',
    '"{a}/{a}"',
    '"\\x00"',
    '"' + "r" * 5000 + '"',
    '["GET", 1, None]',
    '{"a": [1, {"b": 2}]}',
    "func.AuthLevel",
    "func.AuthLevel.NOPE",
    "app",
    "app.route",
    "print",
    '"route/{*rest}/{x:int}"',
    '"../../etc"',
    "not x",
    "(yield)",
    "await x",
    "[*a]",
    "{**a}",
    "x if y else z",
    "(x := 1)",
]
REBINDS = [
    "app = bp",
    "bp = app",
    "app = app",
    "del app",
    "app.register_functions(app)",
    "app.register_blueprint(app)",
    "func = None",
    "import function_app",
    "from function_app import *",
    "from . import *",
    "global app",
    "app: func.FunctionApp = None",
    "for app in (app,): pass",
    "class app: pass",
    "def app(): pass",
    "app.route = app.route",
    "FunctionApp = func.Blueprint",
    "app = func.FunctionApp(); app = func.Blueprint()",
    "import azure.functions as app",
    "from azure.functions import FunctionApp as Blueprint",
    "app = [app][0]",
    "app.register_functions(*[bp])",
    "app.register_functions(bp=bp)",
    "app.register_functions()",
    "app, bp = bp, app",
    "(app) = func.FunctionApp()",
    "app.x = app",
    "app[0] = 1",
    "with app: pass",
    "try:\n    import bp\nexcept ImportError:\n    bp = None",
    "if True:\n    app = func.Blueprint()\nelse:\n    app = func.FunctionApp()",
]
JSON_VALUES: list[object] = [
    None,
    0,
    -1,
    1e308,
    10**40,
    True,
    "",
    ".",
    "..",
    "/",
    "\x00",
    "%A%",
    "%",
    "x" * 5000,
    [],
    {},
    [[[]]],
    {"a": {"b": {"c": None}}},
    ["a", 1, None],
    "../../../etc/passwd",
    "function_app.py/",
    "00:0²:00",
    "\ud800",
    "-1",
    "1e999",
    "__init__.py",
    "*",
    "{x}",
]


class Hang(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise Hang(f"no answer within {LIMIT_S} s")


def funcls_frame(error: BaseException) -> str:
    package = str(REPO / "funcls")
    where = "?"
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename.startswith(package):
            where = f"{os.path.relpath(frame.filename, REPO)}:{frame.lineno}"
    return where


def app_roots(corpus: Path) -> list[Path]:
    roots: list[Path] = []
    manifest = corpus / "manifest.json"
    if manifest.is_file():
        for entry in json.loads(manifest.read_text())["roots"]:
            roots.append(corpus / entry["path"])
    for base in (REPO / "samples", REPO / "tests"):
        for host in sorted(base.rglob("host.json")):
            if not any(part in SKIP for part in host.parts):
                roots.append(host.parent)
    seen: set[Path] = set()
    kept = []
    for root in roots:
        if root.is_dir() and root not in seen:
            seen.add(root)
            kept.append(root)
    return kept


def files_of(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in SKIP]
        for name in filenames:
            yield Path(dirpath) / name


def copy_root(root: Path, target: Path) -> bool:
    size = 0
    for path in files_of(root):
        if path.suffix in (".py", ".json", ".txt", ".toml", ".cfg") or path.name == "host.json":
            try:
                size += path.stat().st_size
            except OSError:
                continue
            if size > MAX_APP_BYTES:
                return False
            dest = target / path.relative_to(root)
            dest.parent.mkdir(parents=True, exist_ok=True)
            try:
                shutil.copyfile(path, dest, follow_symlinks=False)
            except OSError:
                continue
    target.mkdir(parents=True, exist_ok=True)
    return True


# -- mutations: each takes (work dir, rng, expression pool) and changes the copy -------------


def scripts(work: Path) -> list[Path]:
    return sorted(p for p in files_of(work) if p.suffix == ".py")


def pick_script(work: Path, rng: random.Random) -> Path | None:
    files = scripts(work)
    return rng.choice(files) if files else None


def jsons(work: Path) -> list[Path]:
    return sorted(p for p in files_of(work) if p.suffix == ".json")


def _parse(path: Path) -> ast.Module | None:
    try:
        return ast.parse(path.read_text("utf-8", "replace"))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def write_tree(path: Path, tree: ast.Module) -> bool:
    """Write the mutated tree back as source; False (the file unchanged) when Python cannot
    write it (a node in a place it does not fit)."""
    try:
        text = ast.unparse(tree)
    except (ValueError, RecursionError, AttributeError, TypeError):
        return False
    path.write_text(text)
    return True


def python_splice(work: Path, rng: random.Random, pool: list[str]) -> str:
    path = pick_script(work, rng)
    if path is None or not pool:
        return "no python"
    tree = _parse(path)
    if tree is None:
        return "unparsable"
    exprs = [n for n in ast.walk(tree) if isinstance(n, ast.expr)]
    if not exprs:
        return "no expression"
    target = rng.choice(exprs)
    try:
        replacement = ast.parse(rng.choice(pool), mode="eval").body
    except SyntaxError:
        return "bad pool entry"
    for parent in ast.walk(tree):
        for field, value in ast.iter_fields(parent):
            if value is target:
                setattr(parent, field, replacement)
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    if item is target:
                        value[i] = replacement
    return f"{path.name}" if write_tree(path, tree) else "unparse failed"


def python_args(work: Path, rng: random.Random, pool: list[str]) -> str:
    path = pick_script(work, rng)
    if path is None:
        return "no python"
    tree = _parse(path)
    if tree is None:
        return "unparsable"
    calls = [
        d
        for n in ast.walk(tree)
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
        for d in n.decorator_list
        if isinstance(d, ast.Call)
    ]
    if not calls:
        return "no decorator call"
    call = rng.choice(calls)
    value = rng.choice(WEIRD_VALUES)
    try:
        new = ast.parse(value, mode="eval").body
    except SyntaxError:
        return "bad value"
    if call.keywords and rng.random() < 0.8:
        rng.choice(call.keywords).value = new
    elif call.args:
        call.args[rng.randrange(len(call.args))] = new
    else:
        call.keywords.append(ast.keyword(arg=rng.choice(["route", "name", "x"]), value=new))
    return f"{path.name}: {value[:30]}" if write_tree(path, tree) else "unparse failed"


def python_rebind(work: Path, rng: random.Random, pool: list[str]) -> str:
    path = pick_script(work, rng)
    if path is None:
        return "no python"
    lines = path.read_text("utf-8", "replace").split("\n")
    tops = [i for i, line in enumerate(lines) if line and not line[0].isspace()] or [0]
    at = rng.choice([*tops, len(lines)])
    statement = rng.choice(REBINDS)
    lines[at:at] = statement.split("\n")
    path.write_text("\n".join(lines))
    return f"{path.name}: {statement.splitlines()[0]}"


def python_lines(work: Path, rng: random.Random, pool: list[str]) -> str:
    path = pick_script(work, rng)
    if path is None:
        return "no python"
    lines = path.read_text("utf-8", "replace").split("\n")
    if len(lines) < 2:
        return "short"
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    op = rng.choice(["delete", "duplicate", "move"])
    if op == "delete":
        del lines[i]
    elif op == "duplicate":
        lines.insert(j, lines[i])
    else:
        lines.insert(j, lines.pop(i))
    path.write_text("\n".join(lines))
    return f"{path.name}: {op}"


BP = (
    "import azure.functions as func\n{imports}\nbp = func.Blueprint()\n\n"
    '@bp.route(route="{name}")\ndef {name}(req):\n    return "x"\n{registers}\n'
)


def blueprint_cycles(work: Path, rng: random.Random, pool: list[str]) -> str:
    names = [f"bp_{c}" for c in "abcd"[: rng.randint(1, 4)]]
    shape = rng.choice(["cycle", "self", "star-package", "module-and-package", "all-register"])
    for k, name in enumerate(names):
        other = names[(k + 1) % len(names)]
        imports = {
            "cycle": f"import {other}\nfrom {other} import bp as other_bp",
            "self": f"import {name}\nfrom {name} import *",
            "star-package": "from pkg import *\nfrom . import *",
            "module-and-package": f"from {name} import bp as again",
            "all-register": "\n".join(f"from {n} import bp as bp_{i}" for i, n in enumerate(names)),
        }[shape]
        registers = {
            "cycle": "bp.register_functions(other_bp)",
            "self": "bp.register_functions(bp)",
            "star-package": "",
            "module-and-package": "bp.register_functions(again)",
            "all-register": "\n".join(f"bp.register_functions(bp_{i})" for i in range(len(names))),
        }[shape]
        (work / f"{name}.py").write_text(BP.format(imports=imports, name=name, registers=registers))
        if shape == "module-and-package":
            (work / name).mkdir(exist_ok=True)
            (work / name / "__init__.py").write_text(
                f"from {name} import *\nfrom .{name} import bp\n"
            )
    if shape == "star-package":
        (work / "pkg").mkdir(exist_ok=True)
        (work / "pkg" / "__init__.py").write_text(
            "from .inner import *\nfrom pkg import *\n"
            + "".join(f"from {n} import bp\n" for n in names)
        )
        (work / "pkg" / "inner.py").write_text("from . import *\nfrom pkg.inner import *\n")
    script = work / "function_app.py"
    head = "import azure.functions as func\n" + "".join(
        f"import {n}\nfrom {n} import bp as {n}_bp\n" for n in names
    )
    body = "app = func.FunctionApp()\n" + "".join(
        f"app.register_functions({n}_bp)\napp.register_blueprint({n}.bp)\n" for n in names
    )
    old = script.read_text("utf-8", "replace") if script.is_file() else ""
    script.write_text(head + old + "\n" + body)
    return f"{shape} x{len(names)}"


def python_deep(work: Path, rng: random.Random, pool: list[str]) -> str:
    n = rng.choice([500, 2000, 5000, 20000])
    kind = rng.choice(["alias", "decorators", "attribute", "registers", "nested", "blueprints"])
    script = work / "function_app.py"
    head = "import azure.functions as func\napp = func.FunctionApp()\n"
    if kind == "alias":
        text = head + "a0 = func.Blueprint()\n" + "".join(f"a{i + 1} = a{i}\n" for i in range(n))
        text += f'@a{n}.route(route="deep")\ndef deep(req):\n    return "x"\n'
        text += f"app.register_functions(a{n})\n"
    elif kind == "decorators":
        text = head + '@app.route(route="r")\n' * n + "def f(req):\n    return 1\n"
    elif kind == "attribute":
        text = head + "x = app" + ".a" * n + "\n@x.route()\ndef f(req):\n    return 1\n"
    elif kind == "registers":
        text = head + "bp = func.Blueprint()\n" + "app.register_functions(bp)\n" * n
    elif kind == "nested":
        depth = min(n, 90)  # Python's own limit on indentation is 100 levels
        text = head + "".join(" " * i + f"def f{i}():\n" for i in range(depth))
        text += " " * depth + "pass\n"
        text += '@app.route(route="after")\ndef after(req):\n    return 1\n'
    else:
        text = head + "".join(
            f"bp{i} = func.Blueprint()\n@bp{i}.route(route='r{i}')\ndef f{i}(req):\n"
            f"    return 1\napp.register_functions(bp{i})\n"
            for i in range(min(n, 3000))
        )
    script.write_text(text)
    return f"{kind} {n}"


def _walk_json(value: object, rng: random.Random, depth: int = 0) -> object:
    if depth > 6 or rng.random() < 0.25:
        pick = rng.random()
        if pick < 0.7:
            return rng.choice(JSON_VALUES)
        nest: object = None
        for _ in range(rng.choice([50, 900, 5000])):
            nest = [nest] if rng.random() < 0.5 else {"a": nest}
        return nest
    if isinstance(value, dict) and value:
        key = rng.choice(list(value))
        copy = dict(value)
        copy[key] = _walk_json(value[key], rng, depth + 1)
        if rng.random() < 0.1:
            copy[
                rng.choice(
                    [
                        "scriptFile",
                        "entryPoint",
                        "bindings",
                        "Values",
                        "extensions",
                        "PYTHON_SCRIPT_FILE_NAME",
                        "disabled",
                        "type",
                        "route",
                    ]
                )
            ] = rng.choice(JSON_VALUES)
        return copy
    if isinstance(value, list) and value:
        i = rng.randrange(len(value))
        copy_list = list(value)
        copy_list[i] = _walk_json(value[i], rng, depth + 1)
        return copy_list
    return rng.choice(JSON_VALUES)


def json_values(work: Path, rng: random.Random, pool: list[str]) -> str:
    files = jsons(work)
    if not files:
        return "no json"
    path = rng.choice(files)
    try:
        value = json.loads(path.read_text("utf-8-sig"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return "unreadable json"
    sys.setrecursionlimit(20000)
    try:
        text = json.dumps(_walk_json(value, rng), ensure_ascii=rng.random() < 0.5)
    except (ValueError, RecursionError):
        return "dump failed"
    finally:
        sys.setrecursionlimit(1000)
    path.write_text(text, "utf-8", "surrogatepass")
    return f"{path.relative_to(work)}"


def files(work: Path, rng: random.Random, pool: list[str]) -> str:
    candidates = [p for p in files_of(work) if p.suffix in (".py", ".json")]
    if not candidates:
        return "no files"
    path = rng.choice(candidates)
    op = rng.choice(["dir", "self-link", "loop", "dangling", "dir-link-up"])
    path.unlink()
    if op == "dir":
        path.mkdir()
        (path / "x.py").write_text("x = 1\n")
    elif op == "self-link":
        path.symlink_to(path.name)
    elif op == "loop":
        other = path.with_name(path.name + ".loop")
        path.symlink_to(other.name)
        other.symlink_to(path.name)
    elif op == "dangling":
        path.symlink_to("does-not-exist" + path.suffix)
    else:
        path.mkdir()
        (path / "up").symlink_to("..")
    return f"{path.relative_to(work)}: {op}"


MUTATIONS: dict[str, Callable[[Path, random.Random, list[str]], str]] = {
    "python-splice": python_splice,
    "python-args": python_args,
    "python-rebind": python_rebind,
    "python-lines": python_lines,
    "blueprint-cycles": blueprint_cycles,
    "python-deep": python_deep,
    "json-values": json_values,
    "files": files,
}


def expression_pool(roots: list[Path], rng: random.Random, size: int = 3000) -> list[str]:
    pool: list[str] = []
    for root in roots:
        for path in files_of(root):
            if path.suffix != ".py":
                continue
            try:
                tree = ast.parse(path.read_text("utf-8", "replace"))
            except (SyntaxError, ValueError, RecursionError):
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.expr):
                    text = ast.unparse(node)
                    if len(text) < 200:
                        pool.append(text)
    rng.shuffle(pool)
    return pool[:size]


def attempt(work: Path, check: bool) -> tuple[str, str] | None:
    """None, or (kind of failure, exception and place)."""
    signal.alarm(LIMIT_S)
    try:
        app = load_app(str(work), Source())
        if check:
            check_app(app, CheckConfig(), raise_errors=True)
    except Hang as error:
        return "hang", str(error)
    except Exception as error:  # what the hunt looks for
        return "crash", f"{type(error).__name__}: {str(error)[:160]} at {funcls_frame(error)}"
    finally:
        signal.alarm(0)
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("/tmp/funcls-corpus"))
    parser.add_argument("--per-root", type=int, default=40)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, _alarm)
    rng = random.Random(args.seed)
    roots = app_roots(args.corpus)
    pool = expression_pool(roots, rng)
    tried: Counter[str] = Counter()
    failures: dict[str, dict[str, object]] = {}
    started = time.monotonic()
    scratch = Path(tempfile.mkdtemp(prefix="hunt-loader-"))
    try:
        for n, root in enumerate(roots):
            base = scratch / "base"
            shutil.rmtree(base, ignore_errors=True)
            if not copy_root(root, base):
                continue
            inputs = [("original", "")] + [
                (rng.choice(list(MUTATIONS)), "") for _ in range(args.per_root)
            ]
            for kind, _ in inputs:
                work = scratch / "work"
                shutil.rmtree(work, ignore_errors=True)
                shutil.copytree(base, work, symlinks=True)
                what = "" if kind == "original" else MUTATIONS[kind](work, rng, pool)
                tried[kind] += 1
                failed = attempt(work, args.check)
                if failed is not None:
                    key = f"{failed[0]} {failed[1].split(' at ')[-1]} {failed[1].split(':')[0]}"
                    if key not in failures:
                        kept = scratch.parent / f"hunt-loader-case-{len(failures)}"
                        shutil.rmtree(kept, ignore_errors=True)
                        shutil.copytree(work, kept, symlinks=True)
                        failures[key] = {
                            "kind": failed[0],
                            "error": failed[1],
                            "mutation": kind,
                            "detail": what,
                            "app": str(root),
                            "kept": str(kept),
                            "count": 0,
                        }
                        print(f"[{kind}] {failed[0]}: {failed[1]} ({root.name}; {what}) -> {kept}")
                    failures[key]["count"] = int(failures[key]["count"]) + 1  # type: ignore[call-overload]
            if n % 20 == 0:
                print(
                    f"... {n + 1}/{len(roots)} apps, {sum(tried.values())} inputs, "
                    f"{time.monotonic() - started:.0f} s",
                    flush=True,
                )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    summary = {
        "apps": len(roots),
        "inputs": dict(tried),
        "total": sum(tried.values()),
        "seconds": round(time.monotonic() - started),
        "failures": list(failures.values()),
        "seed": args.seed,
        "check": args.check,
    }
    print(json.dumps({k: v for k, v in summary.items() if k != "failures"}))
    print(f"{len(failures)} distinct failures")
    if args.out:
        args.out.write_text(json.dumps(summary, indent=2))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
