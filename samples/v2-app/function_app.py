"""A small shop, written in the v2 (decorator) programming model.

The functions here cover the product catalogue, a periodic heartbeat and the processing of
uploaded price lists. The order workflow lives in ``orders_bp.py``, a blueprint registered
below.
"""

import csv
import io
import json
import logging
from datetime import datetime, timezone

import azure.functions as func

from orders_bp import bp as orders

# Every HTTP function of this app, blueprints included, answers without a function key.
app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)
app.register_functions(orders)

PRODUCTS = {
    1: {"id": 1, "name": "Espresso beans, 1 kg", "price": 18.5},
    2: {"id": 2, "name": "Filter papers, 100 pcs", "price": 3.2},
    3: {"id": 3, "name": "Hand grinder", "price": 42.0},
}


def json_response(body: object, status_code: int = 200) -> func.HttpResponse:
    return func.HttpResponse(json.dumps(body), status_code=status_code, mimetype="application/json")


@app.route(route="products/{id:int}", methods=["GET"])
def get_product(req: func.HttpRequest) -> func.HttpResponse:
    """GET /api/products/2 -> the product as JSON, or 404."""
    product_id = int(req.route_params["id"])
    product = PRODUCTS.get(product_id)
    if product is None:
        logging.warning("Product %s requested but not found", product_id)
        return json_response({"error": f"no product with id {product_id}"}, status_code=404)
    return json_response(product)


@app.timer_trigger(arg_name="timer", schedule="0 */5 * * * *", run_on_startup=False)
@app.blob_output(arg_name="status", path="status/heartbeat.json", connection="AzureWebJobsStorage")
def heartbeat(timer: func.TimerRequest, status: func.Out[str]) -> None:
    """Every five minutes: record that the app is alive in status/heartbeat.json."""
    if timer.past_due:
        logging.warning("The heartbeat timer is running late")
    now = datetime.now(timezone.utc).isoformat()
    status.set(json.dumps({"alive": True, "at": now, "products": len(PRODUCTS)}))
    logging.info("Heartbeat written at %s", now)


@app.blob_trigger(arg_name="upload", path="uploads/{name}", connection="AzureWebJobsStorage")
@app.blob_output(arg_name="summary", path="processed/{name}.json", connection="AzureWebJobsStorage")
def summarise_price_list(upload: func.InputStream, summary: func.Out[str]) -> None:
    """A CSV price list dropped in uploads/ gets a JSON summary in processed/.

    ``{name}`` is captured from the uploaded blob's name and reused in the output path, so
    uploads/spring.csv produces processed/spring.csv.json.
    """
    text = upload.read().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    prices = [float(row["price"]) for row in rows if row.get("price")]
    result = {
        "source": upload.name,
        "rows": len(rows),
        "cheapest": min(prices) if prices else None,
        "dearest": max(prices) if prices else None,
    }
    summary.set(json.dumps(result))
    logging.info("Summarised %s: %d rows", upload.name, len(rows))
