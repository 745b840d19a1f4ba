"""AZF101 on one binding: a type no extension provides, or a known type in another case.

The host matches binding types ignoring case; the Python worker does not (it looks converters
up by the exact name, see funcls/model/catalogue/common.py), so a type in another case is
only harmless for types the worker handles with its generic binding anyway."""

from __future__ import annotations

from funcls.checks.context import Context, string_literal_inner
from funcls.checks.edits import fix, fixes, replace
from funcls.checks.findings import Severity
from funcls.model.appmodel import Binding, Function
from funcls.model.catalogue import CATALOGUE, BindingSpec
from funcls.model.catalogue.common import AF, WORKER_CONVERTER_TYPES


def unknown_type(ctx: Context, fn: Function, b: Binding) -> None:
    close = CATALOGUE.closest_binding_type(b.type)
    hint = f"; did you mean '{close}'?" if close else "; check the spelling and the extension"
    _emit(
        ctx,
        fn,
        b,
        close,
        f"binding type '{b.type}' of function '{fn.name}' is not provided by any extension "
        f"the host knows{hint}",
        preferred=True,
    )


def type_spelling(ctx: Context, fn: Function, b: Binding, spec: BindingSpec) -> None:
    if b.type == spec.type:
        return
    if spec.type not in WORKER_CONVERTER_TYPES:
        _emit(
            ctx,
            fn,
            b,
            spec.type,
            f"'{b.type}' works because the host ignores the case of binding types, but the "
            f"documented spelling is '{spec.type}'",
            severity=Severity.INFO,
        )
        return
    _emit(
        ctx,
        fn,
        b,
        spec.type,
        f"binding type '{b.type}' of function '{fn.name}' is spelt '{spec.type}': the host "
        "ignores the case, but the Python worker does not, so it hands this binding over as "
        f"plain str/bytes instead of through its {spec.type} converter{_example(spec)}; "
        f"write '{spec.type}'",
        preferred=True,
    )


def _example(spec: BindingSpec) -> str:
    types = spec.input_types if spec.trigger or "in" in spec.directions else spec.output_types
    for t in types:
        if t.startswith(AF + ".") and "[" not in t:
            return f" (a func.{t[len(AF) + 1 :]} parameter fails to load)"
    return ""


def _emit(
    ctx: Context,
    fn: Function,
    b: Binding,
    new: str | None,
    message: str,
    *,
    preferred: bool = False,
    severity: Severity | None = None,
) -> None:
    rng = b.type_range or b.range
    inner = string_literal_inner(ctx, b.path, rng, b.type) if new else None
    ctx.emit(
        "AZF101",
        message,
        b.path,
        rng,
        fixes=fixes(
            fix(
                f"Change the type to '{new}'",
                replace(b.path, inner, new) if inner and new else None,
                preferred=preferred,
            )
        ),
        function=fn,
        severity=severity,
    )
