"""Storage connection strings: parsing, endpoints, and masking of secrets.

Accepts what the Azure SDKs and the Functions host accept: `AccountName`, `AccountKey`,
`DefaultEndpointsProtocol`, `EndpointSuffix`, `BlobEndpoint`, `QueueEndpoint`,
`SharedAccessSignature`, and `UseDevelopmentStorage=true[;DevelopmentStorageProxyUri=...]`
(the emulator on ports 10000/10001). Keys are case-insensitive. Secrets never appear in a
repr, a description or an error message.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import field
from urllib.parse import urlsplit

from funcls.model.fastclass import dataclass

from .errors import ConnectionStringError

DEV_ACCOUNT_NAME = "devstoreaccount1"
# The emulator's well-known development key, published by Microsoft; not a secret.
DEV_ACCOUNT_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)
DEV_BLOB_PORT = 10000
DEV_QUEUE_PORT = 10001
DEV_TABLE_PORT = 10002

_KNOWN_KEYS = {
    key.lower(): key
    for key in (
        "AccountName",
        "AccountKey",
        "DefaultEndpointsProtocol",
        "EndpointSuffix",
        "BlobEndpoint",
        "QueueEndpoint",
        "TableEndpoint",
        "FileEndpoint",
        "SharedAccessSignature",
        "UseDevelopmentStorage",
        "DevelopmentStorageProxyUri",
    )
}
# A whole connection-string value (up to ';'), or a SAS signature inside a URL (up to '&').
_SECRET_VALUE = re.compile(
    r"(?i)\b(AccountKey|SharedAccessKey|SharedAccessSignature|AccessKey)=([^;\s\"']*)"
)
_SIGNATURE = re.compile(r"(?i)([?&;]sig)=([^&;\s\"']*)")
_PLAIN_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,39}$")
_LOOPBACK_HOSTS = {"localhost", "::1", "[::1]"}


# A password in a URL's user information (http://user:password@host), and password-like
# pairs in other connection formats (Redis 'password=x,', libpq 'password=x ').
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.\-]*://[^:/@\s]*:)([^@/\s]+)(@)", re.I)
_PASSWORD_PAIR = re.compile(r"(?i)(^|[,;&?\s])(password|pwd|passwd)\s*=\s*([^,;&\s\"']+)")


def mask_secrets(text: str) -> str:
    """text with the values of AccountKey, SharedAccessSignature, SharedAccessKey, SAS `sig=`
    parameters, URL passwords and `password=` pairs replaced by `***`; safe to print or log."""
    masked = _SECRET_VALUE.sub(lambda match: f"{match.group(1)}=***", text)
    masked = _URL_PASSWORD.sub(lambda m: f"{m.group(1)}***{m.group(3)}", masked)
    masked = _PASSWORD_PAIR.sub(lambda m: f"{m.group(1)}{m.group(2)}=***", masked)
    return _SIGNATURE.sub(lambda match: f"{match.group(1)}=***", masked)


def is_loopback(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host in _LOOPBACK_HOSTS or host.startswith("127.")


def origin(url: str) -> str:
    """scheme://host:port of an endpoint: no account path, no SAS query."""
    parts = urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]  # never the user information (a password)
    return f"{parts.scheme}://{netloc}"


@dataclass(frozen=True)
class StorageConnection:
    """A parsed storage connection string. `blob_endpoint`/`queue_endpoint` are None when the
    string names neither an account nor that service's endpoint (a blob-only SAS string)."""

    account_name: str | None
    blob_endpoint: str | None
    queue_endpoint: str | None
    development: bool = False
    table_endpoint: str | None = None
    account_key: str | None = field(default=None, repr=False)
    sas_token: str | None = field(default=None, repr=False)

    @property
    def emulator(self) -> bool:
        """True for UseDevelopmentStorage and for endpoints on a loopback address."""
        endpoints = [e for e in (self.blob_endpoint, self.queue_endpoint) if e]
        return self.development or (bool(endpoints) and all(is_loopback(e) for e in endpoints))

    @property
    def scope(self) -> str:
        """A stable, secret-free identity of the account, used to scope blob receipts."""
        where = origin(self.blob_endpoint) if self.blob_endpoint else "?"
        return f"azure:{self.account_name or '?'}@{where}"

    def describe(self) -> str:
        if self.emulator:
            parts = []
            if self.queue_endpoint:
                parts.append(f"{origin(self.queue_endpoint)} (queues)")
            if self.blob_endpoint:
                parts.append(f"{origin(self.blob_endpoint)} (blobs)")
            if self.table_endpoint:
                parts.append(f"{origin(self.table_endpoint)} (tables)")
            return "Azurite at " + ", ".join(parts)
        if self.account_name:
            return f"Azure Storage account '{self.account_name}'"
        endpoint = self.blob_endpoint or self.queue_endpoint or "?"
        return f"Azure Storage at {origin(endpoint)} (shared access signature)"


