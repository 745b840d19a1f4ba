"""Defaults of the runner that the CLI also shows; importing this module is free."""

from __future__ import annotations

DEFAULT_MAX_BODY = 100 * 1024 * 1024  # the host's default maxRequestBodySize
