"""App-wide checkers kept between passes over one app (the language server, issue 16).

Duplicate function names (AZF302, with AZF313) and duplicate routes (AZF303) are facts about
every function of the app together, so ``IncrementalCheck`` ran them over the whole app on
every keystroke: on one app of 5,000 functions they were 18 ms of the 45 ms the rules took
after an Enter. Most of that was reading each function again (its trigger, its route parsed,
its name matched), though a keystroke changes the functions of one def, or of the defs a line
added or removed moved.

``WideCheck`` keeps what each checker reads of each function (``structure.name_entry``,
``structure.route_entry``), by ``Function`` object: the indexer keeps the object of every def
that did not change, and builds a new one for a def that did (``model.v2.indexer``), the same
identity ``IncrementalCheck`` keeps per-function findings by. Each pass then counts the keys
(names, route shapes) from those entries and hands the checker's own report only the
functions whose key another function has, in the app's order: a function alone with its key
neither reports nor changes another's finding, so the findings are those of the checker over
the whole app (``tests/checks/test_incremental.py`` compares with a full check after random
edits of names and routes).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from funcls.checks.context import Context
from funcls.checks.registry import Checker
from funcls.checks.structure import (
    RouteEntry,
    name_entry,
    report_names,
    report_routes,
    route_entry,
)
from funcls.model.appmodel import Binding, Function

_NameEntry = tuple[bool, str] | None


class WideCheck:
    """What the app-wide checkers read of each function, kept from the last pass."""

    def __init__(self) -> None:
        # id(fn) -> (fn, entry): the function is held so that its id stays its own.
        self.names: dict[int, tuple[Function, _NameEntry]] = {}
        self.routes: dict[int, tuple[Function, str, RouteEntry | None]] = {}
        self.read = 0  # functions read again by the last pass (tests)

    def in_pass(self, checker: Checker) -> Checker:
        """The checker to run in this pass: ``checker`` itself, or its kept form."""
        kept = _KEPT.get(checker.name)
        if kept is None:
            return checker
        return replace(checker, fn=lambda ctx: kept(self, ctx))

    def function_names(self, ctx: Context) -> None:
        old, now = self.names, {}
        counts: dict[str, int] = {}
        entries: list[tuple[Function, _NameEntry]] = []
        for fn in ctx.app.functions:
            hit = old.get(id(fn))
            if hit is not None and hit[0] is fn:
                entry = hit[1]
            else:
                entry = name_entry(fn)
                self.read += 1
            now[id(fn)] = (fn, entry)
            entries.append((fn, entry))
            if entry is not None:
                counts[entry[1]] = counts.get(entry[1], 0) + 1
        self.names = now
        report_names(
            ctx,
            [fn for fn, e in entries if e is not None and (not e[0] or counts[e[1]] > 1)],
        )

    def duplicate_routes(self, ctx: Context) -> None:
        prefix = ctx.app.route_prefix
        old, now = self.routes, {}
        counts: dict[tuple[object, ...], int] = {}
        entries: list[tuple[Function, RouteEntry]] = []
        for fn in ctx.app.functions:
            hit = old.get(id(fn))
            if hit is not None and hit[0] is fn and hit[1] == prefix:
                entry = hit[2]
            else:
                entry = route_entry(fn, prefix)
                self.read += 1
            now[id(fn)] = (fn, prefix, entry)
            if entry is not None:
                entries.append((fn, entry))
                counts[entry[1]] = counts.get(entry[1], 0) + 1
        self.routes = now
        clashing: list[tuple[Function, Binding, tuple[object, ...], frozenset[str]]] = [
            (fn, b, shape, methods) for fn, (b, shape, methods) in entries if counts[shape] > 1
        ]
        report_routes(ctx, clashing)


# The checkers kept per function, by name.
_KEPT: dict[str, Callable[[WideCheck, Context], None]] = {
    "function_names": WideCheck.function_names,
    "duplicate_routes": WideCheck.duplicate_routes,
}
