"""AZF200–AZF205: parameters and annotations against bindings, as the Python worker checks
them when it loads a function (see funcls/model/catalogue/common.py for the worker's rules)."""

from __future__ import annotations

import ast
import functools
import os
import re

from funcls.checks.context import Context, a, binding_range, string_literal_inner
from funcls.checks.decorators import broken_decorators
from funcls.checks.edits import add_parameter, fix, fixes, replace
from funcls.checks.findings import Fix, Related
from funcls.checks.registry import REGISTRY, checker
from funcls.checks.signatures_rules import RULES
from funcls.checks.streaming import http_streaming, streaming_import
from funcls.model.appmodel import Annotation, Binding, Function, Parameter
from funcls.model.catalogue import BindingSpec
from funcls.model.catalogue.common import (
    ANY,
    CONTEXT,
    IMPLICIT_OUTPUT_TYPES,
    REROUTED_TYPES,
    WRAPPED_TYPES,
)
from funcls.model.locations import Location
from funcls.model.python.entry_decorators import decorator_defs
from funcls.model.python.limits import TooCostly, check_parse_cost

REGISTRY.add_rules(RULES)

AF = "azure.functions."
# Plain types whose fit the worker decides with certainty; anything else (SDK types, user
# classes, typing constructs) is left alone.
_BUILTINS = frozenset({"str", "bytes", "bytearray", "int", "float", "bool", "dict", "list"})


def _checkable(q: str | None) -> bool:
    if q is None:
        return False
    if q.startswith("list[") and q.endswith("]"):
        return _checkable(q[5:-1])
    return q in _BUILTINS or (q.startswith(AF) and "[" not in q)


SHOWN_PARAMETERS = 8  # a signature in a message names at most this many parameters


def _signature(fn: Function) -> str:
    """``main(req, msg)`` for messages; a long parameter list is cut short, or each of its
    thousands of findings would spell all of them (quadratic: 4,000 parameters took 12 s,
    issue 17)."""
    params = fn.parameters
    names = [p.name for p in params[: SHOWN_PARAMETERS - 1]]
    if len(params) > SHOWN_PARAMETERS:
        names.append(f"… {len(params) - len(names):,} more")
    else:
        names += [p.name for p in params[SHOWN_PARAMETERS - 1 :]]
    return f"{fn.entry_point if fn.model == 'v1' else fn.name}({', '.join(names)})"


def _skip(ctx: Context, fn: Function) -> bool:
    """Functions whose bindings are not what the author meant (broken decorators, a
    function.json with syntax errors) or whose signature funcls cannot see (a decorator it
    does not know sits between the binding decorators and the def). Answered once per
    function and check: three checkers ask (issue 16, ninth pass). The function is kept
    with its answer, so that its id stays its own."""
    skips: dict[int, tuple[Function, bool]] = ctx.memo.setdefault("signature_skips", {})
    kept = skips.get(id(fn))
    if kept is not None and kept[0] is fn:
        return kept[1]
    answer = _skip_now(ctx, fn)
    skips[id(fn)] = (fn, answer)
    return answer


def _skip_now(ctx: Context, fn: Function) -> bool:
    if fn.synthetic or not fn.entry_found or broken_decorators(fn) or fn.foreign_decorator:
        return True
    if fn.model == "v1" and _v1_entry_decorated(ctx, fn):
        return True
    if _signature_being_typed(ctx, fn):
        return True
    return fn.model == "v1" and any(
        p.path == fn.config_path and p.kind in ("json-syntax", "json-not-object")
        for p in ctx.app.problems
    )


