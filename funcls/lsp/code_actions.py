"""``textDocument/codeAction``: a quick fix for every finding that carries one, and the
refactorings that convert a v1 function to the v2 model and then remove its folder."""

from __future__ import annotations

import os

from lsprotocol import types

from funcls.checks.findings import Finding
from funcls.lsp import diagnostics
from funcls.lsp.context import Context
from funcls.lsp.convert_v1 import Plan, plan_conversion, plan_removal
from funcls.lsp.edits import Edit, FileOp, can_apply, workspace_edit
from funcls.lsp.lookup import functions_in
from funcls.model.appmodel import Function
from funcls.model.locations import Range

CAK = types.CodeActionKind


def _overlaps(a: Range, b: Range) -> bool:
    return a.start <= b.end and b.start <= a.end


def _wanted(kind: str, only: list[str] | None) -> bool:
    return not only or any(kind == o or kind.startswith(o + ".") for o in only)


def quick_fixes(
    ctx: Context, path: str, rng: Range, findings: list[Finding]
) -> list[types.CodeAction]:
    out: list[types.CodeAction] = []
    for f in findings:
        if f.path != path or not f.fixes or not _overlaps(f.range, rng):
            continue
        diag = diagnostics.to_diagnostic(ctx, f)
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


def refactorings(ctx: Context, path: str, rng: Range) -> list[types.CodeAction]:
    fn = _v1_function(ctx, path, rng)
    app = ctx.app(path)
    if fn is None or app is None:
        return []
    out: list[types.CodeAction] = []
    removal = plan_removal(app, fn, ctx.source)
    if removal is not None:
        args = [app.root, fn.name]
        action = _plan_action(ctx, removal, CAK.RefactorRewrite + ".removeV1", args)
        if action is not None:
            out.append(action)
        return out
    action = _plan_action(ctx, plan_conversion(app, fn, ctx.source), CAK.RefactorRewrite)
    if action is not None:
        out.append(action)
    return out


def code_actions(
    ctx: Context, path: str, rng: Range, findings: list[Finding], only: list[str] | None = None
) -> list[types.CodeAction]:
    out: list[types.CodeAction] = []
    if _wanted(CAK.QuickFix, only):
        out.extend(quick_fixes(ctx, path, rng, findings))
    if _wanted(CAK.RefactorRewrite, only) and os.path.basename(path) != "local.settings.json":
        out.extend(refactorings(ctx, path, rng))
    return out
