"""Connection string parsing and masking (pure functions)."""

from __future__ import annotations

import pytest

from funcls.runner.storage import (
    ConnectionStringError,
    StorageConnection,
    mask_secrets,
    parse_connection_string,
)
from funcls.runner.storage.connection import DEV_ACCOUNT_KEY

KEY = "c2VjcmV0LWtleS1ub2JvZHktc2hvdWxkLXNlZQ=="  # base64 of a fake secret
SAS = "sv=2022-11-02&ss=bq&srt=sco&sp=rwdl&se=2030-01-01T00:00:00Z&sig=AbC%2Fd3f"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            f"DefaultEndpointsProtocol=https;AccountName=foo;AccountKey={KEY};"
            "EndpointSuffix=core.windows.net",
            StorageConnection(
                account_name="foo",
                blob_endpoint="https://foo.blob.core.windows.net",
                queue_endpoint="https://foo.queue.core.windows.net",
                table_endpoint="https://foo.table.core.windows.net",
                account_key=KEY,
            ),
        ),
        (
            f"accountname=foo;accountkey={KEY};endpointsuffix=core.chinacloudapi.cn;",
            StorageConnection(
                account_name="foo",
                blob_endpoint="https://foo.blob.core.chinacloudapi.cn",
                queue_endpoint="https://foo.queue.core.chinacloudapi.cn",
                table_endpoint="https://foo.table.core.chinacloudapi.cn",
                account_key=KEY,
            ),
        ),
        (
            f"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={KEY};"
            "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1/;"
            "QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1",
            StorageConnection(
                account_name="devstoreaccount1",
                blob_endpoint="http://127.0.0.1:10000/devstoreaccount1",
                queue_endpoint="http://127.0.0.1:10001/devstoreaccount1",
                account_key=KEY,
            ),
        ),
        (
            f"BlobEndpoint=https://foo.blob.core.windows.net;SharedAccessSignature=?{SAS}",
            StorageConnection(
                account_name=None,
                blob_endpoint="https://foo.blob.core.windows.net",
                queue_endpoint=None,
                sas_token=SAS,
            ),
        ),
        (
            "UseDevelopmentStorage=true",
            StorageConnection(
                account_name="devstoreaccount1",
                blob_endpoint="http://127.0.0.1:10000/devstoreaccount1",
                queue_endpoint="http://127.0.0.1:10001/devstoreaccount1",
                table_endpoint="http://127.0.0.1:10002/devstoreaccount1",
                development=True,
                account_key=DEV_ACCOUNT_KEY,
            ),
        ),
        (
            "UseDevelopmentStorage=TRUE;DevelopmentStorageProxyUri=http://ipv4.fiddler",
            StorageConnection(
                account_name="devstoreaccount1",
                blob_endpoint="http://ipv4.fiddler:10000/devstoreaccount1",
                queue_endpoint="http://ipv4.fiddler:10001/devstoreaccount1",
                table_endpoint="http://ipv4.fiddler:10002/devstoreaccount1",
                development=True,
                account_key=DEV_ACCOUNT_KEY,
            ),
        ),
    ],
)
def test_parse(value: str, expected: StorageConnection) -> None:
    assert parse_connection_string(value) == expected


@pytest.mark.parametrize(
    ("value", "description", "emulator"),
    [
        (f"AccountName=foo;AccountKey={KEY}", "Azure Storage account 'foo'", False),
        (
            "UseDevelopmentStorage=true",
            "Azurite at http://127.0.0.1:10001 (queues), http://127.0.0.1:10000 (blobs), "
            "http://127.0.0.1:10002 (tables)",
            True,
        ),
        (
            f"AccountName=devstoreaccount1;AccountKey={KEY};"
            "BlobEndpoint=http://localhost:41000/devstoreaccount1;"
            "QueueEndpoint=http://localhost:41001/devstoreaccount1",
            "Azurite at http://localhost:41001 (queues), http://localhost:41000 (blobs)",
            True,
        ),
        (
            f"BlobEndpoint=https://foo.blob.core.windows.net/?{SAS};SharedAccessSignature={SAS}",
            "Azure Storage at https://foo.blob.core.windows.net (shared access signature)",
            False,
        ),
        (
            f"BlobEndpoint=https://foo.blob.core.windows.net/?{SAS}",
            "Azure Storage at https://foo.blob.core.windows.net (shared access signature)",
            False,
        ),
    ],
)
def test_description_names_the_account_and_no_secret(
    value: str, description: str, emulator: bool
) -> None:
    connection = parse_connection_string(value)
    assert connection.describe() == description
    assert connection.emulator is emulator
    for text in (connection.describe(), repr(connection), connection.scope):
        assert KEY not in text and "AbC" not in text and DEV_ACCOUNT_KEY not in text


