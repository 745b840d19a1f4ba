"""A concrete request path for a route template, for running an HTTP function by hand.

``items/{id:int}/{slug?}`` becomes ``items/1``: each parameter gets the first of a few
ordinary values that satisfies all its constraints (its default when it has one), omittable
parameters at the end are left out, and the result is checked with the template's own matcher.
A caller that knows what a parameter names (a durable starter's ``{functionName}``) passes it in
``preferred``, tried before the ordinary values.
"""

from __future__ import annotations

from collections.abc import Mapping

from funcls.model.parsers.route_template import RouteParameter, RouteTemplate

_CANDIDATES = (
    "1",
    "sample",
    "true",
    "1.5",
    "2026-01-01",
    "00000000-0000-0000-0000-000000000001",
    "a",
    "sample.txt",
)


def _value(param: RouteParameter, preferred: Mapping[str, str]) -> str | None:
    if param.default is not None:
        return param.default
    candidates: list[str] = []
    # Route parameter names are case-insensitive, as the host's route matching.
    candidates += [v for k, v in preferred.items() if k.lower() == param.name.lower()]
    for c in param.constraints:
        # Values the numeric arguments suggest first: min(5) -> "5", length(3) -> "aaa" …
        for n in c.arguments:
            candidates += [str(n), "a" * n]
    candidates += _CANDIDATES
    for value in candidates:
        if all(c.matches(value) for c in param.constraints):
            return value
    return None


def sample_path(template: RouteTemplate, preferred: Mapping[str, str] | None = None) -> str | None:
    """A path below the route prefix that ``template`` matches, or None if none is found."""
    segments: list[str] = []
    trailing = True
    texts: list[str | None] = []
    for seg in reversed(template.segments):
        only = seg.parts[0] if seg.is_simple else None
        if trailing and isinstance(only, RouteParameter) and only.omittable:
            texts.append(None)
            continue
        trailing = False
        text = ""
        for part in seg.parts:
            if isinstance(part, RouteParameter):
                v = _value(part, preferred or {})
                if v is None:
                    return None
                text += v
            else:
                text += part.text
        texts.append(text)
    segments = [t for t in reversed(texts) if t is not None]
    path = "/".join(segments)
    return path if template.match(path, decoded=True) is not None else None
