"""``textDocument/codeAction``: a quick fix for every finding that carries one, and the
refactorings that convert a v1 function to the v2 model and then remove its folder."""

from __future__ import annotations

import os
from collections.abc import Sequence

from lsprotocol import types

from funcls.checks.findings import Finding
from funcls.lsp import diagnostics
from funcls.lsp.context import Context
from funcls.lsp.convert.app import (
    KEEP,
    REMOVE,
    check_conversions,
    plan_app_conversion,
    v1_functions,
)
from funcls.lsp.convert.v1 import Plan, plan_removal
from funcls.lsp.edits import Edit, FileOp, can_apply, workspace_edit
from funcls.lsp.homes import shown
from funcls.lsp.lookup import functions_in
from funcls.model.appmodel import App, Function
from funcls.model.locations import Range

CAK = types.CodeActionKind


def _overlaps(a: Range, b: Range) -> bool:
    return a.start <= b.end and b.start <= a.end


def _wanted(kind: str, only: list[str] | None) -> bool:
    return not only or any(kind == o or kind.startswith(o + ".") for o in only)


def _same(a: types.Diagnostic, b: types.Diagnostic) -> bool:
    """The client's copy of a diagnostic we published (clients may drop or add fields)."""
    return a.range == b.range and str(a.code) == str(b.code) and a.message == b.message


def quick_fixes(
    ctx: Context,
    path: str,
    rng: Range,
    findings: list[Finding],
    sent: Sequence[types.Diagnostic] | None = None,
) -> list[types.CodeAction]:
    """The fixes of every finding that touches ``rng``, and of every diagnostic the client
    sent with the request (Neovim sends the whole line's, wherever the cursor is on it). A
    finding echoed in another file offers its fixes there too."""
    out: list[types.CodeAction] = []
    # A finding on a folder (AZF408 on a v1 app root) offers its fixes on its home file.
    picked = [
        f for f in findings if f.path == path or (f.fixes and (f.echo or os.path.isdir(f.path)))
    ]
    for f in shown(picked):
        if f.path != path or not f.fixes:
            continue
        diag = diagnostics.to_diagnostic(ctx, f)
        if not _overlaps(f.range, rng) and not any(_same(diag, d) for d in sent or ()):
            continue
        for fix in f.fixes:
            ops = [FileOp("create", e.path) for e in fix.edits if not ctx.source.is_file(e.path)]
            ops = list({op.path: op for op in ops}.values())
            if not can_apply(ctx, ops):
                continue
            edits = [Edit(e.path, e.range, e.new_text) for e in fix.edits]
            out.append(
                types.CodeAction(
                    title=fix.title,
                    kind=CAK.QuickFix,
                    diagnostics=[diag],
                    is_preferred=fix.preferred or None,
                    edit=workspace_edit(ctx, edits, ops),
                )
            )
    return out


def _v1_function(ctx: Context, path: str, pos_range: Range) -> Function | None:
    app = ctx.app(path)
    if app is None:
        return None
    for fn in functions_in(app, path):
        if fn.model != "v1":
            continue
        if fn.config_path == path:
            return fn
        if fn.def_range is not None and _overlaps(fn.def_range, pos_range):
            return fn
    return None


REMOVE_COMMAND = "funcls.removeV1Function"
CONVERT_COMMAND = "funcls.convertAppToV2"


def _plan_action(
    ctx: Context, plan: Plan, kind: str, command_args: list[str] | None = None
) -> types.CodeAction | None:
    if plan.problem is not None:
        if not ctx.client.disabled_code_actions:
            return None
        return types.CodeAction(
            title=plan.title, kind=kind, disabled=types.CodeActionDisabled(reason=plan.problem)
        )
    if not can_apply(ctx, plan.ops):
        if command_args is None:
            return None
        # The client cannot delete files: the server does it, after asking the user.
        command = types.Command(title=plan.title, command=REMOVE_COMMAND, arguments=command_args)
        return types.CodeAction(title=plan.title, kind=kind, command=command)
    annotation = types.ChangeAnnotation(
        label=plan.title,
        needs_confirmation=kind == CAK.RefactorRewrite + ".removeV1",
        description="funcls",
    )
    return types.CodeAction(
        title=plan.title, kind=kind, edit=workspace_edit(ctx, plan.edits, plan.ops, annotation)
    )


def app_conversions(ctx: Context, app: App) -> list[types.CodeAction]:
    """Convert the whole app to the v2 model, removing or keeping the v1 folders: offered only
    when the converted app checks without new errors (checked once per version of the app)."""
    cached = ctx.memo.get("convert:" + app.root)
    if cached is not None and cached[0] is app:
        return [a for a in cached[1] if isinstance(a, types.CodeAction)]  # type: ignore[attr-defined]
    out: list[types.CodeAction] = []
    plans = []
    for folders in (REMOVE, KEEP):
        plan = plan_app_conversion(app, ctx.source, folders)
        if plan is None:
            break
        plans.append((folders, plan))
    unchecked = [plan for _, plan in plans if plan.problem is None]
    for plan, problem in zip(unchecked, check_conversions(app, ctx.source, unchecked), strict=True):
        plan.problem = problem
    for folders, plan in plans:
        kind = CAK.RefactorRewrite + ".convertApp"
        if plan.problem is None and not can_apply(ctx, plan.ops):
            # The client cannot delete files: the server does it, after asking the user.
            command = types.Command(
                title=plan.title, command=CONVERT_COMMAND, arguments=[app.root, folders]
            )
            out.append(types.CodeAction(title=plan.title, kind=kind, command=command))
            continue
        action = _plan_action(ctx, plan, kind)
        if action is not None:
            out.append(action)
    ctx.memo["convert:" + app.root] = (app, tuple(out))
    return out


def refactorings(ctx: Context, path: str, rng: Range, asked: bool = True) -> list[types.CodeAction]:
    app = ctx.app(path)
    if app is None:
        return []
    fn = _v1_function(ctx, path, rng)
    if fn is not None:
        removal = plan_removal(app, fn, ctx.source)
        if removal is not None:  # converted before, one function at a time
            args = [app.root, fn.name]
            action = _plan_action(ctx, removal, CAK.RefactorRewrite + ".removeV1", args)
            return [action] if action is not None else []
    if not asked or not v1_functions(app) or not (fn is not None or path == app.host_json_path):
        return []
    return app_conversions(ctx, app)


def code_actions(
    ctx: Context,
    path: str,
    rng: Range,
    findings: list[Finding],
    only: list[str] | None = None,
    sent: Sequence[types.Diagnostic] | None = None,
    asked: bool = True,
) -> list[types.CodeAction]:
    """``asked``: the user asked (a menu, a key); False for requests the client makes by itself
    (VS Code's light bulb), which get no refactoring that needs the app checked first."""
    out: list[types.CodeAction] = []
    if _wanted(CAK.QuickFix, only):
        out.extend(quick_fixes(ctx, path, rng, findings, sent))
    if _wanted(CAK.RefactorRewrite, only) and os.path.basename(path) != "local.settings.json":
        out.extend(refactorings(ctx, path, rng, asked))
    return out
