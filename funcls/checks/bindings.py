"""AZF100–AZF111: JSON syntax, binding types, properties, values, directions and names,
v1 script files and entry points."""

from __future__ import annotations

import json
import os
import re
from typing import Any

from funcls.checks.binding_types import type_spelling, unknown_type
from funcls.checks.bindings_rules import RULES
from funcls.checks.context import Context, a, binding_range, string_literal_inner
from funcls.checks.defaults import suggested_value
from funcls.checks.edits import fix, fixes, json_add_member, replace
from funcls.checks.findings import Fix, Related, Severity, TextEdit
from funcls.checks.registry import REGISTRY, checker
from funcls.model.appmodel import Binding, Function, Value
from funcls.model.catalogue import CATALOGUE, BindingSpec, PropertySpec
from funcls.model.jsondoc import JsonNode
from funcls.model.lazy_re import compiled_on_use
from funcls.model.locations import Location, Range

REGISTRY.add_rules(RULES)

# Utility.BindingNameValidationRegex of azure-functions-host (4.1038 and later).
BINDING_NAME = re.compile(r"^(?!.*__)([A-Za-z_][A-Za-z0-9_]{0,127}|\$return)$")
DIRECTIONS = ("in", "out", "inout")
# function.json may use every AuthorizationLevel of the host, not only the library's three.
HOST_AUTH_LEVELS = ("anonymous", "user", "function", "system", "admin")
_JSON_PROBLEMS = ("json-syntax", "json-not-object")


@checker("AZF100")
def json_syntax(ctx: Context) -> None:
    for p in ctx.app.problems:
        if p.kind == "file-outside-app":  # a v1 folder linked outside: not read at all
            ctx.emit("AZF100", p.message, p.path, p.range)
            continue
        unreadable = p.kind == "file-unreadable" and p.path.endswith(".json")
        if p.kind not in _JSON_PROBLEMS and not unreadable:
            continue
        name = os.path.basename(p.path)
        what = "cannot be read" if unreadable else "is not valid JSON"
        ctx.emit(
            "AZF100",
            f"{name} {what}: {p.message}; the host cannot load it until this is fixed",
            p.path,
            p.range,
            fixes=[] if unreadable else _syntax_fixes(ctx, p.path, p.range),
        )


def _syntax_fixes(ctx: Context, path: str, rng: Range) -> list[Fix]:
    """The edit that mends a slip of typing at ``rng`` (found editing function.json in
    Neovim: no fix was offered for either): a ',' right after another ',' or an opening
    bracket, where no member or item can be (removed); a string whose line ends before its
    closing quote (closed at the line's end); brackets left open at the end (their closers
    added, ``_closers_fix``)."""
    if rng.start.line != rng.end.line:
        return []
    line = ctx.line_text(path, rng.start.line)
    at = rng.start.column
    if line[at : at + 1] == ",":
        before = line[:at].rstrip()
        if before.endswith((",", "{", "[")):
            return fixes(fix("Remove the extra ','", replace(path, rng, ""), preferred=True))
        return fixes(_closers_fix(ctx, path, rng))  # a ',' typed last, brackets left open
    closers = _closers_fix(ctx, path, rng)
    if closers is not None:  # the one 'not closed' error may sit on a string's closing '"'
        return fixes(closers)
    tail = line[at + 1 :]
    if line[at : at + 1] == '"' and rng.end.column >= len(line.rstrip()) and '"' not in tail:
        end = Range.of(rng.start.line, len(line.rstrip()), rng.start.line, len(line.rstrip()))
        return fixes(fix("Close the string: add '\"'", replace(path, end, '"'), preferred=True))
    return []


