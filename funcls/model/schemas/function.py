"""The function.json schema, generated from the binding catalogue.

How a binding is described, and why (see also the conventions in ``schemas.common``):

* **One ``if``/``then`` per known type**, all under ``allOf``, rather than a ``oneOf`` of
  ``const``-discriminated alternatives. With ``oneOf`` the language service picks a "best
  match" among 60-odd alternatives: before ``type`` is typed it proposes the properties of
  every binding at once, and for an unknown or half-typed ``type`` it reports the errors of
  whichever alternative scored best. With ``if``/``then`` the properties, required keys and
  value checks of a type apply exactly when ``type`` names it (ignoring case, as the host
  matches types) and nothing else is reported — so messages are precise and completion offers
  the properties of the type at hand.
* **Unknown types are allowed.** ``type`` offers every known type (with its title and summary)
  for completion, but any string validates: the host also loads types that an extension
  provides, and funcls' rule AZF101 reports a misspelt type once, with the nearest known one.
* **Directions per type**, with the properties and required keys that only apply to one
  direction in a nested ``if``/``then`` on ``direction``. The host reads a missing
  ``direction`` as ``in``, so ``direction`` is required only for output-only types, and the
  ``in`` branch also applies when it is missing.
* **Unknown properties are allowed** on known types (AZF102 reports them, with suggestions);
  known ones are checked for their JSON type and enum values.
"""

from __future__ import annotations

from typing import Any

from funcls.model.catalogue import CATALOGUE, BindingSpec, Catalogue, PropertySpec
from funcls.model.schemas.common import (
    DRAFT_07,
    Schema,
    ci_enum,
    ci_pattern,
    describe,
    retry_policy,
)

# The host's binding-name rule (azure-functions-host ``Utility.BindingNameValidationRegex``,
# snake_case allowed since host 4.1038): a letter or underscore, then up to 127 letters,
# digits or underscores, never two underscores in a row; or ``$return``.
BINDING_NAME_PATTERN = r"^(?!.*__)(?:[A-Za-z_][A-Za-z0-9_]{0,127}|\$return)$"

_KIND_TYPES: dict[str, Schema] = {
    "string": {"type": "string"},
    "boolean": {"type": "boolean"},
    "integer": {"type": "integer"},
    "number": {"type": "number"},
    "string-list": {"type": "array", "items": {"type": "string"}},
    "object": {"type": "object"},
    "list": {"type": "array"},
    "time": {"type": "string"},
}


def _enum_schema(prop: PropertySpec, cat: Catalogue) -> Schema:
    spec = cat.enum(prop.enum or "")
    if spec is not None:
        return ci_enum([m.json for m in spec.members], [m.summary for m in spec.members])
    return ci_enum(prop.values)


def property_schema(prop: PropertySpec, cat: Catalogue = CATALOGUE) -> Schema:
    """The schema of one binding property: JSON type, allowed values, default, descriptions."""
    schema: Schema
    if prop.kind == "enum" or (prop.kind == "string" and prop.values):
        schema = _enum_schema(prop, cat)
    elif prop.kind == "enum-list":
        schema = {"type": "array", "items": _enum_schema(prop, cat)}
    else:
        schema = dict(_KIND_TYPES.get(prop.kind, {}))  # "type" / "any": any JSON value
    if prop.default is not None:
        schema["default"] = prop.default
    return describe(schema, prop.summary, prop.description)


def _applies_to_all(prop: PropertySpec, spec: BindingSpec) -> bool:
    return not prop.directions or set(spec.directions) <= set(prop.directions)


def _direction_branch(spec: BindingSpec, direction: str, cat: Catalogue) -> Schema | None:
    """Properties and required keys that only apply to one direction of ``spec``."""
    own = [p for p in spec.properties if not _applies_to_all(p, spec) and direction in p.directions]
    required = [p.name for p in own if p.required]
    if not own:
        return None
    matches: Schema = {"pattern": ci_pattern([direction])}
    condition: Schema = {"properties": {"direction": matches}}
    if direction != "in":  # a missing direction means "in" to the host
        condition["required"] = ["direction"]
    then: Schema = {"properties": {p.name: property_schema(p, cat) for p in own}}
    if required:
        then["required"] = required
    return {"if": condition, "then": then}


def _type_markdown(spec: BindingSpec) -> str:
    text = f"**{spec.title}** (`{spec.type}`)\n\n{spec.summary}"
    if spec.description:
        text += f"\n\n{spec.description}"
    if spec.docs:
        text += f"\n\n[Reference]({spec.docs})"
    return text


def binding_type_schema(spec: BindingSpec, cat: Catalogue = CATALOGUE) -> Schema:
    """The ``then`` part for one binding type."""
    directions = cat.enum("BindingDirection")
    summaries = {m.json: m.summary for m in directions.members} if directions else {}
    common = [p for p in spec.properties if _applies_to_all(p, spec)]
    properties: Schema = {
        "type": {"description": spec.summary, "markdownDescription": _type_markdown(spec)},
        "direction": describe(
            ci_enum(spec.directions, [summaries.get(d, "") for d in spec.directions]),
            "Which way the data flows: " + " or ".join(f"`{d}`" for d in spec.directions) + ".",
        ),
    }
    for p in common:
        properties[p.name] = property_schema(p, cat)
    then: Schema = {"properties": properties}
    required = [p.name for p in common if p.required]
    if "in" not in spec.directions:
        required.insert(0, "direction")
    if required:
        then["required"] = required
    all_of: list[Schema] = [
        {"anyOf": [{"required": [name]} for name in group]} for group in spec.one_of
    ]
    if len(spec.directions) > 1:
        for d in spec.directions:
            branch = _direction_branch(spec, d, cat)
            if branch is not None:
                all_of.append(branch)
    if all_of:
        then["allOf"] = all_of
    return then


