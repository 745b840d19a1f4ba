"""POST /api/orders: accept an order and queue it for processing.

function.json points the host here with "scriptFile": "handlers.py" and "entryPoint": "handle"
instead of the default __init__.py and main().
"""

import json
import logging

import azure.functions as func

from shared import orders  # absolute import: the app root is on sys.path


def handle(req: func.HttpRequest, order_queue: func.Out[str]) -> func.HttpResponse:
    try:
        body = req.get_json()
    except ValueError:
        return func.HttpResponse("send the order as JSON", status_code=400)
    try:
        order = orders.new_order(body)
    except orders.InvalidOrder as e:
        return func.HttpResponse(str(e), status_code=400)
    order_queue.set(json.dumps(order))
    logging.info("Order %s queued with %d item(s)", order["id"], len(order["items"]))
    return func.HttpResponse(
        json.dumps({"id": order["id"], "status": "queued"}),
        status_code=202,
        mimetype="application/json",
    )
