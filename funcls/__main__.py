"""``python -m funcls``: the command line, without the working directory on sys.path.

For ``-m`` Python puts the working directory first on sys.path, and editors start the language
server in the folder they opened (Emacs' eglot, Neovim), as users run ``python -m funcls
check .`` in theirs: an ``argparse.py`` or ``json.py`` of that folder would then be imported
instead of the standard library's, and run, by the server itself (DESIGN rule 2: analysis
runs nothing from the workspace). The entries naming the working directory go before anything
else is imported; they stay when funcls itself was imported from there (its own checkout).
"""

import os
import sys


def _without_working_directory(path: list[str], home: str) -> list[str]:
    """``path`` without its entries that name the working directory ('' included), unless
    that is ``home``, the folder funcls was imported from. (Only ``os`` and ``sys`` are used
    here: any other module would be imported before the working directory is gone.)"""
    try:
        cwd = os.path.realpath(os.getcwd())
    except OSError:  # the working directory was removed: nothing of it can be imported
        return path
    if cwd == os.path.realpath(home):
        return path
    return [p for p in path if os.path.realpath(p or os.curdir) != cwd]


sys.path[:] = _without_working_directory(
    sys.path, os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
)

from funcls.cli import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