def _pairs(value: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for segment in value.strip().split(";"):
        if not segment.strip():
            continue
        key, sep, item = segment.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ConnectionStringError(
                "storage connection string has a segment that is not 'Key=value'; "
                "segments are separated by ';'"
            )
        canonical = _KNOWN_KEYS.get(key.lower())
        if canonical is None:
            # Quote the key only when it looks like one: a pasted secret must not be echoed.
            named = f" '{key}'" if _PLAIN_KEY.match(key) else ""
            raise ConnectionStringError(
                f"storage connection string has an unknown key{named}; expected AccountName, "
                "AccountKey, BlobEndpoint, QueueEndpoint, SharedAccessSignature, ... "
                "or UseDevelopmentStorage=true"
            )
        if canonical in pairs:
            raise ConnectionStringError(f"storage connection string sets '{canonical}' twice")
        pairs[canonical] = item.strip()
    return pairs


def _endpoint(pairs: dict[str, str], key: str) -> tuple[str | None, str | None]:
    """The endpoint without its query, and the query (a SAS token) if it had one."""
    value = pairs.get(key)
    if not value:
        return None, None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConnectionStringError(
            f"{key} in the storage connection string must be an http(s) URL, "
            f"got {mask_secrets(value)!r}"
        )
    base = f"{parts.scheme}://{parts.netloc}{parts.path}".rstrip("/")
    return base, parts.query or None


def _development(pairs: dict[str, str]) -> StorageConnection:
    flag = pairs.pop("UseDevelopmentStorage").lower()
    if flag != "true":
        raise ConnectionStringError(
            f"UseDevelopmentStorage must be 'true' when present, got {flag!r}"
        )
    proxy = pairs.pop("DevelopmentStorageProxyUri", "") or "http://127.0.0.1"
    if pairs:
        raise ConnectionStringError(
            "UseDevelopmentStorage=true takes only DevelopmentStorageProxyUri beside it, "
            f"not {', '.join(sorted(pairs))}"
        )
    parts = urlsplit(proxy)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConnectionStringError(
            f"DevelopmentStorageProxyUri must be an http(s) URL, got {proxy!r}"
        )
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    base = f"{parts.scheme}://{host}"
    return StorageConnection(
        account_name=DEV_ACCOUNT_NAME,
        blob_endpoint=f"{base}:{DEV_BLOB_PORT}/{DEV_ACCOUNT_NAME}",
        queue_endpoint=f"{base}:{DEV_QUEUE_PORT}/{DEV_ACCOUNT_NAME}",
        table_endpoint=f"{base}:{DEV_TABLE_PORT}/{DEV_ACCOUNT_NAME}",
        development=True,
        account_key=DEV_ACCOUNT_KEY,
    )


def parse_connection_string(value: str) -> StorageConnection:
    """Parse a storage connection string; ConnectionStringError says what is wrong without
    quoting any secret."""
    pairs = _pairs(value)
    if not pairs:
        raise ConnectionStringError("storage connection string is empty")
    if "UseDevelopmentStorage" in pairs:
        return _development(pairs)
    account = pairs.get("AccountName") or None
    key = pairs.get("AccountKey") or None
    sas = (pairs.get("SharedAccessSignature") or "").lstrip("?") or None
    if key is not None:
        if account is None:
            raise ConnectionStringError(
                "storage connection string has AccountKey but no AccountName"
            )
        try:
            base64.b64decode(key, validate=True)
        except (binascii.Error, ValueError):
            raise ConnectionStringError(
                f"AccountKey of storage account '{account}' is not valid base64; copy it again "
                "from the portal (Access keys)"
            ) from None
    protocol = (pairs.get("DefaultEndpointsProtocol") or "https").lower()
    if protocol not in ("http", "https"):
        raise ConnectionStringError(
            f"DefaultEndpointsProtocol must be 'http' or 'https', got {protocol!r}"
        )
    suffix = pairs.get("EndpointSuffix") or "core.windows.net"

    endpoint_sas: list[str] = []

    def derived(service: str) -> str | None:
        explicit, query = _endpoint(pairs, f"{service.capitalize()}Endpoint")
        if query:
            endpoint_sas.append(query)
        if explicit is not None:
            return explicit
        return f"{protocol}://{account}.{service}.{suffix}" if account else None

    blob, queue, table = derived("blob"), derived("queue"), derived("table")
    if not pairs.get("TableEndpoint") and any(
        pairs.get(k) and is_loopback(pairs[k]) for k in ("BlobEndpoint", "QueueEndpoint")
    ):
        table = None  # an Azurite string without TableEndpoint: no made-up cloud endpoint
    if sas is None and endpoint_sas:
        sas = endpoint_sas[0]  # a SAS URL given as the endpoint
    if key is None and sas is None:
        raise ConnectionStringError(
            "storage connection string has neither AccountKey nor SharedAccessSignature"
        )
    if blob is None and queue is None and table is None:
        raise ConnectionStringError(
            "storage connection string with a SharedAccessSignature needs AccountName or "
            "BlobEndpoint/QueueEndpoint/TableEndpoint"
        )
    return StorageConnection(
        account_name=account,
        blob_endpoint=blob,
        queue_endpoint=queue,
        table_endpoint=table,
        account_key=key,
        sas_token=sas,
    )
