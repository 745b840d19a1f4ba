"""The git index reader against indexes written by the real ``git`` binary (run here, in the
test only: funcls itself never runs git). Every case compares with ``git ls-files``."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from funcls.model.gitindex import GitIndexError, GitTracking, parse_index, tracking
from tests.support.ci import tool_missing

FILES = (
    "local.settings.json",
    "function_app.py",
    "host.json",
    "pkg/__init__.py",
    "pkg/module_with_a_rather_long_name_that_shares_a_prefix.py",
    "pkg/module_with_a_rather_long_name_that_shares_a_prefix_too.py",
    "pkg/sub/deeper/file.txt",
    "naïve/ünïcode name.txt",
    "a",
    "ab",
    "abc/d",
)


def git(root: Path, *args: str) -> bytes:
    if shutil.which("git") is None:
        tool_missing("the git binary is not installed (apt-get install git)")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(root),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    done = subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)
    return done.stdout


def repo(root: Path, *init: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", *init)
    for rel in FILES:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(rel + "\n", encoding="utf-8")
    git(root, "add", *FILES[1:])  # local.settings.json stays untracked
    return root


def ls_files(root: Path) -> frozenset[bytes]:
    return frozenset(p for p in git(root, "ls-files", "-z").split(b"\0") if p)


def index_bytes(root: Path) -> bytes:
    return (root / ".git" / "index").read_bytes()


# Version 3 is written only when an entry has extended flags: see the intent-to-add case.
@pytest.mark.parametrize("version", [2, 4])
def test_every_index_version_lists_what_git_lists(tmp_path: Path, version: int) -> None:
    root = repo(tmp_path / "r")
    git(root, "update-index", "--index-version", str(version))
    data = index_bytes(root)
    assert int.from_bytes(data[4:8], "big") == version
    index = parse_index(data)
    assert index.paths == ls_files(root)
    assert len(index.paths) == len(FILES) - 1
    assert tracking(str(root / "pkg" / "sub" / "deeper" / "file.txt")).state == "tracked"
    assert tracking(str(root / "local.settings.json")) == GitTracking("untracked", "", str(root))


def test_version_3_extended_flags_of_an_intent_to_add(tmp_path: Path) -> None:
    root = repo(tmp_path / "r")
    git(root, "add", "-N", "local.settings.json")  # sets the intent-to-add extended flag
    data = index_bytes(root)
    assert int.from_bytes(data[4:8], "big") == 3
    assert parse_index(data).paths == ls_files(root)
    assert tracking(str(root / "local.settings.json")).state == "tracked"


def test_version_4_after_commits_and_removals(tmp_path: Path) -> None:
    root = repo(tmp_path / "r")
    git(root, "update-index", "--index-version", "4")
    git(root, "commit", "-q", "-m", "one")
    git(root, "rm", "-q", "--cached", "ab", "pkg/sub/deeper/file.txt")
    git(root, "add", "local.settings.json")
    assert parse_index(index_bytes(root)).paths == ls_files(root)
    assert tracking(str(root / "local.settings.json")).state == "tracked"
    assert tracking(str(root / "ab")).state == "untracked"


def test_sha256_repository(tmp_path: Path) -> None:
    root = repo(tmp_path / "r", "--object-format=sha256")
    git(root, "add", "local.settings.json")
    assert tracking(str(root / "local.settings.json")).state == "tracked"
    assert tracking(str(root / "nothing.txt")).state == "untracked"


def test_linked_worktree_reads_its_own_index(tmp_path: Path) -> None:
    main = repo(tmp_path / "main")
    git(main, "add", "local.settings.json")
    git(main, "commit", "-q", "-m", "with the settings")
    wt = tmp_path / "wt"
    git(main, "worktree", "add", "-q", str(wt))
    assert (wt / ".git").is_file()
    assert tracking(str(wt / "local.settings.json")) == GitTracking("tracked", "", str(wt))
    git(wt, "rm", "-q", "--cached", "local.settings.json")  # only in the worktree's index
    assert tracking(str(wt / "local.settings.json")).state == "untracked"
    assert tracking(str(main / "local.settings.json")).state == "tracked"


def test_git_file_pointing_to_a_separate_git_dir(tmp_path: Path) -> None:
    root = repo(tmp_path / "r", f"--separate-git-dir={tmp_path / 'elsewhere'}")
    assert (root / ".git").read_text().startswith("gitdir:")
    git(root, "add", "local.settings.json")
    assert tracking(str(root / "local.settings.json")).state == "tracked"


def test_git_file_pointing_nowhere_is_unknown(tmp_path: Path) -> None:
    (tmp_path / ".git").write_text("gitdir: ../gone\n")
    t = tracking(str(tmp_path / "local.settings.json"))
    assert t.state == "unknown"
    assert f"points to {tmp_path.parent / 'gone'}, which is not a folder" in t.reason


def test_no_repository(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    # tmp_path may itself sit inside a repository on some machines; look from a fresh root.
    if any((p / ".git").exists() for p in (tmp_path, *tmp_path.parents)):
        # Not a missing tool but the same policy: in CI the answer must be checked.
        tool_missing("the temporary folder is inside a git repository (set TMPDIR elsewhere)")
    assert tracking(str(tmp_path / "app" / "x")).state == "no-repository"


def test_a_new_repository_without_an_index_is_unknown(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    t = tracking(str(tmp_path / "local.settings.json"))
    assert t.state == "unknown"
    assert "has no index file" in t.reason


def test_a_corrupt_index_is_unknown_and_says_why(tmp_path: Path) -> None:
    root = repo(tmp_path / "r")
    data = bytearray(index_bytes(root))
    data[40] ^= 0xFF  # inside the first entry's stat data: only the checksum notices
    (root / ".git" / "index").write_bytes(bytes(data))
    t = tracking(str(root / "host.json"))
    assert t.state == "unknown"
    assert "checksum does not match" in t.reason


def test_a_split_index_is_unknown(tmp_path: Path) -> None:
    root = repo(tmp_path / "r")
    git(root, "update-index", "--split-index")
    t = tracking(str(root / "host.json"))
    assert t.state == "unknown"
    assert "split index" in t.reason


def test_a_zero_trailer_is_accepted_as_skip_hash(tmp_path: Path) -> None:
    root = repo(tmp_path / "r")
    data = index_bytes(root)
    assert parse_index(data[:-20] + bytes(20)).paths == ls_files(root)


def test_truncation_at_every_offset_raises_a_clear_error(tmp_path: Path) -> None:
    root = repo(tmp_path / "r")
    git(root, "update-index", "--index-version", "4")
    data = index_bytes(root)
    for cut in range(len(data) - 20):
        with pytest.raises(GitIndexError) as e:
            parse_index(data[:cut] + bytes(20))  # a zero trailer: only the structure is checked
        assert str(e.value), cut


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"DIRC", "too short"),
        (b"NOPE" + bytes(28), "does not start with the index signature"),
        (b"DIRC\0\0\0\x05\0\0\0\0" + bytes(20), "index version 5 is not one of 2, 3 and 4"),
        (b"DIRC\0\0\0\x02\xff\xff\xff\xff" + bytes(20), "announces 4294967295 entries"),
    ],
)
def test_bad_headers(data: bytes, message: str) -> None:
    with pytest.raises(GitIndexError, match=message):
        parse_index(data)


def test_a_fifo_index_is_not_opened(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    os.mkfifo(tmp_path / ".git" / "index")
    t = tracking(str(tmp_path / "x"))
    assert t.state == "unknown"
    assert "not a regular file" in t.reason
