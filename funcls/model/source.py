"""Where the indexers read files from: the disk, overlaid with the editor's open documents.

Parsed files are cached by a stamp (size and mtime on disk, a version for open documents),
so re-indexing after one change re-reads one file.
"""

from __future__ import annotations

import ast
import os
import stat
import threading
from dataclasses import field

from funcls.model.fastclass import dataclass
from funcls.model.jsondoc import JsonDocument, parse_json
from funcls.model.lazy_re import compiled_on_use
from funcls.model.python.module import ModuleInfo, analyse_module, analyse_module_once, keep_tree

MAX_FILE_BYTES = 4 * 1024 * 1024  # larger files are reported, not parsed

SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        ".env",
        "env",
        "node_modules",
        ".python_packages",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".tox",
        ".nox",
        ".funcls",
        ".vscode",
        ".idea",
        "site-packages",
        "dist",
        "build",
    }
)


_LONE_CR = compiled_on_use(r"\r(?!\n)")
_BOM = b"\xef\xbb\xbf"  # codecs.BOM_UTF8


def relative_import_base(path: str, level: int) -> str:
    """The folder a relative import with ``level`` (>= 1) leading dots in the module file
    ``path`` starts from: the file's own folder for one dot, a folder higher for each more
    (Python's ``importlib._bootstrap._resolve_name`` on the module's package)."""
    base = os.path.dirname(path)
    for _ in range(level - 1):
        base = os.path.dirname(base)
    return base


def inside(root: str, path: str) -> bool:
    """``path`` lies in the folder ``root`` once links are followed. A setting may name any
    path (``/etc/passwd``, ``../../.git-credentials``); analysis reads and quotes only files of
    the app, or a pull request could make CI print the runner's secrets."""
    fast = _plainly_inside(root, path)
    if fast is not None:
        return fast
    try:
        real_root = os.path.realpath(root)
        return os.path.commonpath([real_root, os.path.realpath(path)]) == real_root
    except (OSError, ValueError):
        return False


def _plainly_inside(root: str, path: str) -> bool | None:
    """True when ``path`` is ``root`` + ``/`` + names with no ``.``, ``..`` or link among
    them: following links, ``realpath`` reaches ``realpath(root)`` after the root's part and
    then only appends those names, so the path is inside. None when that cannot be told
    without resolving both paths whole (the usual answer costs an ``lstat`` per name below
    the root instead of two per component of both paths: issue 16)."""
    base = root.rstrip(os.sep)
    if not base or not path.startswith(base + os.sep):
        return None
    current = base
    for name in path[len(base) + 1 :].split(os.sep):
        if not name or name == ".":
            continue
        if name == "..":
            return None
        current = current + os.sep + name
        try:
            if stat.S_ISLNK(os.lstat(current).st_mode):
                return None
        except OSError:
            continue  # missing: realpath keeps the name as it is
        except ValueError:
            return False  # a NUL in the path, as realpath would fail
    return True


