from __future__ import annotations

import pytest

from funcls.model.parsers.route_samples import sample_path
from funcls.model.parsers.routes import parse_route


@pytest.mark.parametrize(
    ("route", "expected"),
    [
        ("products/{id:int}", "products/1"),
        ("products/{id:int}/{slug?}", "products/1"),
        ("files/{*rest}", "files"),
        ("users/{name:alpha}", "users/sample"),
        ("orders/{id:guid}", "orders/00000000-0000-0000-0000-000000000001"),
        ("items/{id:min(5)}", "items/5"),
        ("codes/{code:length(3)}", "codes/aaa"),
        ("page/{n=7}", "page"),
        ("page/{n=7}/x", "page/7/x"),
        ("day/{d:datetime}", "day/2026-01-01"),
        ("{a}.{b}", "1.1"),
        ("static", "static"),
    ],
)
def test_sample_paths_match_their_routes(route: str, expected: str) -> None:
    template = parse_route(route)
    path = sample_path(template)
    assert path == expected
    assert template.match(path, decoded=True) is not None


def test_unsatisfiable_constraint_gives_none() -> None:
    assert sample_path(parse_route("x/{id:regex(^zz[0-9]{{4}}$)}")) is None


def test_a_preferred_value_is_tried_first_ignoring_the_name_case() -> None:
    assert sample_path(parse_route("run/{FunctionName}"), {"functionName": "chain"}) == "run/chain"
    # A preferred value the constraints refuse gives way to the ordinary ones.
    assert sample_path(parse_route("run/{functionName:int}"), {"functionName": "chain"}) == "run/1"
