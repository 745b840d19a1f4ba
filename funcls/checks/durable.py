"""AZF314: calls in Durable Functions orchestrators that return something new on every replay.

The Durable Functions runtime replays an orchestrator from its history each time it resumes,
so the orchestrator must take the same decisions every time: the clock, random numbers, new
GUIDs, environment variables, files and network calls must come from the context
(``context.current_utc_datetime``, ``context.new_uuid()``) or from an activity. Entities are
not replayed and may do any of this.
"""

from __future__ import annotations

import ast

from funcls.checks.context import Context
from funcls.checks.decorators import broken_decorators
from funcls.checks.findings import Severity
from funcls.checks.registry import REGISTRY, Example, Rule, checker
from funcls.model.appmodel import Function
from funcls.model.locations import Range
from funcls.model.python.exprs import attribute_chain
from funcls.model.python.limits import parse as parse_python

_DF = (
    "import azure.durable_functions as df\nfrom datetime import datetime\n\napp = df.DFApp()\n\n\n"
)
_REQS = "azure-functions\nazure-functions-durable\n"

REGISTRY.add_rules(
    (
        Rule(
            "AZF314",
            "orchestrator-nondeterminism",
            Severity.WARNING,
            "An orchestrator calls something that returns a different result on each replay "
            "(the clock, random numbers, new UUIDs, environment variables, files, HTTP).",
            "Durable Functions replays orchestrator code from its history whenever the "
            "orchestration resumes; a value that differs between replays sends it down another "
            "path and corrupts its state. Use `context.current_utc_datetime` and "
            "`context.new_uuid()`, and do other such work in an activity.",
            Example(
                {
                    "function_app.py": _DF + '@app.orchestration_trigger(context_name="context")\n'
                    "def stamp(context: df.DurableOrchestrationContext):\n"
                    "    started = datetime.utcnow().isoformat()\n"
                    '    result = yield context.call_activity("log", started)\n'
                    "    return result\n",
                    "requirements.txt": _REQS,
                }
            ),
            Example(
                {
                    "function_app.py": _DF + '@app.orchestration_trigger(context_name="context")\n'
                    "def stamp(context: df.DurableOrchestrationContext):\n"
                    "    started = context.current_utc_datetime.isoformat()\n"
                    '    result = yield context.call_activity("log", started)\n'
                    "    return result\n",
                    "requirements.txt": _REQS,
                }
            ),
        ),
    )
)

_CLOCK = "the current time; use context.current_utc_datetime"
_UUID = "a new UUID; use context.new_uuid()"
_ACTIVITY = "move it into an activity function and call that with context.call_activity"
NONDETERMINISTIC: dict[str, str] = {
    "datetime.datetime.now": _CLOCK,
    "datetime.datetime.utcnow": _CLOCK,
    "datetime.datetime.today": _CLOCK,
    "datetime.date.today": _CLOCK,
    "time.time": _CLOCK,
    "time.time_ns": _CLOCK,
    "time.monotonic": _CLOCK,
    "time.perf_counter": _CLOCK,
    "uuid.uuid1": _UUID,
    "uuid.uuid4": _UUID,
    "os.getenv": f"an environment variable, which can change between replays; {_ACTIVITY}",
    "os.environ.get": f"an environment variable, which can change between replays; {_ACTIVITY}",
    "open": f"a file; {_ACTIVITY}",
    "urllib.request.urlopen": f"the network; {_ACTIVITY}",
}
_MODULE_PREFIXES = {
    "random.": f"a random number; {_ACTIVITY}",
    "secrets.": f"a random value; {_ACTIVITY}",
    "requests.": f"the network; {_ACTIVITY}",
    "httpx.": f"the network; {_ACTIVITY}",
}


def _dotted(node: ast.expr, imports: dict[str, str]) -> str | None:
    chain = attribute_chain(node)
    if chain is None:
        return None
    root, parts = chain
    base = imports.get(root)
    if base is None:
        return root if not parts and root == "open" else None
    return ".".join([base, *parts])


def _why(qualname: str) -> str | None:
    if qualname in NONDETERMINISTIC:
        return NONDETERMINISTIC[qualname]
    for prefix, why in _MODULE_PREFIXES.items():
        if qualname.startswith(prefix):
            return why
    return None


def _orchestrator_def(ctx: Context, fn: Function, tree: ast.Module) -> ast.AST | None:
    """The def the orchestrator runs: the decorated def (v2) or what the entry point wraps."""
    name = fn.entry_point
    if fn.model == "v1":
        for node in tree.body:  # main = df.Orchestrator.create(orchestrator_function)
            if (
                isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
                and isinstance(node.value, ast.Call)
                and node.value.args
                and isinstance(node.value.args[0], ast.Name)
            ):
                name = node.value.args[0].id
    line = fn.def_name_range.start.line + 1 if fn.def_name_range and fn.model == "v2" else None
    for found in ast.walk(tree):
        if (
            isinstance(found, (ast.FunctionDef, ast.AsyncFunctionDef))
            and found.name == name
            and (line is None or found.lineno <= line <= (found.end_lineno or line))
        ):
            return found
    return None


@checker("AZF314")
def orchestrator_calls(ctx: Context) -> None:
    trees: dict[str, ast.Module | None] = {}
    for fn in ctx.app.functions:
        t = fn.trigger
        if t is None or t.type.lower() != "orchestrationtrigger" or broken_decorators(fn):
            continue
        path = fn.script_path
        module = ctx.module(path) if path else None
        if path is None or module is None:
            continue
        if path not in trees:
            try:
                trees[path] = parse_python(ctx.text(path) or "")
            except (SyntaxError, ValueError):
                trees[path] = None
        tree = trees[path]
        target = _orchestrator_def(ctx, fn, tree) if tree is not None else None
        if target is None:
            continue
        lines = (ctx.text(path) or "").split("\n")
        for node in ast.walk(target):
            if not isinstance(node, ast.Call):
                continue
            qualname = _dotted(node.func, module.imports)
            why = _why(qualname) if qualname else None
            if why is None or qualname is None:
                continue
            rng = _range(lines, node.func)
            ctx.emit(
                "AZF314",
                f"orchestrator '{fn.name}' calls {qualname}(), which gives {why} "
                "(orchestrators are replayed and must decide the same way every time)",
                path,
                rng,
                function=fn,
            )


def _range(lines: list[str], node: ast.expr) -> Range:
    def col(lineno: int, byte_col: int) -> int:
        text = lines[lineno - 1] if 0 < lineno <= len(lines) else ""
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))

    end_line = node.end_lineno or node.lineno
    end_col = node.end_col_offset if node.end_col_offset is not None else node.col_offset
    return Range.of(
        node.lineno - 1, col(node.lineno, node.col_offset), end_line - 1, col(end_line, end_col)
    )
