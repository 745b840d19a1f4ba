"""AZF404–AZF406, AZF408: host.json."""

from __future__ import annotations

import os

from funcls.checks.context import Context, string_literal_inner
from funcls.checks.edits import fix, fixes, json_add_member, replace
from funcls.checks.registry import checker
from funcls.model.bundles import CURRENT_BUNDLE_RANGE, DEFAULT_BUNDLE_ID
from funcls.model.jsondoc import JsonNode
from funcls.model.locations import Range

BUNDLE = {"id": DEFAULT_BUNDLE_ID, "version": CURRENT_BUNDLE_RANGE}


@checker("AZF404", "AZF405", "AZF406", "AZF408")
def host_json(ctx: Context) -> None:
    app = ctx.app
    if any(p.kind == "host-json-missing" for p in app.problems):
        # The scaffolding (templates, catalogue) only for this fix (issue 16).
        from funcls.model.scaffold.app import host_json_text

        where, rng = ctx.script_location()
        ctx.emit(
            "AZF408",
            f"the app at {os.path.basename(app.root) or app.root} has no host.json; create one "
            'with {"version": "2.0"} and an extensionBundle next to your function code',
            where,
            rng,
            fixes=fixes(
                fix(
                    "Create host.json",
                    replace(
                        os.path.join(app.root, "host.json"), Range.point(0, 0), host_json_text()
                    ),
                    preferred=True,
                )
            ),
        )
        return
    doc = app.host_json
    path = app.host_json_path
    if doc is None or path is None or doc.root is None or doc.root.kind != "object":
        return
    root = doc.root
    version = root.member("version")
    if version is None or version.value is None:
        ctx.emit(
            "AZF404",
            'host.json has no "version"; add "version": "2.0"',
            path,
            _start(root),
            fixes=fixes(
                fix(
                    'Add "version": "2.0"',
                    json_add_member(ctx, path, root, "version", "2.0"),
                    preferred=True,
                )
            ),
        )
    elif version.value.value != "2.0":
        inner = (
            string_literal_inner(ctx, path, version.value.range, version.value.value)
            if isinstance(version.value.value, str)
            else None
        )
        edit = replace(path, inner, "2.0") if inner else replace(path, version.value.range, '"2.0"')
        ctx.emit(
            "AZF404",
            f'host.json "version" is {ctx.slice(path, version.value.range)}; the host only '
            'reads "2.0"',
            path,
            version.value.range,
            fixes=fixes(fix('Set it to "2.0"', edit, preferred=True)),
        )
    _bundle(ctx, path, root)
    _timeout(ctx, path, root)


def _start(root: JsonNode) -> Range:
    """The start of host.json's object, for a finding only: reading a range of host.json makes
    its document find the positions of its nodes (jsondoc/cread.py, issue 16)."""
    return Range(root.range.start, root.range.start)


def _bundle(ctx: Context, path: str, root: JsonNode) -> None:
    if root.get_ci("extensionBundle") is not None:
        return
    if any(
        os.path.isfile(os.path.join(ctx.app.root, f))
        for f in ("extensions.csproj", os.path.join("bin", "extensions.json"))
    ):
        return  # extensions installed by hand instead of a bundle
    for fn in ctx.app.functions:
        for b in fn.bindings:
            spec = b.spec
            if spec is not None and spec.needs_bundle:
                ctx.emit(
                    "AZF405",
                    f"host.json has no extensionBundle, but the {b.type} binding of "
                    f"'{fn.name}' comes from an extension; add the extension bundle",
                    path,
                    _start(root),
                    fixes=fixes(
                        fix(
                            "Add the extension bundle",
                            json_add_member(ctx, path, root, "extensionBundle", BUNDLE),
                            preferred=True,
                        )
                    ),
                )
                return


def _timeout(ctx: Context, path: str, root: JsonNode) -> None:
    m = root.get_ci("functionTimeout")
    if m is None or m.value is None:
        return
    node = m.value
    if node.kind != "string":
        ctx.emit(
            "AZF406",
            'functionTimeout must be a time span string such as "00:10:00"',
            path,
            node.range,
        )
        return
    from funcls.model.parsers.timespan import (  # when used (datetime, issue 16)
        HostingPlan,
        TimeSpanError,
        check_function_timeout,
        parse_function_timeout,
    )

    text = str(node.value)
    inner = string_literal_inner(ctx, path, node.range, text)
    try:
        value = parse_function_timeout(text)
    except TimeSpanError as e:
        rng = node.range
        if inner is not None:
            rng = Range.of(
                inner.start.line,
                inner.start.column + e.start,
                inner.end.line,
                inner.start.column + e.end,
            )
        ctx.emit("AZF406", f"functionTimeout '{text}': {e.message}", path, rng)
        return
    if ctx.plan is None:
        return
    problem = check_function_timeout(value, HostingPlan(ctx.plan))
    if problem is not None:
        ctx.emit("AZF406", problem, path, node.range)
