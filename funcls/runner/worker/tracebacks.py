"""Tracebacks of user code, without the frames of funcls' worker and of the import system.

A user who saved a broken file wants to see their own lines: where their module failed to
import or their function raised, not `importlib` internals or the loader that called them.
"""

from __future__ import annotations

import os
import traceback

_HERE = os.path.dirname(os.path.abspath(__file__))
_IMPORTLIB = os.path.dirname(os.path.abspath(traceback.__file__))
_IMPORTLIB_INIT = os.path.join(_IMPORTLIB, "importlib", "__init__.py")


def _is_machinery(filename: str) -> bool:
    if filename.startswith("<frozen importlib"):
        return True
    path = os.path.abspath(filename)
    return path.startswith(_HERE + os.sep) or path == _IMPORTLIB_INIT


def user_traceback(exc: BaseException) -> str:
    """The traceback of exc with only the user's frames; "" when none is left and the
    exception's own text carries no location (a SyntaxError's does: file, line, caret)."""
    frames = [
        frame
        for frame in traceback.extract_tb(exc.__traceback__)
        if not _is_machinery(frame.filename)
    ]
    if not frames and not isinstance(exc, SyntaxError):
        return ""
    lines = (
        ["Traceback (most recent call last):\n", *traceback.format_list(frames)] if frames else []
    )
    lines.extend(traceback.format_exception_only(type(exc), exc))
    return "".join(lines)


def user_place(exc: BaseException) -> str | None:
    """``file:line`` of the last of the user's frames in exc's traceback (the file relative to
    the working folder, the app's, when it is inside it); None when there is none."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not _is_machinery(f.filename)]
    if not frames:
        return None
    last = frames[-1]
    path = os.path.abspath(last.filename)
    here = os.getcwd()
    shown = os.path.relpath(path, here) if path.startswith(here + os.sep) else path
    return f"{shown}:{last.lineno}"
