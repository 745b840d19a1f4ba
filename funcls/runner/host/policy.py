"""Function keys (`--enforce-auth`) and CORS (local.settings.json Host.CORS).

Keys live in `<app>/.funcls/keys.json` — `{"master": …, "function": …}` — created with random
values on the first run with `--enforce-auth` (the banner prints them); edit the file to set
your own. Like the host, a request passes a key as the `code` query parameter or the
`x-functions-key` header; `function` level accepts the function key or the master key,
`admin` level and the admin API only the master key, `anonymous` needs none.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
from pathlib import Path

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


def presented_key(query: dict[str, str], headers: dict[str, str]) -> str | None:
    return headers.get("x-functions-key") or query.get("code")


def authorized(level: str, key: str | None, keys: dict[str, str]) -> bool:
    level = level.lower()
    if level == "anonymous" or not keys:
        return True
    if not key:
        return False
    allowed = (
        [keys["master"]] if level in ("admin", "system") else [keys["master"], keys["function"]]
    )
    return any(hmac.compare_digest(key, k) for k in allowed)


def cors_headers(
    origin: str | None, origins: list[str], credentials: bool
) -> list[tuple[bytes, bytes]]:
    if not origin or not origins:
        return []
    if "*" in origins:
        allow = origin if credentials else "*"
    elif origin.rstrip("/") in origins:
        allow = origin
    else:
        return []
    headers = [(b"access-control-allow-origin", allow.encode("latin-1")), (b"vary", b"Origin")]
    if credentials:
        headers.append((b"access-control-allow-credentials", b"true"))
    return headers
