"""Hover texts from the model, through the pure ``hover`` function (fixed clock)."""

from __future__ import annotations

from pathlib import Path

import pytest

from funcls.lsp import hover
from funcls.lsp.context import Context
from funcls.model.locations import Position


def at(path: Path, needle: str, offset: int = 1) -> Position:
    text = path.read_text()
    i = text.index(needle) + offset
    return Position(text.count("\n", 0, i), i - (text.rfind("\n", 0, i) + 1))


@pytest.mark.parametrize(
    ("file", "needle", "offset", "expected"),
    [
        (
            "v2-app/function_app.py",
            '"0 */5 * * * *"',
            3,
            "**Timer schedule** `0 */5 * * * *`\n\nRuns every 5 minutes, at second 0.\n\n"
            "Next runs (UTC):\n- 2025-03-14 09:30:00\n- 2025-03-14 09:35:00\n"
            "- 2025-03-14 09:40:00\n- 2025-03-14 09:45:00\n- 2025-03-14 09:50:00",
        ),
        (
            "v1-app/heartbeat/function.json",
            '"in"',
            2,
            "`direction`: `in` — Data flows into the function (triggers and input bindings).",
        ),
        (  # a key without catalogue text: the function.json schema's description
            "v1-app/heartbeat/function.json",
            '"direction"',
            3,
            "`direction`\n\nWhich way the data flows: `in` (triggers, inputs), `out` (outputs) "
            "or `inout`.\n\nThe host reads a missing direction as `in`.",
        ),
        (
            "v1-app/get_receipt/function.json",
            '"receipt"',
            2,
            "Binding `receipt` · Blob storage input / output (`blob`) · in\n\n"
            "Feeds ```receipt: str``` of `main`.",
        ),
        (
            "v1-app/get_product/function.json",
            '"$return"',
            2,
            "Binding `$return` · HTTP output (`http`) · out\n\n"
            "The return value of `main` (func.HttpResponse).",
        ),
        (
            "v1-app/create_order/function.json",
            '"handle"',
            2,
            "```python\ndef handle(req: func.HttpRequest, order_queue: func.Out[str])\n```\n\n"
            "Entry point of `create_order`",
        ),
        (
            "v1-app/create_order/function.json",
            '"handlers.py"',
            2,
            "Script of `create_order`: `create_order/handlers.py`",
        ),
        (
            "v2-app/local.settings.json",
            '"PAYMENTS_QUEUE"',
            2,
            "**App setting** `PAYMENTS_QUEUE`\n\n`payments`\n\nfrom local.settings.json `Values`"
            "\n\nUsed by: `payment_received` (queueName)",
        ),
        (  # host.json keys: the schema's descriptions
            "v2-app/host.json",
            '"extensionBundle"',
            3,
            "`extensionBundle`\n\nThe set of binding extensions the host loads for this app.\n\n"
            "Needed by every binding except HTTP and timer. Python apps use a bundle instead of "
            "installing extensions one by one.",
        ),
        (
            "v2-app/function_app.py",
            "def summarise_price_list",
            6,
            "**Function** `summarise_price_list` (v2)\n"
            "- out `summary`: Blob storage input / output (`blob`)\n"
            "- in `upload`: Blob storage trigger (`blobTrigger`)",
        ),
    ],
)
def test_hover(
    ctx: Context, samples: Path, file: str, needle: str, offset: int, expected: str
) -> None:
    path = samples / file
    result = hover.hover(ctx, str(path), at(path, needle, offset))
    assert result is not None
    assert result.contents.value == expected  # type: ignore[union-attr]


def test_blob_container_names_its_writers_and_readers(ctx: Context, samples: Path) -> None:
    path = samples / "v2-app" / "orders_bp.py"
    result = hover.hover(ctx, str(path), at(path, '"receipts/{id}.json"', 3))
    assert result is not None
    assert result.contents.value == (  # type: ignore[union-attr]
        "**blob container** `receipts`\n\nWritten by: `process_order` (blob)\n\n"
        "Read by: `get_receipt` (blob)"
    )


