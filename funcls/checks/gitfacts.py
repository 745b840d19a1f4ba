"""Whether git tracks a file, asked once per repository and cached until its index changes."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading

_cache: dict[str, tuple[object, frozenset[str]]] = {}
_lock = threading.Lock()


def repository_root(path: str) -> str | None:
    """The folder holding ``.git`` at or above ``path``."""
    d = os.path.abspath(path if os.path.isdir(path) else os.path.dirname(path))
    while True:
        if os.path.exists(os.path.join(d, ".git")):
            return d
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent


def _index_stamp(root: str) -> object:
    index = os.path.join(root, ".git", "index")
    try:
        st = os.stat(index)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def tracked_files(root: str) -> frozenset[str]:
    """Absolute paths of the files git tracks in the repository at ``root``."""
    stamp = _index_stamp(root)
    with _lock:
        hit = _cache.get(root)
        if hit is not None and hit[0] == stamp and stamp is not None:
            return hit[1]
    git = shutil.which("git")
    if git is None:
        return frozenset()
    try:
        out = subprocess.run(
            [git, "-C", root, "ls-files", "-z"],
            capture_output=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    if out.returncode != 0:
        return frozenset()
    names = frozenset(
        os.path.normpath(os.path.join(root, p.decode("utf-8", "surrogateescape")))
        for p in out.stdout.split(b"\0")
        if p
    )
    with _lock:
        _cache[root] = (stamp, names)
    return names


def is_tracked(path: str) -> bool:
    root = repository_root(path)
    if root is None:
        return False
    return os.path.normpath(os.path.abspath(path)) in tracked_files(root)
