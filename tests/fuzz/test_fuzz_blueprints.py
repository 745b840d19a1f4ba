"""Bounded fuzzing of blueprints and requirements.txt (issue 17), with the settings of
tests/fuzz/test_fuzz.py (derandomised and small in CI; ``scripts/fuzz`` runs it longer).

Blueprints: generated apps whose script imports one to four ``func.Blueprint()`` modules
(plain modules and packages, imported with or without an alias, or as a module) and
registers them with ``register_functions``, ``register_blueprint``, in a loop over a tuple,
twice, or not at all; some modules are then damaged (truncated, a byte flipped, a piece that
is no Python inserted). Besides "no exception, every finding located inside its file", the
oracle: every function of an undamaged blueprint that the script registers with
``register_functions`` is in the model, under its name, from that module's file; none of an
unregistered one is.

requirements.txt: generated lines of every kind pip knows (pins, extras, markers, URLs,
``-r``/``-e``/options, comments, continuations, Unicode, NUL, CR, a BOM, very long lines)
and mutated copies of the samples' file. Oracle: no exception, findings located, and every
plain ``name==version`` line is read as that requirement (its PEP 503 name, its line)."""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from funcls.checks import CheckConfig, check_app
from funcls.model.appmodel import App
from funcls.model.loader import load_app
from funcls.model.source import Source
from tests.fuzz.test_fuzz import FUZZ, SAMPLES, mutate


def checked(root: Path) -> App:
    """Load and check the app at ``root``; the general properties hold. Returns the app."""
    app = load_app(str(root), Source())
    findings = check_app(app, CheckConfig(), raise_errors=True)
    for f in findings:
        assert f.message.strip(), f
        start, end = f.range
        assert 0 <= start.line <= end.line, f
        assert start.column >= 0 and end.column >= 0, f
        if f.path and Path(f.path).is_file():
            data = Path(f.path).read_bytes()
            lines = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n") + 1
            assert end.line <= lines + 1, (f, lines)
    return app


def base_app(root: Path) -> None:
    root.mkdir(parents=True)
    for name in ("host.json", "local.settings.json"):
        shutil.copy(SAMPLES / "v2-app" / name, root / name)


# -- blueprints ----------------------------------------------------------------------------
TRIGGERS = [
    '@{v}.route(route="{f}")\ndef {f}(req: func.HttpRequest) -> func.HttpResponse:\n'
    '    return func.HttpResponse("ok")\n',
    '@{v}.schedule(schedule="0 */5 * * * *", arg_name="t")\ndef {f}(t: func.TimerRequest) -> None:\n'
    "    pass\n",
    '@{v}.queue_trigger(arg_name="m", queue_name="q-{f}", connection="AzureWebJobsStorage")\n'
    "async def {f}(m: func.QueueMessage) -> None:\n    pass\n",
]
MODULES = ["bp_orders", "bp_items", "pkg/bp_more", "deep/er/bp_last"]
STYLES = ["functions", "blueprint", "loop", "twice", "none"]


@dataclass
class Blueprint:
    module: str  # path without .py, "/" between packages
    var: str
    triggers: list[int]
    style: str
    alias: bool
    as_module: bool
    damage: tuple[int, int, int] | None

    def functions(self, k: int) -> list[str]:
        return [f"bp{k}_f{j}" for j in range(len(self.triggers))]

    def text(self, k: int) -> str:
        out = ["import azure.functions as func\n\n", f"{self.var} = func.Blueprint()\n\n"]
        for f, t in zip(self.functions(k), self.triggers, strict=True):
            out.append("\n" + TRIGGERS[t].format(v=self.var, f=f))
        return "".join(out)


BLUEPRINT = st.builds(
    Blueprint,
    module=st.sampled_from(MODULES),
    var=st.sampled_from(["bp", "blueprint", "b2"]),
    triggers=st.lists(st.integers(0, len(TRIGGERS) - 1), max_size=3),
    style=st.sampled_from(STYLES),
    alias=st.booleans(),
    as_module=st.booleans(),
    damage=st.one_of(
        st.none(),
        st.tuples(st.integers(0, 6), st.integers(0, 10**6), st.integers(0, 255)),
    ),
)


def script(blueprints: list[Blueprint]) -> str:
    head = ["import azure.functions as func\n"]
    body = ["\napp = func.FunctionApp()\n"]
    looped: list[str] = []
    for k, b in enumerate(blueprints):
        dotted = b.module.replace("/", ".")
        name = ref(b, k)
        if b.as_module:
            head.append(f"import {dotted} as m{k}\n")
        else:
            head.append(f"from {dotted} import {b.var}" + (f" as {name}\n" if b.alias else "\n"))
        if b.style == "functions":
            body.append(f"app.register_functions({name})\n")
        elif b.style == "blueprint":
            body.append(f"app.register_blueprint({name})\n")
        elif b.style == "twice":
            body.append(f"app.register_functions({name})\napp.register_functions({name})\n")
        elif b.style == "loop":
            looped.append(name)
    if looped:
        body.append(f"for one in ({', '.join(looped)},):\n    app.register_functions(one)\n")
    return "".join(head + body)