def _placeholder(prop: PropertySpec | None, index: int) -> str:
    """A snippet tab stop for a required value (``^`` makes the language service insert it raw)."""
    if prop is not None and prop.kind == "boolean":
        return f"^${{{index}:false}}"
    if prop is not None and prop.kind in ("integer", "number"):
        return f"^${{{index}:0}}"
    if prop is not None and prop.kind in ("enum-list", "string-list", "list"):
        return f"^[${{{index}}}]"
    return f'^"${{{index}}}"'


def _snippet(spec: BindingSpec) -> Schema:
    body: dict[str, Any] = {"type": spec.type}
    index = 1
    if len(spec.directions) == 1:
        body["direction"] = spec.directions[0]
    else:  # a choice between the directions
        body["direction"] = f'^"${{{index}|{",".join(spec.directions)}|}}"'
        index += 1
    body["name"] = f'^"${{{index}:\\$return}}"' if spec.type == "http" else f'^"${{{index}:name}}"'
    wanted = [p.name for p in spec.properties if p.required and _applies_to_all(p, spec)]
    wanted += [group[0] for group in spec.one_of if not any(n in wanted for n in group)]
    for i, name in enumerate(wanted, start=index + 1):
        body[name] = _placeholder(spec.find_property(name), i)
    return {"label": spec.type, "description": spec.summary, "body": body}


def binding_schema(cat: Catalogue = CATALOGUE) -> Schema:
    specs = list(cat.bindings.values())
    type_schema = describe(
        {
            "type": "string",
            "minLength": 1,
            "anyOf": [
                {
                    "enum": [s.type for s in specs],
                    "markdownEnumDescriptions": [f"**{s.title}** — {s.summary}" for s in specs],
                },
                {"$comment": "Unknown types validate here; funcls reports them as AZF101."},
            ],
        },
        "The binding type, such as `httpTrigger`, `queue` or `blob`.",
        "The host matches types ignoring case. A type outside this list must come from an "
        "extension the app installs itself.",
    )
    name_schema = describe(
        {
            "type": "string",
            "pattern": BINDING_NAME_PATTERN,
            "patternErrorMessage": (
                "A binding name is a letter or underscore followed by up to 127 letters, "
                "digits or underscores (never two underscores in a row), or `$return`."
            ),
        },
        "The Python parameter this binding fills, or `$return` for the return value.",
        "For a trigger or an input, the function needs a parameter of this name; an output is "
        "a `func.Out[T]` parameter of this name, or the return value when the name is "
        "`$return`.",
    )
    direction_schema = describe(
        {"type": "string"},
        "Which way the data flows: `in` (triggers, inputs), `out` (outputs) or `inout`.",
        "The host reads a missing direction as `in`.",
    )
    return_is_output: Schema = {
        "if": {"properties": {"name": {"const": "$return"}}, "required": ["name"]},
        "then": {
            "required": ["direction"],
            "properties": {
                "direction": {
                    "pattern": ci_pattern(["out"]),
                    "patternErrorMessage": "A `$return` binding must have direction `out`.",
                }
            },
        },
    }
    per_type = [
        {
            "if": {"properties": {"type": {"pattern": ci_pattern([s.type])}}, "required": ["type"]},
            "then": binding_type_schema(s, cat),
        }
        for s in specs
    ]
    return {
        "type": "object",
        "required": ["type", "name"],
        "properties": {"type": type_schema, "direction": direction_schema, "name": name_schema},
        "allOf": [return_is_output, *per_type],
        "defaultSnippets": [_snippet(s) for s in specs],
    }


def function_json_schema(cat: Catalogue = CATALOGUE) -> Schema:
    """The schema of a v1-model ``function.json`` (and of what the v2 library generates)."""
    return {
        "$schema": DRAFT_07,
        "$comment": (
            "Generated from the funcls binding catalogue by "
            "`python -m funcls.model.schemas --write`; do not edit by hand."
        ),
        "title": "Azure Functions function.json (Python)",
        "description": "The bindings of one function of a Python Azure Functions app.",
        "type": "object",
        "required": ["bindings"],
        "properties": {
            "scriptFile": describe(
                {"type": "string"},
                "The Python file that holds the function, relative to this folder.",
                "Leave it out to use `__init__.py` of the function's folder.",
            ),
            "entryPoint": describe(
                {"type": "string"},
                "The name of the Python function to call.",
                "Leave it out and the worker calls `main`.",
            ),
            "disabled": describe(
                {"anyOf": [{"type": "boolean"}, {"type": "string"}]},
                "`true` stops the host from running this function.",
                "A string names an app setting whose value (`true` / `false`) decides. The "
                "usual way is an `AzureWebJobs.<FunctionName>.Disabled` app setting instead.",
            ),
            "retry": retry_policy(
                "Retry failed executions of this function.",
                "Supported for the timer, Event Hubs, Kafka and Cosmos DB triggers; other "
                "triggers have their own retry behaviour.",
            ),
            "bindings": describe(
                {"type": "array", "items": {"$ref": "#/definitions/binding"}},
                "The function's trigger (exactly one) and its input and output bindings.",
            ),
        },
        "definitions": {"binding": binding_schema(cat)},
    }