def _v1_entry_decorated(ctx: Context, fn: Function) -> bool:
    """Whether a v1 entry point carries a decorator. v1 has no binding decorators, so any
    decorator replaces the def with what it returns, and the worker checks that callable's
    signature against function.json (``inspect.signature``, which follows ``__wrapped__``
    only when the decorator used functools.wraps: azure_functions_worker/functions.py). An
    auth decorator whose wrapper takes ``req`` alone makes ``main(req, payload)`` load fine;
    funcls cannot tell which signature the worker sees, so the parameter rules stay silent
    there, as for a v2 def under a decorator funcls does not know (``foreign_decorator``).
    Corpus (ninth round): woakesd/oodapi's ``@authorization`` (AZF201, false). A decorator
    the script defines or imports from a module of the app, returning a nested def marked
    ``functools.wraps``, keeps the signature the worker sees (``_keeps_signature``): the
    rules still apply there."""
    module = ctx.module(fn.script_path) if fn.script_path else None
    pyf = module.function(fn.entry_point) if module is not None else None
    if module is None or pyf is None or not pyf.decorators:
        return False
    source = ctx.app.source
    is_file = source.is_file if source is not None else os.path.isfile
    return not all(
        found is not None and _keeps_signature(ctx, *found)
        for found in decorator_defs(module, pyf, ctx.app.root, is_file)
    )


