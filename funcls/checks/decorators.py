"""AZF108–AZF115 and the decorator value problems the v2 indexer records (AZF104, AZF505)."""

from __future__ import annotations

import ast

from funcls.checks.context import Context, string_literal_inner
from funcls.checks.decorators_rules import RULES
from funcls.checks.edits import fix, fixes, replace
from funcls.checks.findings import Fix, TextEdit
from funcls.model.appmodel import DecoratorUse, Function
from funcls.model.catalogue import CATALOGUE, LIBRARY_VERSION
from funcls.model.lazy_re import compiled_on_use
from funcls.model.locations import Position, Range

from funcls.checks.registry import REGISTRY, checker  # isort: skip

REGISTRY.add_rules(RULES)

_STAR_ARG = compiled_on_use(r"[(,]\s*\*")


def v2_functions(ctx: Context) -> list[Function]:
    """Every decorated v2 function the indexer saw, registered or not."""
    app = ctx.app
    return [f for f in app.functions if f.model == "v2" and not f.synthetic] + [
        *app.unregistered,
        *app.misplaced,
    ]


def broken_decorators(fn: Function) -> bool:
    """True when a decorator of ``fn`` fails or is unknown: its bindings are then not what
    the author meant, and the signature and trigger rules stay quiet about it. A loop rather
    than ``any`` over a generator: a dozen rules ask for each function (issue 16)."""
    for u in fn.decorators:  # noqa: SIM110 (no generator: twice as fast)
        if not u.called or u.spec is None:
            return True
    return False


def _owner_kind(ctx: Context, use: DecoratorUse) -> str:
    for o in ctx.app.app_objects:
        if o.var == use.target and o.path == use.path:
            return o.kind
    return "FunctionApp"


@checker("AZF108", "AZF109", "AZF112", "AZF113", "AZF114")
def decorator_calls(ctx: Context) -> None:
    for fn in v2_functions(ctx):
        for use in fn.decorators:
            spec = use.spec
            if spec is None:
                _unknown(ctx, fn, use)
                continue
            if not use.called:
                if any(p.name == "_func" for p in spec.params):
                    continue  # written to work with or without parentheses
                edit = None
                if not spec.required_params:
                    end = use.range.end
                    edit = replace(use.path, Range(end, end), "()")
                ctx.emit(
                    "AZF109",
                    f"@{use.target}.{use.method} needs parentheses: without them the library "
                    f"calls it with the function itself and '{fn.name}' is never registered; "
                    f"write @{use.target}.{use.method}(...)",
                    use.path,
                    use.name_range,
                    fixes=fixes(fix("Add the parentheses", edit, preferred=True)),
                    function=fn,
                )
                continue
            missing = [p.name for p in spec.required_params if p.name not in use.keywords]
            # The decorator's text only when a parameter is missing (issue 16): with *args the
            # missing ones may be passed there.
            text = (ctx.slice(use.path, use.range) or "") if missing else ""
            if missing and not _STAR_ARG.search(text):
                names = ", ".join(missing)
                hint, edits = _misspelt(use, missing)
                found = fix("Correct the keyword", *edits, preferred=True)
                if not edits:
                    found = _add_arguments(ctx, use, missing, text)
                ctx.emit(
                    "AZF112",
                    f"@{use.target}.{use.method} is missing {names}; the import fails "
                    f"with TypeError: pass {names}=...{hint}",
                    use.path,
                    use.name_range,
                    fixes=fixes(found),
                    function=fn,
                    data={"missing": missing},
                )
            _unknown_keywords(ctx, fn, use)
            if use.method == "route":
                _data_type_extra(ctx, fn, use)


def _add_arguments(ctx: Context, use: DecoratorUse, missing: list[str], text: str) -> Fix | None:
    """The missing keywords written after the last argument (inside a call split over lines,
    on the last argument's line, not before the closing parenthesis): a storage connection
    gets the library's default setting name, anything else an empty string to fill in.
    (QA in Neovim: a decorator typed without its connection got no fix.)"""
    spec = use.spec
    close = text.rfind(")")
    if spec is None or close < 0:
        return None
    at = close
    while at > 0 and text[at - 1].isspace():
        at -= 1
    before = text[at - 1] if at > 0 else "("
    sep = "" if before == "(" else " " if before == "," else ", "
    parts = []
    for name in missing:
        param = spec.param(name)
        value = ""
        for binding_type in spec.bindings:
            bspec = CATALOGUE.binding(binding_type)
            prop = bspec.find_property(param.target) if bspec and param and param.target else None
            if prop is not None and prop.role == "connection" and isinstance(prop.default, str):
                value = prop.default
                break
        parts.append(f'{name}="{value}"')
    head = text[:at]
    line = use.range.start.line + head.count("\n")
    column = (
        len(head) - (head.rfind("\n") + 1) if "\n" in head else use.range.start.column + len(head)
    )
    inserted = sep + ", ".join(parts)
    where = Position(line, column)
    # Preferred (applied by `funcls check --fix`) only when no value is left to fill in.
    known = all(not part.endswith('=""') for part in parts)
    return fix(
        f"Add {', '.join(parts)}", replace(use.path, Range(where, where), inserted), preferred=known
    )


