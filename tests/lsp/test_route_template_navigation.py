"""Navigation from a route template's ``{id}`` to the code that reads it, and back, for every
recorded client — on apps with non-ASCII text before the template and before the reads, so a
column in the wrong encoding (UTF-8 bytes, UTF-16 units, code points) fails."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.support import make_workspace, uri

pytestmark = pytest.mark.asyncio(loop_scope="module")

V2_SCRIPT = '''import azure.functions as func

app = func.FunctionApp()


@app.route(route="café/\N{SHOPPING TROLLEY}/{sku}/{id:int}", methods=["GET"])
def get_item(req: func.HttpRequest) -> func.HttpResponse:
    """Le café \N{SHOPPING TROLLEY}: one item."""
    sku = req.route_params.get("sku")
    label = "\N{SHOPPING TROLLEY}" + req.route_params["id"]
    return func.HttpResponse(f"{sku} {label} {req.route_params['id']}")


@app.route(route="other/{id}")
def other(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse(req.route_params["id"])
'''

V1_SCRIPT = """import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    note = "é\N{SHOPPING TROLLEY}"; item = req.route_params["id"]
    return func.HttpResponse(note + item + req.route_params.get("id", ""))
"""

V1_CONFIG = (
    "{\n"
    '  "bindings": [\n'
    '    {"type": "httpTrigger", "direction": "in", "name": "req", '
    '"route": "café/\N{SHOPPING TROLLEY}/{id:int}"},\n'
    '    {"type": "http", "direction": "out", "name": "$return"}\n'
    "  ]\n"
    "}\n"
)


ALIAS_SCRIPT = """import azure.functions as func

app = func.FunctionApp()


@app.route(route="café/{shop}/{id:int}")
def by_alias(req: func.HttpRequest) -> func.HttpResponse:
    params = req.route_params
    label = "\N{SHOPPING TROLLEY}" + params["id"]
    shop = params.get("shop", "")
    return func.HttpResponse(label + shop + req.route_params["id"])


@app.route(route="twice/{id}")
def twice(req: func.HttpRequest) -> func.HttpResponse:
    params = req.route_params
    if req.method == "POST":
        params = dict(req.params)
    return func.HttpResponse(params["id"])
"""


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample apps, plus a v2 and a v1 app whose templates follow non-ASCII text."""
    root = make_workspace(tmp_path_factory.mktemp("ws"))
    v2 = root / "intl-v2"
    v2.mkdir()
    (v2 / "host.json").write_text(json.dumps({"version": "2.0"}))
    (v2 / "requirements.txt").write_text("azure-functions\n")
    (v2 / "function_app.py").write_text(V2_SCRIPT, encoding="utf-8")
    v1 = root / "intl-v1"
    (v1 / "get_item").mkdir(parents=True)
    (v1 / "host.json").write_text(json.dumps({"version": "2.0"}))
    (v1 / "requirements.txt").write_text("azure-functions\n")
    (v1 / "get_item" / "__init__.py").write_text(V1_SCRIPT, encoding="utf-8")
    (v1 / "get_item" / "function.json").write_text(V1_CONFIG, encoding="utf-8")
    alias = root / "alias-v2"
    alias.mkdir()
    (alias / "host.json").write_text(json.dumps({"version": "2.0"}))
    (alias / "requirements.txt").write_text("azure-functions\n")
    (alias / "function_app.py").write_text(ALIAS_SCRIPT, encoding="utf-8")
    return root


def encoding_of(client: LanguageClient) -> str:
    """The encoding the server agreed: the client's first choice (all three are supported),
    UTF-16 when the client offers none (the protocol's default)."""
    general = client.capabilities.general if client.capabilities else None
    offered = general.position_encodings if general else None
    return str(offered[0]) if offered else "utf-16"


def pos(client: LanguageClient, path: Path, needle: str, offset: int = 0, nth: int = 0):
    """The position ``offset`` code points into the ``nth`` ``needle``, in the client's
    encoding."""
    text = path.read_text(encoding="utf-8")
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    at += offset
    line_start = text.rfind("\n", 0, at) + 1
    before = text[line_start:at]
    enc = encoding_of(client)
    units = {"utf-8": len(before.encode("utf-8")), "utf-16": len(before.encode("utf-16-le")) // 2}
    return types.Position(text.count("\n", 0, at), units.get(enc, len(before)))


def loc(
    client: LanguageClient, path: Path, needle: str, offset: int, length: int, nth: int = 0
) -> types.Location:
    return types.Location(
        uri(path),
        types.Range(
            pos(client, path, needle, offset, nth), pos(client, path, needle, offset + length, nth)
        ),
    )


async def refs(
    client: LanguageClient, path: Path, at: types.Position, decl: bool
) -> list[types.Location]:
    result = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=types.TextDocumentIdentifier(uri(path)),
            position=at,
            context=types.ReferenceContext(include_declaration=decl),
        )
    )
    return sorted(result or [], key=lambda r: (r.uri, r.range.start.line, r.range.start.character))


async def definition(client: LanguageClient, path: Path, at: types.Position) -> object:
    return await client.text_document_definition_async(
        types.DefinitionParams(types.TextDocumentIdentifier(uri(path)), at)
    )


