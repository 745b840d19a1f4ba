"""GET /api/orders/{id}/receipt: the route parameter {id} picks the blob to read."""

import azure.functions as func


def main(req: func.HttpRequest, receipt: str) -> func.HttpResponse:
    # receipt is None while the blob does not exist.
    if receipt is None:
        return func.HttpResponse("no receipt yet; try again in a moment", status_code=404)
    return func.HttpResponse(receipt, mimetype="application/json")
