"""Definition (both directions) and references end to end, for every recorded client."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.support import position, span, uri
from tests.lsp.test_route_template_navigation import encoding_of

pytestmark = pytest.mark.asyncio(loop_scope="module")


def loc(path: Path, rng: types.Range) -> types.Location:
    return types.Location(uri(path), rng)


def at(path: Path, needle: str, length: int | None = None, offset: int = 0) -> types.Range:
    start = position(path, needle, offset)
    return types.Range(
        start, position(path, needle, offset + (length if length is not None else len(needle)))
    )


async def definition(client: LanguageClient, path: Path, needle: str, offset: int = 1) -> object:
    return await client.text_document_definition_async(
        types.DefinitionParams(
            types.TextDocumentIdentifier(uri(path)), position(path, needle, offset)
        )
    )


async def refs(
    client: LanguageClient, path: Path, needle: str, offset: int = 1, decl: bool = True
) -> list[types.Location]:
    result = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=types.TextDocumentIdentifier(uri(path)),
            position=position(path, needle, offset),
            context=types.ReferenceContext(include_declaration=decl),
        )
    )
    return sorted(result or [], key=lambda r: (r.uri, r.range.start.line, r.range.start.character))


async def test_parameter_to_decorator_argument_and_back(
    client: LanguageClient, workspace: Path
) -> None:
    bp = workspace / "v2-app" / "orders_bp.py"
    # The name inside the quotes, as references and rename report it.
    assert await definition(client, bp, "msg: func.QueueMessage") == [
        loc(bp, at(bp, '"msg"', 3, 1))
    ]
    assert await definition(client, bp, 'arg_name="msg"', 11) == [loc(bp, at(bp, "msg: func", 3))]


async def test_v1_parameter_to_function_json_and_back(
    client: LanguageClient, workspace: Path
) -> None:
    script = workspace / "v1-app" / "process_order" / "__init__.py"
    config = workspace / "v1-app" / "process_order" / "function.json"
    assert await definition(client, script, "receipt: func.Out") == [
        loc(config, at(config, '"receipt"', 7, 1))
    ]
    assert await definition(client, config, '"receipt"', 2) == [
        loc(script, at(script, "receipt: func.Out", 7))
    ]


async def test_script_file_and_entry_point(client: LanguageClient, workspace: Path) -> None:
    config = workspace / "v1-app" / "create_order" / "function.json"
    script = workspace / "v1-app" / "create_order" / "handlers.py"
    zero = types.Range(types.Position(0, 0), types.Position(0, 0))
    assert await definition(client, config, '"handlers.py"', 3) == [loc(script, zero)]
    assert await definition(client, config, '"handle"', 3) == [
        loc(script, at(script, "def handle", 6, 4))
    ]


async def test_connection_and_percent_setting_to_local_settings(
    client: LanguageClient, workspace: Path
) -> None:
    bp = workspace / "v2-app" / "orders_bp.py"
    settings = workspace / "v2-app" / "local.settings.json"
    assert await definition(client, bp, '"ServiceBusConnection"', 5) == [
        loc(settings, span(settings, '"ServiceBusConnection"'))
    ]
    assert await definition(client, bp, "%PAYMENTS_QUEUE%", 4) == [
        loc(settings, span(settings, '"PAYMENTS_QUEUE"'))
    ]


async def test_blueprint_variable_to_its_definition(
    client: LanguageClient, workspace: Path
) -> None:
    main = workspace / "v2-app" / "function_app.py"
    bp = workspace / "v2-app" / "orders_bp.py"
    created = at(bp, "bp = func.Blueprint()")
    assert await definition(client, main, "register_functions(orders)", 20) == [loc(bp, created)]
    assert await definition(client, bp, "bp.queue_trigger", 0) == [loc(bp, created)]


async def test_blueprint_import_to_its_definition(client: LanguageClient, workspace: Path) -> None:
    """``from orders_bp import bp as orders``: the module, the name and the alias each go to
    the blueprint (QA in eglot 1.9, where funcls is the only Python server: all three were
    null)."""
    main = workspace / "v2-app" / "function_app.py"
    bp = workspace / "v2-app" / "orders_bp.py"
    created = [loc(bp, at(bp, "bp = func.Blueprint()"))]
    line = "from orders_bp import bp as orders"
    assert await definition(client, main, line, len("from orde")) == created
    assert await definition(client, main, line, len("from orders_bp import b")) == created
    assert await definition(client, main, line, len("from orders_bp import bp as ord")) == created
    # The keywords and the other imports lead nowhere.
    assert await definition(client, main, line, len("from orders_bp imp")) is None
    assert await definition(client, main, "import csv", len("import c")) is None


async def test_references_of_a_setting(client: LanguageClient, workspace: Path) -> None:
    settings = workspace / "v2-app" / "local.settings.json"
    bp = workspace / "v2-app" / "orders_bp.py"
    found = await refs(client, settings, '"ServiceBusConnection"', 3)
    assert found == [
        loc(settings, span(settings, '"ServiceBusConnection"')),
        loc(bp, span(bp, '"ServiceBusConnection"')),
    ]
    without = await refs(client, settings, '"ServiceBusConnection"', 3, decl=False)
    assert without == [loc(bp, span(bp, '"ServiceBusConnection"'))]
    storage = await refs(client, bp, 'connection="AzureWebJobsStorage"', 15, decl=False)
    assert len(storage) == 7  # every storage binding of the v2 app, in both modules


async def test_references_of_a_queue_name_reach_producers_and_consumers(
    client: LanguageClient, workspace: Path
) -> None:
    bp = workspace / "v2-app" / "orders_bp.py"
    v1_out = workspace / "v1-app" / "create_order" / "function.json"
    v1_in = workspace / "v1-app" / "process_order" / "function.json"
    found = await refs(client, bp, 'queue_name="orders"', 13)
    assert found == [
        loc(v1_out, span(v1_out, '"orders"', nth=1)),
        loc(v1_in, span(v1_in, '"orders"')),
        loc(bp, span(bp, '"orders"', nth=3)),
        loc(bp, span(bp, '"orders"', nth=4)),
    ]


async def test_references_of_a_parameter(client: LanguageClient, workspace: Path) -> None:
    bp = workspace / "v2-app" / "orders_bp.py"
    found = await refs(client, bp, "msg: func.QueueMessage")
    assert found == [
        loc(bp, at(bp, '"msg"', 3, 1)),
        loc(bp, at(bp, "msg: func", 3)),
        loc(bp, at(bp, "msg.get_json", 3)),
        loc(bp, at(bp, "msg.dequeue_count", 3)),
    ]


async def test_definition_and_references_agree_on_the_column(
    client: LanguageClient, workspace: Path
) -> None:
    bp = workspace / "v2-app" / "orders_bp.py"
    (target,) = await definition(client, bp, "msg: func.QueueMessage")  # type: ignore[misc]
    assert target in await refs(client, bp, "msg: func.QueueMessage")


@pytest.mark.parametrize("app", ["v2-app", "v1-app"])
async def test_what_a_function_reads_from_its_trigger(
    client: LanguageClient, workspace: Path, app: str
) -> None:
    script = workspace / app / ("function_app.py" if app == "v2-app" else "get_product/__init__.py")
    route = script if app == "v2-app" else workspace / app / "get_product" / "function.json"
    # req.route_params["id"] -> the parameter in the route template.
    assert await definition(client, script, 'req.route_params["id"]', 6) == [
        loc(route, at(route, "{id:int}", 2, 1))
    ]
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri(script)), position(script, '"id"]', 1))
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.value.startswith(
        "Route parameter `id` of `products/{id:int}`, constrained to `int`"
    )
    assert hover.range == at(script, 'req.route_params["id"]')
    # payment.get_body() -> the binding of payment.
    reader = (
        workspace / app / ("orders_bp.py" if app == "v2-app" else "payment_received/__init__.py")
    )
    feeds = (
        workspace / app / ("orders_bp.py" if app == "v2-app" else "payment_received/function.json")
    )
    quoted = 'arg_name="payment"' if app == "v2-app" else '"payment"'
    (target,) = await definition(client, reader, "payment.get_body()", 9)  # type: ignore[misc]
    assert target == loc(feeds, at(feeds, quoted, 7, len(quoted) - 8))


async def test_settings_of_a_binding_being_typed_in_function_json(
    client: LanguageClient, workspace: Path
) -> None:
    """A key still open below drops the binding object from the model; hover and definition on
    its connection and on a %Setting% read the tolerant parse (found in Neovim: the hover
    described the key with an empty range, definition answered nothing). Non-ASCII text before
    the values on their line: the columns are in the encoding the client agreed."""
    path = workspace / "v1-app" / "process_order" / "function.json"
    settings = workspace / "v1-app" / "local.settings.json"
    line = (
        '      "description": "注文😀", "queueName": "%PAYMENTS_QUEUE%",'
        ' "connection": "AzureWebJobsStorage",'
    )
    text = '{\n  "bindings": [\n    {\n      "type": "queueTrigger",\n'
    text += f'{line}\n      "dir\n    }}\n  ]\n}}\n'.replace("}}", "}")

    def at(needle: str, offset: int) -> types.Position:
        before = line[: line.index(needle) + offset]
        units = {"utf-8": len(before.encode()), "utf-16": len(before.encode("utf-16-le")) // 2}
        return types.Position(4, units.get(encoding_of(client), len(before)))

    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri(path), "json", 1, text))
    )
    try:
        for needle, setting in (
            ('"AzureWebJobsStorage"', "AzureWebJobsStorage"),
            ('"%PAYMENTS_QUEUE%"', "PAYMENTS_QUEUE"),
        ):
            params = (types.TextDocumentIdentifier(uri(path)), at(needle, 4))
            hover = await client.text_document_hover_async(types.HoverParams(*params))
            assert hover is not None and isinstance(hover.contents, types.MarkupContent)
            assert hover.contents.value.startswith(f"**App setting** `{setting}`")
            assert hover.range == types.Range(at(needle, 0), at(needle, len(needle)))
            found = await client.text_document_definition_async(types.DefinitionParams(*params))
            assert found == [loc(settings, span(settings, f'"{setting}"'))]
    finally:
        client.text_document_did_close(
            types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri(path)))
        )


async def test_a_connection_value_being_typed_in_function_json(
    client: LanguageClient, workspace: Path
) -> None:
    """'"connection": "AzureWebJobsStorage' with its closing quote not typed yet: the parse
    drops the value (found in Neovim: hover described the key over an empty range, definition
    answered nothing); both read the string as typed to the line's end, the cursor at its end
    included."""
    path = workspace / "v1-app" / "process_order" / "function.json"
    settings = workspace / "v1-app" / "local.settings.json"
    whole = path.read_text()
    typed = whole.replace('"AzureWebJobsStorage"\n    },', '"AzureWebJobsStorage\n    },', 1)
    assert typed != whole
    line_no = typed.split("\n").index('      "connection": "AzureWebJobsStorage')
    line = typed.split("\n")[line_no]
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri(path), "json", 1, typed))
    )
    try:
        for column in (line.index("Azure") + 3, len(line)):
            params = (types.TextDocumentIdentifier(uri(path)), types.Position(line_no, column))
            hover = await client.text_document_hover_async(types.HoverParams(*params))
            assert hover is not None and isinstance(hover.contents, types.MarkupContent)
            assert hover.contents.value.startswith("**App setting** `AzureWebJobsStorage`")
            start = types.Position(line_no, line.index('"Azure'))
            assert hover.range == types.Range(start, types.Position(line_no, len(line)))
            found = await client.text_document_definition_async(types.DefinitionParams(*params))
            assert found == [loc(settings, span(settings, '"AzureWebJobsStorage"'))]
    finally:
        client.text_document_did_close(
            types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri(path)))
        )


async def test_a_setting_read_by_the_code(client: LanguageClient, workspace: Path) -> None:
    """os.environ["PAYMENTS_QUEUE"] / os.getenv(…) name an app setting: hover describes it
    over the name and definition goes to its key in local.settings.json (they answered
    nothing; found in Neovim)."""
    path = workspace / "v2-app" / "orders_bp.py"
    settings = workspace / "v2-app" / "local.settings.json"
    reads = 'A = os.environ["PAYMENTS_QUEUE"]\nB = os.getenv("PAYMENTS_QUEUE", "payments")\n'
    text = path.read_text().replace("import json\n", "import json\nimport os\n\n" + reads, 1)
    lines = text.split("\n")
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri(path), "python", 1, text))
    )
    try:
        for first in ("A = ", "B = "):
            n = next(i for i, x in enumerate(lines) if x.startswith(first))
            start = lines[n].index("PAYMENTS_QUEUE")
            rng = types.Range(types.Position(n, start), types.Position(n, start + 14))
            params = (types.TextDocumentIdentifier(uri(path)), types.Position(n, start + 3))
            hover = await client.text_document_hover_async(types.HoverParams(*params))
            assert hover is not None and isinstance(hover.contents, types.MarkupContent)
            assert hover.contents.value.startswith("**App setting** `PAYMENTS_QUEUE`")
            assert hover.range == rng
            found = await client.text_document_definition_async(types.DefinitionParams(*params))
            assert found == [loc(settings, span(settings, '"PAYMENTS_QUEUE"'))]
    finally:
        client.text_document_did_close(
            types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri(path)))
        )
