"""The tolerant JSON reader: values, positions, and recovery from half-typed input."""

from __future__ import annotations

import pytest

from funcls.model.jsondoc import parse_json
from funcls.model.locations import Position, Range


def errors(text: str) -> list[tuple[str, str]]:
    return [(e.message, str(e.range)) for e in parse_json(text).errors]


def test_values_and_positions() -> None:
    doc = parse_json('{\n  "a": 1,\n  "b": [true, null, "x\\u0041"]\n}')
    assert doc.ok
    assert doc.to_python() == {"a": 1, "b": [True, None, "xA"]}
    root = doc.root
    assert root is not None
    member = root.member("b")
    assert member is not None
    assert member.key_range == Range.of(2, 2, 2, 5)
    assert member.value is not None and member.value.range == Range.of(2, 7, 2, 30)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1 "c": 3}', [("expected ',' or '}' here, found '\"'", "1:8-1:9")]),
        ('{"a": 1, "b": , "c": 3}', [("expected a value, found ','", "1:15-1:16")]),
        (
            '{"a": tru}',
            [("'tru' is not a JSON value; put text in double quotes: \"…\"", "1:7-1:10")],
        ),
        ('{"a": True}', [("'True' is not a JSON value; write it in lower case: true", "1:7-1:11")]),
        ("{'a': 1}", [("property names need double quotes", "1:2-1:3")]),
        ('{"a": [1, 2}', [("expected ']' to close the array, found '}'", "1:12-1:13")]),
        ('{"a": 1} x', [("unexpected 'x' after the end of the JSON value", "1:10-1:11")]),
        ("", [("the file is empty; it must hold a JSON object", "1:1-1:1")]),
        (
            '{"a": "x\\q"}',
            [("'\\q' is not a JSON escape; write '\\\\' for a backslash", "1:9-1:11")],
        ),
    ],
)
def test_errors_name_the_place(text: str, expected: list[tuple[str, str]]) -> None:
    assert errors(text) == expected


def test_comments_and_trailing_commas_are_accepted_like_json_net() -> None:
    doc = parse_json('// host settings\n{\n  "version": "2.0", /* inline */\n  "x": [1,],\n}')
    assert doc.ok
    assert doc.to_python() == {"version": "2.0", "x": [1]}


def test_half_typed_function_json_keeps_complete_bindings() -> None:
    text = (
        '{\n "bindings": [\n  {"type": "httpTrigger", "name": "req", "direction": "in"},\n'
        '  {"type": "http", "dir'
    )
    doc = parse_json(text)
    assert not doc.ok
    root = doc.root
    assert root is not None
    bindings = root.get("bindings")
    assert bindings is not None
    complete = [b.to_python() for b in bindings.items if b.complete]
    assert complete == [{"type": "httpTrigger", "name": "req", "direction": "in"}]
    assert doc.errors[0].range.start == Position(3, 19)


def test_resumes_after_a_bad_item_in_an_array() -> None:
    doc = parse_json(
        '{"bindings": [{"type": "queue", "name": "x",}, {"type": "blob" "name": "y"}]}'
    )
    assert doc.to_python() == {
        "bindings": [{"type": "queue", "name": "x"}, {"type": "blob", "name": "y"}]
    }
    assert len(doc.errors) == 1


def test_path_at_finds_the_enclosing_member() -> None:
    doc = parse_json('{"bindings": [{"type": "queue", "name": "x"}]}')
    chain = doc.path_at(Position(0, 25))
    keys = [getattr(n, "key", None) for n in chain]
    assert keys == [None, "bindings", None, None, "type", None]


def test_deep_nesting_is_reported_not_crashing() -> None:
    doc = parse_json("[" * 2000 + "]" * 2000)
    assert any("nesting is too deep" in e.message for e in doc.errors)


HOST = '{\n  "version": "2.0",\n  "logging": {"logLevel": {}},\n  "extensions": {}\n}\n'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A string left open at the end of its line: the member below it is read (it was
        # skipped with its object, up to the next ',').
        (
            HOST.replace('"2.0",', '"2.0'),
            [("string is not closed before the end of the line: add '\"'", "2:14-2:18")],
        ),
        (
            HOST.replace('"2.0",\n', '"2.0",\n  "exte\n'),
            [("string is not closed before the end of the line: add '\"'", "3:3-3:8")],
        ),
        # A member whose value is not typed yet: the next line's key is not its value.
        (
            HOST.replace('"version": "2.0",', '"version":'),
            [
                (
                    '"version" has no value: add one after \':\' ("logging" after it is the '
                    "next property's name)",
                    "2:12-2:13",
                )
            ],
        ),
    ],
)
def test_half_typed_member_keeps_the_members_below(
    text: str, expected: list[tuple[str, str]]
) -> None:
    doc = parse_json(text)
    assert errors(text) == expected
    assert doc.root is not None
    logging = doc.root.member("logging")
    assert logging is not None and logging.value is not None
    assert doc.root.member("extensions") is not None
    line = text.split("\n").index('  "logging": {"logLevel": {}},')
    assert [getattr(c, "key", None) for c in doc.path_at(Position(line, 5))][-1] == "logging"


