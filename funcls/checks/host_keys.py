"""AZF412: a host.json key the host does not read, where the set of keys is closed.

The host binds host.json to options classes through .NET configuration: keys match ignoring
case and a key no class reads is dropped without a word, so a misspelt ``extensionBundel``
or ``fucntionTimeout`` leaves the setting at its default. Two objects have a closed set of
keys:

- the root of a version 2.0 file: the keys of our schema (``model/schemas/host.py``) and those
  the host lists itself (azure-functions-host src/WebJobs.Script/Config/
  HostJsonFileConfigurationSource.cs, ``WellKnownHostJsonProperties``); the host's published
  schema (SchemaStore src/schemas/json/host.json, ``version-2``) sets
  ``additionalProperties: false`` there;
- ``extensions.http``: the properties of ``HttpOptions`` (azure-webjobs-sdk-extensions
  src/WebJobs.Extensions.Http/Config/HttpOptions.cs) and the host's ``hsts`` and
  ``customHeaders``; closed in the same published schema (``http-extension``).

At the root, only a key close to a known one ("did you mean", with a fix renaming it) or an
extension's or logging's section written at the top level, where version 1 had it, is
reported; a key like ``_comment`` stays quiet. Under ``extensions.http`` every unknown key is.
"""

from __future__ import annotations

import difflib
from functools import cache

from funcls.checks.context import Context, string_literal_inner
from funcls.checks.edits import fix, fixes, replace
from funcls.checks.findings import Fix
from funcls.checks.registry import checker
from funcls.model.jsondoc import JsonMember, JsonNode

# The keys nearly every host.json holds (the corpus: 683 files): a file of these alone, with
# no extensions.http settings, is checked without building the schema (13-28 ms the first
# time; tests/checks/test_host_json_keys.py holds them to the schema's keys).
COMMON = frozenset(
    {"version", "logging", "extensionbundle", "extensions", "functiontimeout", "concurrency"}
)
# Keys the host names in WellKnownHostJsonProperties beyond our schema's: httpWorker (the
# custom handler's former name) and managedDependencies (as the host spells it there).
_HOST_LISTED = ("httpWorker", "managedDependencies", "sendCanceledInvocationsToWorker")
# Sections version 1 read at the top level and version 2 reads only in a parent object.
_V1_NAMES = {"eventhub": "eventHubs"}
_LOGGING_KEYS = ("applicationInsights", "logLevel", "fileLoggingMode", "console")


@cache
def _known() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(root keys, section -> where version 2 reads it, extensions.http keys), each by its
    case-folded spelling."""
    # The schemas only when host.json has a key to look up (import time, issue 16).
    from funcls.model.schemas.host import host_json_schema

    schema = host_json_schema()
    props = schema["properties"]
    root = {k.casefold(): k for k in (*props, *_HOST_LISTED)}
    extensions = props["extensions"]["properties"]
    moved = {k.casefold(): f"extensions.{k}" for k in extensions}
    moved.update({k: f"extensions.{v}" for k, v in _V1_NAMES.items()})
    moved.update({k.casefold(): f"logging.{k}" for k in _LOGGING_KEYS})
    http = {k.casefold(): k for k in extensions["http"]["properties"]}
    return root, moved, http


def _closest(key: str, known: dict[str, str]) -> str | None:
    found = difflib.get_close_matches(key.casefold(), list(known), n=1, cutoff=0.8)
    return known[found[0]] if found else None


def _rename(ctx: Context, path: str, member: JsonMember, name: str) -> list[Fix]:
    inner = string_literal_inner(ctx, path, member.key_range, member.key)
    if inner is None:
        return []
    return fixes(fix(f'Rename to "{name}"', replace(path, inner, name), preferred=True))


@checker("AZF412")
def host_json_keys(ctx: Context) -> None:
    doc, path = ctx.app.host_json, ctx.app.host_json_path
    if doc is None or path is None or doc.root is None or doc.root.kind != "object":
        return
    root_node = doc.root
    version = root_node.get("version")
    if version is None or version.value != "2.0":
        return  # AZF404's; a version 1 file had other keys
    extensions = root_node.get_ci("extensions")
    section = extensions.value if extensions is not None else None
    http_member = (
        section.get_ci("http") if section is not None and section.kind == "object" else None
    )
    http_node = http_member.value if http_member is not None else None
    if all(m.key.casefold() in COMMON for m in root_node.members) and (
        http_node is None or not http_node.members
    ):
        return
    root, moved, http = _known()
    for m in root_node.members:
        key = m.key.casefold()
        if key in root:
            continue
        if key in moved:
            ctx.emit(
                "AZF412",
                f'host.json "{m.key}" at the top level is not read by the host; version 2.0 '
                f'reads it as "{moved[key]}": move it there',
                path,
                m.key_range,
            )
            continue
        near = _closest(m.key, root)
        if near is not None:
            ctx.emit(
                "AZF412",
                f'host.json has no setting "{m.key}" and the host ignores it; did you mean '
                f'"{near}"?',
                path,
                m.key_range,
                fixes=_rename(ctx, path, m, near),
            )
    if http_node is not None:
        _http_keys(ctx, path, http_node, http)


def _a_comment(key: str) -> bool:
    """A key written as a note, not a setting: ``"//"``, ``"#"``, ``"_comment"``,
    ``"$comment"`` (corpus, eleventh round: Shomao1998/weather-streaming-app explains its empty
    routePrefix in an ``"//"`` member of extensions.http; AZF412 said the host ignores it, which
    its author knew)."""
    folded = key.casefold().lstrip("_$/#")
    return folded in ("", "comment", "comments", "note", "notes") or key.startswith(("//", "#"))


def _http_keys(ctx: Context, path: str, node: JsonNode, http: dict[str, str]) -> None:
    if node.kind != "object":
        return
    for m in node.members:
        if m.key.casefold() in http or _a_comment(m.key):
            continue
        near = _closest(m.key, http)
        hint = (
            f'did you mean "{near}"?'
            if near is not None
            else "it reads " + ", ".join(f'"{k}"' for k in http.values())
        )
        ctx.emit(
            "AZF412",
            f'extensions.http in host.json has no setting "{m.key}" and the host ignores it; '
            + hint,
            path,
            m.key_range,
            fixes=_rename(ctx, path, m, near) if near is not None else (),
        )