async def test_v2_template_parameter_to_every_read(client: LanguageClient, workspace: Path) -> None:
    script = workspace / "intl-v2" / "function_app.py"
    template = loc(client, script, "{id:int}", 1, 2)
    reads = [
        loc(client, script, 'route_params["id"]', 14, 2),
        loc(client, script, "route_params['id']", 14, 2),
    ]
    # On the name, on its brace, on its constraint: the same parameter.
    for needle, offset in (("{id:int}", 1), ("{id:int}", 0), ("{id:int}", 5)):
        at = pos(client, script, needle, offset)
        assert await refs(client, script, at, decl=True) == [template, *reads]
        assert await refs(client, script, at, decl=False) == reads
        # A declaration is its own definition.
        assert await definition(client, script, at) == [template]
    sku = pos(client, script, "{sku}", 2)
    assert await refs(client, script, sku, decl=True) == [
        loc(client, script, "{sku}", 1, 3),
        loc(client, script, 'get("sku")', 5, 3),
    ]
    # From a read: the template and the other reads; the other function's {id} is not one.
    read = pos(client, script, 'route_params["id"]', 15)
    assert await refs(client, script, read, decl=True) == [template, *reads]
    assert await definition(client, script, read) == [template]
    # Outside any {…} of the template: nothing to navigate to.
    assert await refs(client, script, pos(client, script, "café/", 1), decl=True) == []


async def test_v1_template_parameter_in_function_json_to_the_reads(
    client: LanguageClient, workspace: Path
) -> None:
    config = workspace / "intl-v1" / "get_item" / "function.json"
    script = workspace / "intl-v1" / "get_item" / "__init__.py"
    template = loc(client, config, "{id:int}", 1, 2)
    reads = [
        loc(client, script, 'route_params["id"]', 14, 2),
        loc(client, script, 'get("id"', 5, 2),
    ]
    at = pos(client, config, "{id:int}", 2)
    assert await refs(client, config, at, decl=True) == [*reads, template]  # by URI
    assert await refs(client, config, at, decl=False) == reads
    assert await definition(client, config, at) == [template]
    read = pos(client, script, 'get("id"', 6)
    assert await refs(client, script, read, decl=False) == reads


async def highlights(
    client: LanguageClient, path: Path, at: types.Position
) -> list[types.DocumentHighlight] | None:
    result = await client.text_document_document_highlight_async(
        types.DocumentHighlightParams(types.TextDocumentIdentifier(uri(path)), at)
    )
    return None if result is None else list(result)


def mark(location: types.Location, kind: types.DocumentHighlightKind) -> types.DocumentHighlight:
    return types.DocumentHighlight(location.range, kind)


async def test_highlight_of_a_route_parameter(client: LanguageClient, workspace: Path) -> None:
    W, R = types.DocumentHighlightKind.Write, types.DocumentHighlightKind.Read
    script = workspace / "intl-v2" / "function_app.py"
    expected = [
        mark(loc(client, script, "{id:int}", 1, 2), W),
        mark(loc(client, script, 'route_params["id"]', 14, 2), R),
        mark(loc(client, script, "route_params['id']", 14, 2), R),
    ]
    assert await highlights(client, script, pos(client, script, "{id:int}", 2)) == expected
    assert await highlights(client, script, pos(client, script, "route_params['id']", 3)) == (
        expected
    )
    # Not a route parameter: no answer, the client keeps its own highlighting.
    assert await highlights(client, script, pos(client, script, "label =", 1)) is None
    # v1: the template is in function.json, the reads in the script; each document has its own.
    config = workspace / "intl-v1" / "get_item" / "function.json"
    v1_script = workspace / "intl-v1" / "get_item" / "__init__.py"
    assert await highlights(client, config, pos(client, config, "{id:int}", 1)) == [
        mark(loc(client, config, "{id:int}", 1, 2), W)
    ]
    assert await highlights(client, v1_script, pos(client, v1_script, 'get("id"', 6)) == [
        mark(loc(client, v1_script, 'route_params["id"]', 14, 2), R),
        mark(loc(client, v1_script, 'get("id"', 5, 2), R),
    ]


async def test_reads_through_a_local_alias_of_route_params(
    client: LanguageClient, workspace: Path
) -> None:
    W, R = types.DocumentHighlightKind.Write, types.DocumentHighlightKind.Read
    script = workspace / "alias-v2" / "function_app.py"
    template = loc(client, script, "{id:int}", 1, 2)
    reads = [
        loc(client, script, 'params["id"]', 8, 2),
        loc(client, script, 'route_params["id"]', 14, 2),
    ]
    at = pos(client, script, "{id:int}", 1)
    assert await refs(client, script, at, decl=True) == [template, *reads]
    # From the read through the alias: the template and both reads; it is defined there.
    read = pos(client, script, 'params["id"]', 9)
    assert await refs(client, script, read, decl=False) == reads
    assert await definition(client, script, read) == [template]
    assert await highlights(client, script, read) == [
        mark(template, W),
        *(mark(r, R) for r in reads),
    ]
    assert await refs(client, script, pos(client, script, "{shop}", 1), decl=False) == [
        loc(client, script, 'get("shop"', 5, 4)
    ]
    # An alias bound twice (the second time to something else) is not followed: its read is
    # no route parameter read, and {id} of that function has no read.
    other = pos(client, script, "{id}", 1)
    assert await refs(client, script, other, decl=True) == [loc(client, script, "{id}", 1, 2)]
    assert (
        await highlights(client, script, pos(client, script, 'Response(params["id"])', 17)) is None
    )
