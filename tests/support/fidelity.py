"""Compare funcls' static index with what the real azure-functions library builds.

The library side runs in a child process that imports the app's script exactly as the worker
does (app root on sys.path, every FunctionRegister instance in the module's globals).

Normalisation (documented in docs/fidelity.md): JSON key order is ignored; the values of
enum-valued properties and ``direction`` are compared ignoring case, because the library
writes enum member names (``ANONYMOUS``, ``IN``) while funcls writes the host's canonical
spellings (``anonymous``, ``in``) — the host reads both the same way. Nothing else is
normalised: names, types, routes, paths and all other values must be equal.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from funcls.model.appmodel import App
from funcls.model.catalogue import CATALOGUE
from funcls.model.loader import load_app
from funcls.model.source import Source

_LIBRARY_SIDE = r"""
import importlib, json, logging, os, sys
logging.disable(logging.CRITICAL)
sys.path.insert(0, os.getcwd())
script = sys.argv[1]
mod = importlib.import_module(script[:-3].replace(os.sep, "."))
from azure.functions import FunctionRegister
out = {}
for value in list(vars(mod).values()):
    if isinstance(value, FunctionRegister):
        for f in value.get_functions():
            out[f.get_function_name()] = json.loads(f.get_function_json())["bindings"]
print(json.dumps(out))
"""


def library_index(
    app_dir: str, script: str = "function_app.py", python: str | None = None
) -> dict[str, list[dict[str, Any]]]:
    proc = subprocess.run(
        [python or sys.executable, "-c", _LIBRARY_SIDE, script],
        cwd=app_dir,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    if proc.returncode != 0:
        raise AssertionError(f"the library could not index {app_dir}:\n{proc.stderr}")
    result: dict[str, list[dict[str, Any]]] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def funcls_index(app_dir: str) -> App:
    return load_app(app_dir, Source())


def _case_insensitive_keys(binding_type: str) -> set[str]:
    """Keys whose values are enum members: from the binding spec and from the decorators."""
    spec = CATALOGUE.binding(binding_type)
    keys = {"direction", "dataType"}
    if spec is not None:
        keys |= {p.name for p in spec.properties if p.kind in ("enum", "enum-list")}
    for d in CATALOGUE.decorators.values():
        if binding_type in d.bindings:
            keys |= {p.target for p in d.params if p.enum and p.target and p.parse == "member-name"}
    return keys


def normalise(binding: dict[str, Any]) -> dict[str, Any]:
    keys = _case_insensitive_keys(str(binding.get("type", "")))
    out: dict[str, Any] = {}
    for k, v in binding.items():
        if k in keys:
            if isinstance(v, str):
                v = v.lower()
            elif isinstance(v, list):
                v = [x.lower() if isinstance(x, str) else x for x in v]
        out[k] = v
    return out


def differences(app: App, library: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Human-readable differences; empty when funcls and the library agree."""
    problems: list[str] = []
    ours = {f.name: f for f in app.functions}
    for name in sorted(set(library) - set(ours)):
        problems.append(f"function {name!r}: the library has it, funcls does not")
    for name in sorted(set(ours) - set(library)):
        problems.append(f"function {name!r}: funcls has it, the library does not")
    for name in sorted(set(ours) & set(library)):
        mine = [normalise(b.to_json()) for b in ours[name].bindings]
        theirs = [normalise(b) for b in library[name]]
        if mine != theirs:
            problems.append(
                f"function {name!r} differs:\n    funcls : {json.dumps(mine, sort_keys=True)}\n"
                f"    library: {json.dumps(theirs, sort_keys=True)}"
            )
    return problems
