"""AZF110–AZF111: the script file and entry point of v1 functions."""

from __future__ import annotations

from funcls.checks.context import Context, string_literal_inner
from funcls.checks.edits import fix, fixes, json_add_member, replace
from funcls.checks.findings import Related
from funcls.checks.registry import checker
from funcls.model.appmodel import Function
from funcls.model.locations import Location, Range


def _v1_functions(ctx: Context) -> list[Function]:
    # A folder linked outside the app is not read (AZF100 says so), here either.
    return [
        f for f in ctx.app.functions if f.model == "v1" and f.config_path and not f.folder_outside
    ]


def custom_handler(ctx: Context) -> bool:
    """Whether host.json configures a custom handler (``customHandler``, or the older
    ``httpWorker``; keys ignoring case, as the host reads its configuration): the host then
    forwards every invocation over HTTP to the program it starts and never starts the Python
    worker, whatever FUNCTIONS_WORKER_RUNTIME says (azure-functions-host
    FunctionInvocationDispatcherFactory.cs takes the HTTP dispatcher when
    HttpWorkerOptions.Description is set; HttpWorkerOptionsSetup.cs reads either section).
    Its function folders hold only function.json, with no script to pick. Corpus (ninth
    round): anthonychu/20201129-asgi-functions runs uvicorn as a custom handler (AZF110,
    false)."""
    doc = ctx.app.host_json.to_python() if ctx.app.host_json else None
    if not isinstance(doc, dict):
        return False
    return any(
        k.lower() in ("customhandler", "httpworker") and isinstance(v, dict) and bool(v)
        for k, v in doc.items()
    )


@checker("AZF110", "AZF111")
def v1_scripts(ctx: Context) -> None:
    functions = _v1_functions(ctx)
    if functions and custom_handler(ctx):
        return
    for fn in functions:
        assert fn.config_path is not None
        if (
            fn.entry_found
            and fn.script_exists
            and not fn.script_outside
            and (fn.script_path or "").endswith(".py")
        ):
            continue  # nothing to report, before the document: reading its root makes its
            # nodes, and a range of one the positions of all (jsondoc/cread.py, issue 16)
        doc = ctx.app.source.json(fn.config_path) if ctx.app.source else None
        if doc is None or doc.root is None or doc.root.kind != "object":
            continue
        root_range = Range(doc.root.range.start, doc.root.range.start)
        if fn.script_outside:
            _outside(ctx, fn, root_range)
            continue
        if not fn.script_exists:
            sf = fn.script_file
            shown = ctx.rel(fn.script_path or "")
            if sf is not None and sf.range is not None:
                ctx.emit(
                    "AZF110",
                    f"scriptFile '{sf.value}' of function '{fn.name}' does not exist "
                    f"({shown}); fix the path, relative to the function's folder",
                    fn.config_path,
                    sf.range,
                    function=fn,
                )
            else:
                ctx.emit(
                    "AZF110",
                    f"function '{fn.name}' has no script the host can pick: without "
                    '"scriptFile" it takes the only file of the folder besides function.json, '
                    'else __init__.py (or run.py); add __init__.py, or point "scriptFile" at '
                    "the Python file that holds the function",
                    fn.config_path,
                    root_range,
                    function=fn,
                )
            continue
        if not (fn.script_path or "").endswith(".py"):
            _not_python(ctx, fn, root_range)
            continue
        if fn.entry_found:
            continue
        _entry_point(ctx, fn, root_range)


def _outside(ctx: Context, fn: Function, root_range: Range) -> None:
    """The script leads outside the app: the model did not read it, and neither does this."""
    assert fn.config_path is not None
    sf = fn.script_file
    shown = sf.value if sf is not None else ctx.rel(fn.script_path or "")
    ctx.emit(
        "AZF110",
        f"scriptFile '{shown}' of function '{fn.name}' leads outside the app: the host would "
        "load a file that is not deployed with the app, and funcls does not read it (so its "
        "entry point is not checked); move the script into the app folder and point "
        "scriptFile at it, relative to the function's folder",
        fn.config_path,
        sf.range if sf is not None and sf.range is not None else root_range,
        function=fn,
    )


