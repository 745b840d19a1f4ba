import json

import azure.functions as func

from ..shared.shipments import summary


def main(req: func.HttpRequest, shipment: func.DocumentList) -> func.HttpResponse:
    if not shipment:
        return func.HttpResponse(status_code=404)
    return func.HttpResponse(json.dumps(summary(shipment[0])), mimetype="application/json")
