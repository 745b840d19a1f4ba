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
_SECRET_NAME = re.compile(r"(key|secret|password|passwd|pwd|token|sas|signature)", re.I)
_NOT_SECRET_NAME = re.compile(r"keyname|keyvault|keyid", re.I)
_QUERY_SECRET = re.compile(r"([?&](?:sig|code|key|token)=)[^&;\s]*", re.I)


def mask_value(name: str, value: object) -> str:
    """``value`` of setting ``name`` as it may be shown: secret parts replaced by a mask."""
    if not isinstance(value, str):
        return str(value)
    if "=" in value and (";" in value or value.lower().startswith(("endpoint=", "accountname="))):
        return mask_connection_string(value)
    if _QUERY_SECRET.search(value):
        return _QUERY_SECRET.sub(lambda m: m.group(1) + MASK, value)
    if _SECRET_NAME.search(name) and not _NOT_SECRET_NAME.search(name) and value:
        return MASK
    return value


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
