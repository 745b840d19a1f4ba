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
        # Issue 17: credentials that were shown in hover.
        (
            "AzureWebJobsStorage",
            "DefaultEndpointsProtocol=http;AccountName=a;BlobEndpoint=http://user:hunter2@127.0.0.1:10000/a",
            f"DefaultEndpointsProtocol=http;AccountName=a;BlobEndpoint=http://user:{MASK}@127.0.0.1:10000/a",
        ),
        (
            "DATABASE_URL",
            "postgresql://app:S3cr3t-pw@db.example.com:5432/shop",
            f"postgresql://app:{MASK}@db.example.com:5432/shop",
        ),
        ("REDIS", "redis://:pw123@cache:6379/0", f"redis://:{MASK}@cache:6379/0"),
        (
            "RedisConnection",
            "shop.redis.cache.windows.net:6380,password=Abc123xyz=,ssl=True,abortConnect=False",
            f"shop.redis.cache.windows.net:6380,password={MASK},ssl=True,abortConnect=False",
        ),
        (
            "PG",
            "host=db user=app password=hunter2 dbname=x",
            f"host=db user=app password={MASK} dbname=x",
        ),
        ("GITHUB_AUTH", "anything", MASK),
        ("UPSTREAM", "ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8", MASK),
        ("UPSTREAM", "Q2hlY2tvdXQgdGhpcyBrZXk6IDEyMzQ1Njc4OTA", MASK),
        ("SITE", "https://example.com/path", "https://example.com/path"),
        (
            "CLIENT_ID",
            "6f1b2c3d-0000-4a5b-9c8d-112233445566",
            "6f1b2c3d-0000-4a5b-9c8d-112233445566",
        ),
        ("AuthLevel", "function", "function"),
    ],
)
def test_mask(name: str, value: object, shown: str) -> None:
    assert mask_value(name, value) == shown
