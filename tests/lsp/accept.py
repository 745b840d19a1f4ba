"""What a client does with the completion items it gets: keep those that match what was typed,
and insert the one the user picks. Two behaviours exist among the recorded clients:

- VS Code, Emacs/eglot (and nvim-cmp) replace the item's ``textEdit`` range and filter on its
  ``filterText`` (or label) against the text of the range before the cursor;
- Neovim's built-in omnifunc (0.6-0.11) ignores the range. Modelled on Neovim 0.7.2,
  runtime/lua/vim/lsp.lua (``omnifunc``, ``adjust_start_col``) and lsp/util.lua
  (``get_completion_word``, ``remove_unmatch_completion_items``): the word starts at the range
  start shared by every item without a ``filterText`` (else at the keyword before the cursor,
  ``\\k*$``), items whose ``newText`` does not start with the text from there to the cursor are
  dropped, and the chosen ``newText`` replaces only that text (what follows the cursor stays).
"""

from __future__ import annotations

import re

from lsprotocol import types

from tests.lsp.support import apply_text_edits, offset_of

_KEYWORD_BEFORE = re.compile(r"[A-Za-z0-9_\u00c0-\u00ff]*$")  # Vim's default 'iskeyword'
_SNIPPET = re.compile(r"\$\{\d+\|([^,|]*)[^}]*\}|\$\{\d+:([^}]*)\}|\$\d+")


def honours_ranges(recorded: str) -> bool:
    """Whether the recorded client (``neovim@v0.7.0``, ``emacs``…) replaces textEdit ranges."""
    return not recorded.startswith("neovim")


def _plain(item: types.CompletionItem, text: str) -> str:
    """The text the client inserts: a snippet expanded with its defaults."""
    if item.insert_text_format != types.InsertTextFormat.Snippet:
        return text
    return _SNIPPET.sub(lambda m: m.group(1) or m.group(2) or "", text)


def shown(text: str, cursor: int, items: list[types.CompletionItem], honours: bool) -> list[str]:
    """The labels the client keeps in its popup for what was typed before ``cursor``."""
    return [i.label for i in items if _word(text, cursor, items, i, honours) is not None]


def _word(
    text: str, cursor: int, items: list[types.CompletionItem], item: types.CompletionItem, honours
) -> tuple[int, int, str] | None:
    edit = item.text_edit
    assert isinstance(edit, types.TextEdit), "every item carries a TextEdit"
    start = offset_of(text, edit.range.start)
    if honours:
        typed = text[start:cursor].lower()
        key = (item.filter_text or item.label).lower()
        if not key.startswith(typed):
            return None
        return start, offset_of(text, edit.range.end), _plain(item, edit.new_text)
    line_start = text.rfind("\n", 0, cursor) + 1
    starts = {
        offset_of(text, i.text_edit.range.start)
        for i in items
        if i.filter_text is None
        and isinstance(i.text_edit, types.TextEdit)
        and offset_of(text, i.text_edit.range.start) >= line_start
    }
    keyword = len(_KEYWORD_BEFORE.search(text[line_start:cursor]).group(0))  # type: ignore[union-attr]
    begin = starts.pop() if len(starts) == 1 else cursor - keyword
    word = _plain(item, edit.new_text)
    if not word.startswith(text[begin:cursor]):
        return None
    return begin, cursor, word


def accept(
    text: str, cursor: int, items: list[types.CompletionItem], label: str, honours: bool
) -> str | None:
    """The document after the user picks ``label``; None when the client filtered it out."""
    item = next(i for i in items if i.label == label)
    found = _word(text, cursor, items, item, honours)
    if found is None:
        return None
    start, end, word = found
    result = text[:start] + word + text[end:]
    if honours and item.additional_text_edits:
        # The extra edits are in the coordinates of the text before the insertion.
        before = apply_text_edits(text, list(item.additional_text_edits))
        shift = len(before) - len(text)
        assert all(offset_of(text, e.range.start) <= start for e in item.additional_text_edits)
        result = before[: start + shift] + word + before[end + shift :]
    return result