def _misspelt(use: DecoratorUse, missing: list[str]) -> tuple[str, list[TextEdit]]:
    """Keywords the decorator does not take that look like a missing parameter
    (``queuename`` for ``queue_name``): a hint for the message and the renaming edits."""
    spec = use.spec
    hints: list[str] = []
    edits: list[TextEdit] = []
    for name, value in use.keywords.items():
        if spec is None or spec.param(name) is not None or value.key_range is None:
            continue
        squashed = {m.replace("_", "").lower(): m for m in missing}
        import difflib  # when used: a suggestion for a typo (issue 16)

        close = squashed.get(name.replace("_", "").lower()) or next(
            iter(difflib.get_close_matches(name, missing, n=1, cutoff=0.8)), None
        )
        if close is None:
            continue
        hints.append(f"'{name}' looks like a misspelling of {close}")
        edits.append(replace(use.path, value.key_range, close))
    hint = f" ({'; '.join(hints)})" if hints else ""
    if len(missing) == 1 and len(hints) == 1:
        hint = hint.replace(f"of {missing[0]})", "of it)")
    return hint, edits


_CLASS_NAMES = {
    "FunctionApp": "func.FunctionApp",
    "Blueprint": "func.Blueprint",
    "AsgiFunctionApp": "func.AsgiFunctionApp",
    "WsgiFunctionApp": "func.WsgiFunctionApp",
    "DFApp": "df.DFApp",
    "DFBlueprint": "df.Blueprint",
}


def _unknown(ctx: Context, fn: Function, use: DecoratorUse) -> None:
    kind = _owner_kind(ctx, use)
    elsewhere = CATALOGUE.decorator(use.method)
    if elsewhere is not None and elsewhere.classes:
        owners = " and ".join(_CLASS_NAMES.get(c, c) for c in elsewhere.classes)
        ctx.emit(
            "AZF108",
            f"{kind} '{use.target}' has no decorator '{use.method}', so importing the script "
            f"fails with AttributeError; it exists on {owners}",
            use.path,
            use.name_range,
            function=fn,
        )
        return
    close = CATALOGUE.closest_decorator(use.method)
    hint = f"; did you mean '{close}'?" if close else ""
    if close is None:
        # A name being typed ('@app.qu'): too short to be a typo of one name, the start of some.
        started = sorted(
            name
            for name, spec in CATALOGUE.decorators.items()
            if name.startswith(use.method) and spec.available_on(kind) and not spec.alias_of
        )
        if started:
            more = f" (and {len(started) - 4} more)" if len(started) > 4 else ""
            hint = f"; complete the name: {', '.join(started[:4])}{more}"
            close = started[0] if len(started) == 1 else None  # the one way to complete it
    ctx.emit(
        "AZF108",
        f"{kind} '{use.target}' has no decorator '{use.method}' (azure-functions "
        f"{LIBRARY_VERSION}), so importing the script fails with AttributeError{hint}",
        use.path,
        use.name_range,
        fixes=fixes(
            fix(
                f"Change to '{close}'",
                replace(use.path, use.name_range, close) if close else None,
                preferred=True,
            )
        ),
        function=fn,
    )