ONE_LINE = (
    '{\n "bindings": [\n  {"type": "httpTrigger", "name": "req", "authLevel": "anonymous", '
    '"methods": ["get"]},\n  {"type": "http", "name": "$return"}\n ]\n}\n'
)


@pytest.mark.parametrize(
    ("text", "expected", "first"),
    [
        # The quote opening the next name closed the value: the objects below were skipped.
        (
            ONE_LINE.replace('"anonymous", "methods"', '"anon, "methods"'),
            [("string is not closed before the next property name: add '\"'", "3:55-3:60")],
            {"type": "httpTrigger", "name": "req", "methods": ["get"]},
        ),
        # The object's '}' (and ']') at the line's end were read as the value's text.
        (
            ONE_LINE.replace('"anonymous", "methods": ["get"]},', '"anon},'),
            [("string is not closed before the end of the line: add '\"'", "3:55-3:60")],
            {"type": "httpTrigger", "name": "req"},
        ),
        (
            ONE_LINE.replace('["get"]}', '["get]}'),
            [("string is not closed before the end of the line: add '\"'", "3:80-3:84")],
            {"type": "httpTrigger", "name": "req", "authLevel": "anonymous", "methods": []},
        ),
        # A name left open before the next name.
        (
            ONE_LINE.replace('"name": "req"', '"nam "name": "req"'),
            [("string is not closed before the next property name: add '\"'", "3:27-3:31")],
            {"type": "httpTrigger", "name": "req", "authLevel": "anonymous", "methods": ["get"]},
        ),
    ],
)
def test_one_line_object_with_a_string_left_open_keeps_what_follows(
    text: str, expected: list[tuple[str, str]], first: dict[str, object]
) -> None:
    assert errors(text) == expected
    assert parse_json(text).to_python()["bindings"] == [
        first,
        {"type": "http", "name": "$return"},
    ]


MULTI_LINE = (
    '{\n  "bindings": [\n    {\n      "type": "httpTrigger",\n      "name": "req"\n    },\n'
    '    {\n      "type": "http",\n      "name": "$return"\n    }\n  ]\n}\n'
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A lone '"' on the line between two bindings: the binding below it was skipped (the
        # array resynchronised to the ',' after it, inside that binding's lines).
        (
            MULTI_LINE.replace("    },\n    {", '    },\n    "\n    {'),
            [("string is not closed before the end of the line: add '\"'", "7:5-7:6")],
        ),
        # The same in a one-line-per-binding array, and a name half typed at the line's start.
        (
            MULTI_LINE.replace("    },\n    {", '    },\n    "typ\n    {'),
            [("string is not closed before the end of the line: add '\"'", "7:5-7:9")],
        ),
        # The lone '"' after the last binding, the ']' on the next line.
        (
            MULTI_LINE.replace("    }\n  ]", '    },\n    "\n  ]'),
            None,
        ),
    ],
)
def test_string_left_open_in_a_multi_line_array_keeps_the_items_below(
    text: str, expected: list[tuple[str, str]] | None
) -> None:
    doc = parse_json(text)
    if expected is not None:
        assert errors(text) == expected
    assert doc.to_python()["bindings"] == [
        {"type": "httpTrigger", "name": "req"},
        {"type": "http", "name": "$return"},
    ]
    assert len(doc.errors) == 1
    line = text.split("\n").index('      "name": "$return"')
    assert [getattr(c, "key", None) for c in doc.path_at(Position(line, 9))][-1] == "name"


@pytest.mark.parametrize(
    "text",
    [
        '{"path": "out/{name}\n}',  # its own braces stay in the string
        '{"version": "2.0"logging": {}}',  # closed: a ',' is missing, not a quote
        '{"a": "b, c"}',
    ],
)
def test_text_of_a_string_is_not_cut_without_a_reason(text: str) -> None:
    doc = parse_json(text)
    assert doc.root is not None and doc.root.members[0].key in ("path", "version", "a")
    if text.startswith('{"path"'):
        assert errors(text) == [
            ("string is not closed before the end of the line: add '\"'", "1:10-1:21")
        ]
    elif text.startswith('{"version"'):
        assert doc.to_python() == {"version": "2.0"}
    else:
        assert doc.ok and doc.to_python() == {"a": "b, c"}


