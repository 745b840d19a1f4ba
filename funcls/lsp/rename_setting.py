"""``textDocument/rename`` of an app setting: its key in local.settings.json ``Values``, a
binding's ``connection`` naming it, a ``%Name%`` expression in any binding string (v2
decorators, v1 function.json) and the code's ``os.environ["Name"]`` / ``os.getenv("Name")``,
renamed together as one workspace edit.

Which texts are the same setting: the host reads settings through .NET configuration, whose
keys compare ignoring case with ``__`` the same as ``:`` (``setting_key``), so a binding's
``%payments_queue%`` is the ``PAYMENTS_QUEUE`` of Values, and ``Name__serviceUri`` (an
identity-based connection's group) belongs to the connection ``Name``: its ``Name`` part is
renamed with it. Python reads the process environment, where names keep their case on Linux
(the Functions Python hosts), so ``os.environ["payments_queue"]`` is not that setting and only
the exact name is renamed there.

Refused: a name the runtime reads by itself (``AzureWebJobsStorage``, ``FUNCTIONS_*``,
``WEBSITE_*``…). ``AzureWebJobsStorage`` is a setting a binding may name, but the host also
opens its own storage (keys, timers' and blob triggers' leases) from that exact name, so
renaming it everywhere in the app would break the host; point the binding at another setting
instead. A reference funcls cannot rewrite (a value built in code, an f-string) refuses the
whole rename with its place, rather than renaming all but it."""

from __future__ import annotations

import os
from dataclasses import dataclass

from lsprotocol import types

from funcls.checks.context import Context as CheckContext
from funcls.checks.context import quote_inner, string_literal_inner
from funcls.lsp.context import Context
from funcls.lsp.edits import Edit, RequestFailed, workspace_edit
from funcls.lsp.lookup import ENV_READ, spot_at
from funcls.model.appmodel import App, Binding, Value
from funcls.model.jsondoc import JsonNode
from funcls.model.locations import Position, Range
from funcls.model.parsers.expressions import ExpressionError, find_app_settings, setting_key

# Read by the Functions host, its Python worker or the platform under these names.
_RUNTIME_PREFIXES = (
    "azurewebjobs",
    "functions_",
    "website_",
    "azurefunctionsjobhost",
    "appinsights_",
    "applicationinsights_",
    "python_",
    "scm_",
)
_BAD_NAME_CHARS = set("%\"'{}\\ \t\n")


@dataclass(frozen=True)
class SettingTarget:
    name: str  # as written where the rename starts
    path: str
    range: Range  # the name's text there


def _reserved(name: str) -> bool:
    return name.casefold().startswith(_RUNTIME_PREFIXES)


def setting_target(ctx: Context, path: str, pos: Position) -> SettingTarget | None:
    """The app setting whose name is at ``pos``, or None."""
    app = ctx.app(path)
    if app is None:
        return None
    spot = spot_at(app, path, pos, ctx.source)
    if spot is None or spot.setting is None:
        return None
    if spot.kind == "env-read":
        return SettingTarget(spot.setting, path, spot.range)
    if spot.kind == "setting-key" and spot.json_path[:1] == ("Values",):
        return SettingTarget(spot.setting, path, quote_inner(spot.range))
    if spot.kind not in ("property-value", "keyword-value"):
        return None
    if spot.setting_range is not None:  # %Name%: the name between the percent signs
        r = spot.setting_range
        inner = Range.of(r.start.line, r.start.column + 1, r.end.line, r.end.column - 1)
        return SettingTarget(spot.setting, path, inner)
    literal = string_literal_inner(CheckContext(app), path, spot.range, spot.setting)
    return SettingTarget(spot.setting, path, literal) if literal is not None else None


def prepare_setting_rename(ctx: Context, target: SettingTarget) -> types.PrepareRenamePlaceholder:
    if _reserved(target.name):
        raise RequestFailed(_reserved_message(target.name))
    return types.PrepareRenamePlaceholder(
        range=ctx.positions.range(target.path, target.range), placeholder=target.name
    )


def _reserved_message(name: str) -> str:
    return (
        f"'{name}' is read by the Functions runtime itself under that name, so renaming it "
        "would break the host; point the binding at a setting of your own instead"
    )


def _check_new_name(app: App, old: str, new: str) -> None:
    if not new or any(c in _BAD_NAME_CHARS for c in new):
        raise RequestFailed(
            f"'{new}' cannot name an app setting: use letters, digits, '_', '.', '-' "
            "(no spaces, quotes, '%', braces or backslashes)"
        )
    if _reserved(new):
        raise RequestFailed(f"'{new}' is a name the Functions runtime reads; choose another")
    if setting_key(new) != setting_key(old):
        clash = next((k for k in app.settings if setting_key(k) == setting_key(new)), None)
        if clash is not None:
            raise RequestFailed(
                f"local.settings.json already defines '{clash}' (names compare ignoring "
                f"case); rename '{old}' to a name not in Values"
            )


