import pytest

from funcls.model.parsers.route_constraints import suggest_constraint
from funcls.model.parsers.routes import (
    RouteError,
    RouteErrorKind,
    RouteLiteral,
    RouteParameter,
    parse_route,
)


def test_parse_route_parts_and_offsets() -> None:
    template = parse_route("products/{category:alpha}/{id:int?}")
    assert [(s.start, s.end) for s in template.segments] == [(0, 8), (9, 25), (26, 35)]
    assert template.segments[0].parts == (RouteLiteral("products", 0, 8),)
    category, identifier = template.parameters
    assert (category.name, category.start, category.end) == ("category", 9, 25)
    assert [(c.name, c.start, c.end) for c in category.constraints] == [("alpha", 19, 24)]
    assert (identifier.name, identifier.optional, identifier.default) == ("id", True, None)
    assert [c.canonical for c in identifier.constraints] == ["int"]
    assert template.parameter_names == ("category", "id")
    assert template.warnings == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{*rest}", RouteParameter("rest", 0, 7, catch_all=True)),
        ("{**rest}", RouteParameter("rest", 0, 8, catch_all=True, encode_slashes=False)),
        ("{id=5}", RouteParameter("id", 0, 6, default="5")),
        ("{name?}", RouteParameter("name", 0, 7, optional=True)),
        ("{x=}", RouteParameter("x", 0, 4, default="")),
        ("{path=a/b}", RouteParameter("path", 0, 10, default="a/b")),
    ],
)
def test_parameter_kinds(text: str, expected: RouteParameter) -> None:
    assert parse_route(text).parameters == (expected,)


@pytest.mark.parametrize(
    ("text", "constraints", "default", "optional"),
    [
        ("{id:int:min(1)}", ["int", "min(1)"], None, False),
        ("{id:int=5}", ["int"], "5", False),
        ("{id:range(1, 10)?}", ["range(1,10)"], None, True),
        ("{id:length( 2 , 4 )}", ["length(2,4)"], None, False),
        ("{code:regex(^\\d{{3}}$)}", ["regex(^\\d{3}$)"], None, False),
        ("{v:regex(a:b)}", ["regex(a:b)"], None, False),  # ':' inside parentheses
        ("{v:regex(a=b)=x}", ["regex(a=b)"], "x", False),
        ("{id:INT}", ["int"], None, False),  # constraint names ignore case
        ("{id:}", [], None, False),  # an empty constraint is dropped
        ("{when:datetime}", ["datetime"], None, False),
        ("{f:file}", ["file"], None, False),
    ],
)
def test_constraints_and_defaults(
    text: str, constraints: list[str], default: str | None, optional: bool
) -> None:
    (parameter,) = parse_route(text).parameters
    assert [c.canonical for c in parameter.constraints] == constraints
    assert (parameter.default, parameter.optional) == (default, optional)


def test_complex_segments() -> None:
    template = parse_route("files/{name}.{ext?}")
    name, dot, ext = template.segments[1].parts
    assert isinstance(dot, RouteLiteral) and dot.separator
    assert (name, ext) == (
        RouteParameter("name", 6, 12),
        RouteParameter("ext", 13, 19, optional=True),
    )
    literal = parse_route("{a}-{b}").segments[0].parts[1]
    assert literal == RouteLiteral("-", 3, 4)


def test_escaped_braces_are_literal_text() -> None:
    assert parse_route("{{x}}/y").segments[0].parts == (RouteLiteral("{x}", 0, 5),)


@pytest.mark.parametrize(
    ("text", "prefix"),
    [("/products", ""), ("~/products", ""), ("products/", "api"), ("products", "")],
)
def test_leading_and_trailing_slashes(text: str, prefix: str) -> None:
    template = parse_route(text, route_prefix=prefix)
    assert [p.text for s in template.segments for p in s.parts if isinstance(p, RouteLiteral)] == [
        "products"
    ]


def test_empty_route_has_no_segments() -> None:
    assert parse_route("").segments == ()