def test_sas_in_an_endpoint_url_becomes_the_credential() -> None:
    connection = parse_connection_string(f"BlobEndpoint=https://foo.blob.core.windows.net?{SAS}")
    assert connection.blob_endpoint == "https://foo.blob.core.windows.net"
    assert connection.sas_token == SAS


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "empty"),
        (";;", "empty"),
        ("AccountName=foo", "neither AccountKey nor SharedAccessSignature"),
        (f"AccountKey={KEY}", "no AccountName"),
        ("AccountName=foo;AccountKey=not*base64!", "not valid base64"),
        (f"AccountName=foo;AccountKey={KEY};Protocol=https", "unknown key 'Protocol'"),
        (f"AccountName=foo;AccountName=bar;AccountKey={KEY}", "'AccountName' twice"),
        (f"AccountName=foo;AccountKey={KEY};BlobEndpoint=ftp://x", "http"),
        (f"AccountName=foo;AccountKey={KEY};DefaultEndpointsProtocol=ftp", "'http' or 'https'"),
        (f"SharedAccessSignature={SAS}", "needs AccountName or"),
        ("UseDevelopmentStorage=false", "must be 'true'"),
        ("UseDevelopmentStorage=true;AccountName=foo", "only DevelopmentStorageProxyUri"),
        (f"just-a-key-{KEY}", "unknown key;"),
        ("AccountName=foo;nonsense", "not 'Key=value'"),
        (
            "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=x;SharedAccessKey=y",
            "'Endpoint'",
        ),
    ],
)
def test_malformed_strings_are_explained_without_secrets(value: str, message: str) -> None:
    with pytest.raises(ConnectionStringError, match=message) as caught:
        parse_connection_string(value)
    assert KEY not in str(caught.value)
    assert "AbC" not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (
            f"DefaultEndpointsProtocol=https;AccountName=foo;AccountKey={KEY};EndpointSuffix=x",
            "DefaultEndpointsProtocol=https;AccountName=foo;AccountKey=***;EndpointSuffix=x",
        ),
        (
            f"BlobEndpoint=https://foo.blob.core.windows.net/?{SAS};SharedAccessSignature={SAS}",
            "BlobEndpoint=https://foo.blob.core.windows.net/?sv=2022-11-02&ss=bq&srt=sco"
            "&sp=rwdl&se=2030-01-01T00:00:00Z&sig=***;SharedAccessSignature=***",
        ),
        (
            "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=app;"
            "SharedAccessKey=abc+/=",
            "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=app;SharedAccessKey=***",
        ),
        ("error while using accountkey=abc==", "error while using accountkey=***"),
        ("UseDevelopmentStorage=true", "UseDevelopmentStorage=true"),
        # Issue 17: a password in an endpoint URL, Redis and libpq pairs.
        (
            "BlobEndpoint=http://user:hunter2@127.0.0.1:10000/devstoreaccount1",
            "BlobEndpoint=http://user:***@127.0.0.1:10000/devstoreaccount1",
        ),
        ("postgres://app:S3cret@db:5432/x", "postgres://app:***@db:5432/x"),
        ("cache:6380,password=Abc123=,ssl=True", "cache:6380,password=***,ssl=True"),
        ("host=db password=hunter2 dbname=x", "host=db password=*** dbname=x"),
    ],
)
def test_mask_secrets(text: str, masked: str) -> None:
    assert mask_secrets(text) == masked


def test_a_password_in_an_endpoint_url_is_never_described() -> None:
    from funcls.runner.storage.connection import origin

    connection = parse_connection_string(
        f"AccountName=devstoreaccount1;AccountKey={KEY};"
        "BlobEndpoint=http://user:hunter2@127.0.0.1:10000/devstoreaccount1"
    )
    assert "hunter2" not in connection.describe()
    assert origin(connection.blob_endpoint or "") == "http://127.0.0.1:10000"
