"""Test app of the SIGKILL blob-write test (tests/runner/test_run_blob_kills.py): each call
writes one large blob whose every byte is the version asked for, so a torn write (part of one
version, part of another, or a short blob) shows in the content."""

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

SIZE = 4 * 1024 * 1024


@app.route(route="write/{version:int}", methods=["POST"])
@app.blob_output(
    arg_name="out", path="snap/latest.bin", connection="AzureWebJobsStorage", data_type="binary"
)
def write(req: func.HttpRequest, out: func.Out[bytes]) -> str:
    version = int(req.route_params["version"])
    out.set(bytes([version % 251 + 1]) * SIZE)
    return str(version)
