"""The answer to ``initialize`` without pygls or lsprotocol (issue 16).

pygls needs lsprotocol to read a message, and importing lsprotocol's types alone takes about
0.3 s (attrs builds ~560 classes); with the model, the rules and the feature modules the server
took 0.75 s to answer ``initialize``. funcls' reader (``lsp/startup.py``) answers it first from
``capabilities.json``: the ``ServerCapabilities`` pygls builds from the registered features for
a client that states no capabilities and for one that states every capability pygls' builder
reads (``serverInfo`` is funcls' name and version). What depends on the client is taken as
pygls' ``ServerCapabilitiesBuilder`` computes it (pygls 2.1, ``pygls/capabilities.py``):

* ``positionEncoding``: the first of the client's ``general.positionEncodings`` that pygls
  supports (``utf-8``, ``utf-16``, ``utf-32``), ``utf-16`` otherwise;
* ``renameProvider``: ``RenameOptions`` only for a client with ``textDocument.rename.
  prepareSupport`` (the specification allows it only then), ``true`` otherwise;
* ``textDocumentSync.willSave`` / ``willSaveWaitUntil``: absent unless the client states them.

The builder's other client-dependent branches (file operations, notebook sync) give the same
answer for every client while funcls registers none of those features.
``tests/lsp/unit/test_capabilities.py`` compares :func:`initialize_result` with what pygls
answers for every recorded client and for variations of these fields, and ``capabilities.json``
with what the registered features give now, so the early answer cannot drift: after adding a
feature, run ``python -m funcls.lsp.capabilities`` to write the file again.

Nothing here imports pygls or lsprotocol, except :func:`pygls_initialize_result` (for the
test and the generator).
"""

from __future__ import annotations

import json
import os
from typing import Any

from funcls import __version__

PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "capabilities.json")
SUPPORTED_ENCODINGS = ("utf-8", "utf-16", "utf-32")  # pygls' _SUPPORTED_ENCODINGS
DEFAULT_ENCODING = "utf-16"
# The two clients the stored answers are computed for: one that states nothing, and one that
# states every capability pygls' builder looks at (besides positionEncodings).
PLAIN_CLIENT: dict[str, Any] = {}
FULL_CLIENT: dict[str, Any] = {
    "textDocument": {
        "synchronization": {"willSave": True, "willSaveWaitUntil": True},
        "rename": {"prepareSupport": True},
    }
}

_cached: dict[str, Any] | None = None


def precomputed() -> dict[str, Any]:
    """The stored ``ServerCapabilities``: ``plain`` for :data:`PLAIN_CLIENT`, ``full`` for
    :data:`FULL_CLIENT`."""
    global _cached
    if _cached is None:
        with open(PATH, encoding="utf-8") as f:
            _cached = json.load(f)
    return _cached


class Unusual(ValueError):
    """The parameters hold something this module does not read as pygls would; pygls answers."""


def _field(obj: Any, *names: str) -> Any:
    """``obj[names[0]][names[1]]…``; None when a level is absent or null, :class:`Unusual`
    when a level is not an object."""
    for name in names:
        if obj is None:
            return None
        if not isinstance(obj, dict):
            raise Unusual(name)
        obj = obj.get(name)
    return obj


def _flag(capabilities: dict[str, Any], *names: str) -> bool | None:
    value = _field(capabilities, *names)
    if value is not None and not isinstance(value, bool):
        raise Unusual(names[-1])
    return value


def position_encoding(capabilities: dict[str, Any]) -> str:
    encodings = _field(capabilities, "general", "positionEncodings")
    if encodings is None:
        return DEFAULT_ENCODING
    if not isinstance(encodings, list) or not all(isinstance(e, str) for e in encodings):
        raise Unusual("positionEncodings")
    return next((e for e in encodings if e in SUPPORTED_ENCODINGS), DEFAULT_ENCODING)


def server_capabilities(capabilities: dict[str, Any]) -> dict[str, Any]:
    """pygls' ``ServerCapabilities`` for a client with ``capabilities`` (JSON)."""
    stored = precomputed()
    caps: dict[str, Any] = json.loads(json.dumps(stored["plain"]))  # a copy to change
    full = stored["full"]
    caps["positionEncoding"] = position_encoding(capabilities)
    # willSave: `client's willSave and the server handles willSave`: absent when the client
    # says nothing, the server's answer otherwise.
    sync = caps.get("textDocumentSync")
    for key in ("willSave", "willSaveWaitUntil"):
        stated = _flag(capabilities, "textDocument", "synchronization", key) is not None
        if stated and isinstance(sync, dict) and key in full.get("textDocumentSync", {}):
            sync[key] = full["textDocumentSync"][key]
    # renameProvider: RenameOptions only for a client with prepareSupport.
    if _flag(capabilities, "textDocument", "rename", "prepareSupport") and "renameProvider" in full:
        caps["renameProvider"] = full["renameProvider"]
    return caps


def initialize_result(params: Any) -> dict[str, Any] | None:
    """The ``InitializeResult`` (as JSON) pygls answers to ``initialize`` with ``params``, or
    None when the parameters are unusual enough that pygls should read them itself."""
    if not isinstance(params, dict) or not isinstance(params.get("capabilities"), dict):
        return None
    try:
        caps = server_capabilities(params["capabilities"])
    except Unusual:
        return None
    return {"capabilities": caps, "serverInfo": {"name": "funcls", "version": __version__}}


# -- what pygls computes (the generator and the tests) ---------------------------------------
def pygls_initialize_result(params: dict[str, Any]) -> dict[str, Any]:
    """What a freshly built server answers to ``initialize`` with
    ``params``: the message pygls writes, decoded (an error answer raises)."""
    from funcls.lsp.handlers import register
    from funcls.lsp.server import FunclsServer

    server = FunclsServer()
    register(server)  # as lsp.cli.build_server does
    sent: list[bytes] = []

    class Capture:
        def write(self, data: bytes) -> None:
            sent.append(data)

        def close(self) -> None:
            pass

    server.protocol.set_writer(Capture())
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": params})
    from funcls.lsp.framing import dispatch

    dispatch(server.protocol, body.encode())
    answers = [json.loads(b.split(b"\r\n\r\n", 1)[1]) for b in sent]
    answer = next(a for a in answers if a.get("id") == 1)
    if "error" in answer:
        raise ValueError(f"pygls refused initialize: {answer['error']}")
    result: dict[str, Any] = answer["result"]
    return result


def computed() -> dict[str, Any]:
    """What :func:`precomputed` must hold, computed by pygls from the registered features."""
    return {
        name: pygls_initialize_result({"processId": None, "rootUri": None, "capabilities": client})[
            "capabilities"
        ]
        for name, client in (("plain", PLAIN_CLIENT), ("full", FULL_CLIENT))
    }


def write() -> None:
    """Store what pygls answers the two clients."""
    with open(PATH, "w", encoding="utf-8") as f:
        json.dump(computed(), f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"wrote {PATH}")


if __name__ == "__main__":
    write()
