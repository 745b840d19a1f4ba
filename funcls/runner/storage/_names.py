"""Queue, container and blob name rules of Azure Storage, checked before any I/O so that
both backends reject the same names with the same message."""

from __future__ import annotations

import re

from .errors import InvalidNameError

# 3-63 characters; lowercase letters, digits and single hyphens; starts and ends with a
# letter or digit.
_SIMPLE_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$")
_SPECIAL_CONTAINERS = frozenset({"$root", "$web", "$logs"})
MAX_BLOB_NAME_LENGTH = 1024


def _explain(kind: str, name: str) -> str:
    if not 3 <= len(name) <= 63:
        problem = f"is {len(name)} characters long; it must have 3 to 63"
    elif name != name.lower():
        problem = "has uppercase letters; use lowercase"
    elif "--" in name:
        problem = "has consecutive hyphens"
    elif name.startswith("-") or name.endswith("-"):
        problem = "must start and end with a letter or digit"
    else:
        problem = "may only hold lowercase letters, digits and hyphens"
    return f"{kind} name '{name}' {problem}"


def check_queue_name(name: str) -> str:
    if not isinstance(name, str) or not _SIMPLE_NAME.match(name):
        raise InvalidNameError(_explain("queue", str(name)))
    return name


def check_container_name(name: str) -> str:
    if isinstance(name, str) and (name in _SPECIAL_CONTAINERS or _SIMPLE_NAME.match(name)):
        return name
    raise InvalidNameError(_explain("container", str(name)))


def check_blob_name(name: str) -> str:
    if not isinstance(name, str) or not 1 <= len(name) <= MAX_BLOB_NAME_LENGTH:
        raise InvalidNameError(
            f"blob name must have 1 to {MAX_BLOB_NAME_LENGTH} characters, got "
            f"{len(name) if isinstance(name, str) else type(name).__name__}"
        )
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in name):
        raise InvalidNameError(f"blob name {name!r} contains control characters")
    return name
