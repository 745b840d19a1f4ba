"""checks.wide: the per-function entries the app-wide checkers keep between passes equal those
of a fresh pass after random changes of the function list (the random edits of whole apps,
compared with a full check, are in test_incremental.py)."""

from __future__ import annotations

import random
from typing import Any

import pytest

from funcls.checks.wide import KeptList, common_ends


class Fn:
    """A stand-in function: the list holds objects, the entries are read from ``key``."""

    def __init__(self, key: str | None, alone: bool = False) -> None:
        self.key = key
        self.alone = alone


def kept() -> KeptList[Any]:
    return KeptList(
        lambda fn: (fn.key, fn.alone),
        lambda e: e[0],
        lambda e: e[1],
    )


def test_common_ends() -> None:
    assert common_ends([], []) == (0, 0)
    assert common_ends([1, 2, 3], [1, 2, 3]) == (3, 0)
    assert common_ends([1, 2, 3], [1, 9, 3]) == (1, 1)
    assert common_ends([1, 2, 3], [1, 3]) == (1, 1)
    assert common_ends([1, 3], [1, 2, 3]) == (1, 1)
    assert common_ends([1, 1, 1], [1, 1]) == (2, 0)  # never overlapping
    assert common_ends([5, 1, 2], [6, 1, 2]) == (0, 2)


@pytest.mark.parametrize("seed", range(8))
def test_kept_entries_equal_a_fresh_read(seed: int) -> None:
    rng = random.Random(seed)
    keys = ["a", "b", "c", "d", None]
    fns = [Fn(rng.choice(keys)) for _ in range(30)]
    k = kept()
    k.update(list(fns))
    for _ in range(200):
        change = rng.randrange(5)
        if change == 0 and fns:  # one replaced by a new object (an edited def)
            i = rng.randrange(len(fns))
            fns[i] = Fn(rng.choice(keys), rng.random() < 0.1)
        elif change == 1:  # a run of new objects (lines added above them: moved copies)
            i = rng.randrange(len(fns) + 1)
            j = rng.randrange(i, min(len(fns), i + 8) + 1)
            fns[i:j] = [Fn(f.key, f.alone) for f in fns[i:j]]
        elif change == 2 and fns:  # removed
            del fns[rng.randrange(len(fns))]
        elif change == 3:  # added
            fns.insert(rng.randrange(len(fns) + 1), Fn(rng.choice(keys)))
        elif len(fns) > 1:  # two swapped (the same objects in another order)
            i, j = rng.sample(range(len(fns)), 2)
            fns[i], fns[j] = fns[j], fns[i]
        before = k.read_count
        k.update(list(fns))
        fresh = kept()
        fresh.update(list(fns))
        assert k.entries == fresh.entries
        assert k.functions == fns
        assert k.counts == fresh.counts
        assert (k.shared, k.alone_count) == (fresh.shared, fresh.alone_count)
        assert k.shared == sum(1 for n in fresh.counts.values() if n > 1)
        assert k.read_count - before <= len(fns)
    # Nothing changed: nothing read.
    before = k.read_count
    k.update(list(fns))
    assert k.read_count == before


@pytest.mark.parametrize("seed", range(8))
def test_moved_copies_take_their_originals_entries(seed: int) -> None:
    """Copies of functions that lines added or removed moved (``moved``: copy -> original)
    take their original's entry through ``move`` and are not read; the entries and counts
    are a fresh read's after random moves, edits, removals, insertions and swaps (some
    copies of originals no longer in the list, some originals kept beside their copy)."""
    rng = random.Random(seed)
    keys = ["a", "b", "c", "d", None]
    moved_entries: list[Any] = []

    def move(e: Any, fn: Any, old: Any, shift: Any) -> Any:
        moved_entries.append(e)
        return e

    def kept_moving() -> KeptList[Any]:
        return KeptList(lambda fn: (fn.key, fn.alone), lambda e: e[0], lambda e: e[1], move)

    fns = [Fn(rng.choice(keys), rng.random() < 0.1) for _ in range(30)]
    k = kept_moving()
    k.update(list(fns))
    for _ in range(200):
        moved: dict[int, Any] = {}
        change = rng.randrange(5)
        if change < 2:  # a run of moved copies (an Enter above them)
            i = rng.randrange(len(fns) + 1)
            j = rng.randrange(i, min(len(fns), i + 8) + 1)
            copies = [Fn(f.key, f.alone) for f in fns[i:j]]
            moved = {id(c): (c, f, None) for c, f in zip(copies, fns[i:j], strict=True)}
            if change == 1 and fns[i:j]:  # one original kept beside its copies
                copies.append(fns[i])
            fns[i:j] = copies
        elif change == 2 and fns:
            fns[rng.randrange(len(fns))] = Fn(rng.choice(keys), rng.random() < 0.1)
        elif change == 3 and fns:
            del fns[rng.randrange(len(fns))]
        elif len(fns) > 1:
            i, j = rng.sample(range(len(fns)), 2)
            fns[i], fns[j] = fns[j], fns[i]
        before, moves = k.read_count, len(moved_entries)
        k.update(list(fns), moved)
        fresh = kept()
        fresh.update(list(fns))
        assert k.entries == fresh.entries
        assert k.counts == fresh.counts
        assert (k.shared, k.alone_count) == (fresh.shared, fresh.alone_count)
        if change == 0:  # every copy's entry moved, none read
            assert len(moved_entries) - moves == len(moved)
            assert k.read_count == before


def test_a_moved_durable_use_moves_only_in_the_edited_file() -> None:
    """The first Durable use of a moved copy is its original's, moved when it is in the file
    the lines were added to; a use in another file is read again (``_MISSING``)."""
    from funcls.checks.wide import _MISSING, _moved_durable
    from funcls.model.locations import Range
    from funcls.model.shift import Shift

    shift = Shift("/app/bp.py", 10, 1)
    use = ("/app/bp.py", Range.of(12, 4, 12, 30))
    assert _moved_durable(use, None, None, shift) == ("/app/bp.py", Range.of(13, 4, 13, 30))  # type: ignore[arg-type]
    above = ("/app/bp.py", Range.of(3, 0, 3, 9))
    assert _moved_durable(above, None, None, shift) == above  # type: ignore[arg-type]
    elsewhere = ("/app/other.py", Range.of(12, 4, 12, 30))
    assert _moved_durable(elsewhere, None, None, shift) is _MISSING  # type: ignore[arg-type]
    assert _moved_durable(None, None, None, shift) is None  # type: ignore[arg-type]