def _read_bytes(path: str, size: int) -> bytes:
    """Up to ``MAX_FILE_BYTES + 1`` bytes of ``path``, to its end (bounded even if the file
    grows meanwhile), ``size`` being what ``stat`` said. Read with the descriptor itself
    rather than a buffered file object: half the CPU time over the 1,100 files of a
    1,000-function workspace (issue 16)."""
    limit = MAX_FILE_BYTES + 1
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
    try:
        chunks: list[bytes] = []
        total = 0
        want = min(size + 1, limit)  # all of it in one read, and the end seen by the next
        while total < limit:
            chunk = os.read(fd, min(want, limit - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            want = 1 << 16
        return b"".join(chunks)
    finally:
        os.close(fd)


def lone_cr_as_lf(text: str) -> str:
    """A lone ``\r`` is a line break for Python and for LSP positions, but the model counts
    lines at ``\n``: turn each into ``\n`` (same length, so every offset and every LSP
    position stays valid for the editor's text). Old Mac files, and text pasted from them."""
    return _LONE_CR.sub("\n", text) if "\r" in text else text


# Snapshots (one-shot commands): the documents of the small texts read last, by text. The
# function.json files of a v1 app made from one template are often the same text (the
# 1,000-function bench: 540 JSON files, 194 texts; issue 16); a document is read-only, its
# nodes hold no path. Small texts only, so that the documents kept stay small.
_same_json: dict[str, JsonDocument] = {}
_SAME_TEXT_KEEP = 256  # texts
_SAME_TEXT_CHARS = 16_384


def _json_once(text: str) -> JsonDocument:
    """``parse_json(text)``, the same document for the same text while it is kept."""
    doc = _same_json.get(text)
    if doc is None:
        doc = parse_json(text)
        if len(_same_json) >= _SAME_TEXT_KEEP:
            _same_json.clear()  # one step, whatever another thread does meanwhile
        _same_json[text] = doc
    return doc


@dataclass(slots=True)
class ReadError:
    path: str
    message: str


def _special_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


@dataclass(slots=True)
class _Entry:
    stamp: object
    value: object


@dataclass
class Source:
    """Reads and caches files. Thread-safe; share one per workspace."""

    overlays: dict[str, tuple[int, str]] = field(default_factory=dict)
    _json: dict[str, _Entry] = field(default_factory=dict)
    _modules: dict[str, _Entry] = field(default_factory=dict)
    _texts: dict[str, _Entry] = field(default_factory=dict)
    errors: dict[str, ReadError] = field(default_factory=dict)
    # What indexers keep between runs, by their own keys (model.v2.indexer's built functions).
    memo: dict[str, object] = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock)
    # One-shot commands (`funcls check`, `funcls index`) read a workspace once: each file's
    # status is asked of the system once, not again before every read of it (9,000 stat calls
    # on the 1,000-function benchmark were a tenth of its time: issue 16). ``forget`` drops it.
    snapshot: bool = False
    _stats: dict[str, os.stat_result | None] = field(default_factory=dict)
    # In a snapshot, json() and module() answers by the path as the caller wrote it (the
    # rules ask for the same modules thousands of times).
    _seen: dict[tuple[str, str], object] = field(default_factory=dict)
    # In a snapshot, keep each module's statements after its analysis (``module_body``):
    # `funcls check`'s rules then read them instead of parsing the modules again (issue 16).
    keep_trees: bool = False
    _bodies: dict[str, tuple[str, list[ast.stmt]]] = field(default_factory=dict)
    # Counts the changes of what the source answers (``open``, ``close``, ``forget``), by two:
    # odd while one is under way. The language server reads on its rules thread while the
    # event loop opens documents, without a lock between them (``open``): what a reader keeps
    # for later (a parse in the cache, a function in an indexer's memo) it keeps only when the
    # count was even and the same before and after its read (``unchanged_since``), so that
    # it was read from one state of the documents. A v1 function built from the disk was kept
    # beside the parse of the text opened during its build, and the next re-index, of that
    # text, gave the disk's function back (tests/unit/model/test_open_during_a_build.py).
    changes: int = 0

    def unchanged_since(self, count: int) -> bool:
        """Whether nothing changed since ``changes`` was ``count`` (nor was changing then)."""
        return count == self.changes and not count & 1

    # -- overlays (open documents) -----------------------------------------------------------
    def open(self, path: str, version: int, text: str) -> None:
        # Not under the lock: the language server re-indexes on another thread, which holds
        # it while it analyses a module, and a didChange must not wait for that (issue 16).
        # Each step is one dictionary operation; a parse of the older text stored after the
        # pops below carries that text's stamp, which the next read finds different.
        p = os.path.normpath(path)
        text = lone_cr_as_lf(text)
        self.changes += 1  # only the event loop changes the source: no lost update
        self.overlays[p] = (version, text)
        # What was parsed of the document's earlier text: its stamp (the version and the
        # length) could come back after a close and a reopen.
        self._json.pop(p, None)
        self._modules.pop(p, None)
        self._bodies.pop(p, None)
        self._seen.clear()
        self.changes += 1

    def close(self, path: str) -> None:
        with self._lock:
            self.changes += 1
            self.overlays.pop(os.path.normpath(path), None)
            self._seen.clear()
            self.changes += 1

    def forget(self, path: str) -> None:
        """Drop cached parses of ``path`` (after a change on disk)."""
        p = os.path.normpath(path)
        with self._lock:
            self.changes += 1
            self._json.pop(p, None)
            self._modules.pop(p, None)
            self._texts.pop(p, None)
            self._stats.pop(p, None)
            self._bodies.pop(p, None)
            self._seen.clear()
            self.changes += 1

    def _stat(self, p: str) -> os.stat_result | None:
        """``os.stat(p)`` (None when it fails), asked once per path in a snapshot."""
        if self.snapshot:
            try:
                return self._stats[p]
            except KeyError:
                pass
        try:
            st: os.stat_result | None = os.stat(p)
        except (OSError, ValueError):
            st = None
        if self.snapshot:
            self._stats[p] = st
        return st

    # -- reading -----------------------------------------------------------------------------
    def stamp(self, path: str) -> object:
        ov = self.overlays.get(path)
        if ov is not None:
            return ("overlay", ov[0], len(ov[1]))
        st = self._stat(path)
        if st is None:
            return None
        return (st.st_mtime_ns, st.st_size)

    def is_file(self, path: str) -> bool:
        if self.snapshot:
            # By the path as the caller wrote it, as json() and module(): 2,660 questions
            # about 1,440 paths on the 1,000-function bench, each normalised (issue 16). Not
            # a call of its own: the language server's keystrokes ask without a snapshot.
            seen = self._seen.get(("is_file", path))
            if seen is not None:
                return seen  # type: ignore[return-value]
        p = os.path.normpath(path)
        if p in self.overlays:
            return True
        st = self._stat(p)
        answer = st is not None and stat.S_ISREG(st.st_mode)
        if self.snapshot:
            self._seen[("is_file", path)] = answer
        return answer

    def special(self, path: str) -> str | None:
        """What ``path`` is when it exists but is neither a regular file nor a folder ("a
        named pipe (FIFO)", "a character device", …), else None. ``os.stat`` never opens the
        file, so asking does not block on a FIFO (opening one does, until a writer comes)."""
        p = os.path.normpath(path)
        if p in self.overlays:
            return None
        st = self._stat(p)
        if st is None:
            return None
        mode = st.st_mode
        if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
            return None
        return _special_kind(mode)

    def text(self, path: str) -> str | None:
        """The text of ``path`` or None when it is missing or unreadable (see ``errors``)."""
        if self.snapshot:
            # A file's text by the path as the caller wrote it (1,720 reads of 1,120 files on
            # the bench, each normalised, issue 16).
            seen = self._seen.get(("text", path), self)
            if seen is not self:
                return seen  # type: ignore[return-value]
        p = os.path.normpath(path)
        ov = self.overlays.get(p)
        if ov is not None and len(ov[1]) <= MAX_FILE_BYTES:
            # An open document's text, without the lock (held while another thread analyses
            # a module: a request on the event loop reads the text meanwhile, issue 16).
            if p in self.errors:
                self.errors.pop(p, None)
            return ov[1]
        with self._lock:
            ov = self.overlays.get(p)
            if ov is not None:
                if len(ov[1]) > MAX_FILE_BYTES:  # as for a file on disk: reported, not parsed
                    limit = MAX_FILE_BYTES // 1024 // 1024
                    message = (
                        f"the editor's text is over {limit} MiB; funcls reads up to {limit} MiB"
                    )
                    self.errors[p] = ReadError(p, message)
                    return None
                self.errors.pop(p, None)
                return ov[1]
            st = self.stamp(p)
            if st is None:
                return None
            cached = self._texts.get(p)
            if cached is not None and cached.stamp == st:
                value = cached.value if isinstance(cached.value, str) else None
            else:
                value = self._read_disk(p)
                self._texts[p] = _Entry(st, value)
            if self.snapshot:
                self._seen[("text", path)] = value
            return value

    def _read_disk(self, p: str) -> str | None:
        try:
            st = self._stat(p) if self.snapshot else os.stat(p)
            if st is None:
                return None
            if stat.S_ISDIR(st.st_mode):  # a function.json folder: its function is reported
                self.errors[p] = ReadError(
                    p, "it is a folder, not a file; move the folder away and write the file"
                )
                return None
            if not stat.S_ISREG(st.st_mode):
                # A FIFO named *.json blocked open() for ever, a link to /dev/zero read until
                # memory ran out (issue 17): only regular files are read.
                self.errors[p] = ReadError(
                    p,
                    f"it is {_special_kind(st.st_mode)}, not a regular file (funcls does not "
                    "open it: that can block for ever); replace it with a regular file",
                )
                return None
            size = st.st_size
            if size > MAX_FILE_BYTES:
                limit = MAX_FILE_BYTES // 1024 // 1024
                message = f"file is {size // 1024} KiB; funcls reads files up to {limit} MiB"
                self.errors[p] = ReadError(p, message)
                return None
            raw = _read_bytes(p, size)
        except OSError as e:
            self.errors[p] = ReadError(p, f"cannot read the file: {e.strerror or e}")
            return None
        try:
            # "utf-8-sig" without its codec's Python function (encodings/utf_8_sig.py, called
            # per file): one BOM dropped, the rest decoded as UTF-8 in C, an error's offset
            # counted after the BOM as there (issue 16: 1,120 files on the bench).
            text = (raw[3:] if raw[:3] == _BOM else raw).decode("utf-8")
        except UnicodeDecodeError as e:
            self.errors[p] = ReadError(
                p, f"the file is not UTF-8 text (bad byte at offset {e.start}); save it as UTF-8"
            )
            return None
        self.errors.pop(p, None)
        return text.replace("\r\n", "\n").replace("\r", "\n")

    def json(self, path: str) -> JsonDocument | None:
        if self.snapshot:
            seen = self._seen.get(("json", path), self)
            if seen is not self:
                return seen  # type: ignore[return-value]
            doc = self._json_now(path)
            self._seen[("json", path)] = doc
            return doc
        return self._json_now(path)

    def _json_now(self, path: str) -> JsonDocument | None:
        p = os.path.normpath(path)
        with self._lock:
            count = self.changes
            st = self.stamp(p)
            if st is None:
                return None
            cached = self._json.get(p)
            if cached is not None and cached.stamp == st:
                return cached.value if isinstance(cached.value, JsonDocument) else None
            text = self.text(p)
            if text is None:
                doc = None
            elif self.snapshot and len(text) <= _SAME_TEXT_CHARS:
                doc = _json_once(text)
            else:
                doc = parse_json(text)
            if self.unchanged_since(count):  # else the text may not be the stamp's
                self._json[p] = _Entry(st, doc)
            return doc

    def module(self, path: str) -> ModuleInfo | None:
        if self.snapshot:
            seen = self._seen.get(("module", path), self)
            if seen is not self:
                return seen  # type: ignore[return-value]
            info = self._module_now(path)
            self._seen[("module", path)] = info
            return info
        return self._module_now(path)

    def _module_now(self, path: str) -> ModuleInfo | None:
        p = os.path.normpath(path)
        with self._lock:
            count = self.changes
            st = self.stamp(p)
            if st is None:
                return None
            cached = self._modules.get(p)
            if cached is not None and cached.stamp == st:
                return cached.value if isinstance(cached.value, ModuleInfo) else None
            text = self.text(p)
            if self.snapshot:
                # Analysed once: no memo of its defs to keep for the next analysis (issue 16).
                info, body = analyse_module_once(p, text) if text is not None else (None, None)
                if self.keep_trees and text is not None and body is not None:
                    self._bodies[p] = (text, body)
                self._modules[p] = _Entry(st, info)
                return info
            memo = self.memo.setdefault("defs:" + p, {})
            # Only open documents keep their syntax tree (it is their next edit that splices).
            keep_tree(memo, p in self.overlays)  # type: ignore[arg-type]
            info = analyse_module(p, text, memo) if text is not None else None  # type: ignore[arg-type]
            if self.unchanged_since(count):  # else the text may not be the stamp's
                self._modules[p] = _Entry(st, info)
            return info

    def module_body(self, path: str, text: str) -> list[ast.stmt] | None:
        """The statements ``ast.parse(text)`` gives for ``path``, when ``keep_trees`` kept
        them from the analysis of that very text (parsed whole, no syntax error); else None.
        Read-only: the model's analysis shares them."""
        with self._lock:
            kept = self._bodies.get(os.path.normpath(path))
        if kept is None or not (kept[0] is text or kept[0] == text):
            return None
        return kept[1]

    def listdir(self, path: str) -> list[str]:
        if self.snapshot:  # a v1 folder is listed two or three times per indexing
            seen = self._seen.get(("listdir", path))
            if isinstance(seen, list):
                return list(seen)
        try:
            names = os.listdir(path)
        except OSError:
            names = []
        extra = {
            os.path.basename(p)
            for p in self.overlays
            if os.path.dirname(p) == os.path.normpath(path)
        }
        listed = sorted(set(names) | extra)
        if self.snapshot:
            self._seen[("listdir", path)] = listed
            return list(listed)
        return listed

    def is_dir(self, path: str) -> bool:
        return os.path.isdir(path)
