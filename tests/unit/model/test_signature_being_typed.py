"""A def whose signature is being typed (``def main(req: func.HttpRequest`` with no closing
parenthesis yet): the recovery from the syntax error keeps the def with the parameters typed so
far, and its body when the lines below parse as one (``recover._signature_repaired``), so that
hover and completion on its parameters answer while it is typed; the signature rules wait for
it to be finished."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from funcls.model.locations import Range
from funcls.model.python.module import analyse_module
from tests.checks.support import check, codes, v1

IMPORT = "import azure.functions as func\n\n\n"


@pytest.mark.parametrize(
    ("text", "params", "def_range"),
    [
        # No closing parenthesis: the body below is kept as the def's body.
        (
            IMPORT + "def main(req: func.HttpRequest\n    return func.HttpResponse(req.url)\n",
            ["req"],
            Range.of(3, 0, 4, 37),
        ),
        # An unfinished annotation: the name is kept, the annotation dropped.
        ("def main(req: func.HttpRequest, msg: func.\n    return 1\n", ["req", "msg"], None),
        # A signature over several lines, stopped at the first line that is the body's.
        ("def main(\n    req: func.HttpRequest,\n    msg\n    return req\n", ["req", "msg"], None),
        # A return annotation being typed; no colon yet.
        ("def main(req: func.HttpRequest) -> func.Http\n    x = 1\n", ["req"], None),
        # ``name = …`` is a statement of the body, not a default (written ``name=…``).
        ("def main(req,\n    name = req.params.get('n')\n    return name\n", ["req"], None),
        # Nothing below: the def ends at its last signature line.
        ("def main(req:\n", ["req"], Range.of(0, 0, 0, 13)),
    ],
)
def test_the_parameters_typed_so_far(text: str, params: list[str], def_range: Range | None) -> None:
    info = analyse_module("/app/f/__init__.py", text)
    assert info.partial
    [fn] = info.functions
    assert (fn.name, [p.name for p in fn.params], fn.partial_signature) == ("main", params, True)
    if def_range is not None:
        assert fn.def_range == def_range


def test_the_defs_around_it_are_as_before() -> None:
    text = (
        "@app.route(route='x')\ndef f(req: func.HttpRequest\n\n\n"
        "@app.route(route='y')\ndef g(req):\n    pass\n"
    )
    f, g = analyse_module("/app/function_app.py", text).functions
    assert (f.name, [d.chain for d in f.decorators], f.partial_signature) == (
        "f",
        [["app", "route"]],
        True,
    )
    assert (g.name, g.partial_signature) == ("g", False)
    # A def with its colon whose body is cut short is recovered as before, unmarked.
    [ok] = analyse_module("/m.py", "def ok(a) -> None:\n    return (\n").functions
    assert (ok.name, ok.partial_signature) == ("ok", False)
    # Classes are not repaired.
    assert analyse_module("/m.py", "class A(B\n    def m(self\n").functions == []


def test_no_signature_finding_while_it_is_typed(tmp_path: Path) -> None:
    queue = {"name": "msg", "type": "queueTrigger", "direction": "in", "queueName": "orders"}
    out = {"name": "receipt", "type": "blob", "direction": "out", "path": "r/{id}.json"}
    out["connection"] = "AzureWebJobsStorage"
    config = json.dumps({"bindings": [queue, out]})
    # 'receipt' is not typed yet: only the syntax error is reported, not AZF200.
    v1(tmp_path, "orders", config, IMPORT + "def main(msg: func.QueueMessage, \n    pass\n")
    found = codes(check(tmp_path))
    assert "AZF603" in found and "AZF200" not in found, found
    # Finished without it: AZF200 says the parameter is missing.
    v1(tmp_path, "orders", config, IMPORT + "def main(msg: func.QueueMessage) -> None:\n    pass\n")
    assert "AZF200" in codes(check(tmp_path))
