"""Inputs of a by-hand run: samples from the binding model, saved inputs, resolution order,
and the summary line and user frame of the structured result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from funcls.model.loader import load_app
from funcls.model.run_inputs import (
    InputError,
    read_saved,
    resolve_input,
    sample_blob_name,
    sample_input,
    with_entry,
)
from funcls.model.source import Source
from funcls.runner.durable.store import DurableStore
from funcls.runner.run_result import summary, user_frame

APP = """import json
import azure.functions as func

app = func.FunctionApp()


@app.route(route="items/{id:int}/{slug?}", methods=["GET", "POST"])
def item(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("x")


@app.route(route="orders", methods=["post"])
def order(req: func.HttpRequest) -> func.HttpResponse:
    body = req.get_json()
    for line in body["lines"]:
        pass
    tags = body.get("tags")
    return func.HttpResponse(f"{body.get('customer')} {len(tags)}")


@app.queue_trigger(arg_name="msg", queue_name="q", connection="AzureWebJobsStorage")
def work(msg: func.QueueMessage) -> None:
    data = json.loads(msg.get_body().decode())
    print(data["id"], msg.get_json().get("kind"))


@app.queue_trigger(arg_name="msg", queue_name="t", connection="AzureWebJobsStorage")
def text(msg: func.QueueMessage) -> None:
    print(msg.get_body())


@app.blob_trigger(arg_name="b", path="in/{name}.csv", connection="AzureWebJobsStorage")
def blob(b: func.InputStream) -> None:
    pass


@app.timer_trigger(arg_name="t", schedule="0 * * * * *")
def tick(t: func.TimerRequest) -> None:
    pass
"""


@pytest.fixture
def app(tmp_path: Path) -> Any:
    (tmp_path / "host.json").write_text('{"version": "2.0"}')
    (tmp_path / "function_app.py").write_text(APP)
    return load_app(str(tmp_path), Source())


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("item", {"method": "GET", "path": "/api/items/1"}),
        (
            "order",
            {
                "method": "POST",
                "path": "/api/orders",
                "headers": {"content-type": "application/json"},
                "body": {"lines": ["sample"], "tags": ["sample"], "customer": "sample"},
            },
        ),
        ("work", {"body": {"id": "sample", "kind": "sample"}}),
        ("text", {"body": "sample message"}),
        ("blob", {"name": "in/sample.csv", "body": "sample content"}),
        ("tick", {"body": {"isPastDue": False}}),
    ],
)
def test_samples_follow_the_bindings_and_the_json_the_code_reads(
    app: Any, name: str, expected: dict[str, Any]
) -> None:
    assert sample_input(app, app.function(name)) == expected


@pytest.mark.parametrize(
    ("pattern", "name"),
    [
        ("uploads/{name}", "uploads/sample.txt"),
        ("in/{name}.csv", "in/sample.csv"),
        ("in/{a}/{b}.json", "in/sample/sample.json"),
        ("%CONTAINER%/{name}", "samples/sample.txt"),
    ],
)
def test_sample_blob_names_match_the_trigger_path(pattern: str, name: str) -> None:
    assert sample_blob_name(pattern) == name


def test_given_parts_win_then_saved_then_sample(app: Any, tmp_path: Path) -> None:
    (tmp_path / "funcls.inputs.json").write_text(
        '{"ITEM": {"path": "/api/items/7", "headers": {"x-a": "1"}}, "tick": {"body": "late"}}'
    )
    saved = read_saved(str(tmp_path))
    assert saved.error is None
    request, origins = resolve_input(app, app.function("item"), {"method": "POST"}, saved)
    assert request == {"method": "POST", "path": "/api/items/7", "headers": {"x-a": "1"}}
    assert origins == ["given", "saved"]
    with pytest.raises(InputError, match="takes body, name as input, not method"):
        resolve_input(app, app.function("blob"), {"method": "GET"}, saved)
    with pytest.raises(InputError, match="headers of 'item' must be an object"):
        resolve_input(app, app.function("item"), {"headers": ["x"]}, saved)


def test_a_broken_saved_file_is_reported_with_its_place(tmp_path: Path) -> None:
    (tmp_path / "funcls.inputs.json").write_text('{\n  "a": {"body": 1},\n  "b": [1]\n}')
    saved = read_saved(str(tmp_path))
    assert saved.entries == {"a": {"body": 1}}
    assert saved.error is not None and saved.error.endswith(
        "funcls.inputs.json:3:3: the input of 'b' must be an object such as {\"body\": …}"
    )
    with pytest.raises(InputError, match="not a valid JSON object"):
        with_entry('{"a": ', "b", {})


def test_entries_are_added_keeping_the_file(tmp_path: Path) -> None:
    text = '{\r\n  "a": {"body": "kept as written"}\r\n}\r\n'
    added = with_entry(text, "b", {"body": ""})
    assert (
        added
        == '{\r\n  "a": {"body": "kept as written"},\r\n  "b": {\r\n    "body": ""\r\n  }\r\n}\r\n'
    )


@pytest.mark.parametrize(
    ("result", "line"),
    [
        (
            {"function": "f", "durationMs": 3.14, "status": 200, "statusText": "OK", "body": "hi"},
            "f → 200 OK in 3.1 ms: hi",
        ),
        (
            {"function": "f", "durationMs": 12.4, "status": 404, "statusText": "Not Found"},
            "f → 404 Not Found in 12 ms",
        ),
        (
            {
                "function": "f",
                "durationMs": 2,
                "error": {"type": "KeyError", "message": "'id'", "file": "/a/x.py", "line": 9},
            },
            "f failed in 2.0 ms at x.py:9: KeyError: 'id'",
        ),
        (
            {
                "function": "f",
                "durationMs": 15000,
                "outputs": [{"name": "o", "sent": False, "target": "topic=t", "type": "x"}],
            },
            "f succeeded in 15.0 s: o → (not sent) topic=t",
        ),
    ],
)
def test_summary_names_the_outcome(result: dict[str, Any], line: str) -> None:
    assert summary(result) == line


def test_the_user_frame_is_the_innermost_one_inside_the_app(tmp_path: Path) -> None:
    app = tmp_path / "app"
    trace = (
        "Traceback (most recent call last):\n"
        f'  File "{app}/function_app.py", line 12, in main\n'
        f'  File "{app}/helpers.py", line 3, in parse\n'
        f'  File "{app}/.venv/lib/python3.11/site-packages/lib.py", line 40, in go\n'
        '  File "/usr/lib/python3.11/json/__init__.py", line 346, in loads\n'
        "ValueError: bad\n"
    )
    assert user_frame(trace, str(app)) == (f"{app}/helpers.py", 3)
    assert user_frame("no frames", str(app)) is None


def test_every_sample_is_valid_against_the_inputs_schema(app: Any) -> None:
    import jsonschema

    from funcls.model.run_inputs import inputs_schema, is_http

    schema = inputs_schema({f.name: is_http(f) for f in app.functions})
    jsonschema.Draft7Validator.check_schema(schema)
    samples = {f.name: sample_input(app, f) for f in app.functions}
    jsonschema.validate(samples, schema)
    with pytest.raises(jsonschema.ValidationError, match="'name' was unexpected"):
        jsonschema.validate({"item": {"name": "a/b"}}, schema)
    with pytest.raises(jsonschema.ValidationError, match="'TRACE' is not one of"):
        jsonschema.validate({"other": {"method": "TRACE"}}, schema)


DURABLE_APP = """import azure.durable_functions as df
import azure.functions as func

app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="orchestrators/{functionName}")
@app.durable_client_input(client_name="client")
async def http_start(req: func.HttpRequest, client):
    instance_id = await client.start_new(req.route_params["functionName"])
    return client.create_check_status_response(req, instance_id)


