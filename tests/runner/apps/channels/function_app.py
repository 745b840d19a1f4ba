"""Producers that send what an HTTP request carries to a Service Bus queue, an event hub and
a Cosmos DB container, and the functions those trigger, which read each item of a list; an
Event Grid function reading the event's data (tests/runner/test_run_channel_samples.py)."""

import json

import azure.functions as func

app = func.FunctionApp()


@app.route(route="orders", methods=["POST"])
@app.service_bus_queue_output(arg_name="out", queue_name="Orders", connection="BUS")
def send_order(req: func.HttpRequest, out: func.Out[str]) -> func.HttpResponse:
    order = req.get_json()
    if len(order["items"]) == 0:
        return func.HttpResponse("an order needs items", status_code=400)
    out.set(json.dumps(order))
    return func.HttpResponse("queued", status_code=202)


@app.service_bus_queue_trigger(arg_name="msg", queue_name="orders", connection="BUS")
def take_order(msg: func.ServiceBusMessage) -> None:
    order = json.loads(msg.get_body().decode())
    for item in order["items"]:
        print("order line", item["product"], int(item.get("qty", 1)))


@app.route(route="readings", methods=["POST"])
@app.event_hub_output(arg_name="out", event_hub_name="readings", connection="HUB")
def send_readings(req: func.HttpRequest, out: func.Out[str]) -> func.HttpResponse:
    batch = req.get_json()
    print("readings", len(batch["samples"]))
    out.set(json.dumps(batch))
    return func.HttpResponse("sent")


@app.event_hub_message_trigger(arg_name="event", event_hub_name="readings", connection="HUB")
def store_readings(event: func.EventHubEvent) -> None:
    batch = json.loads(event.get_body())
    for sample in batch["samples"]:
        print("reading", float(sample["value"]))


@app.route(route="carts", methods=["POST"])
@app.cosmos_db_output(
    arg_name="out", database_name="shop", container_name="carts", connection="COSMOS"
)
def save_cart(req: func.HttpRequest, out: func.Out[func.Document]) -> func.HttpResponse:
    cart = req.get_json()
    print("cart of", len(cart["entries"]))
    out.set(func.Document.from_dict(cart))
    return func.HttpResponse("saved")


@app.cosmos_db_trigger(
    arg_name="docs",
    database_name="shop",
    container_name="carts",
    connection="COSMOS",
    lease_container_name="leases",
    create_lease_container_if_not_exists=True,
)
def price_carts(docs: func.DocumentList) -> None:
    for doc in docs:
        for entry in doc["entries"]:
            print("entry", entry["sku"])


@app.event_grid_trigger(arg_name="event")
def index_files(event: func.EventGridEvent) -> None:
    data = event.get_json()
    for file in data["files"]:
        print("file", file["url"])
