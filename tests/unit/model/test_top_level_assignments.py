"""``ModuleInfo.assignments``: the names a module binds at its top level by assignment,
recorded once by the module's analysis (the Run lens of a v1 entry point bound by assignment,
AZF111 and AZF314 read it), and kept right when a keystroke re-analyses part of the module."""

from __future__ import annotations

from typing import Any

from funcls.model.locations import Range
from funcls.model.python.facts import Assignment
from funcls.model.python.module import _analyse, analyse_module, keep_tree

TEXT = (
    "import azure.durable_functions as df\n"
    "from shared import helper as h\n"
    "\n"
    "\n"
    "def orchestrator_function(context):\n"
    "    local = 1\n"
    "    return local\n"
    "\n"
    "\n"
    "class Box:\n"
    "    inside = 2\n"
    "\n"
    "\n"
    "main = df.Orchestrator.create(orchestrator_function)\n"
    "a, (b, *c) = 1, (2, 3)\n"
    "n: int = 0\n"
    "n += 1\n"
    "bare: int\n"
    "for i in range(2):\n"
    "    pass\n"
    "with open('x') as handle:\n"
    "    pass\n"
    "try:\n"
    "    import fast as impl\n"
    "except ImportError:\n"
    "    impl = None\n"
    'if __name__ == "__main__":\n'
    "    only_as_script = main\n"
)


def test_every_top_level_binding_by_assignment_in_order() -> None:
    info = analyse_module("/app/Orch/__init__.py", TEXT)
    assert info.assignments == [
        Assignment("main", Range.of(13, 0, 13, 4), "orchestrator_function"),
        Assignment("a", Range.of(14, 0, 14, 1)),
        Assignment("b", Range.of(14, 4, 14, 5)),
        Assignment("c", Range.of(14, 8, 14, 9)),
        Assignment("n", Range.of(15, 0, 15, 1)),
        Assignment("n", Range.of(16, 0, 16, 1)),
        Assignment("i", Range.of(18, 4, 18, 5)),
        Assignment("handle", Range.of(20, 18, 20, 24)),
        Assignment("impl", Range.of(25, 4, 25, 8)),
    ]
    assert info.assignment("n") == Assignment("n", Range.of(15, 0, 15, 1))
    assert info.assignment("n", last=True) == Assignment("n", Range.of(16, 0, 16, 1))
    assert info.assignment("local") is None
    names = info.top_level_names()
    assert names is not None
    assert {"df", "h", "orchestrator_function", "Box", "main", "impl", "handle"} <= names
    # Bound inside a def or a class, under the main guard, or only annotated: not a
    # module attribute when the host imports the module.
    assert names.isdisjoint({"local", "inside", "only_as_script", "bare", "helper"})


def test_a_star_import_makes_every_name_possible() -> None:
    assert analyse_module("/m.py", "from x import *\n").top_level_names() is None
    assert analyse_module("/m.py", "from x import y\n").top_level_names() == {"y"}


def test_an_edit_that_adds_lines_moves_the_assignments() -> None:
    # The language server's keystroke path: the memo keeps the defs, the statement edited is
    # parsed alone and those below get a line offset; the assignments are as a fresh analysis.
    memo: dict[tuple[object, ...], Any] = {}
    keep_tree(memo)
    analyse_module("/app/Orch/__init__.py", TEXT, memo)
    analyse_module("/app/Orch/__init__.py", TEXT.replace("Box", "Bag"), memo)
    edited = TEXT.replace("Box:\n", "Bag:\n\n\n    other = 3\n")
    again, whole = _analyse("/app/Orch/__init__.py", edited, memo)
    assert whole is None  # no body parsed whole: the class was parsed alone (spliced)
    assert again.assignments == analyse_module("/x", edited).assignments
    assert again.assignment("main") == Assignment(
        "main", Range.of(16, 0, 16, 4), "orchestrator_function"
    )
