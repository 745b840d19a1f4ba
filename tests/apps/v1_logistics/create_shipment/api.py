import json

import azure.functions as func

from shared import shipments


def create(req: func.HttpRequest, doc: func.Out[func.Document], labels: func.Out[str]) -> func.HttpResponse:
    try:
        shipment = shipments.new_shipment(req.get_json())
    except ValueError as e:
        return func.HttpResponse(str(e), status_code=400)
    doc.set(func.Document.from_dict(shipment))
    labels.set(json.dumps({"trackingId": shipment["trackingId"], "carrier": shipment["carrier"]}))
    return func.HttpResponse(json.dumps(shipments.summary(shipment)), status_code=201)
