"""Stock levels. Uses names imported straight from azure.functions."""

import json

from azure.functions import AuthLevel, Blueprint, DataType, HttpRequest, HttpResponse, Out

from .constants import STOCK_QUEUE, STOCK_TABLE

bp = Blueprint()


@bp.route(route="stock/{sku}", methods=["GET"], auth_level=AuthLevel.FUNCTION)
@bp.table_input(
    arg_name="entity",
    table_name=STOCK_TABLE,
    partition_key="stock",
    row_key="{sku}",
    take=1,
    connection="AzureWebJobsStorage",
)
def stock_level(req: HttpRequest, entity: str) -> HttpResponse:
    return HttpResponse(entity or "{}", mimetype="application/json")


@bp.queue_trigger(
    arg_name="change",
    queue_name=STOCK_QUEUE,
    connection="AzureWebJobsStorage",
    data_type=DataType.STRING,
)
@bp.table_output(
    arg_name="updated",
    table_name=STOCK_TABLE,
    partition_key="stock",
    connection="AzureWebJobsStorage",
)
def apply_stock_change(change: str, updated: Out[str]) -> None:
    data = json.loads(change)
    updated.set(json.dumps({"RowKey": data["sku"], "Level": data["level"]}))