def _keeps_signature(ctx: Context, path: str, name: str) -> bool:
    """Whether the def ``name`` of the module at ``path`` (the script, or the module of the
    app it imports the decorator from: ``model/python/entry_decorators.py``) has one return
    statement (its nested defs' aside), giving a def nested in it and decorated with
    ``wraps(...)`` or ``functools.wraps(...)``: the wrapper then has ``__wrapped__``, which
    ``inspect.signature`` follows to the decorated def. Anything else (a call, a class, a
    def that returns something else) is unknown."""
    text = ctx.text(path)
    source = ctx.app.source
    body = source.module_body(path, text) if source is not None and text is not None else None
    if body is None and text is not None:
        try:
            check_parse_cost(text)
            body = ast.parse(text).body
        except (SyntaxError, ValueError, TooCostly, RecursionError, MemoryError):
            body = None
    if body is None:
        return False
    defs = {s.name: s for s in body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}
    outer = defs.get(name)
    if outer is None:
        return False
    inner = {
        s.name: s for s in outer.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    returns = _own_returns(outer.body)
    if len(returns) != 1 or not isinstance(returns[0].value, ast.Name):
        return False
    wrapper = inner.get(returns[0].value.id)
    return wrapper is not None and any(_is_wraps(d) for d in wrapper.decorator_list)


def _own_returns(body: list[ast.stmt]) -> list[ast.Return]:
    """The return statements of a def's body, not those of the defs and classes nested in it."""
    found: list[ast.Return] = []
    todo: list[ast.AST] = list(body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Return):
            found.append(node)
        elif not isinstance(
            node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
        ):
            todo.extend(ast.iter_child_nodes(node))
    return found


def _is_wraps(node: ast.expr) -> bool:
    """``@wraps(f)`` or ``@functools.wraps(f)``."""
    if not isinstance(node, ast.Call):
        return False
    f = node.func
    if isinstance(f, ast.Attribute):
        return f.attr == "wraps" and isinstance(f.value, ast.Name) and f.value.id == "functools"
    return isinstance(f, ast.Name) and f.id == "wraps"


def _signature_being_typed(ctx: Context, fn: Function) -> bool:
    """Whether the def's signature is still being typed (no closing parenthesis or colon
    yet): the model read the parameters typed so far (``PyFunction.partial_signature``), for
    hover and completion, not for findings about the ones still missing."""
    path = fn.script_path
    module = ctx.module(path) if path else None
    if path is None or module is None or not module.partial:
        return False
    typed: dict[str, set[object]] = ctx.memo.setdefault("signatures_being_typed", {})
    if path not in typed:  # once per module and check: a module may hold 500 defs
        typed[path] = {f.name_range for f in module.functions if f.partial_signature}
    return fn.def_name_range in typed[path]


def _streamed(streaming: bool, b: Binding) -> bool:
    """An HTTP trigger or HTTP output whose types the streaming extension decides."""
    return streaming and b.type.lower() in ("httptrigger", "http")


def _free_parameters(fn: Function) -> list[Parameter]:
    names = {b.name for b in fn.bindings}
    return [
        p
        for p in fn.parameters
        if p.name not in names and not (p.name == "context" and "context" not in names)
    ]


def _rename_binding(ctx: Context, fn: Function, b: Binding, new: str) -> Fix | None:
    if b.name_range is None:
        return None
    inner = string_literal_inner(ctx, b.path, b.name_range, b.name)
    return fix(
        f"Rename binding '{b.name}' to '{new}'",
        replace(b.path, inner, new) if inner else None,
        preferred=True,
    )


def _spelled(ctx: Context, fn: Function, types: tuple[str, ...]) -> str | None:
    for t in types:
        if fn.script_path is None:
            return None
        spelled = ctx.spell_type(fn.script_path, t)
        if spelled is not None:
            return spelled
    return None


def _annotation_for(ctx: Context, fn: Function, b: Binding) -> str | None:
    spec = b.spec
    if spec is None or fn.script_path is None:
        return None
    if not any(p.annotation is not None for p in fn.parameters):
        return None  # an unannotated function: add a plain name
    if b.direction.lower() == "out":
        inner = _spelled(ctx, fn, spec.output_types)
        out = ctx.spell_type(fn.script_path, AF + "Out")
        return f"{out}[{inner}]" if inner and out else None
    return _spelled(ctx, fn, spec.input_types)


@checker("AZF200", "AZF201")
def parameters(ctx: Context) -> None:
    for fn in ctx.app.functions:
        if _skip(ctx, fn) or fn.signature_rewritten:
            continue
        params = {p.name for p in fn.parameters}
        free = _free_parameters(fn)
        unmatched = [b for b in fn.bindings if b.name and b.name != "$return"]
        unmatched = [b for b in unmatched if b.name not in params]
        # The def's range read only for a finding (issue 16: made when read).
        if not (unmatched or free) or fn.def_name_range is None:
            continue
        script = fn.script_path or ""
        def_loc = Location(script, fn.def_name_range)
        for b in unmatched:
            candidates: list[Fix | None] = []
            if len(free) == 1:
                candidates.append(_rename_binding(ctx, fn, b, free[0].name))
            candidates.append(
                fix(
                    f"Add parameter '{b.name}'",
                    add_parameter(ctx, fn, b.name, _annotation_for(ctx, fn, b)),
                )
            )
            ctx.emit(
                "AZF200",
                f"binding '{b.name}' has no parameter in {_signature(fn)}; rename the binding "
                f"or add a parameter '{b.name}'",
                b.path,
                binding_range(fn, b),
                related=[Related(def_loc, f"the function '{fn.name}'")]
                + [
                    Related(Location(script, p.range), f"parameter '{p.name}'")
                    for p in free[:SHOWN_PARAMETERS]
                ],
                fixes=fixes(*candidates),
                function=fn,
            )
        for p in free:
            what = {"var-positional": "*", "var-keyword": "**"}.get(p.kind, "")
            candidates = []
            if len(unmatched) == 1:
                candidates.append(_rename_binding(ctx, fn, unmatched[0], p.name))
            ctx.emit(
                "AZF201",
                f"parameter '{what}{p.name}' of {_signature(fn)} has no binding, so the worker "
                f"has no value for it; add a binding named '{p.name}' or remove the parameter "
                "(only 'context' may go without one)",
                script,
                p.range,
                related=[
                    Related(Location(b.path, binding_range(fn, b)), f"binding '{b.name}'")
                    for b in unmatched
                ],
                fixes=fixes(*candidates),
                function=fn,
            )


def _accepted_inputs(spec: BindingSpec) -> tuple[str, ...]:
    # A type may come twice (the durable context is both a library input type and a wrapped
    # one): membership is what the checks ask of it, each input binding of the app;
    # _each_once makes a message's list (made for every binding, it cost 4.3 M instructions
    # of funcls check on the unique-texts bench).
    return spec.input_types + WRAPPED_TYPES.get(spec.type, ())


def _each_once(types: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(types))


def _fits_output(spec: BindingSpec, inner: str) -> bool:
    if inner in REROUTED_TYPES and spec.type not in IMPLICIT_OUTPUT_TYPES:
        return True
    return inner in spec.output_types


def _show(q: str) -> str:
    return q.replace(AF, "func.")


def _ann_fix(
    ctx: Context, fn: Function, ann: Annotation, title: str, text: str | None
) -> Fix | None:
    if text is None or fn.script_path is None:
        return None
    return fix(title.format(text), replace(fn.script_path, ann.range, text), preferred=True)


@checker("AZF202", "AZF203", "AZF205")
def parameter_annotations(ctx: Context) -> None:
    streaming = http_streaming(ctx)
    for fn in ctx.app.functions:
        if _skip(ctx, fn) or fn.script_path is None:
            continue
        by_name = {b.name: b for b in fn.bindings}
        for p in fn.parameters:
            ann = p.annotation
            if ann is None:
                continue
            b = by_name.get(p.name)
            if b is None:
                if p.name == "context":
                    _context(ctx, fn, p, ann)
                continue
            if _non_type(ann):
                _non_type_annotation(ctx, fn, p.name, ann)
                continue
            if _union(ann):
                _union_annotation(ctx, fn, p.name, ann)
                continue
            spec = b.spec
            if spec is None:
                _direction_only(ctx, fn, b, p, ann)
                continue
            if _streamed(streaming, b):
                if b.direction.lower() == "in" and ann.qualname == AF + "HttpRequest":
                    _plain_request_when_streaming(ctx, fn, b, p, ann)
                continue
            if _protocol(ctx, fn, ann) and ANY not in _accepted_inputs(spec):
                _protocol_annotation(ctx, fn, b, p.name, ann)
                continue
            if b.direction.lower() == "out":
                _output(ctx, fn, b, spec, p, ann)
            elif b.direction.lower() == "in":
                _input(ctx, fn, b, spec, p, ann)


def _plain_request_when_streaming(
    ctx: Context, fn: Function, b: Binding, p: Parameter, ann: Annotation
) -> None:
    """Once the app imports the HTTP streaming extension, the worker checks every HTTP
    trigger against the extension's Request and refuses func.HttpRequest at load time ("type
    of req binding ... does not match its Python annotation": bindings/meta.py,
    Azure/azure-functions-python-worker)."""
    found = streaming_import(ctx)
    related = [Related(Location(b.path, binding_range(fn, b)), f"binding '{b.name}'")]
    where = ""
    if found is not None:
        path, rng = found
        related.append(Related(Location(path, rng), "the streaming extension's import"))
        where = f" ({os.path.relpath(path, ctx.app.root)})"
    ctx.emit(
        "AZF202",
        f"parameter '{p.name}' is annotated {ann.text}, but the app imports the HTTP streaming "
        f"extension{where}: the worker then refuses func.HttpRequest on every HTTP trigger at "
        "load time; annotate it with the extension's Request (from "
        "azurefunctions.extensions.http.fastapi import Request)",
        fn.script_path or "",
        ann.range,
        related=related,
        function=fn,
    )


_DOTTED = re.compile(r"[^\W\d]\w*(?:\.[^\W\d]\w*)*")


def _non_type(ann: Annotation) -> bool:
    """A literal where a type belongs (``req: 123``, ``-> "ok"`` is a string: left alone,
    it may be a forward reference). The worker refuses such annotations at load time
    ("invalid non-type annotation", azure_functions_worker/functions.py)."""
    return _literal_annotation(ann.text.strip())


@functools.lru_cache(maxsize=512)
def _literal_annotation(text: str) -> bool:
    """``_non_type`` by the annotation's text, remembered: the same few annotations
    (``func.Out[str]``) come back on every function (issue 16)."""
    if _DOTTED.fullmatch(text) and text not in ("True", "False", "None"):
        return False  # a name or a dotted name: no literal (issue 16: one parse less each)
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError:
        return False
    if isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant):
        node = node.operand
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (int, float, complex, bytes)) or node.value is Ellipsis
    return isinstance(node, (ast.List, ast.Dict, ast.Set, ast.Tuple, ast.ListComp))