def _not_python(ctx: Context, fn: Function, root_range: Range) -> None:
    assert fn.config_path is not None
    sf = fn.script_file
    shown = sf.value if sf is not None else ctx.rel(fn.script_path or "")
    ctx.emit(
        "AZF110",
        f"scriptFile '{shown}' of function '{fn.name}' is not a .py file; the Python worker "
        "imports the script as a module and refuses any other file: rename it to a .py file "
        "and point scriptFile at it",
        fn.config_path,
        sf.range if sf is not None and sf.range is not None else root_range,
        function=fn,
    )


def _entry_point(ctx: Context, fn: Function, root_range: Range) -> None:
    assert fn.script_path is not None and fn.config_path is not None
    module = ctx.module(fn.script_path)
    if module is None or module.partial:
        return
    names = module.top_level_names()
    if names is None or fn.entry_point in names:
        return  # defined by an assignment or an import (df.Orchestrator.create, …)
    ev = fn.entry_point_value
    rng = ev.range if ev is not None and ev.range is not None else root_range
    owner, dot, member = fn.entry_point.partition(".")
    if dot and owner in names:
        ctx.emit(
            "AZF111",
            f"entryPoint '{fn.entry_point}' of '{fn.name}' names something inside '{owner}', "
            "but the worker looks the entry point up as one top-level name of "
            f"{ctx.rel(fn.script_path)}: define a module-level function (for example "
            f"{member.rpartition('.')[2]} = {fn.entry_point}) and set entryPoint to its name",
            fn.config_path,
            rng,
            related=[Related(Location(fn.script_path, Range.point(0, 0)), "the script")],
            function=fn,
            echo=Related(Location(fn.script_path, Range.point(0, 0)), _config_note(fn)),
        )
        return
    defs = [f.name for f in module.functions if f.scope == "module"]
    # A name bound by assignment may be the entry point too (main = df.Orchestrator.create(…)):
    # 'mian = …' typed for 'main = …' is what the user meant, not the def it wraps.
    assigned = [a.name for a in module.assignments if a.name not in defs]
    import difflib  # when used: a suggestion for a typo (issue 16)

    close = difflib.get_close_matches(fn.entry_point, defs + assigned, n=1, cutoff=0.6)
    target = close[0] if close else (defs[0] if len(defs) == 1 else None)
    script = ctx.rel(fn.script_path)
    hint = f" (did you mean '{target}'?)" if target else ""
    message = (
        f"{script} has no function '{fn.entry_point}', the entry point of '{fn.name}'{hint}; "
        'define it, or set "entryPoint" in function.json to the function\'s name'
    )
    edit = None
    if target and ev is not None and ev.range is not None and isinstance(ev.value, str):
        inner = string_literal_inner(ctx, fn.config_path, ev.range, ev.value)
        edit = replace(fn.config_path, inner, target) if inner else None
    elif target and ctx.app.source is not None:
        doc = ctx.app.source.json(fn.config_path)
        if doc is not None and doc.root is not None:
            edit = json_add_member(ctx, fn.config_path, doc.root, "entryPoint", target)
    # Where the user expected the entry point: the def it was most likely renamed to (where
    # they are typing), else the top of the script. The editor shows the finding there too.
    renamed = next((f.name_range for f in module.functions if f.name == target), None)
    bound = module.assignment(target) if target and renamed is None else None
    place = Location(fn.script_path, renamed or (bound.name_range if bound else Range.point(0, 0)))
    if renamed:
        where = f"def {target} in the script"
    else:
        where = f"{target} = … in the script" if bound else "the script"
    ctx.emit(
        "AZF111",
        message,
        fn.config_path,
        rng,
        related=[Related(place, where)],
        fixes=fixes(fix(f"Set \"entryPoint\" to '{target}'", edit, preferred=True)),
        function=fn,
        echo=Related(place, _config_note(fn)),
    )


def _config_note(fn: Function) -> str:
    """What the copy of an AZF111 in the script calls the place of the finding."""
    if fn.entry_point_value is not None:
        return '"entryPoint" in function.json'
    return "function.json, which has no \"entryPoint\" (so the host looks for 'main')"