@app.route(route="start/{name}/{id}")
@app.durable_client_input(client_name="client")
async def start_named(req: func.HttpRequest, client):
    which = req.route_params.get("name")
    instance_id = await client.start_new(which, req.route_params["id"])
    return client.create_check_status_response(req, instance_id)


@app.route(route="plain/{functionName}")
def plain(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("x")


@app.activity_trigger(input_name="city")
def hello(city: str) -> str:
    return city


@app.orchestration_trigger(context_name="context")
def chain(context: df.DurableOrchestrationContext):
    return (yield context.call_activity("hello", "Tokyo"))
"""


def test_a_durable_starter_sample_names_an_orchestrator_of_the_app(tmp_path: Path) -> None:
    # The Run lens and funcls invoke on the template's starter used to ask for an orchestrator
    # called '1' ("The function '1' doesn't exist ... is not an orchestrator function").
    (tmp_path / "host.json").write_text('{"version": "2.0"}')
    (tmp_path / "function_app.py").write_text(DURABLE_APP)
    app = load_app(str(tmp_path), Source())
    assert sample_input(app, app.function("http_start"))["path"] == "/api/orchestrators/chain"
    # The route parameter the starter passes to start_new, whatever its name (QA in
    # code-server: durable_v1's HttpStart, 'start/{name}', started an orchestrator '1').
    assert sample_input(app, app.function("start_named"))["path"] == "/api/start/chain/1"
    # Without a durable client the parameter is an ordinary one.
    assert sample_input(app, app.function("plain"))["path"] == "/api/plain/1"


STATUS_APP = """import azure.durable_functions as df
import azure.functions as func

app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="status/{instanceId}", methods=["GET"])
@app.durable_client_input(client_name="client")
async def get_status(req: func.HttpRequest, client):
    status = await client.get_status(req.route_params["instanceId"])
    return func.HttpResponse(status.runtime_status.value)


@app.route(route="approve/{id}/{event}", methods=["POST"])
@app.durable_client_input(client_name="client")
async def approve(req: func.HttpRequest, client):
    which = req.route_params.get("id")
    await client.raise_event(which, req.route_params["event"], True)
    return func.HttpResponse(status_code=202)


@app.orchestration_trigger(context_name="context")
def chain(context: df.DurableOrchestrationContext):
    return "done"
