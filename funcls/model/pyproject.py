"""The dependencies a pyproject.toml declares (PEP 621 ``[project]`` or Poetry), read with
the standard library's TOML parser. Nothing is installed or run."""

from __future__ import annotations

import sys
from dataclasses import field
from typing import Any

from funcls.model.distributions import normalise
from funcls.model.fastclass import dataclass
from funcls.model.lazy_re import compiled_on_use

_NAME = compiled_on_use(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


@dataclass(slots=True)
class PyProject:
    path: str
    dependencies: set[str] = field(default_factory=set)  # normalised distribution names
    manager: str | None = None  # "poetry", "uv", "pdm", "hatch" when the file says so
    error: str | None = None  # the TOML could not be read


def read_pyproject(path: str, text: str) -> PyProject:
    out = PyProject(path)
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10 (tomli is a dependency there)
        import tomli as tomllib
    try:
        doc: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        out.error = str(e)
        return out
    project = doc.get("project")
    if isinstance(project, dict):
        for spec in project.get("dependencies") or []:
            m = _NAME.match(spec) if isinstance(spec, str) else None
            if m:
                out.dependencies.add(normalise(m.group(1)))
    tool = doc.get("tool")
    tool = tool if isinstance(tool, dict) else {}
    poetry = tool.get("poetry")
    if isinstance(poetry, dict):
        out.manager = "poetry"
        deps = poetry.get("dependencies")
        if isinstance(deps, dict):
            out.dependencies.update(normalise(k) for k in deps if k.lower() != "python")
    for name in ("uv", "pdm", "hatch"):
        if out.manager is None and name in tool:
            out.manager = name
    return out
