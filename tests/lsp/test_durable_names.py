"""Durable Functions names in code, for every recorded client: in ``call_activity("…")``,
``call_sub_orchestrator("…")`` and ``start_new("…")`` go to definition lands on the named
function's def (by its name ignoring case, or its trigger's ``activity`` / ``orchestration``),
hover describes it, and completion offers the app's functions of that kind."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.accept import accept, shown
from tests.lsp.support import position, uri, write_app
from tests.lsp.test_completion import complete_text, honours

pytestmark = pytest.mark.asyncio(loop_scope="module")

SCRIPT = """import azure.durable_functions as df
import azure.functions as func

app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="start")
@app.durable_client_input(client_name="client")
async def start(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    instance_id = await client.start_new("Chain", None, None)
    return client.create_check_status_response(req, instance_id)


@app.route(route="start-fan")
@app.durable_client_input(client_name="client")
async def start_fan(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    instance_id = await client.start_new(
        "fan", None, None
    )
    return client.create_check_status_response(req, instance_id)


@app.orchestration_trigger(context_name="context")
def chain(context: df.DurableOrchestrationContext):
    first = yield context.call_activity("say_hello", "Tokyo")
    rest = yield context.call_sub_orchestrator("fan", first)
    last = yield context.call_activity(
        "say_hello", "a city whose name is long enough to wrap the call"
    )
    return [first, rest, last]


@app.orchestration_trigger(context_name="context", orchestration="fan")
def fan_out(context: df.DurableOrchestrationContext):
    return (yield context.call_activity_with_retry("shout", df.RetryOptions(1000, 3), "x"))


@app.activity_trigger(input_name="city")
def say_hello(city: str) -> str:
    return f"Hello {city}"


@app.activity_trigger(input_name="text", activity="shout")
def make_loud(text: str) -> str:
    return text.upper()
"""


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ws")
    write_app(root / "durable-app", SCRIPT)
    (root / "durable-app" / "requirements.txt").write_text(
        "azure-functions\nazure-functions-durable\n"
    )
    return root


def script(workspace: Path) -> Path:
    return workspace / "durable-app" / "function_app.py"


def def_of(path: Path, name: str) -> types.Location:
    start = position(path, f"def {name}(", 4)
    return types.Location(
        uri(path), types.Range(start, types.Position(start.line, start.character + len(name)))
    )


@pytest.mark.parametrize(
    ("needle", "offset", "target"),
    [
        ('call_activity("say_hello"', 16, "say_hello"),
        ('call_sub_orchestrator("fan"', 24, "fan_out"),  # named by orchestration=
        ('start_new("Chain"', 12, "chain"),  # the extension ignores case
        ('call_activity_with_retry("shout"', 27, "make_loud"),  # named by activity=
        # The name on the line after the call's parenthesis.
        ('"fan", None, None', 2, "fan_out"),
        ('"say_hello", "a city', 3, "say_hello"),
    ],
)
async def test_definition_and_hover_of_a_durable_name(
    client: LanguageClient, workspace: Path, needle: str, offset: int, target: str
) -> None:
    path = script(workspace)
    pos = position(path, needle, offset)
    found = await client.text_document_definition_async(
        types.DefinitionParams(types.TextDocumentIdentifier(uri(path)), pos)
    )
    assert found == [def_of(path, target)]
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri(path)), pos)
    )
    assert hover is not None
    text = hover.contents.value if isinstance(hover.contents, types.MarkupContent) else ""
    assert f"**Function** `{target}` (v2)" in text
    line = def_of(path, target).range.start.line + 1
    assert text.endswith(f"`def {target}` (function_app.py:{line})")


async def test_no_definition_for_a_name_no_function_has(
    client: LanguageClient, workspace: Path
) -> None:
    path = script(workspace)
    marked = path.read_text().replace('call_activity("say_hello"', 'call_activity("say_bye"')
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri(path), "python", 1, marked))
    )
    try:
        found = await client.text_document_definition_async(
            types.DefinitionParams(
                types.TextDocumentIdentifier(uri(path)),
                position(path, "context.call_activity", 24),
            )
        )
    finally:
        client.text_document_did_close(
            types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri(path)))
        )
    assert found is None


@pytest.mark.parametrize(
    ("typed", "labels", "picked"),
    [
        # The activities, by the name a call gives (activity= for make_loud).
        ('context.call_activity("‸', ["say_hello", "shout"], 'context.call_activity("say_hello"'),
        ('context.call_activity("sa‸")', ["say_hello"], 'context.call_activity("say_hello")'),
        (
            'context.call_sub_orchestrator("‸")',
            ["chain", "fan"],
            'context.call_sub_orchestrator("chain")',
        ),
        (
            'context.call_activity(\n        "s‸"',
            ["say_hello", "shout"],
            'context.call_activity(\n        "say_hello"',
        ),
    ],
)
async def test_completion_offers_the_functions_of_the_kind_called(
    client: LanguageClient, workspace: Path, typed: str, labels: list[str], picked: str
) -> None:
    path = script(workspace)
    source = path.read_text()
    read = 'context.call_activity("say_hello", "Tokyo")'
    marked = source.replace(read, typed, 1)
    plain, cursor, items = await complete_text(client, path, marked)
    assert shown(plain, cursor, items, honours(client)) == labels
    assert {i.detail for i in items} <= {
        "activity in function_app.py",
        "orchestrator in function_app.py",
    }
    assert accept(plain, cursor, items, labels[0], honours(client)) == source.replace(
        read, picked, 1
    )
