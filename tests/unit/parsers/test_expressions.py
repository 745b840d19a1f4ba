import pytest

from funcls.model.parsers.expressions import (
    AppSettingRef,
    BindingParameter,
    ExpressionError,
    ExpressionErrorKind,
    LiteralText,
    ParameterKind,
    describe_parameter,
    find_app_settings,
    lookup_setting,
    parse_binding_template,
    resolve_app_settings,
)

USER, SYSTEM, BUILTIN = ParameterKind.USER, ParameterKind.SYSTEM, ParameterKind.BUILTIN


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("plain-name", [LiteralText("plain-name", 0, 10)]),
        (
            "samples/{name}.{ext}",
            [
                LiteralText("samples/", 0, 8),
                BindingParameter("name", ("name",), None, USER, 8, 14),
                LiteralText(".", 14, 15),
                BindingParameter("ext", ("ext",), None, USER, 15, 20),
            ],
        ),
        (
            "%Env%/{queueTrigger}",
            [
                AppSettingRef("Env", 0, 5),
                LiteralText("/", 5, 6),
                BindingParameter("queueTrigger", ("queueTrigger",), None, USER, 6, 20),
            ],
        ),
        (
            "{{2014}}-{name}",
            [
                LiteralText("{2014}-", 0, 9),
                BindingParameter("name", ("name",), None, USER, 9, 15),
            ],
        ),
        (
            "out/{rand-guid}.txt",
            [
                LiteralText("out/", 0, 4),
                BindingParameter("rand-guid", ("rand-guid",), None, BUILTIN, 4, 15),
                LiteralText(".txt", 15, 19),
            ],
        ),
        (
            "{DateTime:yyyy-MM-dd}",
            [BindingParameter("DateTime", ("DateTime",), "yyyy-MM-dd", BUILTIN, 0, 21)],
        ),
        ("{datetime}", [BindingParameter("datetime", ("datetime",), None, BUILTIN, 0, 10)]),
        ("{sys.UtcNow}", [BindingParameter("sys.UtcNow", ("sys", "UtcNow"), None, SYSTEM, 0, 12)]),
        (
            "{sys.randguid}",
            [BindingParameter("sys.randguid", ("sys", "randguid"), None, SYSTEM, 0, 14)],
        ),
        ("{data.url}", [BindingParameter("data.url", ("data", "url"), None, USER, 0, 10)]),
        (
            "{Query.name:D}",
            [BindingParameter("Query.name", ("Query", "name"), "D", USER, 0, 14)],
        ),
        (
            "{headers.x-id}",
            [BindingParameter("headers.x-id", ("headers", "x-id"), None, USER, 0, 14)],
        ),
        ("{_private}", [BindingParameter("_private", ("_private",), None, USER, 0, 10)]),
        ("{naïve}", [BindingParameter("naïve", ("naïve",), None, USER, 0, 7)]),
        ("", []),
    ],
)
def test_parse_binding_template(text: str, parts: list[object]) -> None:
    assert list(parse_binding_template(text).parts) == parts


