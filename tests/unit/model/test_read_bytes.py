"""Source reads a file with its descriptor (issue 16): every byte to the end, whatever size
``stat`` gave before the read (the file may change in between), and no more than the limit."""

from __future__ import annotations

from pathlib import Path

import pytest

from funcls.model.source import MAX_FILE_BYTES, Source, _read_bytes


@pytest.mark.parametrize("content", [b"", b"x", b'{"a": 1}\r\n', bytes(range(256)) * 1000])
@pytest.mark.parametrize("stated", ["exact", "smaller", "larger", "zero"])
def test_whole_file_whatever_stat_said(tmp_path: Path, content: bytes, stated: str) -> None:
    path = tmp_path / "f.json"
    path.write_bytes(content)
    size = {
        "exact": len(content),
        "smaller": max(0, len(content) - 3),
        "larger": len(content) + 70_000,
        "zero": 0,
    }[stated]
    assert _read_bytes(str(path), size) == content


def test_at_most_one_byte_over_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.py"
    path.write_bytes(b"#" * (MAX_FILE_BYTES + 10_000))
    assert len(_read_bytes(str(path), 10)) == MAX_FILE_BYTES + 1
    # Source reports such a file instead of reading it.
    source = Source()
    assert source.text(str(path)) is None
    assert "funcls reads files up to" in source.errors[str(path)].message


def test_source_text_as_before(tmp_path: Path) -> None:
    path = tmp_path / "function_app.py"
    path.write_bytes(b"\xef\xbb\xbfa = 1\r\nb = 2\rc = 3\n")
    assert Source(snapshot=True).text(str(path)) == "a = 1\nb = 2\nc = 3\n"
    (tmp_path / "bad.py").write_bytes(b"a = '\xff'\n")
    source = Source()
    assert source.text(str(tmp_path / "bad.py")) is None
    assert "not UTF-8" in source.errors[str(tmp_path / "bad.py")].message


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\xef\xbb\xbf",
        b"\xef\xbb\xbfx = 1\n",
        b"\xef\xbb\xbf\xef\xbb\xbfx",
        b"\xef\xbb",
        b"x = 1\r\ny = 2\r",
        b"a = '\xc3\xa9'\n",
        b"ab\xffcd",
        b"\xef\xbb\xbfab\xffcd",
    ],
)
@pytest.mark.parametrize("snapshot", [False, True])
def test_text_as_utf_8_sig_decodes_it(tmp_path: Path, content: bytes, snapshot: bool) -> None:
    # Source drops one BOM and decodes the rest in C (issue 16): the same text, or the same
    # error at the same offset, as the "utf-8-sig" codec.
    path = str(tmp_path / "m.py")
    Path(path).write_bytes(content)
    source = Source(snapshot=snapshot)
    try:
        expected: str | None = content.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
        error = None
    except UnicodeDecodeError as e:
        expected = None
        error = f"the file is not UTF-8 text (bad byte at offset {e.start}); save it as UTF-8"
    assert source.text(path) == expected
    assert source.text(path) == expected  # again: a snapshot's remembered answer
    assert (source.errors[path].message if path in source.errors else None) == error
