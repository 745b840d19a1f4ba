"""AZF606/607 read an edited module again by its changed top-level statement only (issue 16):
after every edit of a random sequence, what ``_statement_names`` answers equals what reading
the whole text gives (``module_names(text, whole=False)``), positions of the imports
included."""

from __future__ import annotations

import random

from funcls.checks import imported_names
from funcls.checks.imported_names import _statement_names
from funcls.model.python.bound_names import module_names

_MODULE = '''"""A blueprint module."""
import logging
import os.path as osp

from models import Greeting, Другой as Other  # ünïcode before the names
from . import helpers
from .sub.deep import (
    first,
    second as zweite,
)

try:
    from fast import speedy
except KeyError:
    speedy = None

try:
    from optional import maybe
except ImportError:
    maybe = None

if os.environ:
    from guarded import never_certain

LIMIT: int = 3
a, (b, *c) = 1, (2, 3)


class Settings:
    from config import value

    def method(self):
        return 1


@decorator(
    name="x",
)
def handler(req):
    x = 1
    return x


for i in range(3):
    pass

with open("f") as fh:
    pass

match LIMIT:
    case {"k": kk, **rest}:
        pass
    case [first_item, *others]:
        pass


def other():
    global made_here
    made_here = 1
'''

_LINES = [
    "",
    "# a comment",
    "    y = 2",
    "from extra import added",
    "import newly",
    "from . import rel_é as relé",
    "def late(): pass",
    "zz = (",
    ")",
    "class K: from inside import k",
]


def _same(text: str) -> None:
    got = _statement_names("/ws/app/blueprints/mod.py", text)
    want = module_names(text, whole=False)
    if want is None:
        assert got is None
        return
    assert got is not None
    assert got.names == want.names
    assert got.star_imports == want.star_imports
    assert got.plain_imports == want.plain_imports
    assert got.from_imports == want.from_imports
    assert got.dynamic is None and not got.stored_attributes and not got.opaque_setattr


def test_random_edits_read_like_the_whole_text() -> None:
    rng = random.Random(1606)
    imported_names._STATEMENTS.clear()
    lines = _MODULE.split("\n")
    spliced = 0
    for _ in range(600):
        saved = list(lines)
        kind = rng.random()
        at = rng.randrange(len(lines))
        if kind < 0.3:
            lines.insert(at, rng.choice(["", "    ", "    z = 3"]))  # Enter, mostly in defs
        elif kind < 0.5 and len(lines) > 5:
            del lines[at]
        elif kind < 0.75:
            lines.insert(at, rng.choice(_LINES))
        else:
            line = lines[at]
            col = rng.randrange(len(line) + 1)
            lines[at] = line[:col] + rng.choice(["x", "é", " ", "(", ":", ""]) + line[col:]
        before = imported_names._STATEMENTS.get("/ws/app/blueprints/mod.py")
        _same("\n".join(lines))
        after = imported_names._STATEMENTS.get("/ws/app/blueprints/mod.py")
        if before is not None and after is not None:
            # Statements kept from the text before: that text was spliced, not parsed.
            kept = set(map(id, before.tree.body)) & set(map(id, after.tree.body))
            spliced += bool(kept)
        if module_names("\n".join(lines), whole=False) is None:
            lines = saved  # a syntax error, read; then undone (as a typist does)
    assert spliced > 100  # the edits were read by statement, not only by whole parses


def test_an_enter_reads_no_statement_again() -> None:
    imported_names._STATEMENTS.clear()
    path = "/ws/app/blueprints/enter.py"
    text = _MODULE
    first = _statement_names(path, text)
    assert first is not None
    parts = dict(imported_names._STATEMENTS[path].each)
    lines = text.split("\n")
    at = lines.index("    x = 1")
    lines.insert(at + 1, "    ")
    moved = "\n".join(lines)
    second = _statement_names(path, moved)
    assert second == module_names(moved, whole=False)
    now = imported_names._STATEMENTS[path].each
    # Every statement but the edited def kept what it said (read once, moved by a line).
    assert sum(1 for k, v in now.items() if parts.get(k) is v) == len(now) - 1
