"""The worker extensions an app uses (azurefunctions-extensions-base and the packages built
on it), found the way the Python worker finds them: by what the app imported, never by
importing them ourselves."""

from __future__ import annotations

import os
import sys
from typing import Any


def http_v2_base() -> Any | None:
    """The base extension module when HTTP streaming is on for this app (a web extension
    was imported while the app loaded), else None. As HttpV2Registry._check_http_v2_enabled:
    PYTHON_ENABLE_INIT_INDEXING set to false turns it off."""
    base = sys.modules.get("azurefunctions.extensions.base")
    if base is None:
        return None
    if os.environ.get("PYTHON_ENABLE_INIT_INDEXING", "").strip().lower() in ("false", "0"):
        return None
    checker = getattr(base, "HttpV2FeatureChecker", None)
    try:
        return base if checker is not None and checker.http_v2_enabled() else None
    except Exception:
        return None
