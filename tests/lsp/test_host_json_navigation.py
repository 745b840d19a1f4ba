"""Go to definition into host.json, for every recorded client: a route's text (outside its
``{name}``s) → ``extensions.http.routePrefix``, which changes every URL; a trigger's type in
function.json → its extension's section (``extensions.queues``…); where host.json does not set
the key, the deepest object on the way that it has, else its top. The route's hover says where
its URL's prefix comes from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.support import make_workspace, position, span, uri

pytestmark = pytest.mark.asyncio(loop_scope="module")

V2_HOST = {"version": "2.0", "extensions": {"http": {"routePrefix": "shop"}}}
V1_HOST = {"version": "2.0", "extensions": {"queues": {"maxDequeueCount": 3}}}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample apps; the v2 app's host.json sets a route prefix, the v1 app's only the
    queues' settings."""
    root = make_workspace(tmp_path_factory.mktemp("ws"))
    (root / "v2-app" / "host.json").write_text(json.dumps(V2_HOST, indent=2) + "\n")
    (root / "v1-app" / "host.json").write_text(json.dumps(V1_HOST, indent=2) + "\n")
    return root


async def definition(
    client: LanguageClient, path: Path, needle: str, offset: int
) -> list[types.Location] | None:
    result = await client.text_document_definition_async(
        types.DefinitionParams(
            types.TextDocumentIdentifier(uri(path)), position(path, needle, offset)
        )
    )
    assert result is None or isinstance(result, list)
    return result  # type: ignore[return-value]


async def test_a_route_goes_to_the_route_prefix(client: LanguageClient, workspace: Path) -> None:
    script = workspace / "v2-app" / "function_app.py"
    host = workspace / "v2-app" / "host.json"
    assert await definition(client, script, '"products/{id:int}"', 3) == [
        types.Location(uri(host), span(host, '"routePrefix"'))
    ]
    # On the template's {id}: still the parameter itself, as before.
    assert await definition(client, script, '"products/{id:int}"', 12) == [
        types.Location(
            uri(script),
            types.Range(
                position(script, '"products/{id:int}"', 11),
                position(script, '"products/{id:int}"', 13),
            ),
        )
    ]


async def test_where_host_json_does_not_set_it(client: LanguageClient, workspace: Path) -> None:
    # v1's host.json has "extensions" but no "http": the key where routePrefix would go.
    config = workspace / "v1-app" / "create_order" / "function.json"
    host = workspace / "v1-app" / "host.json"
    assert await definition(client, config, '"orders"', 2) == [
        types.Location(uri(host), span(host, '"extensions"'))
    ]


async def test_a_queue_trigger_goes_to_the_queues_settings(
    client: LanguageClient, workspace: Path
) -> None:
    config = workspace / "v1-app" / "process_order" / "function.json"
    host = workspace / "v1-app" / "host.json"
    assert await definition(client, config, '"queueTrigger"', 3) == [
        types.Location(uri(host), span(host, '"queues"'))
    ]
    # An output binding's type has no section to go to.
    assert await definition(client, config, '"blob"', 2) is None


async def test_the_route_hover_says_where_the_prefix_comes_from(
    client: LanguageClient, workspace: Path
) -> None:
    script = workspace / "v2-app" / "function_app.py"
    result = await client.text_document_hover_async(
        types.HoverParams(
            types.TextDocumentIdentifier(uri(script)), position(script, '"products/{id:int}"', 3)
        )
    )
    line = json.dumps(V2_HOST, indent=2).splitlines().index('      "routePrefix": "shop"') + 1
    assert result == types.Hover(
        contents=types.MarkupContent(
            kind=types.MarkupKind.Markdown,
            value="**HTTP route** of `get_product`\n\n"
            "GET http://localhost:7071/shop/products/{id:int}\n\n"
            f"The prefix `/shop` is `extensions.http.routePrefix` in host.json line {line}.\n\n"
            "Anyone may call it (authLevel `anonymous`).",
        ),
        range=span(script, '"products/{id:int}"'),
    )