"""


def test_a_durable_status_sample_names_the_last_instance_the_runner_started(
    tmp_path: Path,
) -> None:
    # The Durable v2 status route used to ask for instance '1', which never exists; it names
    # the last top-level instance of the runner's store (a sub-orchestration is not one the
    # user started), and '1' while there is none.
    (tmp_path / "host.json").write_text('{"version": "2.0"}')
    (tmp_path / "function_app.py").write_text(STATUS_APP)
    app = load_app(str(tmp_path), Source())
    assert sample_input(app, app.function("get_status"))["path"] == "/api/status/1"
    store = DurableStore(tmp_path / ".funcls" / "durable" / "durable.db")
    try:
        store.create("first0001", "chain", None)
        store.create("second002", "chain", None)
        store.create("child0003", "chain", None, parent=("second002", 0, "exec"))
    finally:
        store.close()
    assert sample_input(app, app.function("get_status"))["path"] == "/api/status/second002"
    # raise_event's instance argument, through a name bound to the route parameter; the
    # event's name stays a sample.
    assert sample_input(app, app.function("approve"))["path"] == "/api/approve/second002/1"
    # A store that is not the runner's (no such table) is no instance.
    other = tmp_path / "other"
    other.mkdir()
    (other / "host.json").write_text('{"version": "2.0"}')
    (other / "function_app.py").write_text(STATUS_APP)
    (other / ".funcls" / "durable").mkdir(parents=True)
    (other / ".funcls" / "durable" / "durable.db").write_bytes(b"not a database")
    other_app = load_app(str(other), Source())
    assert sample_input(other_app, other_app.function("get_status"))["path"] == "/api/status/1"


QUERY_APP = """import azure.functions as func

app = func.FunctionApp()


@app.route(route="hello")
def hello(req: func.HttpRequest) -> func.HttpResponse:
    name = req.params.get("name")
    if not name:
        name = req.get_json().get("name")
    return func.HttpResponse(f"hello {name}")


@app.route(route="things", methods=["POST"])
def things(req: func.HttpRequest) -> func.HttpResponse:
    query = req.params
    body = req.get_json()
    return func.HttpResponse(f"{req.params['id']} {query.get('page', '1')} {body['title']}")


@app.route(route="plain", methods=["GET"])
def plain(req: func.HttpRequest) -> func.HttpResponse:
    params = {"name": "x"}
    return func.HttpResponse(params.get("name") + req.headers.get("x-id", ""))


@app.route(route="stock", methods=["GET"])
def stock(req: func.HttpRequest) -> func.HttpResponse:
    low = int(req.params.get("min", "0"))
    ratio = float(req.params["ratio"])
    limit = req.params.get("limit", 10)
    return func.HttpResponse(f"{low} {ratio} {limit} {req.params.get('sku', '')}")
"""


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "hello",  # the quickstart template: the query first, then the JSON body
            {
                "method": "GET",
                "path": "/api/hello",
                "query": {"name": "sample"},
                "headers": {"content-type": "application/json"},
                "body": {"name": "sample"},
            },
        ),
        (
            "things",
            {
                "method": "POST",
                "path": "/api/things",
                "query": {"id": "sample", "page": "sample"},
                "headers": {"content-type": "application/json"},
                "body": {"title": "sample"},
            },
        ),
        ("plain", {"method": "GET", "path": "/api/plain"}),  # a dict named params is not req's
        (
            # Typed as the code converts or defaults them (QA in Neovim: ?min=sample raised
            # ValueError on the first Run).
            "stock",
            {
                "method": "GET",
                "path": "/api/stock",
                "query": {"min": "1", "ratio": "1.0", "limit": "10", "sku": "sample"},
            },
        ),
    ],
)
def test_samples_carry_the_query_parameters_the_code_reads(
    tmp_path: Path, name: str, expected: dict[str, Any]
) -> None:
    (tmp_path / "host.json").write_text('{"version": "2.0"}')
    (tmp_path / "function_app.py").write_text(QUERY_APP)
    app = load_app(str(tmp_path), Source())
    sample = sample_input(app, app.function(name))
    assert sample == expected
    request, origins = resolve_input(app, app.function(name), None, None)
    assert request == expected and origins == ["sample"]


def test_a_saved_path_with_a_query_keeps_its_values(tmp_path: Path) -> None:
    (tmp_path / "host.json").write_text('{"version": "2.0"}')
    (tmp_path / "function_app.py").write_text(QUERY_APP)
    (tmp_path / "funcls.inputs.json").write_text(
        '{"things": {"path": "/api/things?id=7"}, "hello": {"path": "/api/hello?name=Bo"}}'
    )
    app = load_app(str(tmp_path), Source())
    saved = read_saved(str(tmp_path))
    request, origins = resolve_input(app, app.function("things"), None, saved)
    assert request["path"] == "/api/things?id=7"
    assert request["query"] == {"page": "sample"}  # what the saved path does not set
    assert origins == ["sample", "saved"]  # in the order of the parts: method first
    request, _ = resolve_input(app, app.function("hello"), None, saved)
    assert "query" not in request
    request, _ = resolve_input(app, app.function("hello"), {"query": {"name": "Al"}}, saved)
    assert request["query"] == {"name": "Al"}


HELPERS_APP = """import azure.functions as func

