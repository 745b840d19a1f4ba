"""Defaults of the runner that the CLI also shows; importing this module is free."""

from __future__ import annotations

DEFAULT_MAX_BODY = 100 * 1024 * 1024  # the host's default maxRequestBodySize
DEFAULT_DEBUG_PORT = 5678  # debugpy's usual port, as VS Code's attach configurations use it
# Set for the app process a debugger may attach to: "host:port" for debugpy.listen.
DEBUG_ENV = "FUNCLS_DEBUG_LISTEN"
# Set by an editor that attaches its debugger by itself (VS Code's F5): the banner names it
# instead of asking the user to attach one (QA in code-server: F5 had attached, and the
# Debug Console said "attach your editor's Python debugger there").
DEBUG_CLIENT_ENV = "FUNCLS_DEBUG_CLIENT"
