"""The ASCII fast path of the position codec gives pygls' answers exactly (issue 17: pygls'
per-character walk made 5,000 changes to a long line take 31 s)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from funcls.lsp.protocol import AsciiFastCodec

LINES = st.lists(
    st.one_of(
        st.text(alphabet=st.characters(max_codepoint=127), max_size=12),
        st.text(max_size=6),
        # non-ASCII within the Basic Multilingual Plane: arithmetic in UTF-16 and UTF-32 too
        st.text(alphabet=st.characters(min_codepoint=128, max_codepoint=0xFFFF), max_size=12),
        st.sampled_from(["", "\r\n", "ab\r\n", "😋x\n", "é\r\n", "\ud800x", "x\udc00😋"]),
        # several units per character in UTF-8 and UTF-16, CRLF at the end
        st.text(alphabet=st.sampled_from("aé€😋𝄞\r\n"), max_size=16),
    ),
    max_size=5,
)
ENCODINGS = st.sampled_from(list(types.PositionEncodingKind))


@settings(max_examples=300, derandomize=True, database=None, deadline=None)
@given(lines=LINES, line=st.integers(0, 6), character=st.integers(0, 20), enc=ENCODINGS)
def test_same_answers_as_pygls(lines: list[str], line: int, character: int, enc: str) -> None:
    slow, fast = PositionCodec(enc), AsciiFastCodec(enc)
    got = fast.position_from_client_units(lines, types.Position(line, character))
    want = slow.position_from_client_units(lines, types.Position(line, character))
    assert got == want
    pos = types.Position(line, character)
    try:
        want_out = slow.position_to_client_units(lines, pos)
    except Exception as error:  # pygls' own behaviour, whatever it is, is kept
        want_out = type(error)  # type: ignore[assignment]
    try:
        got_out = fast.position_to_client_units(lines, pos)
    except Exception as error:
        got_out = type(error)  # type: ignore[assignment]
    assert got_out == want_out


class CountingImpl:
    """Wraps a codec's per-character unit count, counting the calls (pygls' walk)."""

    def __init__(self, impl: object) -> None:
        self.impl = impl
        self.calls = 0

    def code_units_for_char(self, char: str) -> int:
        self.calls += 1
        return self.impl.code_units_for_char(char)  # type: ignore[attr-defined,no-any-return]

    def num_units(self, text: str) -> int:
        return self.impl.num_units(text)  # type: ignore[attr-defined,no-any-return]


def test_a_long_non_ascii_line_is_not_walked_character_by_character() -> None:
    """A 20,000-character line of accented text (a translated message, a minified JSON file
    in French) in UTF-16 and UTF-32: converted by arithmetic, no character visited; pygls'
    walk visits each one up to the position, on every incremental change."""
    line = "é" * 20_000
    for enc in (types.PositionEncodingKind.Utf16, types.PositionEncodingKind.Utf32):
        fast = AsciiFastCodec(enc)
        counting = CountingImpl(fast.impl)
        fast.impl = counting  # type: ignore[assignment]
        got = fast.position_from_client_units([line], types.Position(0, 19_999))
        assert (got.line, got.character) == (0, 19_999)
        assert counting.calls == 0
    # Characters of several units (an emoji in UTF-16, any non-ASCII in UTF-8): the codecs
    # count them, still no walk; a lone surrogate is left to pygls' walk.
    for enc, at, want in (
        (types.PositionEncodingKind.Utf16, 10, 9),  # 😋 is 2 units, each é 1
        (types.PositionEncodingKind.Utf8, 10, 4),  # 😋 is 4 bytes, each é 2: 4 + 3 * 2
        (types.PositionEncodingKind.Utf8, 11, 5),  # inside an é: it counts, as in the walk
    ):
        fast = AsciiFastCodec(enc)
        counting = CountingImpl(fast.impl)
        fast.impl = counting  # type: ignore[assignment]
        got = fast.position_from_client_units(["😋" + line], types.Position(0, at))
        slow = PositionCodec(enc).position_from_client_units(["😋" + line], types.Position(0, at))
        assert got.character == slow.character == want and counting.calls == 0, enc
    fast = AsciiFastCodec(types.PositionEncodingKind.Utf16)
    counting = CountingImpl(fast.impl)
    fast.impl = counting  # type: ignore[assignment]
    lone = ["\ud800😋" + line]  # a lone surrogate beside an emoji: pygls' own walk
    got = fast.position_from_client_units(lone, types.Position(0, 10))
    slow = PositionCodec(types.PositionEncodingKind.Utf16)
    assert got == slow.position_from_client_units(lone, types.Position(0, 10))
    assert counting.calls > 0
