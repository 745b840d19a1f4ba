"""The JSON cursor context: path, key or value, and the token to replace."""

from __future__ import annotations

import pytest

from funcls.lsp.jsonctx import json_context

CURSOR = "‸"


def ctx(marked: str):  # type: ignore[no-untyped-def]
    at = marked.index(CURSOR)
    return json_context(marked.replace(CURSOR, ""), at)


@pytest.mark.parametrize(
    ("marked", "path", "container", "position", "key", "prefix", "quoted"),
    [
        ("{‸}", (), "object", "key", None, "", False),
        ('{"scr‸"}', (), "object", "key", None, "scr", True),
        ('{"scriptFile": "‸"}', (), "object", "value", "scriptFile", "", True),
        ('{"bindings": [‸]}', ("bindings",), "array", "value", None, "", False),
        ('{"bindings": [{"type": "q‸"}]}', ("bindings", 0), "object", "value", "type", "q", True),
        ('{"bindings": [{}, {"ty‸', ("bindings", 1), "object", "key", None, "ty", True),
        (
            '{"bindings": [{"methods": ["g‸"]}]}',
            ("bindings", 0, "methods"),
            "array",
            "value",
            None,
            "g",
            True,
        ),
        ('{"disabled": tr‸}', (), "object", "value", "disabled", "tr", False),
        ('// comment "x"\n{"a": 1, /* "b": */ "‸"}', (), "object", "key", None, "", True),
        ('{"a": "x, y", "b": {"c": [1, 2, {"‸', ("b", "c", 2), "object", "key", None, "", True),
        ('{"type"‸: 1}', (), "none", "key", None, "", False),
        ("‸", (), "none", "value", None, "", False),
    ],
)
def test_context(marked: str, path, container, position, key, prefix, quoted) -> None:  # type: ignore[no-untyped-def]
    c = ctx(marked)
    assert (c.path, c.container, c.position, c.key, c.prefix, c.quoted) == (
        path,
        container,
        position,
        key,
        prefix,
        quoted,
    )


@pytest.mark.parametrize(
    ("marked", "start", "end"),
    [
        ('{"a": "b‸cd", "e": 1}', 6, 11),  # the whole string, quotes included
        ('{"a": "b‸cd\n}', 6, 10),  # not closed on this line: up to the line's end
        ('{"a": tr‸ue}', 6, 10),
        ('{"a": 1 ‸}', 8, 8),
    ],
)
def test_token_to_replace(marked: str, start: int, end: int) -> None:
    c = ctx(marked)
    assert (c.start, c.end) == (start, end)


def test_a_new_member_without_a_comma_gets_one() -> None:
    c = ctx('{"a": "b" "‸"}')
    assert c.position == "key" and c.needs_comma_at == len('{"a": "b"')
    assert ctx('{"a": "b", "‸"}').needs_comma_at == -1


def test_keys_written_before_the_cursor() -> None:
    c = ctx('{"type": "queue", "direction": "out", "‸"}')
    assert c.keys_before == ("type", "direction")


@pytest.mark.parametrize(
    ("marked", "path", "position", "key", "prefix"),
    [
        # A value left open before the next name on its line: the quote opening "logging"
        # closed it, and the cursor below was taken for a place in a string.
        ('{"version": "2.0, "logging": {"‸', ("logging",), "key", None, ""),
        # A value left open at its line's end, the object's '}' after it.
        ('[{"authLevel": "anon},\n {"type": "http", "dir‸', (1,), "key", None, "dir"),
        ('{"a": "x,\n "b": "‸', (), "value", "b", ""),
        # A name left open is no name of the object.
        ('{"ver "logging": {"l‸', ("logging",), "key", None, "l"),
        # A member whose value is not typed yet: the next line's string is a name.
        ('{"version":\n "logging": {"‸', ("logging",), "key", None, ""),
    ],
)
def test_a_string_left_open_above_the_cursor(marked: str, path, position, key, prefix) -> None:  # type: ignore[no-untyped-def]
    c = ctx(marked)
    assert (c.path, c.position, c.key, c.prefix, c.quoted) == (path, position, key, prefix, True)
    assert c.needs_comma_at == -1


@pytest.mark.parametrize(
    ("marked", "start", "end"),
    [
        ('{"version": "2.‸0, "logging": {}}', 12, 16),  # up to the text before the ','
        ('{"authLevel": "an‸on},', 14, 19),  # the object's '}' is not the string's
    ],
)
def test_token_left_open_before_the_structure(marked: str, start: int, end: int) -> None:
    c = ctx(marked)
    assert (c.start, c.end) == (start, end)
