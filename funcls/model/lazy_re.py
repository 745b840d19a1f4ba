"""Regular expressions compiled on first use (issue 16).

A module-level ``re.compile`` runs when its module is imported: ``re``'s compiler is Python,
and the 18 patterns `funcls check` imports but never uses on the 1,000-function bench (route
constraints, requirement names, suppression comments…) cost about 1.8 ms of every start.
``compiled_on_use(pattern, flags)`` gives an object that compiles the pattern the first time
one of its attributes is read, then keeps the compiled pattern's methods as its own, so that
later calls go straight to them. Use it for patterns whose methods are called
(``_X.match(text)``), not for ones passed to ``re`` functions.
"""

from __future__ import annotations

import re
from typing import Any, cast

_METHODS = ("match", "fullmatch", "search", "sub", "subn", "split", "finditer", "findall")


class _OnUse:
    def __init__(self, pattern: str, flags: int) -> None:
        self._args = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        # Called only for attributes the instance lacks: the first use.
        compiled = re.compile(*self._args)
        for method in _METHODS:
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"compiled_on_use{self._args!r}"


def compiled_on_use(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, compiled the first time it is used."""
    return cast("re.Pattern[str]", _OnUse(pattern, flags))
