import pytest

from funcls.model.parsers.route_constraints import CONSTRAINTS
from funcls.model.parsers.route_template import decode_route_path
from funcls.model.parsers.routes import parse_route

MATCHES = [
    ("products/{category:alpha}/{id:int?}", "products/books/5", {"category": "books", "id": "5"}),
    ("products/{category:alpha}/{id:int?}", "/products/books", {"category": "books"}),
    ("products/{category:alpha}/{id:int?}", "PRODUCTS/Books/", {"category": "Books"}),
    ("items/{id=5}", "items", {"id": "5"}),
    ("items/{id=5}", "items/7", {"id": "7"}),
    ("files/{*rest}", "files/a/b/c.txt", {"rest": "a/b/c.txt"}),
    ("files/{*rest}", "files/a//b/", {"rest": "a//b/"}),
    ("files/{*rest}", "files", {}),
    ("files/{*rest}", "files/", {}),
    ("files/{*rest=index.html}", "files", {"rest": "index.html"}),
    ("files/{**rest}", "files/a/b", {"rest": "a/b"}),
    ("{name}.{ext}", "a.b.c", {"name": "a.b", "ext": "c"}),
    ("{name}.{ext?}", "file.txt", {"name": "file", "ext": "txt"}),
    ("{name}.{ext?}", "file", {"name": "file"}),
    ("v{version}/items", "v2/items", {"version": "2"}),
    ("{a}-{b}-{c}", "1-2-3-4", {"a": "1-2", "b": "3", "c": "4"}),
    ("users/{id:int:min(1)}", "users/42", {"id": "42"}),
    ("users/{id:int}", "users/%20-7", {"id": " -7"}),  # int.TryParse allows spaces and a sign
    ("hello/{name}", "hello/J%C3%BCrgen", {"name": "Jürgen"}),
    ("hello/{name}", "hello/a%2Fb", {"name": "a%2Fb"}),  # %2F stays encoded, as in Kestrel
    ("hello/{name}", "hello/world?x=1", {"name": "world"}),
    ("code/{c:regex(^\\d{{3}}$)}", "code/123", {"c": "123"}),
    ("code/{c:regex(abc)}", "code/xxABCxx", {"c": "xxABCxx"}),  # unanchored, ignores case
    ("when/{d:datetime}", "when/2024-02-29", {"d": "2024-02-29"}),
    ("{name:minlength(2):maxlength(4)}", "abcd", {"name": "abcd"}),
    ("", "/", {}),
]
NON_MATCHES = [
    ("products/{category:alpha}/{id:int?}", "products/books/x"),
    ("products/{category:alpha}/{id:int?}", "products/b00ks/5"),
    ("products/{category:alpha}/{id:int?}", "products/books/5/6"),
    ("products/{category:alpha}/{id:int?}", "products"),
    ("items/{id}", "items"),
    ("items/{id}", "items//"),
    ("a/{b}", "a//"),
    ("files/{*rest}", "files//x"),  # empty segments never match, even before a catch-all
    ("{name}.{ext}", "abc"),
    ("{name}.{ext}", ".x"),
    ("{name}.{ext?}", "file."),
    ("v{version}/items", "x2/items"),
    ("users/{id:int:min(1)}", "users/0"),
    ("users/{id:int}", "users/99999999999"),
    ("users/{id:long}", "users/99999999999999999999"),
    ("code/{c:regex(^\\d{{3}}$)}", "code/1234"),
    ("when/{d:datetime}", "when/yesterday"),
    ("when/{d:datetime}", "when/2%2F29%2F2024"),  # the value keeps "%2F", so it is no date
    ("{name:minlength(2):maxlength(4)}", "abcde"),
    ("", "/x"),
]


@pytest.mark.parametrize(("template", "path", "values"), MATCHES)
def test_match(template: str, path: str, values: dict[str, str]) -> None:
    assert parse_route(template).match(path) == values


@pytest.mark.parametrize(("template", "path"), NON_MATCHES)
def test_no_match(template: str, path: str) -> None:
    assert parse_route(template).match(path) is None


def test_match_decoded_path() -> None:
    template = parse_route("hello/{name}")
    assert template.match("hello/a%20b", decoded=True) == {"name": "a%20b"}


@pytest.mark.parametrize(
    ("raw", "decoded"),
    [
        ("/a%20b", "/a b"),
        ("/J%C3%BCrgen", "/Jürgen"),
        ("/a%2Fb%2fc", "/a%2Fb%2fc"),
        ("/bad%FF", "/bad%FF"),
        ("/100%", "/100%"),
        ("/plain", "/plain"),
    ],
)
def test_decode_route_path(raw: str, decoded: str) -> None:
    assert decode_route_path(raw) == decoded


@pytest.mark.parametrize(
    ("constraint", "good", "bad"),
    [
        ("int", ["0", "-5", " 7 ", "2147483647"], ["2147483648", "1.5", "x", ""]),
        ("long", ["9223372036854775807"], ["9223372036854775808"]),
        ("bool", ["true", "FALSE", " True "], ["yes", "1"]),
        ("decimal", ["1.5", "-0.25", "1,000.5", "5"], ["1e5", "abc", "."]),
        ("double", ["1.5", "1e10", "-2E-3", "NaN", "Infinity"], ["abc", "e5"]),
        ("float", ["3.14", ".5"], ["pi"]),
        (
            "guid",
            [
                "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
                "3f2504e04f8911d39a0c0305e82c3301",
                "{3f2504e0-4f89-11d3-9a0c-0305e82c3301}",
                "(3f2504e0-4f89-11d3-9a0c-0305e82c3301)",
            ],
            ["3f2504e0-4f89-11d3-9a0c", "not-a-guid", "{3f2504e04f8911d39a0c0305e82c3301}"],
        ),
        (
            "datetime",
            ["2024-02-29", "2024-02-29T10:00:00Z", "2/29/2024", "2/29/2024 3:04 PM"],
            ["2023-02-29", "13/1/2024", "tomorrow"],
        ),
        ("alpha", ["abc", "ABC"], ["abc1", "é"]),
        ("required", ["x"], [""]),
        ("file", ["a.txt", "dir/a.txt", ".gitignore"], ["readme", "a.", "dir.d/readme"]),
        ("nonfile", ["readme", "a."], ["a.txt"]),
    ],
)
def test_constraint_values(constraint: str, good: list[str], bad: list[str]) -> None:
    spec = CONSTRAINTS[constraint]
    assert [v for v in good if not spec.check(v, (), "")] == []
    assert [v for v in bad if spec.check(v, (), "")] == []


def test_length_constraints_count_utf16_code_units() -> None:
    template = parse_route("{s:maxlength(1)}")
    assert template.match("%C3%A9") == {"s": "é"}
    assert template.match("%F0%9F%98%80") is None  # one emoji is two UTF-16 code units


def test_a_regex_python_cannot_compile_does_not_block_matching() -> None:
    assert parse_route("{s:regex(\\p{{L}}+)}").match("abc") == {"s": "abc"}