# (template, kind, message or None, span) — the brief's error table.
BAD_ROUTES = [
    (
        "{id",
        RouteErrorKind.UNBALANCED_BRACE,
        "this '{' has no closing '}'; write '{{' for a literal brace",
        (0, 1),
    ),
    (
        "items/id}",
        RouteErrorKind.UNBALANCED_BRACE,
        "this '}' has no matching '{'; write '}}' for a literal brace",
        (8, 9),
    ),
    (
        "{x:regex(^\\d{3}$)}",
        RouteErrorKind.UNBALANCED_BRACE,
        "a '{' inside a parameter must be doubled, as in {code:regex(^\\d{{3}}$)}",
        (12, 13),
    ),
    ("a/{}", RouteErrorKind.EMPTY_NAME, "'{}' has no parameter name", (2, 4)),
    (
        "{:int}",
        RouteErrorKind.EMPTY_NAME,
        "'{:int}' has no parameter name; the name comes first, as in {id:int}",
        (1, 5),
    ),
    ("{?}", RouteErrorKind.EMPTY_NAME, None, (1, 2)),
    (
        "{id:integer}",
        RouteErrorKind.UNKNOWN_CONSTRAINT,
        "'integer' is not a route constraint; did you mean 'int'?",
        (4, 11),
    ),
    (
        "{id:guld}",
        RouteErrorKind.UNKNOWN_CONSTRAINT,
        "'guld' is not a route constraint; did you mean 'guid'?",
        (4, 8),
    ),
    (
        "{id:zzz}",
        RouteErrorKind.UNKNOWN_CONSTRAINT,
        "'zzz' is not a route constraint; the host knows int, long, bool, datetime, decimal, "
        "double, float, guid, minlength, maxlength, length, min, max, range, alpha, regex, "
        "required, file, nonfile",
        (4, 7),
    ),
    (
        "{x:min(1}",
        RouteErrorKind.UNKNOWN_CONSTRAINT,
        "constraint 'min(1' is missing its closing ')'",
        (3, 8),
    ),
    (
        "{*rest}/x",
        RouteErrorKind.CATCH_ALL_NOT_LAST,
        "the catch-all parameter {*rest} must be the last segment of the route; it takes the "
        "rest of the URL",
        (0, 7),
    ),
    (
        "files/a{*b}",
        RouteErrorKind.CATCH_ALL_NOT_LAST,
        "a catch-all parameter must be a whole segment, not part of 'a{*b}'",
        (7, 11),
    ),
    (
        "{*rest?}",
        RouteErrorKind.CATCH_ALL_OPTIONAL,
        "'{*rest?}': a catch-all parameter cannot be optional; drop the '?' (a catch-all "
        "already matches an empty rest)",
        (0, 8),
    ),
    (
        "{id=5?}",
        RouteErrorKind.OPTIONAL_WITH_DEFAULT,
        "'{id=5?}': a parameter cannot be both optional and have a default; write {id?} or {id=5}",
        (0, 7),
    ),
    (
        "{a?}.{b}",
        RouteErrorKind.OPTIONAL_IN_SEGMENT,
        "an optional parameter must end its segment; in '{a?}.{b}' {a?} is followed by more text",
        (0, 4),
    ),
    (
        "{a}-{b?}",
        RouteErrorKind.OPTIONAL_IN_SEGMENT,
        "in '{a}-{b?}' only a '.' can come right before the optional parameter {b?}, as in "
        "{name}.{ext?}",
        (4, 8),
    ),
    (
        "items/{id}/{ID}",
        RouteErrorKind.DUPLICATE_NAME,
        "the route already has a parameter 'id' (at position 6); names must be unique, ignoring "
        "case",
        (12, 14),
    ),
    (
        "{a}{b}",
        RouteErrorKind.CONSECUTIVE_PARAMETERS,
        "'{a}{b}' has two parameters in a row; put a literal between them, as in {a}-{b}, or a '/'",
        (0, 6),
    ),
    (
        "a//b",
        RouteErrorKind.CONSECUTIVE_SEPARATORS,
        "'//' makes an empty path segment; remove one '/'",
        (1, 3),
    ),
    (
        "{id?:int}",
        RouteErrorKind.INVALID_NAME,
        "'{id?:int}': '?' marks an optional parameter and goes last, after any constraints: "
        "{id:int?}",
        (1, 4),
    ),
    (
        "{a*}",
        RouteErrorKind.INVALID_NAME,
        "'{a*}': '*' marks a catch-all parameter and goes first: {*rest}",
        (1, 3),
    ),
    ("{a/b}", RouteErrorKind.INVALID_NAME, "'{a/b}': a parameter name cannot contain '/'", (1, 4)),
    (
        "items?id=1",
        RouteErrorKind.INVALID_LITERAL,
        "'?' cannot appear in the literal part of a route; it marks an optional parameter, as in "
        "{id?} (a query string is not part of the route)",
        (5, 6),
    ),
    (
        "/products",
        RouteErrorKind.INVALID_START,
        "the route starts with '/'; the host joins it to the route prefix 'api' with a '/', so "
        "'api//products' has an empty segment: remove the leading '/'",
        (0, 1),
    ),
]
BAD_ARGUMENTS = [
    ("{id:int(3)}", "constraint 'int(3)': int takes no arguments", (4, 10)),
    ("{id:int()}", "constraint 'int()': int takes no arguments", (4, 9)),
    (
        "{s:minlength}",
        "constraint 'minlength': minlength takes arguments as in minlength(3)",
        (3, 12),
    ),
    (
        "{s:minlength(x)}",
        "constraint 'minlength(x)': 'x' is not a whole number; write minlength(3)",
        (3, 15),
    ),
    ("{s:maxlength(-1)}", "constraint 'maxlength(-1)': a length cannot be negative", (3, 16)),
    (
        "{s:length(5,1)}",
        "constraint 'length(5,1)': the lower bound 5 is above the upper bound 1",
        (3, 14),
    ),
    ("{n:range(5)}", "constraint 'range(5)': range takes arguments as in range(1,100)", (3, 11)),
    (
        "{n:range(9,1)}",
        "constraint 'range(9,1)': the lower bound 9 is above the upper bound 1",
        (3, 13),
    ),
    ("{n:min(1.5)}", "constraint 'min(1.5)': '1.5' is not a whole number; write min(1)", (3, 11)),
    (
        "{s:length(99999999999)}",
        "constraint 'length(99999999999)': '99999999999' is not in "
        "range; write length(6) or length(1,20)",
        (3, 22),
    ),
]


