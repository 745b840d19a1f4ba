"""Function keys (`--enforce-auth`) and CORS (local.settings.json Host.CORS).

Keys live in `<app>/.funcls/keys.json` — `{"master": …, "function": …}` — created with random
values on the first run with `--enforce-auth` (the banner prints them); edit the file to set
your own. Like the host, a request passes a key as the `code` query parameter or the
`x-functions-key` header; `function` level accepts the function key or the master key,
`admin` level and the admin API only the master key, `anonymous` needs none.

Without keys the admin API (which starts any function with any input) answers only this
machine: a call from another address — directly (``--host 0.0.0.0``) or relayed by a proxy
that names the original caller in ``X-Forwarded-For`` / ``Forwarded`` / ``X-Real-IP`` — gets
403 (:func:`remote_caller`). Azure's host has no keyless mode; funcls' keyless default is for
the developer on this machine only (issue 17).
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import secrets
from pathlib import Path

from funcls.runner.http_bytes import authorized, cors_headers, presented_key

__all__ = ["authorized", "cors_headers", "load_keys", "presented_key", "remote_caller"]

KEYS_FILE = "keys.json"


def load_keys(app_dir: str) -> dict[str, str]:
    path = Path(app_dir) / ".funcls" / KEYS_FILE
    try:
        data = json.loads(path.read_text("utf-8"))
        if isinstance(data, dict) and data.get("master") and data.get("function"):
            return {"master": str(data["master"]), "function": str(data["function"])}
    except (OSError, ValueError):
        pass
    keys = {"master": secrets.token_urlsafe(32), "function": secrets.token_urlsafe(32)}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(keys, indent=2) + "\n", "utf-8")
    os.chmod(tmp, 0o600)
    tmp.replace(path)
    return keys


_FORWARDED_FOR = re.compile(r'for=\s*"?\[?([^\]";,]+)', re.IGNORECASE)


def _is_loopback(address: str) -> bool:
    address = address.strip()
    if address.lower() == "localhost":
        return True
    if address.count(":") == 1 and "." in address:  # 127.0.0.1:5000 (IPv4 with a port)
        address = address.split(":", 1)[0]
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False  # "unknown", an obfuscated name: not known to be this machine
    mapped = getattr(ip, "ipv4_mapped", None)
    return bool((mapped or ip).is_loopback)


def remote_caller(
    client: tuple[str, int] | list[object] | None, headers: dict[str, str]
) -> str | None:
    """The address of a caller that is not this machine, or None when the request comes
    from loopback and names no other original caller. ``client`` is the ASGI peer (None
    for a Unix socket: this machine); ``headers`` lower-case names."""
    if client:
        peer = str(client[0])
        if not _is_loopback(peer):
            return peer
    relayed: list[str] = []
    for name in ("x-forwarded-for", "x-real-ip"):
        relayed += [a for a in headers.get(name, "").split(",") if a.strip()]
    relayed += _FORWARDED_FOR.findall(headers.get("forwarded", ""))
    for address in relayed:
        if not _is_loopback(address):
            return address.strip()
    return None
