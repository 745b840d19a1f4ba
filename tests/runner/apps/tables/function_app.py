"""Table input and output bindings (tests/runner/test_run_tables.py)."""

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="items", methods=["POST"])
@app.table_output(
    arg_name="rows",
    table_name="Items",
    partition_key="fromBinding",
    connection="AzureWebJobsStorage",
)
def add_items(req: func.HttpRequest, rows: func.Out[str]) -> func.HttpResponse:
    rows.set(req.get_body().decode())
    return func.HttpResponse("written", status_code=201)


@app.route(route="items/{partition}", methods=["GET"])
@app.table_input(
    arg_name="rows",
    table_name="Items",
    partition_key="{partition}",
    row_key="{partition}",
    connection="AzureWebJobsStorage",
)
def list_items(req: func.HttpRequest, rows: str) -> func.HttpResponse:
    return func.HttpResponse(f"{type(rows).__name__}:{rows}")


@app.route(route="first/{partition}", methods=["GET"])
@app.table_input(
    arg_name="rows",
    table_name="Items",
    partition_key="{partition}",
    take=2,
    connection="AzureWebJobsStorage",
)
def first_two(req: func.HttpRequest, rows: str) -> func.HttpResponse:
    return func.HttpResponse(rows)


@app.route(route="byname/{name}", methods=["GET"])
@app.table_input(
    arg_name="rows", table_name="Items", filter="Name eq '{name}'", connection="AzureWebJobsStorage"
)
def by_name(req: func.HttpRequest, rows: str) -> func.HttpResponse:
    return func.HttpResponse(rows)


@app.route(route="older/{age}", methods=["GET"])
@app.table_input(
    arg_name="rows",
    table_name="Items",
    partition_key="fromBinding",
    filter="Age gt {age}",
    connection="AzureWebJobsStorage",
)
def older(req: func.HttpRequest, rows: str) -> func.HttpResponse:
    return func.HttpResponse(rows)


@app.route(route="nothing", methods=["GET"])
@app.table_input(arg_name="rows", table_name="NoSuchTable", connection="AzureWebJobsStorage")
def nothing(req: func.HttpRequest, rows: str) -> func.HttpResponse:
    return func.HttpResponse(rows)


@app.route(route="returned/{key}", methods=["POST"], binding_arg_name="resp")
@app.table_output(
    arg_name="$return",
    table_name="Items",
    partition_key="ret",
    row_key="{key}",
    connection="AzureWebJobsStorage",
)
def returned(req: func.HttpRequest, resp: func.Out[func.HttpResponse]) -> str:
    resp.set(func.HttpResponse("ok"))
    return req.get_body().decode()
