import json
import logging

import azure.functions as func


def main(notice: func.ServiceBusMessage, context: func.Context) -> str:
    logging.info("invocation %s: notice %s", context.invocation_id, notice.message_id)
    order = json.loads(notice.get_body())
    return json.dumps({"order": order["id"], "lines": order.get("lines", [])})