def _closers_fix(ctx: Context, path: str, rng: Range) -> Fix | None:
    """Brackets left open at the end (the reader's one 'object, array and object are not
    closed' error, on the last character typed): add their closers after it, each on a line of
    its own at the indent of the line its bracket opens on, or on the same line when the
    bracket opens there; a ',' typed last goes (the item it announced is not there).

    Not preferred, so ``funcls check --fix`` leaves it: such a file is being typed, and
    closing it would turn a half-written function.json (a binding without its name, settings
    still to come) into one that loads, hiding that it is unfinished; in the editor the user
    chooses it."""
    from funcls.model.jsondoc.parser import unclosed_containers

    text, index = ctx.text(path), ctx.lines(path)
    if text is None or index is None or index.offset(rng.end) < len(text.rstrip()):
        return None  # not at the end of what is typed: no reading again (issue 17's 200 errors)
    unclosed, end = unclosed_containers(text)
    if not unclosed or index.range(end - 1, end) != rng:
        return None
    start = end - 1 if text[end - 1] == "," else end
    line = index.position(start).line
    added = ""
    for kind, offset in reversed(unclosed):
        closer = "}" if kind == "object" else "]"
        opens = index.position(offset).line
        if opens == line:
            added += closer
            continue
        bracket_line = index.line_text(opens)
        added += "\n" + bracket_line[: len(bracket_line) - len(bracket_line.lstrip())] + closer
        line = -1  # the closers after this one open on earlier lines
    words = [("'}'" if kind == "object" else "']'") for kind, _ in reversed(unclosed)]
    named = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    edit = replace(path, index.range(start, end), added)
    return fix(f"Add the missing {named}", edit)


def _v1_functions(ctx: Context) -> list[Function]:
    return [f for f in ctx.app.functions if f.model == "v1" and f.config_path]


@checker("AZF101", "AZF102", "AZF103", "AZF104", "AZF105", "AZF106", "AZF107")
def binding_definitions(ctx: Context) -> None:
    for fn in ctx.app.functions:
        if fn.synthetic:
            continue
        for b in fn.bindings:
            if fn.model == "v1":
                _v1_binding(ctx, fn, b)
            else:
                _v2_binding(ctx, fn, b)
            _binding_name(ctx, fn, b)
        _duplicates(ctx, fn)


def _v1_binding(ctx: Context, fn: Function, b: Binding) -> None:
    where = f"binding '{b.name}' of function '{fn.name}'" if b.name else f"a binding of '{fn.name}'"
    if not b.type:
        ctx.emit(
            "AZF103",
            f'{where} has no "type"; add one, e.g. "type": "queueTrigger"',
            b.path,
            b.name_range or b.range,
            function=fn,
        )
        return
    if not b.name:
        ctx.emit(
            "AZF103",
            f"the {b.type} binding of function '{fn.name}' has no \"name\"; add the name of "
            'its Python parameter (or "$return" for an output)',
            b.path,
            b.type_range or b.range,
            fixes=fixes(_name_fix(ctx, fn, b)),
            function=fn,
        )
    spec = b.spec
    if spec is None:
        unknown_type(ctx, fn, b)
        return
    type_spelling(ctx, fn, b, spec)
    _unknown_properties_v1(ctx, fn, b, spec)
    _required_properties(ctx, fn, b, spec, where)
    _direction(ctx, fn, b, spec)
    for key, value in b.properties.items():
        prop = spec.find_property(key)
        if prop is not None:
            _value(ctx, fn, b, prop, value, json=True)


def _v2_binding(ctx: Context, fn: Function, b: Binding) -> None:
    spec = b.spec
    if b.type and b.type_range is not None:  # a generic decorator's type=...
        if spec is None:
            unknown_type(ctx, fn, b)
            return
        type_spelling(ctx, fn, b, spec)
    if spec is None or b.decorator_index is None:
        return
    use = fn.decorators[b.decorator_index]
    dspec = use.spec
    if dspec is None:
        return
    if dspec.kwargs:
        for name, value in use.keywords.items():
            if dspec.param(name) is not None or value.key_range is None:
                continue
            if spec.find_property(_camel(name)) is not None or name == "type":
                continue
            close = CATALOGUE.closest_property(spec, _camel(name))
            suggestion = close and _snake(close)
            hint = f"; did you mean '{suggestion}'?" if suggestion else ""
            ctx.emit(
                "AZF102",
                f"@{use.target}.{use.method} passes '{name}' on as the function.json property "
                f"'{_camel(name)}', which {a(spec.type)} binding does not have, so the host "
                f"ignores it{hint}",
                use.path,
                value.key_range,
                fixes=fixes(
                    fix(
                        f"Rename to '{suggestion}'",
                        replace(use.path, value.key_range, suggestion) if suggestion else None,
                        preferred=True,
                    )
                ),
                function=fn,
            )
    if dspec.special == "generic":
        _required_properties(ctx, fn, b, spec, f"binding '{b.name}' of '{fn.name}'")
    for key, value in b.properties.items():
        prop = spec.find_property(key)
        if prop is not None and value.origin == "explicit" and prop.kind not in ("enum",):
            if prop.kind == "enum-list":
                continue  # the library converts these itself (see AZF104 from the indexer)
            _value(ctx, fn, b, prop, value, json=False)


