"""Whether git tracks a file, read from the repository's index file — no program is run.

Running ``git`` on an opened folder would run whatever that folder's ``.git/config`` names
(``core.fsmonitor``, hooks, filters, a pager…): opening an untrusted folder must not execute
anything. So the fact is read from ``.git/index`` directly, the "dircache" format that git
documents in ``Documentation/gitformat-index.txt``:

* a 12-byte header: ``DIRC``, the version (2, 3 or 4) and the number of entries, all big-endian;
* per entry: 40 bytes of stat data (ctime, mtime, dev, ino, mode, uid, gid, size), the object
  id (20 bytes for SHA-1, 32 for SHA-256 repositories), 16 bits of flags (bit 14: extended
  flags follow, version 3 and later), then the path:
  - versions 2 and 3: NUL-terminated, the entry padded with NULs to a multiple of 8 bytes;
  - version 4: a varint N (bytes to drop from the end of the previous path), then the
    NUL-terminated rest of the path; no padding;
* extensions (a 4-byte signature and a 32-bit size each), then a trailing checksum of
  everything before it — all zeros when ``index.skipHash`` is set.

A repository whose index cannot be read (missing, truncated, a bad checksum, an unknown
version, a split index whose entries live in another file) gives ``unknown`` with the reason,
never a guess.
"""

from __future__ import annotations

import os
import re
import stat
import struct
import threading
from typing import Literal

from funcls.model.fastclass import dataclass
from funcls.model.lazy_re import compiled_on_use

TrackingState = Literal["tracked", "untracked", "no-repository", "unknown"]

# An index over this size is not read (a guard against a link to /dev/zero or a huge file).
MAX_INDEX_BYTES = 256 * 1024 * 1024
_MAX_POINTER_BYTES = 4096  # a ``.git`` file or ``commondir`` holds one path
_SPARSE_DIR_MODE = 0o040000


@dataclass(frozen=True, slots=True)
class GitTracking:
    """What the repository's index says about one file."""

    state: TrackingState
    reason: str = ""  # for ``unknown``: why, naming the file that could not be read
    repository: str | None = None  # the work tree root holding ``.git``


class GitIndexError(ValueError):
    """The index file is not one this reader can trust; the message says why."""


@dataclass(frozen=True, slots=True)
class GitIndex:
    paths: frozenset[bytes]  # every entry's path, relative to the work tree, '/'-separated
    sparse_dirs: frozenset[bytes]  # sparse-index directory entries, ending in '/'

    def tracks(self, relpath: bytes) -> bool:
        if relpath in self.paths:
            return True
        if not self.sparse_dirs:
            return False
        parts = relpath.split(b"/")
        return any(b"/".join(parts[:i]) + b"/" in self.sparse_dirs for i in range(1, len(parts)))


def _varint(data: bytes, pos: int, end: int) -> tuple[int, int]:
    """Git's offset varint (``varint.c``): 7 bits a byte, high bit = more, +1 per step."""
    if pos >= end:
        raise GitIndexError("an entry ends inside its path-prefix length")
    c = data[pos]
    pos += 1
    value = c & 0x7F
    while c & 0x80:
        if pos >= end:
            raise GitIndexError("an entry ends inside its path-prefix length")
        c = data[pos]
        pos += 1
        value = ((value + 1) << 7) | (c & 0x7F)
    return value, pos


def parse_index(data: bytes, hash_len: int = 20) -> GitIndex:
    """The entries of an index file's bytes; raises ``GitIndexError`` saying what is wrong."""
    if len(data) < 12 + hash_len:
        raise GitIndexError(f"the file is {len(data)} bytes, too short for an index")
    signature, version, count = struct.unpack_from(">4sII", data, 0)
    if signature != b"DIRC":
        raise GitIndexError("the file does not start with the index signature 'DIRC'")
    if version not in (2, 3, 4):
        raise GitIndexError(f"index version {version} is not one of 2, 3 and 4")
    end = len(data) - hash_len
    trailer = data[end:]
    if trailer.count(0) != hash_len:  # all zeros: index.skipHash, nothing to verify
        import hashlib  # here: loading it (OpenSSL) took 3 ms of every start (issue 16)

        digest = (hashlib.sha1 if hash_len == 20 else hashlib.sha256)(data[:end]).digest()
        if digest != trailer:
            raise GitIndexError("its checksum does not match its content (a corrupt file)")
    fixed = 40 + hash_len + 2  # stat data, object id, flags
    if count > (end - 12) // (fixed + 1):
        raise GitIndexError(f"it announces {count} entries, more than its size can hold")
    paths: set[bytes] = set()
    sparse: set[bytes] = set()
    pos = 12
    previous = b""
    for i in range(count):
        if pos + fixed > end:
            raise GitIndexError(f"entry {i + 1} of {count} is cut off")
        (mode,) = struct.unpack_from(">I", data, pos + 24)
        (flags,) = struct.unpack_from(">H", data, pos + 40 + hash_len)
        name_at = pos + fixed
        if flags & 0x4000:
            if version < 3:
                raise GitIndexError(f"entry {i + 1} has extended flags in a version 2 index")
            name_at += 2
        if version == 4:
            strip, name_at = _varint(data, name_at, end)
            if strip > len(previous):
                raise GitIndexError(
                    f"entry {i + 1} drops {strip} bytes of a {len(previous)}-byte path"
                )
            nul = data.find(b"\0", name_at, end)
            if nul < 0:
                raise GitIndexError(f"the path of entry {i + 1} has no end")
            name = previous[: len(previous) - strip] + data[name_at:nul]
            pos = nul + 1
        else:
            nul = data.find(b"\0", name_at, end)
            if nul < 0:
                raise GitIndexError(f"the path of entry {i + 1} has no end")
            name = data[name_at:nul]
            pos += (name_at - pos + len(name) + 8) & ~7  # NUL padding to a multiple of 8
            if pos > end:
                raise GitIndexError(f"entry {i + 1} of {count} is cut off")
        previous = name
        if not name:  # a split index's entry that replaces a shared one: no name of its own
            continue
        if mode & 0o170000 == _SPARSE_DIR_MODE and name.endswith(b"/"):
            sparse.add(name)
        else:
            paths.add(name)
    while pos + 8 <= end:  # extensions
        signature, size = struct.unpack_from(">4sI", data, pos)
        if signature == b"link":
            raise GitIndexError(
                "it is a split index (core.splitIndex): most entries live in a shared index "
                "file, which this reader does not follow"
            )
        pos += 8 + size
    if pos != end:
        raise GitIndexError("its extensions do not end where its checksum begins")
    return GitIndex(frozenset(paths), frozenset(sparse))


