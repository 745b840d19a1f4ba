"""GET /api/products/{id} -> the product as JSON, or 404."""

import logging

import azure.functions as func

from ..shared import catalog  # explicit relative import of the app's shared package


def main(req: func.HttpRequest) -> func.HttpResponse:
    product_id = int(req.route_params["id"])
    product = catalog.find_product(product_id)
    if product is None:
        logging.warning("Product %s requested but not found", product_id)
        return func.HttpResponse(
            catalog.to_json({"error": f"no product with id {product_id}"}),
            status_code=404,
            mimetype="application/json",
        )
    return func.HttpResponse(catalog.to_json(product), mimetype="application/json")