from shared import orders
from shared.orders import receipt_for
import shared.orders as orders_module

app = func.FunctionApp()


def local_helper(first, payload):
    return payload["local"]


@app.queue_trigger(arg_name="msg", queue_name="a", connection="AzureWebJobsStorage")
def by_name(msg: func.QueueMessage) -> None:
    order = msg.get_json()
    receipt_for(order)


@app.queue_trigger(arg_name="msg", queue_name="b", connection="AzureWebJobsStorage")
def by_module(msg: func.QueueMessage) -> None:
    body = msg.get_json()
    orders.new_order(body)
    orders_module.receipt_for(body)
    local_helper(1, body)


@app.queue_trigger(arg_name="msg", queue_name="c", connection="AzureWebJobsStorage")
def outside(msg: func.QueueMessage) -> None:
    body = msg.get_json()
    json.dumps(body)
    unknown(body)
"""

ORDERS = """def new_order(body):
    items = body.get("items")  # read with .get: a key the sample holds too
    return {"items": items, "who": body["customer"]}


def receipt_for(order):
    return [line["product"] for line in order["lines"]], order["id"]
"""


def test_samples_hold_the_keys_a_helper_of_the_app_subscripts(tmp_path: Path) -> None:
    """QA in code-server: v1-app's process_order passes its message to
    shared/orders.receipt_for, which reads order["items"]; the sample {"id": …} made the first
    ▶ Run fail with KeyError. One call deep, into the app's own modules."""
    (tmp_path / "host.json").write_text('{"version": "2.0"}')
    (tmp_path / "function_app.py").write_text(HELPERS_APP)
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "__init__.py").write_text("")
    (tmp_path / "shared" / "orders.py").write_text(ORDERS)
    app = load_app(str(tmp_path), Source())
    assert sample_input(app, app.function("by_name")) == {
        "body": {"lines": [{"product": "sample"}], "id": "sample"}
    }
    assert sample_input(app, app.function("by_module")) == {
        "body": {
            "items": "sample",
            "customer": "sample",
            "lines": [{"product": "sample"}],
            "id": "sample",
            "local": "sample",
        }
    }
    assert sample_input(app, app.function("outside")) == {"body": {}}


def test_a_helper_s_get_reads_and_the_lists_of_what_it_returns(tmp_path: Path) -> None:
    """samples/v1-app's create_order answered 400 to its sample ``{}``: it passes its body to
    shared/orders.new_order, which reads ``body.get("items")`` and refuses an order without
    items; create_order measures ``order["items"]`` of the dict new_order returns, so the
    sample's items is a list (one item, as for a function that measures them itself)."""
    (tmp_path / "host.json").write_text('{"version": "2.0"}')
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "__init__.py").write_text("")
    (tmp_path / "shared" / "orders.py").write_text(
        "def new_order(body):\n"
        '    items = body.get("items") if isinstance(body, dict) else None\n'
        "    if not items:\n"
        "        raise ValueError('no items')\n"
        '    return {"id": 1, "lines": items, "who": body.get("customer", "anonymous")}\n'
    )
    (tmp_path / "create").mkdir()
    (tmp_path / "create" / "function.json").write_text(
        '{"bindings": [{"type": "httpTrigger", "direction": "in", "name": "req",'
        ' "methods": ["post"]}, {"type": "http", "direction": "out", "name": "$return"}]}'
    )
    (tmp_path / "create" / "__init__.py").write_text(
        "import azure.functions as func\n\n"
        "from shared import orders\n\n\n"
        "def main(req: func.HttpRequest) -> func.HttpResponse:\n"
        "    body = req.get_json()\n"
        "    order = orders.new_order(body)\n"
        '    return func.HttpResponse(str(len(order["lines"])) + order["who"])\n'
    )
    app = load_app(str(tmp_path), Source())
    assert sample_input(app, app.function("create"))["body"] == {
        "items": ["sample"],
        "customer": "sample",
    }


def test_a_v1_function_s_relative_import_of_a_helper_is_followed(tmp_path: Path) -> None:
    (tmp_path / "host.json").write_text('{"version": "2.0"}')
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "__init__.py").write_text("")
    (tmp_path / "shared" / "orders.py").write_text(ORDERS)
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "function.json").write_text(
        '{"bindings": [{"type": "queueTrigger", "direction": "in", "name": "msg",'
        ' "queueName": "q", "connection": "AzureWebJobsStorage"}]}'
    )
    (tmp_path / "work" / "__init__.py").write_text(
        "import azure.functions as func\n\n"
        "from ..shared.orders import receipt_for\n\n\n"
        "def main(msg: func.QueueMessage) -> None:\n"
        "    order = msg.get_json()\n"
        "    receipt_for(order)\n"
    )
    app = load_app(str(tmp_path), Source())
    assert sample_input(app, app.function("work")) == {
        "body": {"lines": [{"product": "sample"}], "id": "sample"}
    }