def repository_root(path: str) -> str | None:
    """The folder holding ``.git`` (a folder or a file) at or above ``path``."""
    d = os.path.abspath(path if os.path.isdir(path) else os.path.dirname(path))
    while True:
        if os.path.lexists(os.path.join(d, ".git")):
            return d
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent


def _read_small(path: str) -> str:
    with open(path, "rb") as f:
        raw = f.read(_MAX_POINTER_BYTES + 1)
    if len(raw) > _MAX_POINTER_BYTES:
        raise GitIndexError(f"{path} is larger than a path pointer can be")
    return raw.decode("utf-8", "surrogateescape").strip()


def git_dirs(root: str) -> tuple[str, str]:
    """The repository's own git folder (index, per worktree) and its common folder (config).

    ``root/.git`` is either that folder or a file ``gitdir: <path>`` (a linked worktree, a
    submodule); a worktree's git folder names the shared one in its ``commondir`` file."""
    dotgit = os.path.join(root, ".git")
    if os.path.isdir(dotgit):
        gitdir = dotgit
    elif os.path.isfile(dotgit):
        text = _read_small(dotgit)
        if not text.startswith("gitdir:"):
            raise GitIndexError(f"{dotgit} is a file that does not start with 'gitdir:'")
        gitdir = os.path.normpath(os.path.join(root, text[len("gitdir:") :].strip()))
        if not os.path.isdir(gitdir):
            raise GitIndexError(f"{dotgit} points to {gitdir}, which is not a folder")
    else:
        raise GitIndexError(f"{dotgit} is neither a folder nor a file")
    common = gitdir
    pointer = os.path.join(gitdir, "commondir")
    if os.path.isfile(pointer):
        common = os.path.normpath(os.path.join(gitdir, _read_small(pointer)))
    return gitdir, common


_SHA256 = compiled_on_use(r"^\s*objectformat\s*=\s*sha256\s*$", re.IGNORECASE | re.MULTILINE)


def _hash_len(common: str) -> int:
    """32 for a SHA-256 repository (``extensions.objectFormat``), else 20."""
    config = os.path.join(common, "config")
    if not os.path.isfile(config):  # a FIFO would block the read
        return 20
    try:
        with open(config, "rb") as f:
            text = f.read(1024 * 1024).decode("utf-8", "replace")
    except OSError:
        return 20
    return 32 if _SHA256.search(text) else 20


_cache: dict[str, tuple[tuple[int, int, int, int], int, GitIndex]] = {}
_lock = threading.Lock()


def read_index(index_path: str, hash_len: int) -> GitIndex:
    """The parsed index, cached while the file's size, times and inode stay the same."""
    st = os.stat(index_path)
    if not stat.S_ISREG(st.st_mode):
        raise GitIndexError("it is not a regular file")
    stamp = (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
    with _lock:
        hit = _cache.get(index_path)
    if hit is not None and hit[0] == stamp and hit[1] == hash_len:
        return hit[2]
    if st.st_size > MAX_INDEX_BYTES:
        raise GitIndexError(f"it is {st.st_size} bytes, over the {MAX_INDEX_BYTES}-byte limit")
    with open(index_path, "rb") as f:
        data = f.read(MAX_INDEX_BYTES + 1)
    if len(data) > MAX_INDEX_BYTES:
        raise GitIndexError(f"it is over the {MAX_INDEX_BYTES}-byte limit")
    index = parse_index(data, hash_len)
    with _lock:
        _cache[index_path] = (stamp, hash_len, index)
    return index


def tracking(path: str) -> GitTracking:
    """Whether the index of the repository holding ``path`` lists it, as ``git ls-files``
    would, read from files only."""
    root = repository_root(path)
    if root is None:
        return GitTracking("no-repository")
    try:
        gitdir, common = git_dirs(root)
    except (OSError, GitIndexError) as e:
        return GitTracking("unknown", f"the repository at {root} cannot be read: {e}", root)
    index_path = os.path.join(gitdir, "index")
    if not os.path.lexists(index_path):
        return GitTracking(
            "unknown",
            f"the repository has no index file {index_path} (nothing added yet, or it was deleted)",
            root,
        )
    try:
        index = read_index(index_path, _hash_len(common))
    except (OSError, GitIndexError) as e:
        return GitTracking("unknown", f"its index file {index_path} cannot be read: {e}", root)
    rel = os.path.relpath(os.path.abspath(path), root)
    key = os.fsencode(rel).replace(os.sep.encode(), b"/")
    return GitTracking("tracked" if index.tracks(key) else "untracked", "", root)
