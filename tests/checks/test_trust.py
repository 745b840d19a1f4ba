"""Cases reduced from public apps where funcls claimed an error the platform does not make
(issue 11). Each builds a minimal app and asserts the exact findings."""

from __future__ import annotations

from pathlib import Path

from tests.checks.support import check, codes, v2


def test_unknown_decorator_under_the_bindings_hides_the_signature(tmp_path: Path) -> None:
    # A request-validation helper publishes its own signature; the worker reads that one.
    v2(
        tmp_path,
        "from validation import validate_http\n\n\n"
        "class Item:\n    pass\n\n\n"
        '@app.route(route="items", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)\n'
        "@validate_http(body=Item)\n"
        "def create(req: func.HttpRequest, body: Item) -> func.HttpResponse:\n"
        '    return func.HttpResponse("ok")\n',
        **{"validation.py": "def validate_http(**kw):\n    return lambda f: f\n"},
    )
    assert codes(check(tmp_path)) == []


def test_decorator_above_the_bindings_leaves_the_signature_checked(tmp_path: Path) -> None:
    v2(
        tmp_path,
        "from validation import traced\n\n\n"
        "@traced\n"
        '@app.route(route="items", auth_level=func.AuthLevel.ANONYMOUS)\n'
        "def create(req: func.HttpRequest, body: str) -> func.HttpResponse:\n"
        '    return func.HttpResponse("ok")\n',
        **{"validation.py": "def traced(f):\n    return f\n"},
    )
    assert codes(check(tmp_path)) == ["AZF201"]
