"""funcls/functions and funcls/functionsChanged through a real server (the VS Code client's
recorded capabilities): the view of the samples, and a notification when an edit adds a
function, after which the request shows it."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.support import (
    CONFIG,
    change_doc,
    client_capabilities,
    make_workspace,
    open_doc,
    start,
    uri,
    wait_for,
)

NEW_FUNCTION = """

@app.route(route="ping", methods=["GET"])
def ping(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("pong")
"""


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient, tmp_path: Path):
    await start(lsp_client, "visual-studio-code", make_workspace(tmp_path / "ws"))
    yield
    await lsp_client.shutdown_session()


def as_dict(value: Any) -> Any:
    """pygls hands custom results over as namespaces; compare them as plain JSON."""
    if hasattr(value, "_asdict"):
        return {k: as_dict(v) for k, v in value._asdict().items()}
    if isinstance(value, (list, tuple)):
        return [as_dict(v) for v in value]
    if hasattr(value, "__dict__"):
        return {k: as_dict(v) for k, v in vars(value).items()}
    return value


async def functions(client: LanguageClient) -> dict[str, Any]:
    answer = await client.protocol.send_request_async("funcls/functions", None)
    return as_dict(answer)  # type: ignore[no-any-return]


async def test_the_view_lists_both_samples(client: LanguageClient, tmp_path: Path) -> None:
    view = await functions(client)
    names = {a["name"]: sorted(f["name"] for f in a["functions"]) for a in view["apps"]}
    expected = sorted(
        [
            "create_order",
            "get_product",
            "get_receipt",
            "heartbeat",
            "payment_received",
            "process_order",
            "summarise_price_list",
        ]
    )
    assert names == {"v1-app": expected, "v2-app": expected}
    # The first indexing is over: no "indexing" (the view's welcome would say "looking").
    assert "indexing" not in view
    v2 = next(a for a in view["apps"] if a["name"] == "v2-app")
    product = next(f for f in v2["functions"] if f["name"] == "get_product")
    assert (product["kind"], product["detail"], product["answersGet"]) == (
        "http",
        "GET /api/products/{id:int}",
        True,
    )


async def test_an_edit_that_adds_a_function_is_announced(
    client: LanguageClient, tmp_path: Path
) -> None:
    changes: list[list[str]] = []
    client.feature("funcls/functionsChanged")(lambda params: changes.append(list(params.roots)))
    await functions(client)  # what the client shows now
    app = tmp_path / "ws" / "v2-app"
    script = app / "function_app.py"
    text = script.read_text()
    open_doc(client, script, text)
    change_doc(client, script, text + NEW_FUNCTION, 2)
    await wait_for(lambda: [str(app)] in changes)
    view = await functions(client)
    v2 = next(a for a in view["apps"] if a["root"] == str(app))
    ping = next(f for f in v2["functions"] if f["name"] == "ping")
    assert (ping["detail"], ping["location"]["line"]) == (
        "GET /api/ping",
        (text + NEW_FUNCTION)
        .splitlines()
        .index("def ping(req: func.HttpRequest) -> func.HttpResponse:"),
    )
    # Nothing the tree shows changed: no further announcement.
    changes.clear()
    change_doc(client, script, text + NEW_FUNCTION + "\n# a comment\n", 3)
    await asyncio.sleep(1.0)  # longer than the server's debounce
    assert changes == []


async def test_a_client_that_never_asked_for_the_view_is_not_told_it_changed(
    client: LanguageClient, tmp_path: Path
) -> None:
    changes: list[list[str]] = []
    client.feature("funcls/functionsChanged")(lambda params: changes.append(list(params.roots)))
    script = tmp_path / "ws" / "v2-app" / "function_app.py"
    text = script.read_text()
    open_doc(client, script, text)
    change_doc(client, script, text + NEW_FUNCTION, 2)
    await wait_for(lambda: 2 in [p.version for p in client.published])  # type: ignore[attr-defined]
    await asyncio.sleep(0.3)
    assert changes == []
    # Once it asks, the next change that the view shows is announced.
    await functions(client)
    change_doc(client, script, text, 3)
    await wait_for(lambda: [str(tmp_path / "ws" / "v2-app")] in changes)


EVENT_GRID_FUNCTION = """

@app.event_grid_trigger(arg_name="event")
def on_grid_event(event: func.EventGridEvent) -> None:
    pass
"""


async def test_a_trigger_with_no_source_property_is_named_in_words(
    client: LanguageClient, tmp_path: Path
) -> None:
    # An Event Grid subscription points at the function; nothing in the binding names it,
    # so the view says which trigger it is as a person would, not by its type name.
    changes: list[list[str]] = []
    client.feature("funcls/functionsChanged")(lambda params: changes.append(list(params.roots)))
    await functions(client)
    app = tmp_path / "ws" / "v2-app"
    script = app / "function_app.py"
    text = script.read_text()
    open_doc(client, script, text)
    change_doc(client, script, text + EVENT_GRID_FUNCTION, 2)
    await wait_for(lambda: [str(app)] in changes)
    view = await functions(client)
    v2 = next(a for a in view["apps"] if a["root"] == str(app))
    grid = next(f for f in v2["functions"] if f["name"] == "on_grid_event")
    assert (grid["kind"], grid["detail"]) == ("eventGrid", "Event Grid trigger")


@pytest_lsp.fixture(config=CONFIG)
async def unstarted(lsp_client: LanguageClient):
    yield
    await lsp_client.shutdown_session()


async def test_an_answer_before_the_first_indexing_says_so(
    unstarted: LanguageClient, tmp_path: Path
) -> None:
    """Asked as the workspace opens (the VS Code extension's view asks at once), the answer
    says the first indexing is not over: the view then says "looking for apps" instead of
    "No Azure Functions app found yet" with a New app… button (QA in code-server: a workspace
    of two apps showed that for its first seconds), and asks again."""
    folder = make_workspace(tmp_path / "ws")
    await unstarted.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=uri(folder),
            workspace_folders=[types.WorkspaceFolder(uri=uri(folder), name=folder.name)],
        )
    )
    early = await functions(unstarted)
    assert early.get("indexing") is True, early
    await wait_for(lambda: any("indexed" in m.message for m in unstarted.log_messages), 60.0)
    late = await functions(unstarted)
    assert "indexing" not in late and len(late["apps"]) == 2, late