def test_setting_missing_from_local_settings(ctx: Context, samples: Path, index) -> None:  # type: ignore[no-untyped-def]
    from funcls.lsp.describe import setting_markdown

    app = index.app_for_path(str(samples / "v2-app"))
    assert setting_markdown(app, "NOPE") == (
        "**App setting** `NOPE`\n\nNot set in local.settings.json `Values`: add it there for "
        "local runs, and to the app's configuration in Azure."
    )
    # One typo away from a defined setting: the hover names it, as AZF400/AZF401 do.
    assert setting_markdown(app, "AzureWebJobStorage") == (
        "**App setting** `AzureWebJobStorage`\n\nNot set in local.settings.json `Values`; did "
        "you mean `AzureWebJobsStorage`? Otherwise add it there for local runs, and to the "
        "app's configuration in Azure."
    )


def test_nothing_to_say_about_plain_code(ctx: Context, samples: Path) -> None:
    path = samples / "v2-app" / "function_app.py"
    assert hover.hover(ctx, str(path), at(path, "import csv", 2)) is None


TABLE_APP = """import azure.functions as func

app = func.FunctionApp()


@app.route(route="items/{id}")
@app.table_input(arg_name="entity", table_name="items", partition_key="p", row_key="{id}",
                 connection="AzureWebJobsStorage")
def get_item(req: func.HttpRequest, entity: str) -> func.HttpResponse:
    return func.HttpResponse(entity)
"""


def test_row_key_of_a_table_input_says_the_partition_comes_as_an_array(tmp_path: Path) -> None:
    # From the QA pass: the hover promised "the entity to read", while the host (and funcls
    # run) gives a Python function the whole partition as a JSON array.
    from funcls.lsp.context import ClientFeatures, make_context
    from funcls.model.workspace import Workspace

    (tmp_path / "host.json").write_text('{"version": "2.0"}')
    path = tmp_path / "function_app.py"
    path.write_text(TABLE_APP)
    ws = Workspace([str(tmp_path)])
    ws.index_all()
    ctx = make_context(ws, "utf-16", ClientFeatures())
    result = hover.hover(ctx, str(path), at(path, "row_key=", 2))
    assert result is not None
    text = result.contents.value  # type: ignore[union-attr]
    assert text.startswith("`row_key` of `@table_input` → `rowKey`\n\n"), text
    assert "an input does not filter by it" in text
    assert "all the entities of the partition as a JSON array" in text


ROUTE_APP = """import azure.functions as func

app = func.FunctionApp()


@app.route(route="products/{id:int}/{Size?}")
def get_product(req: func.HttpRequest) -> func.HttpResponse:
    a = req.route_params["pid"]
    b = req.route_params["ID"]
    return func.HttpResponse(a + b + req.route_params["size"])
"""


@pytest.mark.parametrize(
    ("needle", "expected"),
    [
        (  # not in the route: the hover lists what it declares (as AZF509 does)
            '"pid"',
            "`pid` is not a parameter of the route of `get_product` (its parameters: `{id}`, "
            "`{Size}`): `req.route_params['pid']` raises KeyError; read one it declares, or "
            "declare it in the route template as `{pid}`",
        ),
        (  # another case of a declared one: the host reads it (AZF509 says nothing); the hover
            # said it raised KeyError (QA in code-server, the sample's route)
            '"ID"',
            "Route parameter `ID`: the route declares `{id}`, and the host's route values "
            "ignore case, so this reads that segment of the URL, as a `str`.",
        ),
        (
            '"size"',
            "Route parameter `size`: the route declares `{Size}`, and the host's route values "
            "ignore case, so this reads that segment of the URL, as a `str`.",
        ),
    ],
)
def test_a_route_parameter_read_not_as_declared(tmp_path: Path, needle: str, expected: str) -> None:
    from funcls.lsp.context import ClientFeatures, make_context
    from funcls.model.workspace import Workspace

    (tmp_path / "host.json").write_text('{"version": "2.0"}')
    path = tmp_path / "function_app.py"
    path.write_text(ROUTE_APP)
    ws = Workspace([str(tmp_path)])
    ws.index_all()
    ctx = make_context(ws, "utf-16", ClientFeatures())
    result = hover.hover(ctx, str(path), at(path, needle, 2))
    assert result is not None
    assert result.contents.value == expected  # type: ignore[union-attr]