@FUZZ
@given(blueprints=st.lists(BLUEPRINT, min_size=1, max_size=4, unique_by=lambda b: b.module))
def test_generated_blueprints(blueprints: list[Blueprint]) -> None:
    with tempfile.TemporaryDirectory(prefix="funcls-fuzz-bp-") as tmp:
        root = Path(tmp) / "app"
        base_app(root)
        (root / "function_app.py").write_text(script(blueprints))
        for k, b in enumerate(blueprints):
            path = root / (b.module + ".py")
            path.parent.mkdir(parents=True, exist_ok=True)
            for folder in path.relative_to(root).parents:
                if str(folder) != ".":
                    (root / folder / "__init__.py").touch()
            data = b.text(k).encode()
            if b.damage is not None:
                data = mutate(data, *b.damage)
            path.write_bytes(data)
        app = checked(root)
        found = {f.name: f for f in app.functions}
        # A later import of the same name shadows an earlier one: a registration reaches the
        # blueprint that last bound the name it uses.
        owner = {ref(b, k): k for k, b in enumerate(blueprints)}
        registered = {owner[ref(b, k)] for k, b in enumerate(blueprints) if b.style != "none"}
        by_functions = {
            owner[ref(b, k)]
            for k, b in enumerate(blueprints)
            if b.style in ("functions", "loop", "twice")
        }
        for k, b in enumerate(blueprints):
            if b.damage is not None:
                continue
            path = str(root / (b.module + ".py"))
            if k in by_functions:
                for name in b.functions(k):
                    assert name in found, (name, sorted(found), script(blueprints))
                    assert found[name].script_path == path, (name, found[name].script_path)
            if k not in registered:
                assert not set(b.functions(k)) & set(found), (k, sorted(found))


def ref(b: Blueprint, k: int) -> str:
    """The name the script uses for blueprint ``k``."""
    if b.as_module:
        return f"m{k}.{b.var}"
    return f"b{k}" if b.alias else b.var


# -- requirements.txt ----------------------------------------------------------------------
NAME = st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,8}([-_.][A-Za-z0-9]{1,5}){0,2}", fullmatch=True)
OTHER_LINES = [
    "",
    "# a comment",
    "   ",
    "azure-functions[extra1,extra2]>=1.0; python_version >= '3.9'",
    "requests @ https://example.org/requests-2.0.tar.gz",
    "-r other.txt",
    "-e git+https://github.com/a/b.git#egg=b",
    "--index-url https://pypi.example/simple",
    "--hash=sha256:" + "0" * 64,
    "pkg==1.0 \\",
    "    --hash=sha256:" + "1" * 64,
    "ünïcode-näme==1",
    "name\x00with-nul",
    "\ufeffbom-inside==1",
    "x" * 100_000,
    "pkg>=1,<2 ; sys_platform == 'linux' # trailing comment",
    "./local/path",
    "https://example.org/a.whl",
    "name=1.0",
    "=== 1",
    "[extra]",
]


@FUZZ
@given(
    lines=st.lists(
        st.one_of(
            st.tuples(
                st.just("pin"),
                NAME,
                st.from_regex(r"[0-9]{1,3}(\.[0-9]{1,3}){0,2}", fullmatch=True),
            ),
            st.tuples(st.just("other"), st.sampled_from(OTHER_LINES), st.just("")),
        ),
        max_size=25,
    ),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    bom=st.booleans(),
)
def test_generated_requirements(lines: list[tuple[str, str, str]], newline: str, bom: bool) -> None:
    text_lines = [f"{a}=={b}" if kind == "pin" else a for kind, a, b in lines]
    text = newline.join(text_lines) + newline
    with tempfile.TemporaryDirectory(prefix="funcls-fuzz-req-") as tmp:
        root = Path(tmp) / "app"
        base_app(root)
        shutil.copy(SAMPLES / "v2-app" / "function_app.py", root / "function_app.py")
        shutil.copy(SAMPLES / "v2-app" / "orders_bp.py", root / "orders_bp.py")
        (root / "requirements.txt").write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())
        app = checked(root)
        read = {(r.name, r.range.start.line) for r in app.requirements}
        continued = False
        for i, (kind, name, _) in enumerate(lines):
            if kind == "pin" and not continued:
                assert (re.sub(r"[-_.]+", "-", name).lower(), i) in read, (name, i, read)
            continued = text_lines[i].endswith("\\")


@FUZZ
@given(
    source=st.sampled_from(["v1-app", "v2-app"]),
    steps=st.lists(
        st.tuples(st.integers(0, 6), st.integers(0, 10**6), st.integers(0, 255)),
        min_size=1,
        max_size=3,
    ),
)
def test_mutated_requirements(source: str, steps: list[tuple[int, int, int]]) -> None:
    data = (SAMPLES / source / "requirements.txt").read_bytes()
    for step in steps:
        data = mutate(data, *step)
    with tempfile.TemporaryDirectory(prefix="funcls-fuzz-req-") as tmp:
        root = Path(tmp) / source
        shutil.copytree(SAMPLES / source, root)
        (root / "requirements.txt").write_bytes(data)
        checked(root)
