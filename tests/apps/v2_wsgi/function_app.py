"""A legacy WSGI site behind Azure Functions, and a blob-triggered importer beside it."""

from azure.functions import AuthLevel as Auth
from azure.functions import InputStream, WsgiFunctionApp

from legacy import legacy_site

app = WsgiFunctionApp(legacy_site, Auth.FUNCTION, function_name="legacy_site")


@app.blob_trigger(arg_name="feed", path="feeds/{name}.xml", connection="AzureWebJobsStorage")
def import_feed(feed: InputStream) -> None:
    print(feed.name, feed.length)
