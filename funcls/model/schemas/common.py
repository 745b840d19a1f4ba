"""Building blocks shared by the three JSON schemas funcls ships.

Conventions that hold in function.json, host.json and local.settings.json alike:

* **Draft-07.** It is the draft that both ``jsonschema`` (our tests, the checker) and
  vscode-json-languageservice (VS Code, and every editor that runs
  ``vscode-json-language-server``) implement completely, ``if``/``then`` included. The newer
  drafts add nothing these schemas need, and the language service's 2019-09/2020-12 support
  is partial.
* **Enums compare ignoring case, as the host does.** The host parses directions, auth levels,
  data types, cardinalities… with case-insensitive ``Enum.TryParse``, and the azure-functions
  library itself writes ``"IN"`` and ``"ANONYMOUS"``. A plain ``enum`` would flag what the host
  accepts, a bare ``pattern`` offers no completions, so every enum is
  ``anyOf: [{enum: <canonical spellings, with descriptions>}, {pattern: <the same, any case>}]``
  (:func:`ci_enum`). The language service offers the canonical values with their
  descriptions (it collects completions from every ``anyOf`` branch), a value in any case
  validates, and a wrong value is reported as "Value is not accepted. Valid values: …".
* **Additional properties are allowed everywhere.** The host ignores keys it does not know
  and matches keys ignoring case (``HubName`` works as well as ``hubName``); extensions add
  settings faster than any schema follows. A schema error for those would be a false alarm,
  and funcls' own rules (AZF102, with "did you mean" suggestions) report unknown binding
  properties once, with a fix.
* **Every value has a description**, plain (``description``) and Markdown
  (``markdownDescription``), because the language server shows them on hover and completion.

Editors report schema problems as warnings by default, so a strict JSON type (``"batchSize":
"16"`` where the host would also accept the string) is a nudge, not a blocking error.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

Schema = dict[str, Any]

DRAFT_07 = "http://json-schema.org/draft-07/schema#"

# Regular-expression syntax characters of ECMAScript (the language service) and Python's re.
_SYNTAX = frozenset("^$\\.*+?()[]{}|/")


def _ci_chars(value: str) -> str:
    out: list[str] = []
    for ch in value:
        lower, upper = ch.lower(), ch.upper()
        if lower != upper and len(lower) == 1 and len(upper) == 1:
            out.append(f"[{lower}{upper}]")
        elif ch in _SYNTAX:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def ci_pattern(values: Iterable[str]) -> str:
    """A regex matching exactly one of ``values`` in any case, valid in ECMAScript and Python.

    Written with character classes (``[iI][nN]``) because neither dialect shares an inline
    case-insensitive flag.
    """
    return "^(?:" + "|".join(_ci_chars(v) for v in values) + ")$"


def _unique(values: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        seen.setdefault(v, None)
    return list(seen)


def ci_enum(values: Sequence[str], descriptions: Sequence[str] = ()) -> Schema:
    """A string that is one of ``values``, compared ignoring case (see the module docstring)."""
    canonical: Schema = {"enum": _unique(values)}
    if any(descriptions):
        by_value = dict(zip(values, descriptions, strict=True))
        canonical["markdownEnumDescriptions"] = [by_value.get(v, "") for v in canonical["enum"]]
    return {
        "type": "string",
        "anyOf": [canonical, {"pattern": ci_pattern(canonical["enum"])}],
    }


def describe(schema: Schema, summary: str, description: str = "") -> Schema:
    """Add the plain and Markdown descriptions (summary, then the longer text) to ``schema``."""
    if summary:
        schema["description"] = summary
        schema["markdownDescription"] = f"{summary}\n\n{description}" if description else summary
    elif description:
        schema["description"] = description
        schema["markdownDescription"] = description
    return schema


# .NET TimeSpan shapes the host reads: d, hh:mm, hh:mm:ss, d.hh:mm, d.hh:mm:ss, hh:mm:ss.f …
# Only the shape is checked here; ranges (hours 0-23, "24:00:00" meaning 24 days…) are the
# checker's business (funcls.model.parsers.timespan).
TIMESPAN_PATTERN = r"^\s*-?(?:\d+|\d+(?:\.\d+)?:\d+(?::\d+){0,2}(?:\.\d{1,7})?)\s*$"


def timespan(summary: str, description: str = "", *, default: str | None = None) -> Schema:
    """A .NET TimeSpan string such as ``00:05:00`` (``[d.]hh:mm:ss``)."""
    schema: Schema = {
        "type": "string",
        "pattern": TIMESPAN_PATTERN,
        "patternErrorMessage": "Expected a time span such as 00:05:00 ([d.]hh:mm:ss).",
    }
    if default is not None:
        schema["default"] = default
    return describe(schema, summary, description)


def string(summary: str, description: str = "", *, default: str | None = None) -> Schema:
    schema: Schema = {"type": "string"}
    if default is not None:
        schema["default"] = default
    return describe(schema, summary, description)


def boolean(summary: str, description: str = "", *, default: bool | None = None) -> Schema:
    schema: Schema = {"type": "boolean"}
    if default is not None:
        schema["default"] = default
    return describe(schema, summary, description)


def _numeric(
    type_name: str,
    summary: str,
    description: str,
    default: float | None,
    minimum: float | None,
    maximum: float | None,
) -> Schema:
    schema: Schema = {"type": type_name}
    for key, value in (("minimum", minimum), ("maximum", maximum), ("default", default)):
        if value is not None:
            schema[key] = value
    return describe(schema, summary, description)


def integer(
    summary: str,
    description: str = "",
    *,
    default: int | None = None,
    minimum: int | None = None,
    maximum: int | None = None,
) -> Schema:
    return _numeric("integer", summary, description, default, minimum, maximum)


def number(
    summary: str,
    description: str = "",
    *,
    default: float | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
) -> Schema:
    return _numeric("number", summary, description, default, minimum, maximum)


def enum(
    summary: str,
    values: Sequence[str],
    value_descriptions: Sequence[str] = (),
    description: str = "",
    *,
    default: str | None = None,
) -> Schema:
    schema = ci_enum(values, value_descriptions)
    if default is not None:
        schema["default"] = default
    return describe(schema, summary, description)


def strings(summary: str, description: str = "") -> Schema:
    return describe({"type": "array", "items": {"type": "string"}}, summary, description)


def obj(
    summary: str,
    properties: dict[str, Schema],
    description: str = "",
    *,
    required: Sequence[str] = (),
    **extra: Any,
) -> Schema:
    """An object with documented ``properties``; other keys stay allowed (module docstring)."""
    schema: Schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    schema.update(extra)
    return describe(schema, summary, description)


def retry_policy(summary: str, description: str = "") -> Schema:
    """``retry`` of function.json (v1 model) and of host.json: the same shape in both."""
    return obj(
        summary,
        {
            "strategy": enum(
                "How long to wait between attempts: `fixedDelay` or `exponentialBackoff`.",
                ("fixedDelay", "exponentialBackoff"),
                (
                    "Wait `delayInterval` between attempts.",
                    "Start at `minimumInterval` and double the wait up to `maximumInterval`.",
                ),
            ),
            "maxRetryCount": integer(
                "How many times to retry a failed execution; `-1` retries without end.",
                minimum=-1,
            ),
            "delayInterval": timespan("Wait between attempts (`fixedDelay`), e.g. `00:00:10`."),
            "minimumInterval": timespan("First wait (`exponentialBackoff`), e.g. `00:00:04`."),
            "maximumInterval": timespan("Longest wait (`exponentialBackoff`), e.g. `00:15:00`."),
        },
        description,
        required=("strategy", "maxRetryCount"),
    )