LISTS_APP = """import azure.functions as func

app = func.FunctionApp()


@app.route(route="orders", methods=["POST"])
def create_order(req: func.HttpRequest) -> func.HttpResponse:
    body = req.get_json()
    items = body.get("items") if isinstance(body, dict) else None
    if not items:
        return func.HttpResponse("an order needs items", status_code=400)
    return func.HttpResponse(str(len(items)), status_code=202)


@app.queue_trigger(arg_name="msg", queue_name="q", connection="AzureWebJobsStorage")
def lines(msg: func.QueueMessage) -> None:
    order = msg.get_json()
    total = sum(int(line.get("qty", 1)) for line in order["lines"])
    names = [line["product"] + line["unit"] for line in order["lines"]]
    print(total, names)
"""


def test_a_sample_list_holds_one_item_with_the_keys_the_code_subscripts(tmp_path: Path) -> None:
    """QA in code-server: samples/v2-app's create_order refuses an empty "items" (400) and the
    sample sent []. An item is an object of the keys the code subscripts it with, and of those
    it reads with a typed .get: int(line.get("qty", 1)) gets a number (a "sample" would raise
    ValueError there)."""
    (tmp_path / "host.json").write_text('{"version": "2.0"}')
    (tmp_path / "function_app.py").write_text(LISTS_APP)
    app = load_app(str(tmp_path), Source())
    assert sample_input(app, app.function("create_order"))["body"] == {"items": ["sample"]}
    assert sample_input(app, app.function("lines")) == {
        "body": {"lines": [{"qty": 1, "product": "sample", "unit": "sample"}]}
    }


CHECKED_LISTS_APP = """import azure.functions as func

app = func.FunctionApp()


@app.route(route="orders", methods=["POST"])
def checked(req: func.HttpRequest) -> func.HttpResponse:
    body = req.get_json()
    if not isinstance(body.get("items"), list):
        return func.HttpResponse("items must be a list", status_code=400)
    for n, line in enumerate(body["lines"]):
        print(n, line["sku"])
    return func.HttpResponse(", ".join(sorted(body["tags"], key=str.lower)))


@app.route(route="people", methods=["POST"])
def guarded(req: func.HttpRequest) -> func.HttpResponse:
    body = req.get_json()
    if not body["name"]:
        return func.HttpResponse("a name, please", status_code=400)
    return func.HttpResponse(body["name"])
"""


def test_a_list_is_known_by_isinstance_and_the_builtins_that_iterate(tmp_path: Path) -> None:
    """``isinstance(body.get("items"), list)`` refused the sample's "sample" with a 400;
    ``enumerate`` and ``sorted`` iterate as ``for`` does (each item of ``enumerate`` takes the
    keys the code subscripts it with). A truth test alone says nothing of the type: a text is
    guarded with ``if not body["name"]`` as a list is."""
    (tmp_path / "host.json").write_text('{"version": "2.0"}')
    (tmp_path / "function_app.py").write_text(CHECKED_LISTS_APP)
    app = load_app(str(tmp_path), Source())
    assert sample_input(app, app.function("checked"))["body"] == {
        "items": ["sample"],
        "lines": [{"sku": "sample"}],
        "tags": ["sample"],
    }
    assert sample_input(app, app.function("guarded"))["body"] == {"name": "sample"}


BLOB_PAIR_APP = """import json

import azure.functions as func

app = func.FunctionApp()


@app.queue_trigger(arg_name="msg", queue_name="orders", connection="AzureWebJobsStorage")
@app.blob_output(arg_name="out", path="receipts/{id}.json", connection="AzureWebJobsStorage")
def write(msg: func.QueueMessage, out: func.Out[str]) -> None:
    order = msg.get_json()
    out.set(json.dumps({"id": order["id"]}))


@app.route(route="orders/{order}/receipt")
@app.blob_input(arg_name="receipt", path="receipts/{order}.json", connection="AzureWebJobsStorage")
def read(req: func.HttpRequest, receipt: str) -> func.HttpResponse:
    return func.HttpResponse(receipt)


@app.route(route="numbered/{order:int}")
@app.blob_input(arg_name="receipt", path="receipts/{order}.json", connection="AzureWebJobsStorage")
def numbered(req: func.HttpRequest, receipt: str) -> func.HttpResponse:
    return func.HttpResponse(receipt)


@app.route(route="other/{order}")
@app.blob_input(arg_name="receipt", path="receipts/{order}.txt", connection="AzureWebJobsStorage")
def other_path(req: func.HttpRequest, receipt: str) -> func.HttpResponse:
    return func.HttpResponse(receipt)


@app.route(route="elsewhere/{order}")
@app.blob_input(arg_name="receipt", path="receipts/{order}.json", connection="OtherStorage")
def other_account(req: func.HttpRequest, receipt: str) -> func.HttpResponse:
    return func.HttpResponse(receipt)
"""


@pytest.mark.parametrize(
    ("name", "path"),
    [
        # the writer's sample message {"id": "sample"} wrote receipts/sample.json
        ("read", "/api/orders/sample/receipt"),
        # the route's constraint refuses "sample": its own value stays
        ("numbered", "/api/numbered/1"),
        # another blob (another extension, another account): nothing to follow
        ("other_path", "/api/other/1"),
        ("other_account", "/api/elsewhere/1"),
    ],
)
def test_a_reader_s_route_follows_the_writer_of_its_blob(
    tmp_path: Path, name: str, path: str
) -> None:
    (tmp_path / "host.json").write_text('{"version": "2.0"}')
    (tmp_path / "function_app.py").write_text(BLOB_PAIR_APP)
    app = load_app(str(tmp_path), Source())
    assert sample_input(app, app.function("write"))["body"] == {"id": "sample"}
    assert sample_input(app, app.function(name))["path"] == path


