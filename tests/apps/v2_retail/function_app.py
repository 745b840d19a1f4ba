"""Retail back office: prices, orders, images and imports, plus three registered blueprints."""

import json
import logging
from typing import List

import azure.functions as func

from blueprints import inventory_bp, reports
from catalog_bp import bp as catalog
from settings import IMAGES_CONTAINER, ORDERS_QUEUE, PRICE_TABLE, STORAGE

PRICE_ROUTE = "prices/{sku:alpha}"
REORDER_SCHEDULE = "0 30 6 * * 1-5"
THUMBNAIL_PATH = f"thumbnails/{{name}}-{128}.jpg"

app = func.FunctionApp(http_auth_level=func.AuthLevel.FUNCTION)


@app.function_name(name="HealthCheck")
@app.route(route="health", methods=[func.HttpMethod.GET], auth_level=func.AuthLevel.ANONYMOUS)
def health(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("ok")


@app.route(route=PRICE_ROUTE, methods=["GET", "HEAD"])
@app.table_input(
    arg_name="price",
    table_name=PRICE_TABLE,
    partition_key="prices",
    row_key="{sku}",
    connection=STORAGE,
)
def get_price(req: func.HttpRequest, price: str) -> func.HttpResponse:
    if not price:
        return func.HttpResponse(status_code=404)
    return func.HttpResponse(price, mimetype="application/json")


@app.table_output(arg_name="row", table_name=PRICE_TABLE, connection=STORAGE)
@app.route(route="prices", methods=["POST", "PUT"], auth_level="admin")
def set_price(req: func.HttpRequest, row: func.Out[str]) -> func.HttpResponse:
    body = req.get_json()
    row.set(json.dumps({"PartitionKey": "prices", "RowKey": body["sku"], "Price": body["price"]}))
    return func.HttpResponse(status_code=204)


app.register_functions(catalog)


@app.route(
    route="orders/{orderId:guid}/items/{line:int?}",
    methods=[func.HttpMethod.GET, func.HttpMethod.DELETE],
    trigger_arg_name="request",
)
def order_item(request: func.HttpRequest) -> func.HttpResponse:
    line = request.route_params.get("line")
    return func.HttpResponse(f"order {request.route_params['orderId']} line {line}")


@app.route()
def ping(req: func.HttpRequest) -> str:
    return "pong"


@app.route(route="orders", methods=["POST"], binding_arg_name="response")
@app.queue_output(arg_name="outbound", queue_name=ORDERS_QUEUE, connection=STORAGE)
def submit_order(
    req: func.HttpRequest,
    outbound: func.Out[str],
    response: func.Out[func.HttpResponse],
) -> None:
    outbound.set(req.get_body().decode())
    response.set(func.HttpResponse(status_code=202))


@app.queue_trigger(
    arg_name="msg", queue_name=ORDERS_QUEUE, connection=STORAGE, data_type=func.DataType.STRING
)
@app.retry(
    strategy="exponential_backoff",
    max_retry_count="5",
    minimum_interval="00:00:10",
    maximum_interval="00:15:00",
)
@app.blob_output(arg_name="invoice", path="invoices/{id}.json", connection=STORAGE)
def fulfil_order(msg: func.QueueMessage, invoice: func.Out[str]) -> None:
    order = msg.get_json()
    logging.info("fulfilling %s", order["id"])
    invoice.set(json.dumps({"order": order["id"], "total": order.get("total", 0)}))


@app.timer_trigger(schedule=REORDER_SCHEDULE, arg_name="timer", run_on_startup=False, use_monitor=True)
@app.queue_output(arg_name="reorders", queue_name="reorders", connection=STORAGE)
def nightly_reorder(timer: func.TimerRequest, reorders: func.Out[List[str]]) -> None:
    reorders.set(["sku-1", "sku-2"])


@app.schedule(schedule="0 0 * * * *", arg_name="tick")
def hourly_cleanup(tick: func.TimerRequest) -> None:
    logging.info("cleanup, past due: %s", tick.past_due)


@app.warm_up_trigger("warmup")
def warm_up(warmup) -> None:
    logging.info("instance warming up")


@app.blob_trigger(
    arg_name="image",
    path=IMAGES_CONTAINER + "/{name}.jpg",
    connection=STORAGE,
    source=func.BlobSource.EVENT_GRID,
)
@app.blob_output(arg_name="thumb", path=THUMBNAIL_PATH, connection=STORAGE, data_type="binary")
def make_thumbnail(image: func.InputStream, thumb: func.Out[bytes]) -> None:
    thumb.set(image.read()[:128])


app.register_blueprint(inventory_bp)


@app.blob_input(arg_name="mapping", path="config/column-map.json", connection="ImportStorage")
@app.blob_trigger(
    arg_name="manifest",
    path="imports/{date}/{name}.csv",
    connection="ImportStorage",
    source="LogsAndContainerScan",
    data_type="STRING",
)
@app.blob_output(
    arg_name="report", path="imports/{date}/{name}.report.json", connection="ImportStorage"
)
def import_manifest(manifest: str, mapping: str, report: func.Out[str]) -> None:
    columns = json.loads(mapping)
    report.set(json.dumps({"lines": manifest.count("\n"), "columns": columns}))


@app.cosmos_db_trigger(
    arg_name="changes",
    connection="CosmosConnection",
    database_name="retail",
    container_name="products",
    lease_container_name="leases",
    create_lease_container_if_not_exists=True,
    max_items_per_invocation=100,
)
@app.cosmos_db_output(
    arg_name="audit",
    connection="CosmosConnection",
    database_name="retail",
    container_name="audit",
    create_if_not_exists=True,
    partition_key="/sku",
)
def product_changes(changes: func.DocumentList, audit: func.Out[func.DocumentList]) -> None:
    audit.set(func.DocumentList([func.Document.from_dict({"sku": d["id"]}) for d in changes]))


@app.cosmos_db_input(
    arg_name="product",
    connection="CosmosConnection",
    database_name="retail",
    container_name="products",
    id="{id}",
    partition_key="{id}",
)
@app.function_name("ProductById")
@app.route(route="products/{id}", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def product_by_id(req: func.HttpRequest, product: func.DocumentList) -> func.HttpResponse:
    if not product:
        return func.HttpResponse(status_code=404)
    return func.HttpResponse(product[0].to_json(), mimetype="application/json")


@app.orchestration_trigger(context_name="context")
def restock_orchestrator(context):
    skus = context.get_input() or []
    results = yield context.task_all([context.call_activity("restock_item", s) for s in skus])
    return results


@app.activity_trigger(input_name="sku")
def restock_item(sku: str) -> str:
    return f"restocked {sku}"


app.register_functions(reports.bp)