@pytest.mark.parametrize(("text", "kind", "message", "span"), BAD_ROUTES)
def test_route_errors(
    text: str, kind: RouteErrorKind, message: str | None, span: tuple[int, int]
) -> None:
    with pytest.raises(RouteError) as caught:
        parse_route(text)
    assert (caught.value.kind, (caught.value.start, caught.value.end)) == (kind, span)
    if message is not None:
        assert caught.value.message == message


@pytest.mark.parametrize(("text", "message", "span"), BAD_ARGUMENTS)
def test_bad_constraint_arguments(text: str, message: str, span: tuple[int, int]) -> None:
    with pytest.raises(RouteError) as caught:
        parse_route(text)
    error = caught.value
    assert (error.kind, error.message, (error.start, error.end)) == (
        RouteErrorKind.BAD_CONSTRAINT_ARGUMENT,
        message,
        span,
    )


def test_leading_tilde_without_slash_is_rejected_without_a_prefix() -> None:
    with pytest.raises(RouteError) as caught:
        parse_route("~products", route_prefix="")
    assert caught.value.kind is RouteErrorKind.INVALID_START
    # With the default prefix the '~' is just a literal ('api/~products').
    assert parse_route("~products").segments[0].parts == (RouteLiteral("~products", 0, 9),)


@pytest.mark.parametrize(
    ("text", "message", "span"),
    [
        (
            "{a?}/b",
            "{a?} can only be left out at the end of the URL, and 'b' after it always "
            "needs a value, so a is in effect required",
            (0, 4),
        ),
        (
            "{a=1}/{b}",
            "the default of {a} is only used when the URL ends before it, and '{b}' "
            "after it always needs a value, so the default never applies",
            (0, 5),
        ),
    ],
)
def test_optional_parameters_that_cannot_be_left_out_warn(
    text: str, message: str, span: tuple[int, int]
) -> None:
    (warning,) = parse_route(text).warnings
    assert (warning.kind, warning.message, (warning.start, warning.end)) == (
        "optional-not-last",
        message,
        span,
    )


