"""The refactoring **Convert the app to the v2 model**: every v1 function of the app goes into
function_app.py in one edit, and their folders go (or only their function.json, when the user
picks "keep the folders").

Converting one function at a time broke apps: once function_app.py exists the Python worker
indexes only the decorators and ignores every function.json folder (AZF304), and a folder left
beside its converted function is a duplicate (AZF302). So the whole app converts at once, and the
action is offered only when the converted app checks without new errors (it is written to a
temporary folder and checked there first; nothing of the workspace runs)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass

from funcls.checks import CheckConfig, check_app
from funcls.checks.findings import Severity
from funcls.lsp.convert.render import ConversionError, decorators_for
from funcls.lsp.convert.v1 import HEADER, Plan, _read_v1, _rename_def, read_target, remove_files
from funcls.lsp.edits import Edit, FileOp
from funcls.model.appmodel import App, Function
from funcls.model.loader import load_app, script_name
from funcls.model.locations import LineIndex, Position, Range
from funcls.model.source import SKIP_DIRS, Source

KEEP, REMOVE = "keep", "remove"


@dataclass
class AppPlan(Plan):
    content: str = ""  # function_app.py after the conversion
    functions: int = 0


def v1_functions(app: App) -> list[Function]:
    return [f for f in app.functions if f.model == "v1" and not f.synthetic]


def plan_app_conversion(app: App, source: Source, folders: str = REMOVE) -> AppPlan | None:
    """The conversion of every v1 function of ``app``; None when it has none."""
    functions = v1_functions(app)
    if not functions:
        return None
    target = os.path.normpath(os.path.join(app.root, script_name(app)))
    what = "their folders removed" if folders == REMOVE else "their folders kept"
    plan = AppPlan(
        f"Convert the app to the v2 model: {len(functions)} function(s) into "
        f"{os.path.basename(target)}, {what}",
        target,
        functions=len(functions),
    )
    try:
        _compose(app, source, functions, plan, folders)
    except (ConversionError, SyntaxError) as e:
        plan.problem = str(e)
        plan.edits.clear()
        plan.ops.clear()
    return plan


def _compose(
    app: App, source: Source, functions: list[Function], plan: AppPlan, folders: str
) -> None:
    target = plan.target
    into = read_target(app, source, target)
    existing_text, module, existing = into.text, into.module, into.existing
    app_var, alias, level = into.app_var, into.alias, into.auth_level
    imports: list[str] = []
    have = set(module.imports) if module is not None else set()
    helpers: dict[str, str] = {}  # helper source -> the function it came from
    defined: dict[str, str] = {n: os.path.basename(target) for n in existing}
    blocks: list[str] = []
    packages: set[str] = set()
    for fn in functions:
        assert fn.script_path is not None
        if not fn.script_exists or not fn.script_path.endswith(".py"):
            raise ConversionError(f"'{fn.name}' has no Python script to convert")
        text = source.text(fn.script_path)
        if text is None:
            raise ConversionError(f"cannot read {fn.script_path}")
        v1 = _read_v1(fn, text, app.root)
        name = fn.name if fn.name.isidentifier() else fn.entry_point
        for n in [name, *sorted(v1.helper_names - {n for _, b in v1.imports for n in b})]:
            if n in defined and n != fn.entry_point:
                raise ConversionError(
                    f"'{n}' would be defined twice in {os.path.basename(target)} "
                    f"(by '{fn.name}' and by {defined[n]}); rename one first"
                )
        own = [h for h in v1.helpers if h not in helpers]
        for h in own:
            helpers[h] = fn.name
        for n in v1.helper_names:
            defined.setdefault(n, f"'{fn.name}'")
        defined[name] = f"'{fn.name}'"
        for stmt, bound in v1.imports:
            if stmt not in imports and not bound <= have:
                imports.append(stmt)
            have |= bound
            words = stmt.split()
            if len(words) > 1 and words[0] in ("from", "import"):
                packages.add(words[1].split(".")[0])
        decorators = decorators_for(fn.bindings, app_var, alias, str(level) if level else None)
        if name != fn.name:
            decorators.insert(0, f'@{app_var}.function_name(name="{fn.name}")')
        where = os.path.relpath(fn.folder or fn.script_path, app.root)
        block = [f"# Converted from the v1 function in {where}."]
        if own:
            block.append("\n\n".join(own) + "\n")
        function = _rename_def(v1.function, fn.entry_point, name)
        block.append("\n".join(decorators) + "\n" + function.rstrip() + "\n")
        blocks.append("\n".join(block))
    body = "\n\n".join(blocks)
    if existing_text is None:
        head = [] if any("azure.functions" in s for s in imports) else [HEADER.rstrip()]
        plan.content = (
            "\n".join([*head, *imports]) + f"\n\n{app_var} = {alias}.FunctionApp()\n\n\n" + body
        )
        plan.ops.append(FileOp("create", target))
        plan.edits.append(Edit(target, Range.point(0, 0), plan.content))
    else:
        assert module is not None
        lines = existing_text.split("\n")
        after = max((r.range.end.line + 1 for r in module.import_records), default=0)
        insert = list(imports)
        if alias not in have and not any("azure.functions" in s for s in insert):
            insert.insert(0, f"import azure.functions as {alias}")
        if not into.has_app:
            insert.append(f"\n{app_var} = {alias}.FunctionApp()\n")
        new_lines = lines[:after] + (insert if insert else []) + lines[after:]
        text = "\n".join(new_lines)
        lead = "\n\n" if text.endswith("\n") else "\n\n\n"
        plan.content = text + lead + body
        index = LineIndex(existing_text)
        last = index.line_count - 1
        whole = Range(Position(0, 0), Position(last, len(index.line_text(last))))
        plan.edits.append(Edit(target, whole, plan.content))
    for fn in functions:
        assert fn.config_path is not None
        folder = fn.folder
        imported = folder is not None and os.path.basename(folder) in packages
        if folders == REMOVE and folder and not imported:
            plan.ops.append(FileOp("delete", folder, recursive=True))
        else:
            plan.ops.append(FileOp("delete", fn.config_path))


def _copy_app(app: App, source: Source, into: str) -> None:
    """The app's files as the editor has them (open documents included), without the folders
    the index skips (.venv, node_modules…)."""
    for folder, dirs, files in os.walk(app.root):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.startswith(".")]
        rel = os.path.relpath(folder, app.root)
        os.makedirs(os.path.join(into, rel), exist_ok=True)
        for name in files:
            if not name.endswith((".py", ".json", ".txt", ".funcignore", ".toml")):
                continue
            text = source.text(os.path.join(folder, name))
            if text is not None:
                with open(os.path.join(into, rel, name), "w", encoding="utf-8") as f:
                    f.write(text)


def _errors(app: App) -> Counter[tuple[str, str]]:
    found = check_app(app, CheckConfig())
    return Counter((f.code, f.message) for f in found if f.severity == Severity.ERROR)


def check_conversion(app: App, source: Source, plan: AppPlan) -> str | None:
    """Why the converted app would not check clean (an error it does not have now), or None.
    The conversion is written to a temporary copy and indexed and checked there."""
    return check_conversions(app, source, [plan])[0]


def check_conversions(app: App, source: Source, plans: list[AppPlan]) -> list[str | None]:
    """``check_conversion`` of each plan, the app as it is now indexed and checked once for
    all of them (the code actions check both plans, removing and keeping the folders: four
    indexings and checks of the app became three)."""
    if not plans:
        return []
    with tempfile.TemporaryDirectory(prefix="funcls-convert-") as tmp:
        base = os.path.join(tmp, "now", os.path.basename(app.root))
        _copy_app(app, source, base)
        before = _errors(load_app(base, Source()))
        problems: list[str | None] = []
        for i, plan in enumerate(plans):
            root = os.path.join(tmp, str(i), os.path.basename(app.root))
            shutil.copytree(base, root)
            with open(os.path.join(root, os.path.relpath(plan.target, app.root)), "w") as f:
                f.write(plan.content)
            for op in plan.ops:
                if op.kind != "delete":
                    continue
                gone = os.path.join(root, os.path.relpath(op.path, app.root))
                if os.path.isdir(gone):
                    shutil.rmtree(gone)
                elif os.path.exists(gone):
                    os.remove(gone)
            new = _errors(load_app(root, Source())) - before
            if not new:
                problems.append(None)
                continue
            (code, message), _ = next(iter(new.items()))
            problems.append(f"the converted app would not check clean: {code} {message}")
    return problems


def apply_on_disk(plan: AppPlan) -> list[str]:
    """Carry out the conversion on disk (for clients that cannot delete files): the files
    written and removed."""
    with open(plan.target, "w", encoding="utf-8") as f:
        f.write(plan.content)
    return [plan.target, *remove_files(plan)]
