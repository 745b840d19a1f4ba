"""AZF409: the extensionBundle of host.json — a known id and a version range the host can
resolve to a bundle that is still supported."""

from __future__ import annotations

from funcls.checks.context import Context, string_literal_inner
from funcls.checks.edits import fix, fixes, replace
from funcls.checks.findings import Fix, Severity
from funcls.checks.registry import checker
from funcls.model.bundles import BUNDLE_IDS, CURRENT_BUNDLE_RANGE, DEFAULT_BUNDLE_ID
from funcls.model.jsondoc import JsonNode
from funcls.model.parsers.version_range import VersionRangeError, parse_version_range

# Bundles 1.x, 2.x and 3.x reached the end of their support on this day (Microsoft's
# extension-bundles page); only 4.x is supported.
FIRST_SUPPORTED_MAJOR = 4
RETIRED_ON = "30 May 2026"
# The oldest bundle the host starts with: azure-functions-host src/WebJobs.Script/
# extensionrequirements.json ("bundles": minimumVersion 2.6.1), which ScriptStartupTypeLocator.
# ValidateBundleRequirements enforces by throwing HostInitializationException at start-up.
HOST_MINIMUM_BUNDLE = (2, 6, 1, 0)


@checker("AZF409")
def extension_bundle(ctx: Context) -> None:
    doc, path = ctx.app.host_json, ctx.app.host_json_path
    if doc is None or path is None or doc.root is None or doc.root.kind != "object":
        return
    member = doc.root.get_ci("extensionBundle")
    if member is None or member.value is None:
        return
    bundle = member.value
    if bundle.kind != "object":
        ctx.emit(
            "AZF409",
            'extensionBundle must be an object with "id" and "version"',
            path,
            bundle.range,
        )
        return
    bundle_id = _id(ctx, path, bundle)
    _version(ctx, path, bundle, bundle_id)


def _string_value(ctx: Context, path: str, bundle: JsonNode, key: str) -> JsonNode | None:
    m = bundle.get_ci(key)
    if m is None or m.value is None:
        ctx.emit("AZF409", f'extensionBundle has no "{key}"', path, bundle.range)
        return None
    if m.value.kind != "string":
        ctx.emit("AZF409", f'extensionBundle "{key}" must be a string', path, m.value.range)
        return None
    return m.value


def _id(ctx: Context, path: str, bundle: JsonNode) -> str | None:
    node = _string_value(ctx, path, bundle, "id")
    if node is None:
        return None
    value = str(node.value)
    if value in BUNDLE_IDS:
        return value
    import difflib  # when used: a suggestion for a typo (issue 16)

    close = difflib.get_close_matches(value, BUNDLE_IDS, n=1, cutoff=0.6)
    inner = string_literal_inner(ctx, path, node.range, value)
    hint = f"; did you mean '{close[0]}'?" if close else f"; the usual one is '{DEFAULT_BUNDLE_ID}'"
    ctx.emit(
        "AZF409",
        f"extension bundle id '{value}' is not one Azure publishes, so the host cannot "
        f"download it and no binding extension loads{hint}",
        path,
        node.range,
        fixes=fixes(
            fix(f"Use '{close[0]}'", replace(path, inner, close[0]), preferred=True)
            if close and inner
            else None
        ),
    )
    return None


def _version(ctx: Context, path: str, bundle: JsonNode, bundle_id: str | None) -> None:
    node = _string_value(ctx, path, bundle, "version")
    if node is None:
        return
    text = str(node.value)

    def use_current() -> list[Fix]:
        # Made for a finding only: reading a range of host.json makes its document find the
        # positions of its nodes (jsondoc/cread.py, issue 16).
        inner = string_literal_inner(ctx, path, node.range, text)
        return fixes(
            fix(
                f"Use {CURRENT_BUNDLE_RANGE}",
                replace(path, inner, CURRENT_BUNDLE_RANGE),
                preferred=True,
            )
            if inner
            else None
        )

    try:
        span = parse_version_range(text)
    except VersionRangeError as e:
        ctx.emit(
            "AZF409",
            f"extensionBundle version '{text}' is not a version range the host can read: "
            f"{e}; for example {CURRENT_BUNDLE_RANGE}",
            path,
            node.range,
            fixes=use_current(),
        )
        return
    if bundle_id != DEFAULT_BUNDLE_ID:
        return  # preview and other bundles have their own version lines
    if span.upper is not None and (
        span.upper < HOST_MINIMUM_BUNDLE
        or (span.upper == HOST_MINIMUM_BUNDLE and not span.upper_inclusive)
    ):
        ctx.emit(
            "AZF409",
            f"extensionBundle version '{text}' only admits bundles older than 2.6.1, which the "
            "Functions host refuses: it stops at start-up ('does not meet the required minimum "
            f"version of 2.6.1') and no function runs; use {CURRENT_BUNDLE_RANGE}",
            path,
            node.range,
            fixes=use_current(),
        )
        return
    highest = span.highest_major()
    if highest is not None and highest < FIRST_SUPPORTED_MAJOR:
        ctx.emit(
            "AZF409",
            f"extensionBundle version '{text}' only admits bundle {highest}.x or older, out of "
            f"support since {RETIRED_ON}: their extensions get no fixes and newer bindings are "
            f"missing; use {CURRENT_BUNDLE_RANGE}",
            path,
            node.range,
            fixes=use_current(),
            severity=Severity.WARNING,
        )
