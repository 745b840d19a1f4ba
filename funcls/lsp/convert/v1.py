"""The refactoring **Convert this v1 function to the v2 model**: writes the decorated function
into function_app.py (created if missing) and removes nothing. A second action, offered once
the v2 function exists, deletes the v1 folder when the user asks for it."""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field
from typing import Any

from funcls.lsp.completion.v1 import func_alias
from funcls.lsp.convert.render import ConversionError, decorators_for
from funcls.lsp.edits import Edit, FileOp
from funcls.model.appmodel import App, Function
from funcls.model.loader import script_name
from funcls.model.locations import LineIndex, Position, Range
from funcls.model.python.facts import ModuleInfo
from funcls.model.source import Source

HEADER = "import azure.functions as func\n"


@dataclass
class Plan:
    title: str
    target: str
    edits: list[Edit] = field(default_factory=list)
    ops: list[FileOp] = field(default_factory=list)
    problem: str | None = None  # why the conversion cannot be done


def _top_level_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            for t in node.targets:
                names.update(n.id for n in ast.walk(t) if isinstance(n, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            for a in node.names:
                names.add(a.asname or a.name.split(".")[0])
    return names


def _absolute(node: ast.ImportFrom, folder: str, root: str) -> str | None:
    """``from ..shared import x`` in folder/__init__.py → ``from shared import x``."""
    if node.level == 0:
        return None
    package = os.path.relpath(folder, root).replace(os.sep, ".")
    parts = [] if package == "." else package.split(".")
    up = node.level - 1
    if up > len(parts):
        raise ConversionError("a relative import goes above the app folder")
    base = parts[: len(parts) - up] if up else parts
    module = ".".join([*base, *(node.module.split(".") if node.module else [])])
    names = ", ".join(a.name + (f" as {a.asname}" if a.asname else "") for a in node.names)
    if not module:
        return f"import {names}"
    return f"from {module} import {names}"


@dataclass
class _Source:
    imports: list[tuple[str, set[str]]]  # (statement, names it binds)
    helpers: list[str]
    helper_names: set[str]
    function: str


def _read_v1(fn: Function, text: str, root: str) -> _Source:
    tree = ast.parse(text)
    lines = text.split("\n")
    folder = fn.folder or os.path.dirname(fn.script_path or "")
    imports: list[tuple[str, set[str]]] = []
    helpers: list[str] = []
    helper_names: set[str] = set()
    function = ""
    body = tree.body
    if (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(getattr(body[0], "value", None), ast.Constant)
    ):
        body = body[1:]  # the module docstring stays behind
    for node in body:
        start = (
            node.decorator_list[0].lineno
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            and node.decorator_list
            else node.lineno
        ) - 1
        segment = "\n".join(lines[start : node.end_lineno])
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            stmt = _absolute(node, folder, root) if isinstance(node, ast.ImportFrom) else None
            bound = {a.asname or a.name.split(".")[0] for a in node.names}
            imports.append((stmt or segment.strip(), bound))
        elif (
            isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == fn.entry_point
        ):
            function = segment
        else:
            helpers.append(segment)
            helper_names |= _top_level_names(ast.Module(body=[node], type_ignores=[]))
    if not function:
        raise ConversionError(
            f"cannot find def {fn.entry_point}() in {os.path.basename(fn.script_path or '')}"
        )
    return _Source(imports, helpers, helper_names, function)


def _rename_def(function: str, old: str, new: str) -> str:
    if old == new:
        return function
    head, sep, rest = function.partition(f"def {old}(")
    return f"{head}def {new}({rest}" if sep else function


@dataclass
class Target:
    """The v2 script a conversion writes into, as it is now."""

    text: str | None  # None: it does not exist yet
    module: ModuleInfo | None
    existing: set[str]  # its top-level names
    app_var: str  # the FunctionApp variable the new decorators use
    alias: str  # how it imports azure.functions
    auth_level: Any  # the app's http_auth_level, when known
    has_app: bool  # it defines the FunctionApp (else the conversion adds one)


def read_target(app: App, source: Source, target: str, require_module: bool = False) -> Target:
    text = source.text(target) if source.is_file(target) else None
    module = source.module(target) if text is not None else None
    if require_module and text is not None and module is None:
        raise ConversionError(f"cannot read {os.path.basename(target)}")
    existing: set[str] = set()
    if text is not None:
        try:
            existing = _top_level_names(ast.parse(text))
        except SyntaxError as e:
            raise ConversionError(
                f"{os.path.basename(target)} has a syntax error (line {e.lineno}); fix it first"
            ) from e
    apps = [o for o in app.app_objects if o.path == target and not o.is_blueprint and o.top_level]
    level = (
        apps[0].auth_level.value
        if apps and apps[0].auth_level and apps[0].auth_level.known
        else None
    )
    return Target(
        text,
        module,
        existing,
        apps[0].var if apps else "app",
        func_alias(module) if module is not None else "func",
        level,
        bool(apps),
    )


def plan_conversion(app: App, fn: Function, source: Source) -> Plan:
    target = os.path.normpath(os.path.join(app.root, script_name(app)))
    plan = Plan(
        f"Convert '{fn.name}' to the v2 model (adds it to {os.path.basename(target)})", target
    )
    try:
        _plan(app, fn, source, plan)
    except (ConversionError, SyntaxError) as e:
        plan.problem = str(e)
        plan.edits.clear()
        plan.ops.clear()
    return plan


def _plan(app: App, fn: Function, source: Source, plan: Plan) -> None:
    if (
        fn.model != "v1"
        or not fn.script_path
        or not fn.script_exists
        or not fn.script_path.endswith(".py")
    ):
        raise ConversionError("only a v1 function whose script is a Python file can be converted")
    text = source.text(fn.script_path)
    if text is None:
        raise ConversionError(f"cannot read {fn.script_path}")
    v1 = _read_v1(fn, text, app.root)
    target = plan.target
    into = read_target(app, source, target, require_module=True)
    target_text, module, existing = into.text, into.module, into.existing
    app_var, alias, level = into.app_var, into.alias, into.auth_level
    name = fn.name if fn.name.isidentifier() else fn.entry_point
    if name in existing or name in v1.helper_names - {fn.entry_point}:
        raise ConversionError(f"{os.path.basename(target)} already defines '{name}'")
    clash = sorted((v1.helper_names & existing) - {n for _, b in v1.imports for n in b})
    if clash:
        names = ", ".join(clash)
        raise ConversionError(
            f"{os.path.basename(target)} already defines {names}, which "
            f"{os.path.basename(fn.script_path)} also defines"
        )

    decorators = decorators_for(fn.bindings, app_var, alias, str(level) if level else None)
    if name != fn.name:
        decorators.insert(0, f'@{app_var}.function_name(name="{fn.name}")')
    function = _rename_def(v1.function, fn.entry_point, name)
    where = os.path.relpath(fn.script_path, app.root)
    block = [f"# Converted from the v1 function in {os.path.dirname(where) or where}."]
    if v1.helpers:
        block.append("\n\n".join(v1.helpers))
        block.append("")
    block.append("\n".join(decorators) + "\n" + function.rstrip() + "\n")
    body = "\n".join(block)

    imports_needed = []
    have = set(module.imports) if module is not None else set()
    for stmt, bound in v1.imports:
        if not bound <= have:
            imports_needed.append(stmt)
            have |= bound
    if target_text is None:
        head = [] if any("azure.functions" in s for s in imports_needed) else [HEADER.rstrip()]
        content = (
            "\n".join([*head, *imports_needed])
            + f"\n\n{app_var} = {alias}.FunctionApp()\n\n\n"
            + body
        )
        plan.ops.append(FileOp("create", target))
        plan.edits.append(Edit(target, Range.point(0, 0), content))
        return
    assert module is not None
    lines = LineIndex(target_text)
    after_imports = max((r.range.end.line + 1 for r in module.import_records), default=0)
    insert = list(imports_needed)
    if alias not in have and "azure.functions" not in " ".join(insert):
        insert.insert(0, f"import azure.functions as {alias}")
    if not into.has_app:
        insert.append(f"\n{app_var} = {alias}.FunctionApp()\n")
    if insert:
        plan.edits.append(Edit(target, Range.point(after_imports, 0), "\n".join(insert) + "\n"))
    last = lines.line_count - 1
    end = Position(last, len(lines.line_text(last)))
    lead = "\n\n" if target_text.endswith("\n") else "\n\n\n"
    plan.edits.append(Edit(target, Range(end, end), lead + body))


def remove_files(plan: Plan) -> list[str]:
    """Carry out a removal plan on disk (for clients that cannot delete files)."""
    import shutil

    removed = []
    for op in plan.ops:
        if op.kind != "delete":
            continue
        if os.path.isdir(op.path):
            shutil.rmtree(op.path)
        elif os.path.exists(op.path):
            os.remove(op.path)
        else:
            continue
        removed.append(op.path)
    return removed


def plan_removal(app: App, fn: Function, source: Source) -> Plan | None:
    """Delete the v1 folder of a function that now also exists in the v2 model."""
    if fn.model != "v1" or not fn.folder or not fn.config_path:
        return None
    twin = next(
        (f for f in app.functions if f.model == "v2" and f.name.lower() == fn.name.lower()), None
    )
    if twin is None:
        return None
    if sorted((b.type.lower(), b.name) for b in twin.bindings) != sorted(
        (b.type.lower(), b.name) for b in fn.bindings
    ):
        return None
    folder = fn.folder
    package = os.path.relpath(folder, app.root).replace(os.sep, ".")
    script = app.script_path
    module = source.module(script) if script else None
    still_used = module is not None and any(
        q == package or q.startswith(package + ".") for q in module.imports.values()
    )
    if still_used:
        plan = Plan(f"Remove the v1 function.json of '{fn.name}' (converted to v2)", folder)
        plan.ops.append(FileOp("delete", fn.config_path))
        return plan
    plan = Plan(f"Remove the v1 folder '{os.path.basename(folder)}' (converted to v2)", folder)
    plan.ops.append(FileOp("delete", folder, recursive=True))
    return plan
