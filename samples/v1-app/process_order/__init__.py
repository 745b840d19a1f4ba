"""Turn a queued order into a receipt.

The message is JSON, so its "id" property can be used in the blob path of function.json:
{"id": "abc", ...} is written to receipts/abc.json.
"""

import json
import logging

import azure.functions as func

from ..shared.orders import receipt_for


def main(msg: func.QueueMessage, receipt: func.Out[str]) -> None:
    order = msg.get_json()
    receipt.set(json.dumps(receipt_for(order)))
    logging.info("Order %s processed (dequeue count %s)", order["id"], msg.dequeue_count)