COMPARED_APP = """import azure.functions as func

app = func.FunctionApp()

HANDLERS = {"export": None, "import": None}


@app.route(route="manage/{action}", methods=["POST"])
def manage(req: func.HttpRequest) -> func.HttpResponse:
    action = req.route_params["action"]
    instance_id = req.params.get("id", "")
    if action == "raise":
        print(instance_id, req.params["event"], req.get_json())
    elif action in ("suspend", "resume"):
        print(instance_id)
    elif "list" == action:
        return func.HttpResponse("[]")
    return func.HttpResponse(status_code=202)


@app.route(route="report/{id:int}")
def report(req: func.HttpRequest) -> func.HttpResponse:
    mode = req.params.get("mode")
    if mode == "":
        return func.HttpResponse("mode is empty", status_code=400)
    if mode not in ("csv", "json"):
        return func.HttpResponse("mode: csv or json", status_code=400)
    if req.route_params["id"] == "abc":  # not an int: the route's constraint wins
        pass
    return func.HttpResponse(mode)


@app.route(route="jobs/{kind}", methods=["POST"])
def jobs(req: func.HttpRequest) -> func.HttpResponse:
    body = req.get_json()
    match body["priority"]:
        case "high" | "low":
            pass
    if body.get("retries") == 3:
        pass
    return HANDLERS[req.route_params["kind"]]


@app.route(route="local/{verb}")
def local(req: func.HttpRequest) -> func.HttpResponse:
    table = {"ping": 1, "pong": 2}
    verb = req.route_params.get("verb")
    if table.get(verb) is None or req.params.get("n") == 1:  # a number: never a query's text
        return func.HttpResponse(status_code=404)
    return func.HttpResponse("ok")
"""


@pytest.mark.parametrize(
    ("name", "path", "query", "body"),
    [
        # The branch that uses no other input wins: "raise" also wants an id and an event.
        ("manage", "/api/manage/list", {"id": "sample", "event": "sample"}, {}),
        ("report", "/api/report/1", {"mode": "csv"}, None),
        ("jobs", "/api/jobs/export", None, {"priority": "high", "retries": 3}),
        ("local", "/api/local/ping", {"n": "sample"}, None),
    ],
)
def test_samples_send_a_value_the_code_compares_the_input_with(
    tmp_path: Path, name: str, path: str, query: Any, body: Any
) -> None:
    """QA in code-server: the Durable sample's manage starter, routed manage/{action}, got the
    action '1', which none of its branches takes."""
    from funcls.lsp.code_lens import run_title

    (tmp_path / "host.json").write_text('{"version": "2.0"}')
    (tmp_path / "function_app.py").write_text(COMPARED_APP)
    app = load_app(str(tmp_path), Source())
    sample = sample_input(app, app.function(name))
    assert sample["path"] == path
    assert sample.get("query") == query
    assert sample.get("body") == body
    # The lens title shows what a click sends.
    title = run_title(app, app.function(name))
    assert path in title and all(f"{k}={v}" in title for k, v in (query or {}).items())


QUEUED_APP = """import json

import azure.functions as func

app = func.FunctionApp()


@app.route(route="jobs", methods=["POST"])
@app.queue_output(arg_name="out", queue_name="Jobs", connection="AzureWebJobsStorage")
def submit(req: func.HttpRequest, out: func.Out[str]) -> func.HttpResponse:
    body = req.get_json()
    if not len(body["steps"]):
        return func.HttpResponse("no steps", status_code=400)
    out.set(json.dumps(body))
    return func.HttpResponse("queued", status_code=202)


@app.route(route="other", methods=["POST"])
@app.queue_output(arg_name="out", queue_name="%OTHER_QUEUE%", connection="AzureWebJobsStorage")
def elsewhere(req: func.HttpRequest, out: func.Out[str]) -> func.HttpResponse:
    body = req.get_json()
    out.set(json.dumps(body))
    return func.HttpResponse(str(len(body["steps"])))


@app.queue_trigger(arg_name="msg", queue_name="jobs", connection="AzureWebJobsStorage")
def work(msg: func.QueueMessage) -> None:
    job = msg.get_json()
    for step in job["steps"]:
        print(step["run"], step.get("timeout", 10))
"""


