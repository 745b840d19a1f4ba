"""Defaults of the runner that the CLI also shows; importing this module is free."""

from __future__ import annotations

DEFAULT_MAX_BODY = 100 * 1024 * 1024  # the host's default maxRequestBodySize
DEFAULT_DEBUG_PORT = 5678  # debugpy's usual port, as VS Code's attach configurations use it
# Set for the app process a debugger may attach to: "host:port" for debugpy.listen.
DEBUG_ENV = "FUNCLS_DEBUG_LISTEN"
