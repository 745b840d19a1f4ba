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
        st.text(max_size=6),  # non-ASCII lines take pygls' own path
        st.sampled_from(["", "\r\n", "ab\r\n", "😋x\n"]),
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
