"""Findings of the token being typed wait for a pause in the typing.

With the 10 ms debounce, half-typed code is checked at every keystroke: ``@app.rou`` is an
unknown decorator (AZF108) for a few keystrokes, ``@app.route(`` a syntax error (AZF603) until
its parenthesis closes, and each flashes up and goes away a keystroke later. What a user
meets in a first-class editor is quieter: IntelliJ runs its inspections after an
"autoreparse delay" (300 ms) without typing, VS Code's JSON server validates 500 ms after the
last change. Delaying every finding that way would also delay what the edit fixed or broke
elsewhere (a duplicate route in another function, a setting it now names), so the hold is
narrow:

- only after *keystrokes*: document changes whose inserted text, less its white space, is at
  most two characters each (a character, or a pair an editor closes by itself) and which
  remove at most one line break each (Backspace at a line's start). A paste, an undo, a
  rename, a quick fix or a whole-document change is none;
- only a finding on the lines of that keystroke (in the new text) that the client does not
  show already (no finding of its code on those lines in what it last got): a finding the
  user saw keeps following the text, and one the edit removed goes away at once;
- for ``HOLD_MS`` after the keystroke. Then the document's findings are sent again, whole
  (``Publisher`` asks ``release_in`` and re-publishes; a client that pulls is asked to pull).

The keystroke is the user's, not the notification's. eglot sends a buffer's changes only once
Emacs has been idle ``eglot-send-changes-idle-time`` (0.5 s; eglot.el ``eglot--before-change``
starts a ``run-with-idle-timer`` at each change), so its didChange says the user has already
paused that long: the hold counts from the keystroke, that pause before the notification, and
a finding shows 0.5 s after the last key as in VS Code, not 1 s (0.5 s of eglot's wait, then
ours). The client's wait comes from the ``changesSentAfterIdleMs`` setting, else from its
``clientInfo`` (a name with "eglot": 500 ms; eglot 1.9 sends no clientInfo, so the README's
recipe sets it). eglot also sends its changes at once before a completion request (its
``jsonrpc-request`` advice, for company-mode or corfu completing while one types): a keystroke
whose didChange a completion request follows within ``FLUSH_S`` was no pause, and counts from
its arrival. Neovim 0.7 waits nothing of the kind (``debounce_text_changes`` 150 ms is measured
from its previous send, runtime/lua/vim/lsp.lua ``next_debounce``), nor does VS Code.

``funcls check`` is not concerned: it checks saved files.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

from lsprotocol import types

HOLD_MS = 500
FLUSH_S = 0.1  # a completion request this soon after a didChange: the client sent it for that
EGLOT_IDLE_MS = 500  # eglot-send-changes-idle-time's default (eglot.el)


def sent_after_idle_ms(client_name: str | None, setting: int | None) -> int:
    """How long the client waits without typing before it sends changes: the setting, else
    what its name says (eglot: its default idle time), else nothing."""
    if setting is not None:
        return setting
    return EGLOT_IDLE_MS if client_name and "eglot" in client_name.lower() else 0


@dataclass(frozen=True)
class Keystroke:
    first: int  # the lines it touched in the new text, first and last
    last: int
    at: float  # time.monotonic() when it was typed, as far as the server can tell
    arrived: float  # time.monotonic() when its didChange came


def keystroke_lines(changes: Sequence[object]) -> tuple[int, int] | None:
    """The lines (first, last) of the new text that ``changes`` (one didChange's) touched when
    each is a keystroke, else None. A client that debounces its notifications (Neovim 0.7,
    150 ms) sends the keystrokes of a quick typist together, each range in the text the ones
    before it left: the lines touched so far move with the line breaks each adds or removes."""
    region: tuple[int, int] | None = None
    for change in changes:
        if not isinstance(change, types.TextDocumentContentChangePartial):
            return None  # a whole document: a paste, a formatter, a client that sends it all
        text = change.text
        if len("".join(text.split())) > 2:
            return None
        s, e = change.range.start.line, change.range.end.line
        if e - s > 1:
            return None
        breaks = text.count("\n")
        if region is None:
            region = (s, s + breaks)
            continue
        first, last = region
        shift = breaks - (e - s)  # lines below the change move by this
        if first > e:
            first += shift
        if last >= e:
            last = max(last + shift, s)
        region = (min(first, s), max(last, s + breaks))
    return region


class TypingHold:
    """The last keystroke of each open document, and what it holds back."""

    def __init__(self, hold_ms: int = HOLD_MS, sent_after_idle_ms: int = 0) -> None:
        self.hold_s = hold_ms / 1000
        self.idle_s = sent_after_idle_ms / 1000  # the client's own wait before it sends
        self.last: dict[str, Keystroke] = {}

    def changed(self, path: str, changes: Sequence[object]) -> None:
        if not changes:
            return  # Neovim 0.7 sends some didChange with no change: nothing was typed
        lines = keystroke_lines(changes)
        if lines is None:
            self.last.pop(path, None)
        else:
            now = time.monotonic()
            self.last[path] = Keystroke(lines[0], lines[1], now - self.idle_s, now)

    def completion_asked(self, path: str) -> None:
        """A completion request came for ``path``: a keystroke whose didChange came just before
        it was sent for the request, not after a pause, so it counts from its arrival."""
        k = self.last.get(path)
        if k is not None and k.at < k.arrived and time.monotonic() - k.arrived <= FLUSH_S:
            self.last[path] = replace(k, at=k.arrived)

    def forget(self, path: str) -> None:
        self.last.pop(path, None)

    def release_in(self, path: str) -> float | None:
        """Seconds until the last keystroke of ``path`` stops holding anything, or None."""
        k = self.last.get(path)
        if k is None:
            return None
        left = k.at + self.hold_s - time.monotonic()
        return left if left > 0 else None

    def shown_now(
        self, path: str, diags: list[types.Diagnostic], shown: list[types.Diagnostic]
    ) -> tuple[list[types.Diagnostic], bool]:
        """``diags`` less those the last keystroke holds back, given what the client shows
        (``shown``); and whether it held any."""
        k = self.last.get(path)
        if k is None or self.release_in(path) is None:
            return diags, False
        seen = {d.code for d in shown if _touches(d, k)}
        kept = [d for d in diags if not _touches(d, k) or d.code in seen]
        return kept, len(kept) != len(diags)


def _touches(d: types.Diagnostic, k: Keystroke) -> bool:
    return d.range.start.line <= k.last and d.range.end.line >= k.first
