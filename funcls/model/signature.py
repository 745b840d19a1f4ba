"""The parts of the app model that describe Python code and what the indexers could not read:
a def's scope, its parameters and their annotations, and indexing problems. A leaf module
(locations only), so the Python readers (`model/python/`) use these types without importing
the app model, which imports them back through `Source`."""

from __future__ import annotations

from dataclasses import field
from typing import Any, Literal

from funcls.model.fastclass import dataclass
from funcls.model.locations import Location, Range

# Where a def stands: at the top level, in a class, in a function, or under
# `if __name__ == "__main__":` (top level, but never run when the worker imports the module).
Scope = Literal["module", "class", "function", "main"]


@dataclass(slots=True)
class Problem:
    """A fact the indexer could not read past: a syntax error, a missing file…

    ``kind`` is stable; the rule engine turns problems into diagnostics with codes.
    """

    kind: str
    message: str
    path: str
    range: Range
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def location(self) -> Location:
        return Location(self.path, self.range)


@dataclass(slots=True)
class Annotation:
    text: str  # as written
    qualname: str | None  # normalised, e.g. azure.functions.Out[str]; None if unresolved
    range: Range

    @property
    def is_out(self) -> bool:
        return bool(self.qualname and self.qualname.startswith("azure.functions.Out["))

    @property
    def out_inner(self) -> str | None:
        if self.qualname and self.is_out:
            return self.qualname[len("azure.functions.Out[") : -1]
        return None


@dataclass(slots=True)
class Parameter:
    name: str
    range: Range  # the parameter's name
    annotation: Annotation | None = None
    has_default: bool = False
    kind: Literal["positional", "keyword", "var-positional", "var-keyword"] = "positional"