TYPED = (
    "{\n"
    '  "scriptFile": "__init__.py",\n'
    '  "bindings": [\n'
    "    {\n"
    '      "type": "httpTrigger",\n'
    '      "name": "req"\n'
    "    }\n"
    "  ]\n"
    "}\n"
)


def _typed_up_to(needle: str) -> str:
    return TYPED[: TYPED.index(needle) + len(needle)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The brackets still open: one error where their closers go, on the last character
        # typed (where vscode-json-languageservice puts its one "Expected comma or closing
        # brace"), not at the first '{', the line an editor showed it on at every keystroke.
        (
            _typed_up_to('"httpTrigger",\n'),
            "object, array and object are not closed: add '}', ']' and '}' "
            "(they open on lines 4, 3 and 1)|5:28-5:29",
        ),
        (_typed_up_to("  ]\n"), "object is not closed: add '}' (it opens on line 1)|8:3-8:4"),
        (
            _typed_up_to("    }"),
            "array and object are not closed: add ']' and '}' (they open on lines 3 and 1)|7:5-7:6",
        ),
        (
            '[{"a": [1, 2\n',
            "array, object and array are not closed: add ']', '}' and ']' "
            "(they open on line 1)|1:12-1:13",
        ),
        (
            _typed_up_to('"httpTrigger",') + "  // to do\n",  # a comment typed last counts
            "object, array and object are not closed: add '}', ']' and '}' "
            "(they open on lines 4, 3 and 1)|5:38-5:39",
        ),
        # A string or a value left unfinished at the end is the one mistake: the brackets it
        # leaves open are its consequences (there were four errors for one open string).
        (_typed_up_to('"name": "re'), "string is not closed: add '\"'|6:15-6:18"),
        (
            _typed_up_to('"name": "re') + "\n",
            "string is not closed before the end of the line: add '\"'|6:15-6:18",
        ),
        (_typed_up_to('"name":'), "expected a value but the file ends here|6:13-6:14"),
        # One line left unfinished in the middle: the error is at its open string, not also
        # at the first '{' that the '{' typed on that line leaves unclosed at the end.
        (
            TYPED.replace('"scriptFile": "__init__.py",', '"host": {\n  "'),
            "string is not closed before the end of the line: add '\"'|3:3-3:4",
        ),
    ],
)
def test_a_file_typed_top_down_has_one_error_at_the_end_of_what_is_typed(
    text: str, expected: str
) -> None:
    assert ["|".join(e) for e in errors(text)] == [expected]


def test_brackets_left_open_with_no_other_error_are_all_named() -> None:
    # Nothing else is wrong inside them: the one error names every closer, innermost first.
    assert errors('{"a": {"b": 1}, "c": [true') == [
        (
            "array and object are not closed: add ']' and '}' (they open on line 1)",
            "1:26-1:27",
        )
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '{"a": tru, "b": 1',
            [
                ("'tru' is not a JSON value; put text in double quotes: \"…\"", "1:7-1:10"),
                ("object is not closed: add '}' (it opens on line 1)", "1:17-1:18"),
            ],
        ),
        (
            '{\n  "a": tru,\n  "b": [1,\n',
            [
                ("'tru' is not a JSON value; put text in double quotes: \"…\"", "2:8-2:11"),
                (
                    "array and object are not closed: add ']' and '}' (they open on lines 3 and 1)",
                    "3:10-3:11",
                ),
            ],
        ),
        # The value missing at the end is the one mistake there (its brackets stay unnamed);
        # a string left open further up leaves where the brackets after it close to a guess:
        # one error.
        (
            '{"a": tru, "b":',
            [
                ("'tru' is not a JSON value; put text in double quotes: \"…\"", "1:7-1:10"),
                ("expected a value but the file ends here", "1:15-1:16"),
            ],
        ),
        (
            '{\n "v": "2.0\n "l": {}\n',
            [("string is not closed before the end of the line: add '\"'", "2:7-2:11")],
        ),
    ],
)
def test_a_mistake_further_up_does_not_hide_the_brackets_left_open(
    text: str, expected: list[tuple[str, str]]
) -> None:
    # vscode-json-languageservice 5 on the first two: 'Value expected' at 'tru' and
    # 'Expected comma or closing brace' / 'Value expected' at the same last character.
    assert errors(text) == expected