def _camel(snake: str) -> str:
    words = snake.split("_")
    return words[0] + "".join(w.title() for w in words[1:])


def _snake(camel: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", camel).lower()


def _unknown_properties_v1(ctx: Context, fn: Function, b: Binding, spec: BindingSpec) -> None:
    for key, value in b.properties.items():
        if key in ("scriptFile", "entryPoint"):
            continue
        known = spec.find_property(key)
        if known is not None and known.name != key:
            _case_only(ctx, fn, b, key, known.name, value.key_range or value.range or b.range)
            continue
        if known is not None:
            continue
        krange = value.key_range or value.range or b.range
        trigger = (
            None if spec.type.endswith("Trigger") else CATALOGUE.binding(spec.type + "Trigger")
        )
        if trigger is not None and trigger.find_property(key) is not None:
            # A trigger's property copied onto the same service's input or output binding
            # (corpus: cosmosDB bindings with leaseContainerName): a near name of the binding's
            # own (createIfNotExists for createLeaseContainerIfNotExists) is not what was meant.
            ctx.emit(
                "AZF102",
                f"'{key}' is a property of the {trigger.type} binding, which {a(spec.type)} "
                f"binding does not have, so the host ignores it; remove it",
                b.path,
                krange,
                function=fn,
            )
            continue
        close = CATALOGUE.closest_property(spec, key)
        hint = f"; did you mean '{close}'?" if close else ""
        inner = string_literal_inner(ctx, b.path, krange, key) if close else None
        ctx.emit(
            "AZF102",
            f"{a(spec.type)} binding has no property '{key}', so the host ignores it{hint}",
            b.path,
            krange,
            fixes=fixes(
                fix(
                    f"Rename to '{close}'",
                    replace(b.path, inner, close) if inner and close else None,
                    preferred=True,
                )
            ),
            function=fn,
        )


def _case_only(ctx: Context, fn: Function, b: Binding, key: str, name: str, krange: Range) -> None:
    """The host matches property names ignoring case, so this works; say so, gently."""
    inner = string_literal_inner(ctx, b.path, krange, key)
    ctx.emit(
        "AZF102",
        f"'{key}' works because the host ignores the case of property names, but the "
        f"documented spelling is '{name}'",
        b.path,
        krange,
        fixes=fixes(fix(f"Rename to '{name}'", replace(b.path, inner, name) if inner else None)),
        function=fn,
        severity=Severity.INFO,
    )


def _required_properties(
    ctx: Context, fn: Function, b: Binding, spec: BindingSpec, where: str
) -> None:
    def present(name: str) -> bool:
        v = b.value(name)
        return v is not None and not (v.known and v.value in (None, ""))

    for prop in spec.properties_for(b.direction or "in"):
        if prop.required and not present(prop.name):
            ctx.emit(
                "AZF103",
                f'{where} needs "{prop.name}" ({_first_sentence(prop.summary)}); add it',
                b.path,
                b.type_range or b.name_range or b.range,
                fixes=fixes(_fill(ctx, fn, b, spec, (prop.name,))),
                function=fn,
                data={"property": prop.name},
            )
    for group in spec.one_of:
        if not any(present(n) for n in group):
            names = " or ".join(f'"{n}"' for n in group)
            ctx.emit(
                "AZF103",
                f"{where} needs {names}; add one of them",
                b.path,
                b.type_range or b.name_range or b.range,
                fixes=fixes(_fill(ctx, fn, b, spec, group)),
                function=fn,
            )


def _fill(
    ctx: Context, fn: Function, b: Binding, spec: BindingSpec, names: tuple[str, ...]
) -> Fix | None:
    """AZF103's fix in function.json: the first of ``names`` that has a sensible value, set
    to it — never an empty value, which counts as missing too."""
    if fn.model != "v1" or ctx.app.source is None:
        return None
    for name in names:
        value = suggested_value(fn, spec, name)
        if value is None:
            continue
        present = b.value(name)
        edit: TextEdit | None
        if present is not None and present.range is not None and present.known:
            edit = replace(b.path, present.range, json.dumps(value))  # "queueName": ""
        else:
            node = _binding_object(ctx, b)
            edit = json_add_member(ctx, b.path, node, name, value) if node else None
        found = fix(f'Set "{name}" to "{value}"', edit, preferred=True)
        if found is not None:
            return found
    return None


def _name_fix(ctx: Context, fn: Function, b: Binding) -> Fix | None:
    """A binding without a name, in a function with exactly one parameter no binding names
    (``context`` aside: the worker fills it): that parameter is the one it feeds."""
    empty = b.name_range is not None and ctx.slice(b.path, b.name_range) == '""'
    if b.name_range is not None and not empty:
        return None
    named = {x.name for x in fn.bindings if x.name}
    free = [
        p.name
        for p in fn.parameters
        if p.kind in ("positional", "keyword") and p.name not in named and p.name != "context"
    ]
    if len(free) != 1:
        return None
    edit: TextEdit | None
    if b.name_range is not None:
        edit = replace(b.path, b.name_range, json.dumps(free[0]))  # "name": ""
    else:
        node = _binding_object(ctx, b)
        edit = json_add_member(ctx, b.path, node, "name", free[0]) if node else None
    return fix(f'Set "name" to "{free[0]}"', edit, preferred=True)


def _binding_object(ctx: Context, b: Binding) -> JsonNode | None:
    doc = ctx.app.source.json(b.path) if ctx.app.source is not None else None
    bindings = doc.root.get("bindings") if doc is not None and doc.root is not None else None
    if bindings is None or bindings.kind != "array":
        return None
    return next((n for n in bindings.items if n.kind == "object" and n.range == b.range), None)


# A sentence ends at ". " — not the one of an abbreviation such as "e.g. " (a summary cut
# there read "(container and blob name, e.g)").
_SENTENCE_END = compiled_on_use(r"(?<!\be\.g)(?<!\bi\.e)(?<!\betc)\.\s")


def _first_sentence(text: str) -> str:
    if not text:
        return "required"
    first = _SENTENCE_END.split(text, maxsplit=1)[0].rstrip(".")
    # Lowercase the opening word only, and not an acronym ("URL path…", "MIME type…").
    return first[:1].lower() + first[1:] if first[1:2].islower() else first


def _direction(ctx: Context, fn: Function, b: Binding, spec: BindingSpec) -> None:
    if not b.direction:
        return
    low = b.direction.lower()
    if low in DIRECTIONS and low in spec.directions:
        return  # before any range: a v1 binding's are made when read (model/jsonvalues.py)
    rng = b.direction_range or b.range
    if low not in DIRECTIONS:
        ctx.emit(
            "AZF104",
            f"direction '{b.direction}' of binding '{b.name}' is not 'in', 'out' or 'inout'",
            b.path,
            rng,
            function=fn,
        )
        return
    allowed = " or ".join(f"'{d}'" for d in spec.directions)
    kind = "trigger" if spec.trigger else "binding"
    inner = string_literal_inner(ctx, b.path, rng, b.direction)
    target = spec.directions[0] if len(spec.directions) == 1 else None
    ctx.emit(
        "AZF105",
        f"{a(spec.type)} {kind} cannot have direction '{b.direction}'; "
        f"binding '{b.name}' must be {allowed}",
        b.path,
        rng,
        fixes=fixes(
            fix(
                f"Set the direction to '{target}'",
                replace(b.path, inner, target) if inner and target else None,
                preferred=True,
            )
        ),
        function=fn,
    )


def _allowed_values(b: Binding, prop: PropertySpec) -> tuple[str, ...] | None:
    if prop.enum:
        spec = CATALOGUE.enum(prop.enum)
        if spec is None:
            return None
        allowed = tuple(m.json for m in spec.members)
        if prop.role == "auth-level":
            allowed = HOST_AUTH_LEVELS
        return allowed
    return prop.values or None


def _value(
    ctx: Context, fn: Function, b: Binding, prop: PropertySpec, value: Value, *, json: bool
) -> None:
    if not value.known or value.value is None:
        return
    v: Any = value.value
    if isinstance(v, str) and "%" in v:
        return  # resolved from an app setting at start-up
    problem: str | None = None
    suggestion: str | None = None
    if prop.kind == "boolean":
        if not isinstance(v, bool) and not (isinstance(v, str) and v.lower() in ("true", "false")):
            problem = f"must be true or false, not {_show(v)}"
    elif prop.kind == "integer":
        ok = (isinstance(v, int) and not isinstance(v, bool)) or (
            isinstance(v, str) and v.strip().lstrip("-").isdigit()
        )
        if not ok:
            problem = f"must be a whole number, not {_show(v)}"
    elif prop.kind == "string" and isinstance(v, (dict, list)):
        problem = f"must be a string, not {_show(v)}"
    elif prop.kind == "enum" and prop.role not in ("methods",):
        allowed = _allowed_values(b, prop)
        if allowed is not None:
            if not isinstance(v, str):
                problem = f"must be one of {', '.join(allowed)}, not {_show(v)}"
            elif v.lower() not in (a.lower() for a in allowed):
                import difflib  # when used: a suggestion for a typo (issue 16)

                close = difflib.get_close_matches(v.lower(), list(allowed), n=1, cutoff=0.5)
                suggestion = close[0] if close else None
                problem = f"must be one of {', '.join(allowed)}, not '{v}'"
    elif prop.values and isinstance(v, str) and v.lower() not in (x.lower() for x in prop.values):
        problem = f"must be one of {', '.join(prop.values)}, not '{v}'"
    if problem is None or value.range is None:
        return  # the range last: a v1 value's is made when read (model/jsonvalues.py)
    inner = string_literal_inner(ctx, b.path, value.range, v) if isinstance(v, str) else None
    ctx.emit(
        "AZF104",
        f"\"{prop.name}\" of binding '{b.name}' {problem}",
        b.path,
        value.range,
        fixes=fixes(
            fix(
                f"Change to '{suggestion}'",
                replace(b.path, inner, suggestion) if inner and suggestion else None,
                preferred=True,
            )
        ),
        function=fn,
    )


def _show(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return f"'{v}'"
    if isinstance(v, dict):
        return "an object"
    if isinstance(v, list):
        return "a list"
    return str(v)


def _binding_name(ctx: Context, fn: Function, b: Binding) -> None:
    # The name first: a v2 binding's name_range is made when read (model/v2/pyvalues.py).
    if not b.name or (b.name == "req" and fn.model == "v2" and b.name_range is None):
        return
    invalid = not BINDING_NAME.match(b.name)
    if not invalid and not (b.name == "$return" and b.direction.lower() != "out"):
        return  # nothing to report (issue 16: the test below sliced every v2 binding's text)
    rng = b.name_range or b.range
    if fn.model == "v2" and b.name_range is not None:
        given = ctx.slice(b.path, rng)
        if given is None or given[:1] not in "\"'":
            return  # not a plain literal: the indexer cannot be sure of the value
    if invalid:
        ctx.emit(
            "AZF106",
            f"binding name '{b.name}' of function '{fn.name}' is not valid: use letters, "
            "digits and '_' (no '__'), starting with a letter or '_', and name the Python "
            "parameter the same",
            b.path,
            rng,
            function=fn,
        )
    elif b.name == "$return" and b.direction.lower() != "out":
        ctx.emit(
            "AZF106",
            f"'$return' names the return value, so only an output binding can use it; the "
            f"{b.type} binding of '{fn.name}' is '{b.direction}': give it a parameter name",
            b.path,
            rng,
            function=fn,
        )


def _duplicates(ctx: Context, fn: Function) -> None:
    seen: dict[str, Binding] = {}
    for b in fn.bindings:
        if not b.name:
            continue
        first = seen.get(b.name)
        if first is None:
            seen[b.name] = b
            continue
        ctx.emit(
            "AZF107",
            f"function '{fn.name}' has two bindings named '{b.name}' ({first.type} and "
            f"{b.type}); give each its own name",
            b.path,
            binding_range(fn, b),
            related=[Related(Location(first.path, binding_range(fn, first)), "first one")],
            function=fn,
        )
