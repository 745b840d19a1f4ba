"""Reports: registered as ``reports.bp``; uses the ``from azure import functions`` form."""

import csv
import io

from azure import functions

bp = functions.Blueprint()


@bp.timer_trigger(arg_name="timer", schedule="0 0 2 * * *")
@bp.table_input(arg_name="rows", table_name="Stock", filter="Level lt 5", connection="AzureWebJobsStorage")
@bp.blob_output(
    arg_name="report", path="reports/low-stock-{DateTime}.csv", connection="AzureWebJobsStorage"
)
def low_stock_report(timer: functions.TimerRequest, rows: str, report: functions.Out[str]) -> None:
    out = io.StringIO()
    csv.writer(out).writerow(["sku", "level"])
    report.set(out.getvalue())


@bp.route(route="reports/{name}", methods=[functions.HttpMethod.GET])
@bp.blob_input(arg_name="report", path="reports/{name}", connection="AzureWebJobsStorage", data_type=functions.DataType.BINARY)
def download_report(req: functions.HttpRequest, report: bytes) -> functions.HttpResponse:
    return functions.HttpResponse(report, mimetype="text/csv")
