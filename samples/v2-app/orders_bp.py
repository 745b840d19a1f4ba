"""The order workflow, as a blueprint that function_app.py registers.

POST /api/orders            -> message on the "orders" queue
"orders" queue              -> receipts/{id}.json blob
GET /api/orders/{id}/receipt -> that receipt
Service Bus "payments"      -> logged (invoke it by hand while developing)
"""

import json
import logging
import uuid

import azure.functions as func

bp = func.Blueprint()


@bp.route(route="orders", methods=["POST"])
@bp.queue_output(arg_name="order_queue", queue_name="orders", connection="AzureWebJobsStorage")
def create_order(req: func.HttpRequest, order_queue: func.Out[str]) -> func.HttpResponse:
    """Accept an order and queue it for processing; answers 202 with the order id."""
    try:
        body = req.get_json()
    except ValueError:
        return func.HttpResponse("send the order as JSON", status_code=400)
    items = body.get("items") if isinstance(body, dict) else None
    if not items:
        return func.HttpResponse(
            'an order needs "items": [{"product": 1, "qty": 2}]', status_code=400
        )
    order = {
        "id": uuid.uuid4().hex[:12],
        "items": items,
        "customer": body.get("customer", "anonymous"),
    }
    order_queue.set(json.dumps(order))
    logging.info("Order %s queued with %d item(s)", order["id"], len(items))
    return func.HttpResponse(
        json.dumps({"id": order["id"], "status": "queued"}),
        status_code=202,
        mimetype="application/json",
    )


@bp.queue_trigger(arg_name="msg", queue_name="orders", connection="AzureWebJobsStorage")
@bp.blob_output(arg_name="receipt", path="receipts/{id}.json", connection="AzureWebJobsStorage")
def process_order(msg: func.QueueMessage, receipt: func.Out[str]) -> None:
    """Turn a queued order into a receipt.

    The message is JSON, so its ``id`` property can be used in the output path:
    {"id": "abc", ...} is written to receipts/abc.json.
    """
    order = msg.get_json()
    lines = [
        {"product": item["product"], "qty": int(item.get("qty", 1))} for item in order["items"]
    ]
    receipt.set(json.dumps({"order": order["id"], "customer": order["customer"], "lines": lines}))
    logging.info("Order %s processed (dequeue count %s)", order["id"], msg.dequeue_count)


@bp.route(route="orders/{id}/receipt", methods=["GET"])
@bp.blob_input(arg_name="receipt", path="receipts/{id}.json", connection="AzureWebJobsStorage")
def get_receipt(req: func.HttpRequest, receipt: str) -> func.HttpResponse:
    """GET /api/orders/{id}/receipt: the route parameter ``{id}`` picks the blob to read.

    ``receipt`` is None while the blob does not exist.
    """
    if receipt is None:
        return func.HttpResponse("no receipt yet; try again in a moment", status_code=404)
    return func.HttpResponse(receipt, mimetype="application/json")


@bp.service_bus_queue_trigger(
    arg_name="payment", queue_name="%PAYMENTS_QUEUE%", connection="ServiceBusConnection"
)
def payment_received(payment: func.ServiceBusMessage) -> None:
    """A payment notification from Service Bus.

    Locally, without a Service Bus namespace, invoke it by hand:
    POST /admin/functions/payment_received with {"input": "{\\"order\\": \\"abc\\"}"}.
    """
    body = payment.get_body().decode("utf-8")
    logging.info("Payment message %s: %s", payment.message_id, body)