def _direction_only(ctx: Context, fn: Function, b: Binding, p: Parameter, ann: Annotation) -> None:
    """A binding type funcls does not know (AZF101 says so): the worker still checks the
    direction against func.Out before it looks at the type (validate_function_params in
    azure_functions_worker/functions.py)."""
    direction = b.direction.lower()
    bare = ann.qualname == AF + "Out"
    related = [Related(Location(b.path, binding_range(fn, b)), f"binding '{b.name}'")]
    if direction == "out" and bare:
        problem = f"{ann.text} without the type it carries"
        fix_text = f"annotate it {ann.text}[T]"
    elif direction == "out" and not ann.is_out:
        problem = f"{ann.text}, but binding '{b.name}' is an output, which takes a func.Out"
        fix_text = f"annotate it func.Out[{ann.text}]"
    elif direction == "in" and (ann.is_out or bare):
        problem = f"{ann.text}, but binding '{b.name}' is an input; func.Out is for outputs"
        fix_text = "remove Out from the annotation"
    else:
        return
    ctx.emit(
        "AZF203",
        f"parameter '{p.name}' of {_signature(fn)} is annotated {problem}; the worker refuses "
        f"it at load time: {fix_text}",
        fn.script_path or "",
        ann.range,
        related=related,
        function=fn,
    )


