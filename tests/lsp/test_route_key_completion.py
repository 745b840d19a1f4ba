"""Completion of route parameter names in ``req.route_params["…"]`` and ``.get("…")``, v2 and
v1, for every recorded client: what the user gets after picking the item, whether the client
replaces the item's range (VS Code, Emacs) or inserts at the cursor (Neovim's omnifunc)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.accept import accept, shown
from tests.lsp.test_completion import complete_text, honours

pytestmark = pytest.mark.asyncio(loop_scope="module")

READ = 'req.route_params["id"])'  # in get_product of both samples

# A function with several parameters: optional, constrained, catch-all; the names are offered
# in the template's order.
SHELF = """

@app.route(route="shelves/{shelf}/items/{item_id:int?}/{*rest}")
def shelf_item(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse(TYPED)
"""


@pytest.mark.parametrize(
    ("typed", "picked"),
    [
        # Neovim without autopairs: no closing quote yet; the item closes it.
        ('req.route_params["‸', 'req.route_params["id"'),
        ('req.route_params["‸"])', READ),
        ('req.route_params["i‸"])', READ),
        ("req.route_params['‸", "req.route_params['id'"),
        # Before the quote ('[' is a trigger character): the name in quotes.
        ("req.route_params[‸", 'req.route_params["id"'),
        ('req.route_params.get("‸")', 'req.route_params.get("id")'),
    ],
)
@pytest.mark.parametrize("app", ["v2-app/function_app.py", "v1-app/get_product/__init__.py"])
async def test_route_params_key_offers_the_template_parameters(
    client: LanguageClient, workspace: Path, app: str, typed: str, picked: str
) -> None:
    path = workspace / app
    source = path.read_text()
    assert READ in source
    marked = source.replace(READ, typed, 1)
    plain, cursor, items = await complete_text(client, path, marked)
    assert [(i.label, i.kind, i.detail) for i in items] == [
        ("id", types.CompletionItemKind.Field, "{id:int} of products/{id:int}")
    ]
    assert shown(plain, cursor, items, honours(client)) == ["id"]
    expected = source.replace(READ, picked, 1)
    assert accept(plain, cursor, items, "id", honours(client)) == expected


async def test_every_parameter_in_the_template_order(
    client: LanguageClient, workspace: Path
) -> None:
    path = workspace / "v2-app" / "function_app.py"
    source = path.read_text() + SHELF
    _, _, items = await complete_text(
        client, path, source.replace("TYPED", 'req.route_params.get("‸")')
    )
    assert [(i.label, i.detail) for i in items] == [
        ("shelf", "{shelf} of shelves/{shelf}/items/{item_id:int?}/{*rest}"),
        ("item_id", "{item_id:int?} of shelves/{shelf}/items/{item_id:int?}/{*rest}"),
        ("rest", "{*rest} of shelves/{shelf}/items/{item_id:int?}/{*rest}"),
    ]


@pytest.mark.parametrize(
    "typed",
    [
        'other.route_params["‸"]',  # not the trigger's parameter
        'req.params["‸"]',  # query parameters: declared nowhere
        'req.route_params["id"‸]',  # after the closing quote
    ],
)
async def test_nothing_where_no_route_parameter_is_read(
    client: LanguageClient, workspace: Path, typed: str
) -> None:
    path = workspace / "v2-app" / "function_app.py"
    source = path.read_text() + SHELF
    _, _, items = await complete_text(client, path, source.replace("TYPED", typed))
    assert items == []


async def test_nothing_in_a_function_without_an_http_trigger(
    client: LanguageClient, workspace: Path
) -> None:
    path = workspace / "v2-app" / "function_app.py"
    source = path.read_text()
    line = "    if timer.past_due:\n"
    assert line in source
    marked = source.replace(line, '    timer.route_params["‸"]\n' + line, 1)
    _, _, items = await complete_text(client, path, marked)
    assert items == []


# ``params = req.route_params`` read through the alias (as references and rename read it).
ALIASED = """

@app.route(route="shelves/{shelf}/items/{sku}")
def shelf_sku(req: func.HttpRequest) -> func.HttpResponse:
    params = req.route_params
    return func.HttpResponse(TYPED)
"""


@pytest.mark.parametrize(
    ("typed", "picked"),
    [
        ('params.get("‸")', 'params.get("shelf")'),
        ('params.get("s‸', 'params.get("shelf"'),
        ('params["‸"]', 'params["shelf"]'),
        ("params[‸", 'params["shelf"'),
    ],
)
async def test_route_params_read_through_an_alias(
    client: LanguageClient, workspace: Path, typed: str, picked: str
) -> None:
    path = workspace / "v2-app" / "function_app.py"
    source = path.read_text() + ALIASED
    marked = source.replace("TYPED", typed)
    plain, cursor, items = await complete_text(client, path, marked)
    assert [(i.label, i.detail) for i in items] == [
        ("shelf", "{shelf} of shelves/{shelf}/items/{sku}"),
        ("sku", "{sku} of shelves/{shelf}/items/{sku}"),
    ]
    expected = source.replace("TYPED", picked)
    assert accept(plain, cursor, items, "shelf", honours(client)) == expected


@pytest.mark.parametrize(
    "binding",
    [
        "    params = dict(req.route_params)\n",  # a copy: funcls cannot name its reads
        "    params = req.params\n",  # the query's parameters
        "    params = req.route_params\n    params = {}\n",  # bound twice
        "    for params in [req.route_params]:\n        pass\n",
    ],
)
async def test_no_alias_but_one_bound_once_to_route_params(
    client: LanguageClient, workspace: Path, binding: str
) -> None:
    path = workspace / "v2-app" / "function_app.py"
    source = path.read_text() + ALIASED.replace("    params = req.route_params\n", binding)
    _, _, items = await complete_text(client, path, source.replace("TYPED", 'params.get("‸")'))
    assert items == []