def _values_edits(ctx: Context, app: App, old: str, new: str) -> list[Edit]:
    """The Values keys that are ``old`` or in its group (``old__serviceUri``)."""
    path = app.local_settings_path
    doc = ctx.source.json(path) if path is not None else None
    node = doc.root.get("Values") if doc is not None and doc.root is not None else None
    if path is None or not isinstance(node, JsonNode) or node.kind != "object":
        return []
    want = setting_key(old)
    out = []
    for m in node.members:
        key = setting_key(m.key)
        if key != want and not key.startswith(want + ":"):
            continue
        inner = quote_inner(m.key_range)
        if m.key[: len(old)].casefold() != old.casefold():
            raise RequestFailed(
                f"'{m.key}' in local.settings.json names '{old}' another way ('__' and ':'); "
                "rename it by hand"
            )
        start = inner.start
        out.append(Edit(path, Range(start, Position(start.line, start.column + len(old))), new))
    return out


def _is_connection(b: Binding, key: str) -> bool:
    prop = b.spec.find_property(key) if b.spec is not None else None
    return prop.role == "connection" if prop is not None else key.lower() == "connection"


def _where(app: App, path: str, rng: Range | None) -> str:
    line = f":{rng.start.line + 1}" if rng is not None else ""
    return f"{os.path.relpath(path, app.root)}{line}"


def _binding_edits(ctx: Context, app: App, old: str, new: str) -> list[Edit]:
    """``%old%`` in every binding string, and connections naming ``old``."""
    check = CheckContext(app)
    want = setting_key(old)
    out: list[Edit] = []
    for fn in app.functions:
        if fn.synthetic:
            continue
        for b in fn.bindings:
            for key, v in b.properties.items():
                if not v.known or not isinstance(v.value, str) or v.origin == "default":
                    continue
                out.extend(_value_edits(check, app, b, key, v, v.value, want, new))
    return out


def _value_edits(
    check: CheckContext, app: App, b: Binding, key: str, v: Value, text: str, want: str, new: str
) -> list[Edit]:
    try:
        refs = [r for r in find_app_settings(text) if setting_key(r.name) == want]
    except ExpressionError:
        refs = []
    named = "%" not in text and _is_connection(b, key) and setting_key(text) == want
    if not refs and not named:
        return []
    inner = string_literal_inner(check, b.path, v.range, text) if v.range is not None else None
    if inner is None:
        raise RequestFailed(
            f"\"{key}\" of binding '{b.name}' ({_where(app, b.path, v.range)}) is not a plain "
            "string funcls can rewrite; change it by hand, then rename"
        )
    line, col = inner.start.line, inner.start.column
    if named:
        return [Edit(b.path, inner, new)]
    return [
        Edit(b.path, Range.of(line, col + r.start + 1, line, col + r.end - 1), new) for r in refs
    ]


_SKIPPED_DIRS = frozenset({"__pycache__", "node_modules", "site-packages"})


def _python_files(app: App) -> list[str]:
    """The app's Python files: those indexed and the other modules under its folder (a
    ``shared/`` helper the functions import), not a virtual environment's or a hidden
    folder's (``.venv``, ``.python_packages``)."""
    files = {p for p in app.files if p.endswith(".py")}
    files.update(f.script_path for f in app.functions if f.script_path)
    for folder, dirs, names in os.walk(app.root):
        dirs[:] = [
            d
            for d in dirs
            if not d.startswith(".")
            and d not in _SKIPPED_DIRS
            and not os.path.exists(os.path.join(folder, d, "pyvenv.cfg"))
        ]
        files.update(os.path.join(folder, n) for n in names if n.endswith(".py"))
    return sorted(files)


def _env_edits(ctx: Context, app: App, old: str, new: str) -> list[Edit]:
    """``os.environ["old"]`` / ``os.getenv("old")`` in the app's Python files (exact case)."""
    out = []
    for path in _python_files(app):
        text = ctx.text(path)
        if text is None or old not in text:
            continue
        for n, line in enumerate(text.split("\n")):
            for m in ENV_READ.finditer(line):
                if m.group("name") == old:
                    out.append(Edit(path, Range.of(n, m.start("name"), n, m.end("name")), new))
    return out


def rename_setting(ctx: Context, target: SettingTarget, new: str) -> types.WorkspaceEdit | None:
    app = ctx.app(target.path)
    if app is None:
        return None
    old = target.name
    if _reserved(old):
        raise RequestFailed(_reserved_message(old))
    _check_new_name(app, old, new)
    if new == old:
        return None
    # The name as local.settings.json spells it (else as written where the rename started):
    # the code's reads of the environment must match it exactly.
    defined = next((k for k in app.settings if setting_key(k) == setting_key(old)), old)
    edits = _values_edits(ctx, app, old, new)
    edits += _binding_edits(ctx, app, old, new)
    edits += _env_edits(ctx, app, defined, new)
    unique = list(dict.fromkeys(edits))
    return workspace_edit(ctx, unique) if unique else None