@pytest.mark.parametrize("text", ["{a?}/{b?}", "x/{a?}/{*rest}", "{a=1}/{b=2}", "items/{id?}"])
def test_trailing_optional_parameters_do_not_warn(text: str) -> None:
    assert parse_route(text).warnings == ()


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [
        ("integer", "int"),
        ("Boolean", "bool"),
        ("uuid", "guid"),
        ("minlen", "minlength"),
        ("lenght", "length"),
        ("aplha", "alpha"),
        ("regx", "regex"),
        ("zzz", None),
    ],
)
def test_suggest_constraint(name: str, suggestion: str | None) -> None:
    assert suggest_constraint(name) == suggestion


def test_precedence_orders_literal_constrained_parameter_optional_catch_all() -> None:
    templates = [
        "items/{*rest}",
        "items/{id?}",
        "items/{id}",
        "items/{id:int}",
        "items/new",
        "items/{id:int}/edit",
        "{name}.{ext}",
        "items",
        "items/{*rest:minlength(2)}",
    ]
    ordered = sorted(templates, key=lambda t: parse_route(t).precedence())
    assert ordered == [
        "items",
        "items/new",
        "items/{id:int}",
        "items/{id:int}/edit",
        "items/{id}",
        "items/{id?}",
        "items/{*rest:minlength(2)}",
        "items/{*rest}",
        "{name}.{ext}",
    ]
    assert parse_route("a/{b:int}/{*c}").precedence()[0] == (1, 2, 5)


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("items/{id}", "items/{name}", True),
        ("items/{id}", "Items/{id}", True),
        ("items/{id}", "items/{id}/", True),
        ("items/{id:int:min(1)}", "items/{x:MIN( 01 ):int}", True),
        ("items/{id?}", "items/{id=5}", True),
        ("{a}.{b}", "{x}.{y}", True),
        ("items/{id:int}", "items/{id}", False),
        ("items/{id}", "items/{id?}", False),
        ("items/{id}", "items/{*id}", False),
        ("items/{id}", "item/{id}", False),
        ("{a}.{b}", "{a}-{b}", False),
    ],
)
def test_shape_key(first: str, second: str, same: bool) -> None:
    assert (parse_route(first).shape_key() == parse_route(second).shape_key()) is same


def _read(text: str, prefix: str) -> object:
    from funcls.model.parsers.routes import _RouteParser

    try:
        return _RouteParser(text, prefix).parse()
    except RouteError as e:
        return (e.kind, e.message, e.start, e.end)


def test_segments_kept_from_other_routes_read_as_fresh() -> None:
    """Segments are kept by their text and place (issue 16, twelfth pass): routes made of
    the same pieces, read one after the other with the segments kept, give what each gives
    read alone: the same templates, warnings and errors (a name of an earlier segment, a '/'
    inside a parameter's braces, escaped braces, optional and catch-all parameters)."""
    import random

    from funcls.model.parsers import routes

    pieces = [
        "api", "items", "{id}", "{ID}", "{id:int}", "{id:int?}", "{name=x}", "{*rest}",
        "{**path}", "{a}.{ext?}", "{a}-{b}", "{{x}}", "{code:regex(^a/b$)}", "x}", "{",
        "{a:regex(x{{2}})}", "v1.{fmt}", "{id?}", "", "~", "a?b", "{:int}", "{a}{b}",
    ]  # fmt: skip
    rng = random.Random(16)
    texts = ["/".join(rng.choice(pieces) for _ in range(rng.randint(1, 4))) for _ in range(3000)]
    fresh = []
    for text in texts:
        routes._SEGMENTS.clear()
        fresh.append([_read(text, "api"), _read(text, "")])
    routes._SEGMENTS.clear()
    kept = [[_read(text, "api"), _read(text, "")] for text in texts]
    differ = [text for text, k, f in zip(texts, kept, fresh, strict=True) if k != f]
    assert not differ, differ[:5]
    assert len(routes._SEGMENTS) > 20
