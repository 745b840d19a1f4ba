"""A syntax error in an open document's text (unsaved) is placed in that text.

CPython's parser, given a file name, reads the error's line from that file on disk to place
most errors, and gives columns on that line: the saved text, not the one parsed. The language
server parses editors' unsaved texts under their real paths, so the diagnostic was at the
columns of the saved line (QA of issue 16: Neovim and a fresh server disagreed on AZF603's
range after an edit of a module whose saved text differed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from funcls.model.locations import Position, Range
from funcls.model.python.module import analyse_module, analyse_module_once

SAVED = (
    "import logging\n\n\ndef f() -> None:\n    é = 'éééééééééé'\n\n\ndef g() -> None:\n    pass\n"
)

CASES = [
    # (the unsaved text, the error's range in it)
    (
        # A def whose body was deleted: the next def is reported, on a line blank on disk.
        "import logging\n\n\ndef f() -> None:\n\n\ndef g() -> None:\n    pass\n",
        Range(Position(6, 0), Position(6, 3)),
    ),
    (
        # An operator typed wrong on the line that, saved, holds non-ASCII text.
        "import logging\n\n\ndef f() -> None:\n    x = 2 +* 3\n\n\ndef g() -> None:\n    pass\n",
        Range(Position(4, 11), Position(4, 12)),
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_syntax_error_columns_are_those_of_the_text_parsed(
    tmp_path: Path, text: str, expected: Range
) -> None:
    path = tmp_path / "bp.py"
    path.write_text(SAVED, encoding="utf-8")
    for info in (analyse_module(str(path), text, {}), analyse_module_once(str(path), text)[0]):
        ranges = [p.range for p in info.problems if p.kind == "python-syntax"]
        assert ranges == [expected]
    # The same as when the text is the saved one.
    path.write_text(text, encoding="utf-8")
    assert [p.range for p in analyse_module_once(str(path), text)[0].problems] == [expected]