def _union(ann: Annotation) -> bool:
    """``Optional[X]``, ``Union[X, Y]``, ``X | None``: neither a class nor a generic type for
    the worker (its vendored typing_inspect.is_generic_type excludes Union), so it refuses the
    annotation at load time as "invalid non-type annotation"."""
    q = ann.qualname or ""
    return q.startswith(("typing.Optional[", "typing.Union["))


def _union_annotation(ctx: Context, fn: Function, name: str, ann: Annotation) -> None:
    what = f"parameter '{name}'" if name != "return" else "the return value"
    ctx.emit(
        "AZF202" if name != "return" else "AZF204",
        f"{what} of {_signature(fn)} is annotated {ann.text}, a union, which the worker refuses "
        "at load time (invalid non-type annotation: it takes a class or a generic such as "
        "typing.List[...]); annotate it with one type",
        fn.script_path or "",
        ann.range,
        function=fn,
    )


def _protocol(ctx: Context, fn: Function, ann: Annotation) -> bool:
    """A typing.Protocol class of the function's own module: a class, but no subclass of what
    any binding converter takes, which the worker checks with issubclass (a protocol's
    structural match does not count there)."""
    module = ctx.module(fn.script_path) if fn.script_path else None
    return module is not None and ann.text.strip().strip("'\"") in module.protocols


def _protocol_annotation(
    ctx: Context, fn: Function, b: Binding, name: str, ann: Annotation
) -> None:
    spec = b.spec
    accepted = _each_once(_accepted_inputs(spec)) if spec is not None else ()
    shown = ", ".join(_show(t) for t in accepted[:4])
    ctx.emit(
        "AZF202",
        f"parameter '{name}' of {_signature(fn)} is annotated {ann.text}, a typing.Protocol; "
        f"the worker checks the annotation with issubclass against what {a(b.type)} binding "
        f"provides, which a protocol is not, and refuses to load the function: annotate it "
        f"{shown or 'with the binding type'}",
        fn.script_path or "",
        ann.range,
        function=fn,
    )