@pytest.mark.parametrize(
    ("text", "kind", "message", "span"),
    [
        (
            "x{y",
            ExpressionErrorKind.UNBALANCED_BRACE,
            "the '{' at position 1 has no closing '}'; write {{ for a literal brace",
            (1, 2),
        ),
        (
            "x}y",
            ExpressionErrorKind.UNBALANCED_BRACE,
            "the '}' at position 1 has no opening '{'; write }} for a literal brace",
            (1, 2),
        ),
        ("{a{b}", ExpressionErrorKind.UNBALANCED_BRACE, None, (0, 1)),
        (
            "a/{}",
            ExpressionErrorKind.EMPTY_PARAMETER,
            "'{}' names no binding parameter; write {name}, or {{}} for literal braces",
            (2, 4),
        ),
        (
            "{1a}",
            ExpressionErrorKind.INVALID_PARAMETER,
            "'{1a}' is not a valid binding expression: a name starts with a letter or '_', not '1'",
            (0, 4),
        ),
        (
            "{a b}",
            ExpressionErrorKind.INVALID_PARAMETER,
            "'{a b}' is not a valid binding expression: a space is not allowed in a name "
            "(letters, digits, '_', '.', '-')",
            (0, 5),
        ),
        (
            "{a..b}",
            ExpressionErrorKind.INVALID_PARAMETER,
            "'{a..b}' is not a valid binding expression: a dotted path cannot have an empty part",
            (0, 6),
        ),
        (
            "{a-b}",
            ExpressionErrorKind.INVALID_PARAMETER,
            "'{a-b}' is not a valid binding expression: '-' is not allowed in the first part of "
            "a name ('a-b')",
            (0, 5),
        ),
        ("{a/b}", ExpressionErrorKind.INVALID_PARAMETER, None, (0, 5)),
        (
            "%Name",
            ExpressionErrorKind.UNCLOSED_PERCENT,
            "the '%' at position 0 has no closing '%'; app-setting references are written "
            "%SettingName% (there is no way to escape a single '%')",
            (0, 1),
        ),
        ("50%", ExpressionErrorKind.UNCLOSED_PERCENT, None, (2, 3)),
        (
            "a%%b",
            ExpressionErrorKind.EMPTY_SETTING,
            "'%%' names no app setting; write %SettingName%",
            (1, 3),
        ),
    ],
)
def test_parse_binding_template_errors(
    text: str, kind: ExpressionErrorKind, message: str | None, span: tuple[int, int]
) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_binding_template(text)
    assert caught.value.kind is kind
    assert (caught.value.start, caught.value.end) == span
    if message is not None:
        assert caught.value.message == message


def test_template_accessors() -> None:
    template = parse_binding_template("%Container%/{name}-{sys.UtcNow}")
    assert [s.name for s in template.settings] == ["Container"]
    assert [p.root for p in template.parameters] == ["name", "sys"]
    assert not template.is_literal
    assert parse_binding_template("a{{b}}").is_literal


def test_find_app_settings_pairs_left_to_right() -> None:
    assert find_app_settings("%A%-%B:C%") == (AppSettingRef("A", 0, 3), AppSettingRef("B:C", 4, 9))
    assert find_app_settings("no settings") == ()


@pytest.mark.parametrize(
    ("settings", "name", "value"),
    [
        ({"MyQueue": "orders"}, "MyQueue", "orders"),
        ({"myqueue": "orders"}, "MYQUEUE", "orders"),
        ({"Jobs__Queue": "q"}, "Jobs:Queue", "q"),
        ({"Jobs:Queue": "q"}, "jobs__queue", "q"),
        ({"Other": "x"}, "MyQueue", None),
    ],
)
def test_lookup_setting_like_dotnet_configuration(
    settings: dict[str, str], name: str, value: str | None
) -> None:
    assert lookup_setting(name, settings) == value


def test_resolve_app_settings() -> None:
    settings = {"Env": "dev", "Suffix": "items"}
    assert resolve_app_settings("%Env%-%Suffix%/{name}", settings) == "dev-items/{name}"
    with pytest.raises(ExpressionError) as caught:
        resolve_app_settings("x-%Missing%", settings)
    assert caught.value.kind is ExpressionErrorKind.MISSING_SETTING
    assert (caught.value.start, caught.value.end) == (2, 11)
    assert caught.value.message == (
        "'%Missing%' does not resolve to a value; add 'Missing' to local.settings.json Values "
        "(or the app settings in Azure)"
    )


@pytest.mark.parametrize(
    ("text", "description"),
    [
        (
            "{rand-guid}",
            "a new random GUID, e.g. {rand-guid} → 50710cb5-84b9-4d87-9d83-a03d6976a682",
        ),
        (
            "{DateTime:yyyy}",
            "the current UTC date and time (DateTime.UtcNow); add :format for a "
            ".NET format string, e.g. {DateTime:yyyy-MM-dd}",
        ),
        ("{sys.utcnow}", "sys.UtcNow: the current UTC date and time"),
        ("{sys.MethodName}", "sys.MethodName: the name of the function"),
        ("{sys.Nope}", None),
        ("{queueTrigger}", None),
    ],
)
def test_describe_parameter(text: str, description: str | None) -> None:
    (parameter,) = parse_binding_template(text).parameters
    assert describe_parameter(parameter) == description
