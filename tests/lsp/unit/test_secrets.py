"""Setting values in hovers: secrets masked, the rest shown."""

from __future__ import annotations

import pytest

from funcls.lsp.secrets import MASK, mask_value


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [
        ("AzureWebJobsStorage", "UseDevelopmentStorage=true", "UseDevelopmentStorage=true"),
        (
            "Storage",
            "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=abc==;EndpointSuffix=core.windows.net",
            f"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={MASK};EndpointSuffix=core.windows.net",
        ),
        (
            "Bus",
            "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=xyz",
            f"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey={MASK}",
        ),
        (
            "Sql",
            "Server=tcp:x;User ID=me;Password=hunter2;",
            f"Server=tcp:x;User ID=me;Password={MASK};",
        ),
        (
            "BlobSas",
            "https://acct.blob.core.windows.net/c?sv=2022-11-02&sig=AbC%3D&se=2030",
            f"https://acct.blob.core.windows.net/c?sv=2022-11-02&sig={MASK}&se=2030",
        ),
        ("OPENAI_API_KEY", "sk-123", MASK),
        ("SendGridSecret", "x", MASK),
        ("PAYMENTS_QUEUE", "payments", "payments"),
        (
            "ServiceBus__fullyQualifiedNamespace",
            "ns.servicebus.windows.net",
            "ns.servicebus.windows.net",
        ),
        ("KeyVaultName", "my-vault", "my-vault"),
        ("Count", 3, "3"),
    ],
)
def test_mask(name: str, value: object, shown: str) -> None:
    assert mask_value(name, value) == shown
