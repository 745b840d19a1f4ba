"""The Python cursor context, from text that may not parse."""

from __future__ import annotations

import pytest

from funcls.lsp.pyctx import Attribute, DecoratorCall, DecoratorName, DefParameters, python_context

CURSOR = "‸"


def ctx(marked: str):  # type: ignore[no-untyped-def]
    at = marked.index(CURSOR)
    return python_context(marked.replace(CURSOR, ""), at)


def test_after_an_app_variable() -> None:
    c = ctx("x = 1\n@app.que‸\ndef f(): pass\n")
    assert c == DecoratorName("app", "que", 11, 14, False)
    assert ctx("@bp.ro‸ute(x)\n") == DecoratorName("bp", "ro", 4, 9, True)


@pytest.mark.parametrize(
    ("marked", "method", "keyword", "prefix", "quote", "in_list", "present"),
    [
        ("@app.queue_trigger(‸)\ndef f(msg): pass", "queue_trigger", None, "", None, False, set()),
        (
            '@app.queue_trigger(arg_name="msg", qu‸)',
            "queue_trigger",
            None,
            "qu",
            None,
            False,
            {"arg_name"},
        ),
        (
            '@app.queue_trigger(arg_name="m‸")',
            "queue_trigger",
            "arg_name",
            "m",
            '"',
            False,
            {"arg_name"},
        ),
        (
            "@app.route(\n    route='x',\n    methods=['G‸']\n)",
            "route",
            "methods",
            "G",
            "'",
            True,
            {"route", "methods"},
        ),
        (
            "@app.route(auth_level=func.AuthLevel.AN‸)",
            "route",
            "auth_level",
            "func.AuthLevel.AN",
            None,
            False,
            {"auth_level"},
        ),
        (
            '@app.queue_trigger(‸, queue_name="q", connection="c")',
            "queue_trigger",
            None,
            "",
            None,
            False,
            {"queue_name", "connection"},
        ),
        ('@app.route(route="a(b)", ‸)', "route", None, "", None, False, {"route"}),
    ],
)
def test_inside_a_decorator_call(marked, method, keyword, prefix, quote, in_list, present) -> None:  # type: ignore[no-untyped-def]
    c = ctx(marked)
    assert isinstance(c, DecoratorCall)
    assert (c.method, c.keyword, c.prefix, c.quote, c.in_list, c.present) == (
        method,
        keyword,
        prefix,
        quote,
        in_list,
        present,
    )


def test_not_in_a_call_once_it_is_closed() -> None:
    assert ctx('@app.route(route="a")\ndef f(req):\n    x = ‸\n') is None


def test_enum_member_access() -> None:
    assert ctx("level = func.AuthLevel.AN‸\n") == Attribute("func.AuthLevel", "AN", 23, 25)


def test_parameters_of_a_def() -> None:
    assert ctx("def main(req: func.HttpRequest, ‸)") == DefParameters("main", "", 32, 32, ["req"])
    assert ctx("async def main(\n    ms‸\n)") == DefParameters("main", "ms", 20, 22, [])
    assert ctx("def main(req) -> None:\n    ‸") is None
