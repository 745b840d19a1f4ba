"""Which settings completion offers for a binding's ``connection``: those that can name one
(a connection string, a URL, an identity-based group, the storage setting), but not a
connection string of another service than the binding's (a Service Bus namespace's
``Endpoint=sb://…`` for a storage queue, a storage account's for Service Bus): the host would
fail to connect with it."""

from __future__ import annotations

import pytest

from funcls.lsp.json_completer import connection_kind, connection_names
from funcls.model.appmodel import App, Value
from funcls.model.locations import Range

SB = "Endpoint=sb://shop.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=x"
STORAGE = "DefaultEndpointsProtocol=https;AccountName=shop;AccountKey=x;EndpointSuffix=core"


def app_with(values: dict[str, str]) -> App:
    app = App(root="/app", model="v2")
    app.settings = {k: Value(v, Range.point(0, 0)) for k, v in values.items()}
    return app


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("UseDevelopmentStorage=true", "storage"),
        (STORAGE, "storage"),
        ("BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://q", "storage"),
        (SB, "namespace"),
        ("SharedAccessKeyName=k;Endpoint=sb://x/;SharedAccessKey=y", "namespace"),
        ("AccountEndpoint=https://db.documents.azure.com:443/;AccountKey=x", None),
        ("", None),
        ("https://shop.queue.core.windows.net", None),
    ],
)
def test_what_a_connection_string_connects_to(value: str, kind: str | None) -> None:
    assert connection_kind(value) == kind


def test_each_family_gets_the_settings_that_can_serve_it() -> None:
    app = app_with(
        {
            "AzureWebJobsStorage": "UseDevelopmentStorage=true",
            "Bus": SB,
            "Orders__queueServiceUri": "https://shop.queue.core.windows.net",
            "CosmosConnection": "AccountEndpoint=https://db.documents.azure.com:443/;AccountKey=x",
            "EmptyConnection": "",
            "PAYMENTS_QUEUE": "payments",
        }
    )
    everything = ["AzureWebJobsStorage", "Bus", "CosmosConnection", "EmptyConnection", "Orders"]
    assert connection_names(app) == everything
    assert connection_names(app, "cosmosdb") == everything
    storage = ["AzureWebJobsStorage", "CosmosConnection", "EmptyConnection", "Orders"]
    assert connection_names(app, "queue") == storage
    assert connection_names(app, "blob") == storage
    namespace = ["Bus", "CosmosConnection", "EmptyConnection", "Orders"]
    assert connection_names(app, "servicebus") == namespace
    assert connection_names(app, "eventhub") == namespace