def test_a_list_s_items_take_the_keys_the_queue_s_consumer_reads(tmp_path: Path) -> None:
    """samples/v1-app and v2-app: create_order measures its items and queues the order for
    process_order, which reads item["product"]; the sample's item "sample" was accepted by
    create_order and failed process_order (TypeError). The consumer of the queue the function
    writes (the host's queue names are lowercase: 'Jobs' is 'jobs') gives the items' keys; a
    queue named by an app setting is not followed. The consumer's typed reads come too
    (step.get("timeout", 10): 10)."""
    (tmp_path / "host.json").write_text('{"version": "2.0"}')
    (tmp_path / "function_app.py").write_text(QUEUED_APP)
    app = load_app(str(tmp_path), Source())
    assert sample_input(app, app.function("submit"))["body"] == {
        "steps": [{"run": "sample", "timeout": 10}]
    }
    assert sample_input(app, app.function("elsewhere"))["body"] == {"steps": ["sample"]}


MODEL_APP = """import json
from dataclasses import dataclass, field
from typing import ClassVar, Literal, Optional

import azure.functions as func
from pydantic import BaseModel, Field

from shared.models import Address

app = func.FunctionApp()


class Line(BaseModel):
    product: int
    qty: int = 1
    note: Optional[str] = None


class Order(BaseModel):
    KIND: ClassVar[str] = "order"
    customer: str
    lines: list[Line]
    currency: Literal["eur", "usd"] = Field(default="eur")
    express: bool
    ship_to: Address


@dataclass
class Refund:
    order_id: str
    amount: float
    reason: "str | None"
    _seen: int = field(default=0, init=False)
    audit: list[str] = field(default_factory=list, init=False)


@app.route(route="orders/{shop}", methods=["POST"])
def create(req: func.HttpRequest) -> func.HttpResponse:
    order = Order.model_validate(req.get_json())
    return func.HttpResponse(order.customer)


@app.route(route="refunds", methods=["POST"])
def refund(req: func.HttpRequest) -> func.HttpResponse:
    body = req.get_json()
    r = Refund(**body)
    return func.HttpResponse(f"{r.amount} {body.get('ticket')}")


@app.queue_trigger(arg_name="msg", queue_name="q", connection="AzureWebJobsStorage")
def queued(msg: func.QueueMessage) -> None:
    order = Order.model_validate_json(msg.get_body())
    print(order)


@app.queue_trigger(arg_name="msg", queue_name="t", connection="AzureWebJobsStorage")
def typed(msg: func.QueueMessage) -> None:
    data = msg.get_json()
    for line in data["lines"]:
        print(line["sku"], int(line.get("qty", 1)), float(line["price"]), line.get("note"))
    print(data.get("currency", "eur"), int(data["count"]))
"""

MODELS = """from dataclasses import dataclass


@dataclass
class Address:
    street: str
    zip: int
"""

ORDER_SAMPLE = {
    "customer": "sample",
    "lines": [{"product": 1, "qty": 1, "note": "sample"}],
    "currency": "eur",
    "express": True,
    "ship_to": {"street": "sample", "zip": 1},
}


@pytest.fixture
def model_app(tmp_path: Path) -> Any:
    (tmp_path / "host.json").write_text('{"version": "2.0"}')
    (tmp_path / "function_app.py").write_text(MODEL_APP)
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "__init__.py").write_text("")
    (tmp_path / "shared" / "models.py").write_text(MODELS)
    return load_app(str(tmp_path), Source())


@pytest.mark.parametrize(
    ("name", "body"),
    [
        # The pydantic model the body is validated as: each field typed, a nested model of
        # the module, a dataclass imported from a module of the app, a Literal's first value.
        ("create", ORDER_SAMPLE),
        # A dataclass built with **body: no init=False field; a key read besides it after.
        ("refund", {"order_id": "sample", "amount": 1.0, "reason": "sample", "ticket": "sample"}),
        # model_validate_json of the message's bytes.
        ("queued", ORDER_SAMPLE),
        # Keys converted or defaulted get a value of that type (an untyped .get is left out
        # of an item: the code handles its absence).
        (
            "typed",
            {
                "lines": [{"sku": "sample", "qty": 1, "price": 1.0}],
                "currency": "sample",
                "count": 1,
            },
        ),
    ],
)
def test_samples_follow_the_model_and_the_types_the_code_reads(
    model_app: Any, name: str, body: dict[str, Any]
) -> None:
    assert sample_input(model_app, model_app.function(name))["body"] == body


