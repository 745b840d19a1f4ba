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
from funcls.model.python.facts import ModuleInfo
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


def _orchestrator_def(
    fn: Function, tree: ast.Module, module: ModuleInfo
) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The def the orchestrator runs: the decorated def (v2) or what the entry point wraps."""
    name = fn.entry_point
    if fn.model == "v1":
        # main = df.Orchestrator.create(orchestrator_function): the last binding holds
        bound = module.assignment(name, last=True)
        if bound is not None and bound.wraps is not None:
            name = bound.wraps
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
        target = _orchestrator_def(fn, tree, module) if tree is not None else None
        if target is None:
            continue
        lines = (ctx.text(path) or "").split("\n")
        parents: dict[ast.AST, ast.AST] | None = None
        imports = _with_local_imports(module.imports, target)
        for node in ast.walk(target):
            if not isinstance(node, ast.Call):
                continue
            qualname = _dotted(node.func, imports)
            why = _why(qualname) if qualname else None
            if why is None or qualname is None:
                continue
            if parents is None:
                parents = {c: p for p in ast.walk(target) for c in ast.iter_child_nodes(p)}
            if _only_logged(node, target, parents):
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


def _with_local_imports(imports: dict[str, str], target: ast.AST) -> dict[str, str]:
    """The module's imports with those written inside the orchestrator itself (``import
    datetime`` in its body: seen in Neovim on durable_v1, its ``datetime.datetime.now()`` was
    not reported), which hide the module's names of the same name; relative imports (the
    app's own modules) are left out."""
    local: dict[str, str] = {}
    for node in ast.walk(target):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    local[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    local[top] = top
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            for alias in node.names:
                if alias.name != "*":
                    local[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return {**imports, **local} if local else imports


_LOG_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "log"}
)


def _is_log_call(call: ast.Call) -> bool:
    """``logging.info(...)``, ``logger.warning(...)``, ``self._log.debug(...)``, ``print(...)``."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id == "print"
    if not isinstance(func, ast.Attribute) or func.attr not in _LOG_METHODS:
        return False
    chain = attribute_chain(func.value)
    return chain is not None and any("log" in n.lower() for n in (chain[0], *chain[1]))


def _only_logged(call: ast.Call, target: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """Whether what ``call`` returns reaches nothing but log lines: used inside a logging call's
    arguments, directly or through names assigned from it (``start = time.monotonic()`` ...
    ``logger.info("took %s", time.monotonic() - start)``). A value that only a log line shows
    changes no decision of the replayed orchestrator (corpus, fifth round: a lab timing its own
    replays). Anything else — a condition, an activity's input, a return, a yield — counts."""
    pending: list[ast.AST] = [call]
    names: set[str] = set()
    while pending:
        node = pending.pop()
        parent = parents.get(node)
        while True:
            if parent is None or (
                isinstance(parent, ast.stmt) and not isinstance(parent, (ast.Assign, ast.AnnAssign))
            ):
                return False
            if isinstance(parent, ast.Call) and node is not parent.func and _is_log_call(parent):
                break
            if isinstance(parent, (ast.Assign, ast.AnnAssign)):
                targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
                if node is not parent.value or not all(isinstance(t, ast.Name) for t in targets):
                    return False
                for t in targets:
                    assert isinstance(t, ast.Name)
                    if t.id not in names:
                        names.add(t.id)
                        pending += [
                            n
                            for n in ast.walk(target)
                            if isinstance(n, ast.Name)
                            and n.id == t.id
                            and isinstance(n.ctx, ast.Load)
                        ]
                break
            node, parent = parent, parents.get(parent)
    return True


def _range(lines: list[str], node: ast.expr) -> Range:
    def col(lineno: int, byte_col: int) -> int:
        text = lines[lineno - 1] if 0 < lineno <= len(lines) else ""
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))

    end_line = node.end_lineno or node.lineno
    end_col = node.end_col_offset if node.end_col_offset is not None else node.col_offset
    return Range.of(
        node.lineno - 1, col(node.lineno, node.col_offset), end_line - 1, col(end_line, end_col)
    )