def _non_type_annotation(ctx: Context, fn: Function, name: str, ann: Annotation) -> None:
    what = f"parameter '{name}'" if name != "return" else "the return value"
    ctx.emit(
        "AZF202" if name != "return" else "AZF204",
        f"{what} of {_signature(fn)} is annotated {ann.text}, which is not a type; the worker "
        "refuses it at load time (invalid non-type annotation): annotate it with a type or "
        "remove the annotation",
        fn.script_path or "",
        ann.range,
        function=fn,
    )


def _context(ctx: Context, fn: Function, p: Parameter, ann: Annotation) -> None:
    if ann.qualname is None or ann.qualname == CONTEXT:
        return
    new = ctx.spell_type(fn.script_path or "", CONTEXT)
    ctx.emit(
        "AZF205",
        f"parameter 'context' of {_signature(fn)} is annotated {ann.text}, but the worker "
        "passes the invocation context there; annotate it func.Context (or bind something "
        "named 'context')",
        fn.script_path or "",
        ann.range,
        fixes=fixes(_ann_fix(ctx, fn, ann, "Annotate it {}", new)),
        function=fn,
    )


def _input(
    ctx: Context, fn: Function, b: Binding, spec: BindingSpec, p: Parameter, ann: Annotation
) -> None:
    if ann.is_out:
        inner_text = ann.text[ann.text.find("[") + 1 : ann.text.rfind("]")].strip()
        ctx.emit(
            "AZF203",
            f"parameter '{p.name}' is annotated {ann.text}, but binding '{b.name}' is an "
            f"input ({spec.type}); func.Out is only for output bindings: annotate it "
            f"{inner_text or 'without Out'}",
            fn.script_path or "",
            ann.range,
            fixes=fixes(_ann_fix(ctx, fn, ann, "Unwrap to {}", inner_text or None)),
            function=fn,
        )
        return
    accepted = _accepted_inputs(spec)
    if not accepted or ANY in accepted or not _checkable(ann.qualname):
        return
    if ann.qualname in accepted:
        return
    typing_list = _typing_list_twin(ann.qualname)
    if typing_list is not None and typing_list in accepted:
        # The worker's list check knows typing.List[X] but not the built-in list[X] (PEP 585).
        twin = _spelled(ctx, fn, (typing_list,))
        ctx.emit(
            "AZF202",
            f"parameter '{p.name}' is annotated {ann.text}, which the worker refuses at load "
            f"time: it accepts typing.List[...] but not the built-in list[...]; annotate it "
            f"{_show(typing_list)}",
            fn.script_path or "",
            ann.range,
            related=[Related(Location(b.path, binding_range(fn, b)), f"binding '{b.name}'")],
            fixes=fixes(_ann_fix(ctx, fn, ann, "Annotate it {}", twin)),
            function=fn,
        )
        return
    accepted = _each_once(accepted)
    new = _spelled(ctx, fn, accepted)
    shown = ", ".join(_show(t) for t in accepted[:4])
    ctx.emit(
        "AZF202",
        f"parameter '{p.name}' is annotated {ann.text}, which {a(spec.type)} binding cannot "
        f"provide; annotate it {shown if len(accepted) == 1 else 'one of ' + shown}",
        fn.script_path or "",
        ann.range,
        related=[Related(Location(b.path, binding_range(fn, b)), f"binding '{b.name}'")],
        fixes=fixes(_ann_fix(ctx, fn, ann, "Annotate it {}", new)),
        function=fn,
    )


def _typing_list_twin(qualname: str | None) -> str | None:
    """``list[X]`` -> ``typing.List[X]``; None for anything else."""
    if qualname and qualname.startswith("list[") and qualname.endswith("]"):
        return "typing.List[" + qualname[len("list[") :]
    return None


