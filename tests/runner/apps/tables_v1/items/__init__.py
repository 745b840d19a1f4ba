import json

import azure.functions as func


def main(req: func.HttpRequest, rows) -> func.HttpResponse:
    return func.HttpResponse(json.dumps([row["RowKey"] for row in json.loads(rows)]))
