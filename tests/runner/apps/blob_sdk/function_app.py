"""Test app: blob SDK types (azurefunctions-extensions-bindings-blob) as trigger and inputs."""

import json

import azure.functions as func
import azurefunctions.extensions.bindings.blob as blob

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.blob_trigger(arg_name="client", path="sdk-in/{name}", connection="AzureWebJobsStorage")
@app.blob_output(arg_name="$return", path="sdk-out/{name}", connection="AzureWebJobsStorage")
def on_upload(client: blob.BlobClient) -> str:
    properties = client.get_blob_properties()
    content = client.download_blob(encoding="utf-8").readall()
    return json.dumps({"name": properties.name, "size": properties.size, "content": content})


@app.route(route="client/{name}", methods=["GET"])
@app.blob_input(arg_name="client", path="sdk-in/{name}", connection="AzureWebJobsStorage")
def read_with_client(req: func.HttpRequest, client: blob.BlobClient) -> func.HttpResponse:
    text = client.download_blob(encoding="utf-8").readall()
    return func.HttpResponse(
        json.dumps({"container": client.container_name, "blob": client.blob_name, "text": text}),
        mimetype="application/json",
    )


@app.route(route="container", methods=["GET"])
@app.blob_input(arg_name="container", path="sdk-in", connection="AzureWebJobsStorage")
def list_container(req: func.HttpRequest, container: blob.ContainerClient) -> func.HttpResponse:
    names = sorted(b.name for b in container.list_blobs())
    return func.HttpResponse(json.dumps(names), mimetype="application/json")


@app.route(route="download/{name}", methods=["GET"])
@app.blob_input(arg_name="stream", path="sdk-in/{name}", connection="AzureWebJobsStorage")
def download(req: func.HttpRequest, stream: blob.StorageStreamDownloader) -> str:
    return stream.readall().decode("utf-8")


@app.route(route="plain/{name}", methods=["GET"])
@app.blob_input(arg_name="data", path="sdk-in/{name}", connection="AzureWebJobsStorage")
def plain(req: func.HttpRequest, data: str) -> str:
    return f"plain: {data}"


@app.route(route="missing", methods=["GET"])
@app.blob_input(arg_name="client", path="sdk-in/x.txt", connection="NoSuchSetting")
def missing_setting(req: func.HttpRequest, client: blob.BlobClient) -> str:
    return "unreachable"