def test_sample_bodies_are_accepted_by_the_models_they_describe(
    model_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sample bodies are valid input of the real pydantic model and dataclass (the app's
    modules imported here by the test, never by funcls)."""
    import importlib
    import sys

    monkeypatch.syspath_prepend(model_app.root)
    for name in ("function_app", "shared", "shared.models"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    module = importlib.import_module("function_app")
    try:
        order = module.Order.model_validate(
            sample_input(model_app, model_app.function("create"))["body"]
        )
        assert order.lines[0].product == 1 and order.ship_to.zip == 1
        body = sample_input(model_app, model_app.function("refund"))["body"]
        assert module.Refund(**{k: v for k, v in body.items() if k != "ticket"}).amount == 1.0
    finally:
        for name in ("function_app", "shared", "shared.models"):
            sys.modules.pop(name, None)


CHANNELS = Path(__file__).resolve().parents[2] / "runner" / "apps" / "channels"


def test_channel_samples_take_what_each_reader_reads() -> None:
    """Service Bus, Event Hubs and Cosmos DB: the producer's list items take the keys (and
    typed values) the channel's reader reads, as for a storage queue; the Cosmos DB reader's
    documents carry the keys it reads of each (``for doc in docs: doc["entries"]``); the Event
    Grid event's data keeps its list items' keys. tests/runner/test_run_channel_samples.py
    runs each through `funcls invoke`."""
    app = load_app(str(CHANNELS), Source())
    body = {f.name: sample_input(app, f)["body"] for f in app.functions}
    assert body["send_order"] == {"items": [{"product": "sample", "qty": 1}]}
    assert body["take_order"] == {"items": [{"product": "sample", "qty": 1}]}
    assert body["send_readings"] == {"samples": [{"value": 1.0}]}
    assert body["save_cart"] == {"entries": [{"sku": "sample"}]}
    assert body["price_carts"] == [{"id": "1", "entries": [{"sku": "sample"}]}]
    assert body["index_files"]["data"] == {"files": [{"url": "sample"}]}


def test_channels_are_matched_by_name_and_kind(tmp_path: Path) -> None:
    """A Service Bus topic is not a queue of the same name, another container is not the
    reader's, and a name from an app setting is not followed: the items stay "sample"."""
    text = (CHANNELS / "function_app.py").read_text()
    for old, new, producer, key in (
        ('queue_name="Orders"', 'queue_name="Orders2"', "send_order", "items"),
        (
            'container_name="carts", connection',
            'container_name="bins", connection',
            "save_cart",
            "entries",
        ),
        (
            'event_hub_name="readings", connection="HUB")\ndef send',
            'event_hub_name="%HUB_NAME%", connection="HUB")\ndef send',
            "send_readings",
            "samples",
        ),
    ):
        assert text.count(old) == 1, old
        (tmp_path / "host.json").write_text('{"version": "2.0"}')
        (tmp_path / "function_app.py").write_text(text.replace(old, new))
        app = load_app(str(tmp_path), Source())
        assert sample_input(app, app.function(producer))["body"] == {key: ["sample"]}, old
    # The same name as a topic: the queue's reader is not the topic's.
    topic = text.replace(
        '@app.service_bus_queue_output(arg_name="out", queue_name="Orders"',
        '@app.service_bus_topic_output(arg_name="out", topic_name="orders"',
    )
    (tmp_path / "function_app.py").write_text(topic)
    app = load_app(str(tmp_path), Source())
    assert sample_input(app, app.function("send_order"))["body"] == {"items": ["sample"]}


def test_a_reader_follows_its_writer_as_the_app_s_functions_change(tmp_path: Path) -> None:
    """blob_pairs keeps each app root's blob outputs for its last list of functions: a new
    list (a re-index), or a writer replaced in the same list, is read again."""
    (tmp_path / "host.json").write_text('{"version": "2.0"}')
    script = tmp_path / "function_app.py"
    script.write_text(BLOB_PAIR_APP)
    app = load_app(str(tmp_path), Source())
    assert sample_input(app, app.function("read"))["path"] == "/api/orders/sample/receipt"
    moved = BLOB_PAIR_APP.replace('path="receipts/{id}.json"', 'path="archive/{id}.json"')
    script.write_text(moved)
    again = load_app(str(tmp_path), Source())
    assert sample_input(again, again.function("read"))["path"] == "/api/orders/1/receipt"
    # The first app's list, its writer replaced by the second's (no longer a writer of it).
    at = next(i for i, fn in enumerate(app.functions) if fn.name == "write")
    assert sample_input(app, app.function("read"))["path"] == "/api/orders/sample/receipt"
    app.functions[at] = again.function("write")
    assert sample_input(app, app.function("read"))["path"] == "/api/orders/1/receipt"


def test_an_activity_s_sample_is_what_its_orchestrator_passes(tmp_path: Path) -> None:
    # QA in code-server: New function -> durable-orchestration, then Run on its activity,
    # answered 'Hello, !' (the sample input was "").
    from funcls.model.scaffold.durable import ORCHESTRATION, durable_module_text

    (tmp_path / "host.json").write_text('{"version": "2.0"}')
    (tmp_path / "function_app.py").write_text(
        "import azure.functions as func\n\nfrom greet import bp\n\n"
        "app = func.FunctionApp()\napp.register_functions(bp)\n"
    )
    (tmp_path / "greet.py").write_text(durable_module_text(ORCHESTRATION, "greet")[0])
    app = load_app(str(tmp_path), Source())
    assert sample_input(app, app.function("greet_activity")) == {"body": "Tokyo"}
    # A literal passed directly, by the function itself or through call_activity_with_retry.
    (tmp_path / "function_app.py").write_text(DURABLE_APP)
    app = load_app(str(tmp_path), Source())
    assert sample_input(app, app.function("hello")) == {"body": "Tokyo"}
    (tmp_path / "function_app.py").write_text(
        DURABLE_APP.replace(
            'call_activity("hello", "Tokyo")',
            "call_activity_with_retry(hello, df.RetryOptions(1000, 2), input_={'id': 7})",
        )
    )
    app = load_app(str(tmp_path), Source())
    assert sample_input(app, app.function("hello")) == {"body": {"id": 7}}
