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


def sdk_registry() -> Any | None:
    """The base extension's converter registry (the worker's DEFERRED_BINDING_REGISTRY,
    `azurefunctions.extensions.base.get_binding_registry()`), when the app imported an SDK
    type extension such as azurefunctions-extensions-bindings-blob."""
    base = sys.modules.get("azurefunctions.extensions.base")
    getter = getattr(base, "get_binding_registry", None)
    return getter() if getter is not None else None


def is_sdk_type(pytype: Any) -> bool:
    """Whether a parameter's annotation is an SDK type (BlobClient, ContainerClient,
    StorageStreamDownloader, …): the worker's check_deferred_bindings_enabled."""
    registry = sdk_registry()
    if registry is None or pytype is None:
        return False
    try:
        return bool(registry.check_supported_type(pytype))
    except Exception:
        return False


def sdk_converter(binding_type: str) -> Any | None:
    """The extension's converter for a binding type (`blob`, `blobTrigger`), or None."""
    registry = sdk_registry()
    return registry.get(binding_type) if registry is not None else None