def _output(
    ctx: Context, fn: Function, b: Binding, spec: BindingSpec, p: Parameter, ann: Annotation
) -> None:

    def related() -> list[Related]:
        # Made for a finding only: reading a range of a v1 binding makes its function.json
        # find the positions of its nodes (jsondoc/cread.py, issue 16).
        return [Related(Location(b.path, binding_range(fn, b)), f"binding '{b.name}'")]

    if ann.qualname == AF + "Out":
        # A bare func.Out: the worker takes it for an output but refuses it at load time
        # ("binding ... has invalid Out annotation"), as it carries no type.
        inner = _spelled(ctx, fn, spec.output_types)
        wrapped = f"{ann.text}[{inner}]" if inner else None
        ctx.emit(
            "AZF203",
            f"parameter '{p.name}' is annotated {ann.text} without the type it carries, which "
            f"the worker refuses at load time; annotate it {wrapped or ann.text + '[T]'}",
            fn.script_path or "",
            ann.range,
            related=related(),
            fixes=fixes(_ann_fix(ctx, fn, ann, "Annotate it {}", wrapped)),
            function=fn,
        )
        return
    if not ann.is_out:
        out = ctx.spell_type(fn.script_path or "", AF + "Out")
        ctx.emit(
            "AZF203",
            f"parameter '{p.name}' feeds the output binding '{b.name}' ({spec.type}), so the "
            f"worker passes a func.Out; annotate it {out or 'func.Out'}[{ann.text}] and call "
            f"{p.name}.set(...)",
            fn.script_path or "",
            ann.range,
            related=related(),
            fixes=fixes(
                _ann_fix(ctx, fn, ann, "Wrap in {}", f"{out}[{ann.text}]" if out else None)
            ),
            function=fn,
        )
        return
    inner = ann.out_inner
    if not spec.output_types or ANY in spec.output_types or not _checkable(inner) or inner is None:
        return
    if _fits_output(spec, inner):
        return
    shown = ", ".join(_show(t) for t in spec.output_types[:5])
    ctx.emit(
        "AZF202",
        f"{a(spec.type)} output cannot take {_show(inner)}: parameter '{p.name}' is annotated "
        f"{ann.text}; use func.Out[T] with T one of {shown}",
        fn.script_path or "",
        ann.range,
        related=related(),
        function=fn,
    )


@checker("AZF204")
def return_annotation(ctx: Context) -> None:
    streaming = http_streaming(ctx)
    for fn in ctx.app.functions:
        ann = fn.return_annotation
        if _skip(ctx, fn) or ann is None or fn.script_path is None:
            continue
        ret = next((b for b in fn.bindings if b.name == "$return"), None)
        if ret is not None and _non_type(ann):
            _non_type_annotation(ctx, fn, "return", ann)
            continue
        if ret is not None and ret.direction.lower() == "out" and _union(ann):
            _union_annotation(ctx, fn, "return", ann)
            continue
        spec = ret.spec if ret is not None else None
        if (
            ret is None
            or spec is None
            or ret.direction.lower() != "out"
            or _streamed(streaming, ret)
        ):
            continue
        accepted = spec.accepted_return_types()
        new = _spelled(ctx, fn, accepted)
        if ann.qualname == "None":
            problem = "-> None, but its return value feeds"
        elif ann.is_out:
            problem = f"-> {ann.text}; func.Out is for parameters, and the return value feeds"
        elif (
            _checkable(ann.qualname)
            and accepted
            and ANY not in accepted
            and ann.qualname not in accepted
        ):
            problem = f"-> {ann.text}, which cannot feed"
        else:
            continue
        # The range after the test: a v1 binding's is made when read (model/jsonvalues.py).
        related = [Related(Location(ret.path, binding_range(fn, ret)), "the $return binding")]
        shown = ", ".join(_show(t) for t in accepted[:4]) or "another type"
        ctx.emit(
            "AZF204",
            f"{fn.name}() is annotated {problem} the {spec.type} binding '$return'; annotate "
            f"the return type {shown}",
            fn.script_path,
            ann.range,
            related=related,
            fixes=fixes(_ann_fix(ctx, fn, ann, "Annotate -> {}", new)),
            function=fn,
        )
