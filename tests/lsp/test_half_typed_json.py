"""Half-typed JSON end to end, for every recorded client: one diagnostic for one mistake, where
the typing is.

QA in Emacs (eglot) and Neovim 0.7: a function.json typed top-down showed "object is not
closed" on line 1 at every keystroke, and a string left open at the end gave four errors (the
string, then the object, the array and the object it left open); a local.settings.json with
one unfinished line gave its error at 1:1 too, and false AZF400-AZF403 for settings defined
below that line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lsprotocol import types

from tests.lsp.support import (
    RecordingClient,
    apply_workspace_edit,
    change_doc,
    open_doc,
    uri,
    wait_for,
)
from tests.lsp.test_code_actions import CAK, actions_at
from tests.lsp.test_diagnostics import diagnostics_of

E = types.DiagnosticSeverity.Error


def _range(line: int, start: int, end: int) -> types.Range:
    return types.Range(types.Position(line, start), types.Position(line, end))


def _azf100(name: str, message: str, rng: types.Range, fixes: int = 0) -> types.Diagnostic:
    return types.Diagnostic(
        range=rng,
        message=f"{name} is not valid JSON: {message}; the host cannot load it until this is fixed",
        severity=E,
        code="AZF100",
        source="funcls",
        data={"fixes": fixes} if fixes else None,
    )


# get_product/function.json of the v1 sample, typed up to (and including) the text named.
TYPED = {
    # After a complete member: the closers of the three brackets still open go after its ','.
    '"methods": ["get"],': (
        "object, array and object are not closed: add '}', ']' and '}' "
        "(they open on lines 3, 2 and 1)",
        _range(7, 24, 25),
        1,  # 'Add the missing ...'
    ),
    # A string left open at the end: its error only (the brackets are its consequences).
    '"name": "$ret': (
        "string is not closed before the end of the line: add '\"'",
        _range(13, 14, 19),
        1,
    ),
    "  ]": ("object is not closed: add '}' (it opens on line 1)", _range(15, 2, 3), 1),
}


@pytest.mark.parametrize("typed", list(TYPED))
async def test_function_json_typed_top_down_has_one_diagnostic_where_the_typing_is(
    editing_client: RecordingClient, fresh_workspace: Path, typed: str
) -> None:
    path = fresh_workspace / "v1-app" / "get_product" / "function.json"
    whole = path.read_text()
    text = whole[: whole.index(typed) + len(typed)] + "\n"
    open_doc(editing_client, path, text, version=1)
    message, rng, fixes = TYPED[typed]
    assert await diagnostics_of(editing_client, path, version=1) == [
        _azf100("function.json", message, rng, fixes)
    ]


async def test_local_settings_with_an_unfinished_line_has_its_one_error_and_no_false_findings(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    app = fresh_workspace / "v2-app"
    settings, bp = app / "local.settings.json", app / "orders_bp.py"
    complete = settings.read_text()
    # Without ServiceBusConnection orders_bp.py shows AZF400 (pushed: it is not open).
    data = json.loads(complete)
    del data["Values"]["ServiceBusConnection"]
    open_doc(editing_client, settings, json.dumps(data, indent=2), version=1)
    await wait_for(
        lambda: [d for d in editing_client.diagnostics.get(uri(bp), []) if d.code == "AZF400"]
    )
    # A section being typed above the settings: "Host": { and, on the next line, a lone '"'.
    half = complete.replace('"Values": {\n', '"Values": {\n    "Host": {\n    "\n', 1)
    assert half != complete
    change_doc(editing_client, settings, half, version=2)
    assert await diagnostics_of(editing_client, settings, version=2) == [
        _azf100(
            "local.settings.json",
            "string is not closed before the end of the line: add '\"'",
            _range(4, 4, 5),
            fixes=1,
        )
    ]
    # ServiceBusConnection and PAYMENTS_QUEUE, set below the line, are not reported missing.
    await wait_for(lambda: len(editing_client.diagnostics[uri(bp)]) == 0)


async def test_brackets_left_open_get_a_quick_fix_that_adds_their_closers(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    path = fresh_workspace / "v1-app" / "get_product" / "function.json"
    whole = path.read_text()
    typed = '"methods": ["get"],'
    text = whole[: whole.index(typed) + len(typed)] + "\n"
    path.write_text(text)
    open_doc(editing_client, path, text, version=1)
    (diag,) = await diagnostics_of(editing_client, path, version=1)
    actions = await actions_at(editing_client, path, diag.range, [diag])
    (action,) = [a for a in actions if a.kind == CAK.QuickFix]
    # Not preferred: an editor's "fix all" or funcls check --fix does not close a file being typed.
    assert (action.title, action.is_preferred) == ("Add the missing '}', ']' and '}'", None)
    assert action.edit is not None
    apply_workspace_edit(action.edit)
    fixed = path.read_text()
    assert fixed == text.replace('["get"],\n', '["get"]\n    }\n  ]\n}\n')
    change_doc(editing_client, path, fixed, version=2)
    assert [d.code for d in await diagnostics_of(editing_client, path, version=2)] == []
