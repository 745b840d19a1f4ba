"""A new v2 function in a Python module: inserted at the end of an existing module (after the
imports it needs), or a new module holding it; and the registration of a new blueprint.

Edits only insert — at the start of a line or at the end of the file — so the user's code, line
endings and byte-order mark are left as they were.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

from funcls.model.fastclass import dataclass
from funcls.model.locations import LineIndex, Position
from funcls.model.python.module import analyse_module
from funcls.model.scaffold.functions import AF, Insert, Plan, ScaffoldError, v2_function_lines


@dataclass(frozen=True, slots=True)
class ModuleEdit:
    inserts: tuple[Insert, ...]
    def_line: int  # zero-based line of the new `def` once the inserts are applied


def _azure_functions_alias(imports: Mapping[str, str]) -> str | None:
    for local, qualified in imports.items():
        if qualified == AF:
            return local
    if imports.get("azure") == "azure":
        return AF  # `import azure.functions`
    return None


def app_object(text: str, file_name: str) -> str:
    """The variable of the module's top-level FunctionApp or Blueprint (the first one)."""
    try:
        ast.parse(text)
    except SyntaxError as e:
        raise ScaffoldError(
            f"{file_name} has a syntax error at line {e.lineno}: {e.msg}; fix it before adding "
            "a function"
        ) from None
    info = analyse_module(file_name, text)
    for creation in info.app_creations:
        if creation.top_level:
            return creation.var
    raise ScaffoldError(
        f"{file_name} creates no FunctionApp or Blueprint at its top level (like "
        "'app = func.FunctionApp()'), so there is nothing to add the function to; create one, "
        "or name the module that has it"
    )


def plan_module_insert(text: str, file_name: str, plan: Plan) -> ModuleEdit:
    """Inserts that add ``plan``'s function at the end of the module ``text`` (``\\n`` line
    endings, no BOM: as ``Source`` reads files); the imports it needs go after the module's
    last top-level import."""
    app_var = app_object(text, file_name)
    tree = ast.parse(text)
    info = analyse_module(file_name, text)
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == plan.name:
            raise ScaffoldError(
                f"{file_name} already defines '{plan.name}' (line {node.lineno}); choose "
                "another name"
            )
    func = _azure_functions_alias(info.imports)
    lines = LineIndex(text)
    inserts: list[Insert] = []
    added = 0
    top_imports = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    if info.imports.get("logging") != "logging":
        # The standard library first, after any `from __future__` import.
        future = [
            n for n in top_imports if isinstance(n, ast.ImportFrom) and n.module == "__future__"
        ]
        others = [n for n in top_imports if n not in future]
        if others:
            at = others[0].lineno - 1
        else:
            at = max((n.end_lineno or n.lineno for n in future), default=0)
        inserts.append(Insert(Position(at, 0), "import logging\n"))
        added += 1
    if func is None:
        func = "func"
        last = max((n.end_lineno or n.lineno for n in top_imports), default=0)
        inserts.append(Insert(Position(last, 0), "import azure.functions as func\n"))
        added += 1
    end = lines.position(len(text))
    tail = text[len(text.rstrip()) :]
    blank = tail.count("\n")
    lead = "\n" if text and not text.endswith("\n") else ""
    lead += "\n" * max(0, 2 - max(0, blank - 1)) if text.strip() else ""
    body = v2_function_lines(plan, app_var, func)
    inserts.append(Insert(end, lead + "\n".join(body) + "\n"))
    def_index = next(i for i, line in enumerate(body) if line.startswith("def "))
    def_line = end.line + added + lead.count("\n") + def_index
    return ModuleEdit(tuple(inserts), def_line)


def new_module_text(plan: Plan, var: str = "app", cls: str = "FunctionApp") -> tuple[str, int]:
    """A new module holding only ``plan``'s function on a new ``var = func.<cls>()`` (the
    app, or a blueprint); (text, line of the def)."""
    head = ["import logging", "", "import azure.functions as func", "", f"{var} = func.{cls}()"]
    body = v2_function_lines(plan, var, "func")
    lines = [*head, "", "", *body]
    def_line = len(head) + 2 + next(i for i, ln in enumerate(body) if ln.startswith("def "))
    return "\n".join(lines) + "\n", def_line


def plan_registration(
    text: str,
    file_name: str,
    module: str,
    alias: str,
    *,
    var: str = "bp",
    app_var: str | None = None,
    imported: bool = False,
) -> tuple[Insert, ...]:
    """Inserts that import the blueprint ``var`` of ``module`` as ``alias`` into the app module
    ``text`` and register it on ``app_var`` (the module's first app object when None): after
    the module's last top-level ``app.register_functions(...)`` (or ``register_blueprint``),
    else right after the statement that creates the app, where users write it (QA in
    code-server: appended to the end of the file, the call stuck to the last function's body
    with no blank line between); at the end only when neither is found. ``imported``: the
    module imports the blueprint as ``alias`` already, and only the call is inserted (AZF307's
    quick fix shares this with the new-blueprint command)."""
    if app_var is None:
        app_var = app_object(text, file_name)
    tree = ast.parse(text)
    info = analyse_module(file_name, text)
    if not imported and (alias in info.imports or alias in info.constants):
        raise ScaffoldError(
            f"{file_name} already uses the name '{alias}'; register the blueprint by hand"
        )
    last = max(
        (n.end_lineno or n.lineno for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)),
        default=0,
    )
    index = LineIndex(text)
    call = f"{app_var}.register_functions({alias})\n"
    after = _registration_line(tree, app_var)
    if after is not None and after <= last:
        after = None  # the app is made above an import: register below everything
    if after is not None and (after < len(text.split("\n")) - 1 or text.endswith("\n")):
        at, lead = Position(after, 0), ""
    else:
        at = index.position(len(text))
        lead = "" if not text or text.endswith("\n") else "\n"
        if after is None and text.strip():
            lead += "\n\n"  # after a def: two blank lines, as PEP 8 has it
    register = Insert(at, lead + call)
    if imported:
        return (register,)
    shown = f"{var} as {alias}" if alias != var else var
    return (Insert(Position(last, 0), f"from {module} import {shown}\n"), register)


def _registration_line(tree: ast.Module, app_var: str) -> int | None:
    """The line (0-based) below the module's last top-level ``<app_var>.register_functions(…)``
    (or ``register_blueprint``, the library's other name for it) statement, else below the
    top-level assignment that creates ``app_var``; None without either."""
    created: int | None = None
    registered: int | None = None
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if created is None and any(
                isinstance(t, ast.Name) and t.id == app_var for t in targets
            ):
                created = node.end_lineno or node.lineno
        elif (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute)
            and node.value.func.attr in ("register_functions", "register_blueprint")
            and isinstance(node.value.func.value, ast.Name)
            and node.value.func.value.id == app_var
        ):
            registered = node.end_lineno or node.lineno
    return registered if registered is not None else created


def apply_inserts(text: str, inserts: tuple[Insert, ...], newline: str = "\n") -> str:
    """Apply inserts to ``text`` (whose lines may end in CRLF); inserted lines get ``newline``."""
    index = LineIndex(text)
    for ins in sorted(inserts, key=lambda i: i.at, reverse=True):
        at = index.offset(ins.at)
        text = text[:at] + ins.text.replace("\n", newline) + text[at:]
    return text
