"""App-wide checkers kept between passes over one app (the language server, issue 16).

Duplicate function names (AZF302, with AZF313), duplicate routes (AZF303) and a Durable
Functions binding without its package in requirements.txt (AZF309: the first use in the
app's order) are facts about every function of the app together, so ``IncrementalCheck``
ran them over the whole app on every keystroke: on one app of 5,000 functions they were
22 ms of the 45 ms the rules took after an Enter, mostly reading each function again (its
trigger, its route parsed, its name matched, its bindings' extension), though a keystroke
changes the functions of one def, or of the defs a line added or removed moved.

``WideCheck`` keeps, for each checker, what it read of each function of the app's list
(``structure.name_entry``, ``structure.route_entry``, ``structure_v2.durable_use_of``) and
how many functions have each key (a name, a route's shape) or report on their own (an
invalid name, a Durable use). The indexer keeps the ``Function`` object of every def that
did not change and builds a new one for a def that did (``model.v2.indexer``), the identity
``IncrementalCheck`` keeps per-function findings by; a keystroke changes one run of the list
(one module's functions, patched in by ``model.v2.reindex``). So a pass finds the common
start and end of the old and new lists by identity (in C: ``map`` and ``compress``, no
Python loop over the app), reads the functions between them again and moves the counts.
Only when some key is shared (or a function reports on its own) does it walk the list,
handing the checker's own report the functions whose key another function has, in the
app's order: a function alone with its key neither reports nor changes another's finding,
so the findings are those of the checker over the whole app
(``tests/checks/test_incremental.py`` compares with a full check after random edits of
names, routes, imports and Durable activities). In a correct app nothing is shared, and a
pass costs what the edit changed.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import replace
from itertools import compress, count
from operator import ne
from typing import Any, Generic, TypeVar

from funcls.checks.context import Context
from funcls.checks.registry import Checker
from funcls.checks.structure import (
    RouteEntry,
    name_entry,
    report_names,
    report_routes,
    route_entry,
)
from funcls.checks.structure_v2 import durable_use_of, report_durable_package
from funcls.model.appmodel import Binding, Function
from funcls.model.locations import Range
from funcls.model.shift import Shift, shifted

E = TypeVar("E")


def common_ends(old: list[int], new: list[int]) -> tuple[int, int]:
    """How many items ``old`` and ``new`` share at their start, and then at their end (the
    two never overlap)."""
    shortest = min(len(old), len(new))
    start = next(compress(count(), map(ne, old, new)), shortest)
    rest = shortest - start
    end = next(compress(count(), map(ne, reversed(old), reversed(new))), rest)
    return start, min(end, rest)


# id(copy) -> (copy, original, shift): the Functions of defs that lines added or removed
# above them moved (``model.v2.indexer.moved_functions``).
Moved = dict[int, tuple[Function, Function, Shift]]
# An entry of a moved function's original, for the copy: the same key and aloneness (or
# ``_MISSING``: the copy is read).
MoveEntry = Callable[[E, Function, Function, Shift], E]
_MISSING: Any = object()


class KeptList(Generic[E]):
    """One checker's entry for each function of the app's list, in order, how many entries
    have each key (``key_of``: None for an entry without one) and how many report on their
    own, whatever the others (``alone``). ``move``: the entry of a moved function's copy
    from its original's (an Enter moves every def below it: their copies are not read
    again); None reads the copy."""

    def __init__(
        self,
        read: Callable[[Function], E],
        key_of: Callable[[E], Hashable | None],
        alone: Callable[[E], bool] = lambda e: False,
        move: MoveEntry[E] | None = None,
    ) -> None:
        self.read = read
        self.key_of = key_of
        self.alone = alone
        self.move = move
        self.alone_count = 0
        self.functions: list[Function] = []  # held: an id here is the object's own
        self.ids: list[int] = []
        self.entries: list[E] = []
        self.counts: dict[Hashable, int] = {}
        self.shared = 0  # keys more than one entry has
        self.read_count = 0  # functions read (tests)

    def reset(self) -> None:
        self.functions, self.ids, self.entries = [], [], []
        self.counts, self.shared, self.alone_count = {}, 0, 0

    def _add(self, e: E, by: int) -> None:
        if self.alone(e):
            self.alone_count += by
        key = self.key_of(e)
        if key is None:
            return
        was = self.counts.get(key, 0)
        now = was + by
        if now:
            self.counts[key] = now
        else:
            del self.counts[key]
        self.shared += (now > 1) - (was > 1)

    def update(self, functions: list[Function], moved: Moved | None = None) -> None:
        """``moved``: the copies among ``functions`` of functions moved by lines added or
        removed (their entries are moved from their originals' when ``move`` is set)."""
        ids = list(map(id, functions))
        start, end = common_ends(self.ids, ids)
        old_stop = len(self.ids) - end
        new_stop = len(ids) - end
        if start == old_stop and start == new_stop:
            self.functions = functions
            return
        # An object in the old run may still be in the new one (a list reordered), or have
        # a moved copy there: its entry is taken, and the counts stay (the same key and
        # aloneness); the entries of the old run nobody took are counted out at the end.
        was = {
            id(fn): e
            for fn, e in zip(
                self.functions[start:old_stop], self.entries[start:old_stop], strict=True
            )
        }
        middle: list[E] = []
        if len(was) != old_stop - start:  # an object twice in the run: count each entry
            for e in self.entries[start:old_stop]:
                self._add(e, -1)
            for fn in functions[start:new_stop]:
                e = was.get(id(fn), _MISSING)
                if e is _MISSING:
                    e = self.read(fn)
                    self.read_count += 1
                self._add(e, 1)
                middle.append(e)
        else:
            move = self.move if moved else None
            for fn in functions[start:new_stop]:
                e = was.pop(id(fn), _MISSING)
                if e is _MISSING and move is not None:
                    m = moved.get(id(fn))  # type: ignore[union-attr]
                    if m is not None and m[0] is fn:
                        e = was.pop(id(m[1]), _MISSING)
                        if e is not _MISSING:
                            got = move(e, fn, m[1], m[2])
                            if got is _MISSING:  # not movable: the copy is read
                                self._add(e, -1)
                            e = got
                if e is _MISSING:
                    e = self.read(fn)
                    self.read_count += 1
                    self._add(e, 1)
                middle.append(e)
            for e in was.values():
                self._add(e, -1)
        self.entries = [*self.entries[:start], *middle, *self.entries[old_stop:]]
        self.functions = functions
        self.ids = ids


_NameEntry = tuple[bool, str] | None


def _name_key(e: _NameEntry) -> Hashable | None:
    return None if e is None else e[1]


def _invalid_name(e: _NameEntry) -> bool:
    return e is not None and not e[0]  # AZF313, whatever the other names


def _route_key(e: RouteEntry | None) -> Hashable | None:
    return None if e is None else e[1]


def _same_name(e: _NameEntry, fn: Function, old: Function, shift: Shift) -> _NameEntry:
    return e  # its name and kind: the copy's


def _moved_route(
    e: RouteEntry | None, fn: Function, old: Function, shift: Shift
) -> RouteEntry | None:
    if e is None:
        return None
    # The copy's binding at the original's place (the copy holds one per original's).
    at = next((i for i, b in enumerate(old.bindings) if b is e[0]), None)
    if at is None or len(fn.bindings) != len(old.bindings):
        return _MISSING  # type: ignore[no-any-return]
    return fn.bindings[at], e[1], e[2]


def _moved_durable(
    e: tuple[str, Range] | None, fn: Function, old: Function, shift: Shift
) -> tuple[str, Range] | None:
    if e is None:
        return None
    if e[0] != shift.path:  # a range of another file (never on the bench): read again
        return _MISSING  # type: ignore[no-any-return]
    return e[0], shifted(e[1], shift)


class WideCheck:
    """What the app-wide checkers read of each function, kept from the last pass."""

    def __init__(self) -> None:
        self.names: KeptList[_NameEntry] = KeptList(
            name_entry, _name_key, _invalid_name, _same_name
        )
        self.routes: KeptList[RouteEntry | None] = KeptList(
            lambda fn: None, _route_key, move=_moved_route
        )
        self.prefix: str | None = None
        self.durable: KeptList[tuple[str, Range] | None] = KeptList(
            durable_use_of, lambda e: None, lambda e: e is not None, _moved_durable
        )
        # The moved functions of the app this pass checks (``IncrementalCheck`` sets it).
        self.moved: Moved = {}

    @property
    def read(self) -> int:
        """Functions read again since ``read`` was last set to 0 (tests)."""
        return self.names.read_count + self.routes.read_count + self.durable.read_count

    @read.setter
    def read(self, value: int) -> None:
        self.names.read_count = self.routes.read_count = self.durable.read_count = value

    def in_pass(self, checker: Checker) -> Checker:
        """The checker to run in this pass: ``checker`` itself, or its kept form."""
        kept = _KEPT.get(checker.name)
        if kept is None:
            return checker
        return replace(checker, fn=lambda ctx: kept(self, ctx))

    def function_names(self, ctx: Context) -> None:
        kept = self.names
        kept.update(ctx.app.functions, self.moved)
        if not kept.shared and not kept.alone_count:
            return
        counts = kept.counts
        report_names(
            ctx,
            [
                fn
                for fn, e in zip(kept.functions, kept.entries, strict=True)
                if e is not None and (not e[0] or counts[e[1]] > 1)
            ],
        )

    def duplicate_routes(self, ctx: Context) -> None:
        kept = self.routes
        prefix = ctx.app.route_prefix
        if prefix != self.prefix:
            kept.reset()
            self.prefix = prefix
        kept.read = lambda fn: route_entry(fn, prefix)
        kept.update(ctx.app.functions, self.moved)
        if not kept.shared:
            return
        counts = kept.counts
        clashing: list[tuple[Function, Binding, tuple[object, ...], frozenset[str]]] = [
            (fn, *e)
            for fn, e in zip(kept.functions, kept.entries, strict=True)
            if e is not None and counts[e[1]] > 1
        ]
        report_routes(ctx, clashing)

    def durable_package(self, ctx: Context) -> None:
        kept = self.durable
        kept.update(ctx.app.functions, self.moved)

        def first() -> tuple[str, Range] | None:
            if not kept.alone_count:
                return None
            return next(e for e in kept.entries if e is not None)

        report_durable_package(ctx, first)


# The checkers kept per function, by name.
_KEPT: dict[str, Callable[[WideCheck, Context], None]] = {
    "function_names": WideCheck.function_names,
    "duplicate_routes": WideCheck.duplicate_routes,
    "durable_package": WideCheck.durable_package,
}
