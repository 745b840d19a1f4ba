"""Catalogue functions, imported absolutely by function_app.py."""

import azure.functions as func

from settings import POISON_QUEUE, STORAGE

bp = func.Blueprint()

CATEGORY_ROUTE = "categories/{category}/products"


@bp.route(route=CATEGORY_ROUTE, methods=("GET",), auth_level="anonymous")
@bp.function_name(name="ListCategory")
def list_category(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse(f"products in {req.route_params['category']}")


@bp.function_name(name="SearchCatalog")
@bp.route(route="search", trigger_arg_name="query")
def search(query: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse(query.params.get("q", ""))


@bp.queue_trigger(arg_name="poisoned", queue_name=POISON_QUEUE, connection=STORAGE)
def poisoned_orders(poisoned: func.QueueMessage) -> None:
    print(poisoned.id, poisoned.dequeue_count)