def _unknown_keywords(ctx: Context, fn: Function, use: DecoratorUse) -> None:
    if not use.unknown_keywords and not use.extra_positional:
        return  # nothing to report: the names below for none (issue 16)
    spec = use.spec
    assert spec is not None
    names = [p.name for p in spec.params]
    for name, rng in use.unknown_keywords:
        import difflib  # when used: a suggestion for a typo (issue 16)

        close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        ctx.emit(
            "AZF113",
            f"@{use.target}.{use.method} has no parameter '{name}', so the import fails with "
            f"TypeError{hint}",
            use.path,
            rng,
            fixes=fixes(
                fix(
                    f"Rename to '{close[0]}'" if close else "",
                    replace(use.path, rng, close[0]) if close else None,
                    preferred=True,
                )
            ),
            function=fn,
        )
    for rng in use.extra_positional:
        ctx.emit(
            "AZF113",
            f"@{use.target}.{use.method} takes at most {len(spec.params)} positional "
            "arguments; pass this one by keyword",
            use.path,
            rng,
            function=fn,
        )


def _data_type_extra(ctx: Context, fn: Function, use: DecoratorUse) -> None:
    for key in ("trigger_extra_fields", "binding_extra_fields"):
        value = use.keywords.get(key)
        if value is None or value.range is None:
            continue
        text = ctx.slice(use.path, value.range)
        if text is None:
            continue
        try:
            node = ast.parse(text, mode="eval").body
        except SyntaxError:
            continue
        if not isinstance(node, ast.Dict):
            continue
        for k, v in zip(node.keys, node.values, strict=True):
            if not (isinstance(k, ast.Constant) and k.value == "data_type"):
                continue
            if not (isinstance(v, ast.Constant) and isinstance(v.value, str)):
                continue
            rng = _sub_range(value.range, text, v)
            member = CATALOGUE.enum("DataType")
            m = member.by_name(v.value) if member else None
            alias = ctx.alias(use.path)
            new = f"{alias}.DataType.{m.name}" if m and alias else None
            ctx.emit(
                "AZF114",
                f'"data_type" in {key} of @{use.target}.route must be a func.DataType member, '
                f"not the string {v.value!r}: the library raises AttributeError at import",
                use.path,
                rng,
                fixes=fixes(
                    fix(f"Use {new}", replace(use.path, rng, new) if new else None, preferred=True)
                ),
                function=fn,
            )


def _sub_range(outer: Range, text: str, node: ast.expr) -> Range:
    """The file range of ``node``, parsed from ``text`` which starts at ``outer.start``."""
    lines = text.split("\n")

    def pos(lineno: int, byte_col: int) -> Position:
        line = lines[lineno - 1]
        col = len(line.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))
        if lineno == 1:
            return Position(outer.start.line, outer.start.column + col)
        return Position(outer.start.line + lineno - 1, col)

    end_line = node.end_lineno or node.lineno
    end_col = node.end_col_offset if node.end_col_offset is not None else node.col_offset
    return Range(pos(node.lineno, node.col_offset), pos(end_line, end_col))


def _nearest_member_fix(ctx: Context, path: str, rng: Range, enum_name: str) -> list[Fix]:
    """A misspelt enum member in a string ('GETS', 'Anonymus'): write the nearest member."""
    literal = ctx.slice(path, rng)
    spec = CATALOGUE.enum(enum_name)
    if spec is None or literal is None or len(literal) < 2:
        return []
    value = literal[1:-1]
    inner = string_literal_inner(ctx, path, rng, value)
    names = [m.name for m in spec.members]
    import difflib  # when used: a suggestion for a typo (issue 16)

    near = difflib.get_close_matches(value.upper(), names, n=1, cutoff=0.6)
    if inner is None or not near:
        return []
    return fixes(fix(f"Write '{near[0]}'", replace(path, inner, near[0]), preferred=True))


@checker("AZF104", "AZF505", "AZF115")
def decorator_values(ctx: Context) -> None:
    for p in ctx.app.problems:
        if p.kind == "decorator-enum-value":
            code = "AZF505" if p.data.get("param") == "methods" else "AZF104"
            ctx.emit(
                code,
                f"{p.message}; the import fails with KeyError",
                p.path,
                p.range,
                fixes=_nearest_member_fix(ctx, p.path, p.range, str(p.data.get("enum", ""))),
            )
        elif p.kind == "app-auth-level":
            value = str(p.data.get("value", ""))
            inner = string_literal_inner(ctx, p.path, p.range, value)
            upper = value.upper()
            ok = CATALOGUE.enum("AuthLevel")
            good = ok is not None and any(m.name == upper for m in ok.members)
            ctx.emit(
                "AZF115",
                p.message,
                p.path,
                p.range,
                fixes=fixes(
                    fix(
                        f"Write '{upper}'",
                        replace(p.path, inner, upper) if inner and good else None,
                        preferred=True,
                    )
                ),
            )
