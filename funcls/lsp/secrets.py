"""Setting values shown in hovers, with secrets masked."""

from __future__ import annotations

import re

MASK = "••••••"
# Parts of connection strings that are secret (compared ignoring case).
SECRET_PARTS = frozenset(
    {
        "accountkey",
        "sharedaccesskey",
        "password",
        "pwd",
        "sig",
        "sharedaccesssignature",
        "clientsecret",
        "accesskey",
        "secret",
        "token",
        "apikey",
        "key",
    }
)
_SECRET_NAME = re.compile(
    r"(key|secret|password|passwd|pwd|token|sas|signature|auth|credential|cred)", re.I
)
_NOT_SECRET_NAME = re.compile(r"keyname|keyvault|keyid|authlevel|authority", re.I)
_QUERY_SECRET = re.compile(r"([?&](?:sig|code|key|token)=)[^&;\s]*", re.I)
# A password in a URL's user information: postgres://user:pw@host, redis://:pw@host,
# amqp://user:pw@host, http://user:pw@127.0.0.1:10000 (RFC 3986: userinfo ends at '@').
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.\-]*://[^:/@\s]*:)([^@/\s]+)(@)", re.I)
# key=value pairs joined by ',', ';', '&' or spaces: Redis ('host:6380,password=x,ssl=True'),
# libpq ('host=db password=x'), ODBC and query strings.
_PAIR_SECRET = re.compile(
    r"(^|[,;&?\s])((?:password|pwd|passwd|secret|client_secret|token|api_?key|accesskey"
    r"|accountkey|sharedaccesskey|sharedaccesssignature|sig)\s*=\s*)([^,;&\s]+)",
    re.I,
)
# Values that are credentials whatever the setting's name: well-known token formats (GitHub,
# Slack, OpenAI, AWS access keys, JWTs) and long random-looking key material.
_TOKEN = re.compile(
    r"^(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_\w{20,}|xox[abprs]-[\w-]{10,}|sk-[\w-]{16,}"
    r"|AKIA[0-9A-Z]{16}|eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]*)$"
)
_KEY_MATERIAL = re.compile(r"^[A-Za-z0-9+/_\-]{24,}={0,2}$")


def _looks_like_key(value: str) -> bool:
    v = value.strip()
    if _TOKEN.match(v):
        return True
    return (
        bool(_KEY_MATERIAL.match(v))
        and any(c.isdigit() for c in v)
        and any(c.islower() for c in v)
        and any(c.isupper() for c in v)
    )


def mask_value(name: str, value: object) -> str:
    """``value`` of setting ``name`` as it may be shown: secret parts replaced by a mask."""
    if not isinstance(value, str):
        return str(value)
    masked = mask_text(value)
    if masked != value:  # the secret parts of a structured value: the rest stays readable
        return masked
    if _SECRET_NAME.search(name) and not _NOT_SECRET_NAME.search(name) and value:
        return MASK
    return MASK if _looks_like_key(value) else value


def mask_text(value: str) -> str:
    """Every credential-looking part of ``value`` masked: connection-string keys, SAS
    signatures, URL passwords, ``password=``-style pairs."""
    if "=" in value and (";" in value or value.lower().startswith(("endpoint=", "accountname="))):
        value = mask_connection_string(value)
    value = _URL_PASSWORD.sub(lambda m: m.group(1) + MASK + m.group(3), value)
    value = _QUERY_SECRET.sub(lambda m: m.group(1) + MASK, value)
    return _PAIR_SECRET.sub(
        lambda m: m.group(1) + m.group(2) + (MASK if m.group(3) != MASK else m.group(3)),
        value,
    )


def mask_connection_string(value: str) -> str:
    parts = []
    for part in value.split(";"):
        key, sep, val = part.partition("=")
        if sep and key.strip().lower() in SECRET_PARTS and val:
            parts.append(f"{key}={MASK}")
        elif sep and _QUERY_SECRET.search(val):
            parts.append(f"{key}=" + _QUERY_SECRET.sub(lambda m: m.group(1) + MASK, val))
        else:
            parts.append(part)
    return ";".join(parts)
