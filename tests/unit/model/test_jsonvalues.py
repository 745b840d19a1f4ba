"""The model's values and bindings read from JSON ask their nodes for ranges only when their
own are read (model/jsonvalues.py), so that a check finds the positions of a JSON document
only for a file with a finding (jsondoc/cread.py, issue 16)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from funcls.checks import CheckConfig, check_app
from funcls.model.appmodel import Binding, Value
from funcls.model.jsondoc import JsonDocument, cread, parse_json
from funcls.model.jsondoc.cread import LazyDocument
from funcls.model.jsondoc.parser import JsonParser
from funcls.model.jsonvalues import JsonBinding, JsonValue, has_range
from funcls.model.loader import load_app
from funcls.model.shift import Shift, shifted
from funcls.model.source import Source
from funcls.model.v1 import read_bindings

FUNCTION_JSON = """{
  "scriptFile": "__init__.py",
  "bindings": [
    {
      "authLevel": "function",
      "type": "httpTrigger",
      "direction": "in",
      "name": "req",
      "methods": ["get", "post"],
      "route": "items/{id}"
    },
    {"type": "http", "direction": "out", "name": "$return"}
  ]
}
"""


def tolerant(text: str) -> JsonDocument:
    parser = JsonParser(text)
    root = parser.parse_document()
    assert root is not None and parser.errors == []
    return JsonDocument(text, root, [], parser.lines)


def eager_bindings(doc: JsonDocument, path: str) -> list[Binding]:
    """The bindings as v1.py made them before: every range read from the nodes at once."""
    assert doc.root is not None
    out = []
    arr = doc.root.get("bindings")
    assert arr is not None
    for node in arr.items:
        b = Binding(type="", direction="", name="", path=path, range=node.range)
        for m in node.members:
            v = m.value
            assert v is not None
            low = m.key.lower()
            if low == "type":
                b.type, b.type_range = str(v.value), v.range
            elif low == "direction":
                b.direction, b.direction_range = str(v.value), v.range
            elif low == "name":
                b.name, b.name_range = str(v.value), v.range
            else:
                b.properties[m.key] = Value(v.to_python(), v.range, m.key_range)
        out.append(b)
    return out


def test_bindings_read_without_positions_then_the_same_ranges() -> None:
    doc = parse_json(FUNCTION_JSON)
    assert isinstance(doc, LazyDocument)
    bindings = read_bindings(doc, "/app/f/function.json")
    assert all(isinstance(b, JsonBinding) for b in bindings)
    assert doc.root is not None and doc.root._start < 0  # nothing located
    assert bindings[0].get("methods") == ["get", "post"] and bindings[0].type == "httpTrigger"
    assert has_range(bindings[0].properties["route"])
    assert doc.root._start < 0  # values and has_range ask no position
    expected = eager_bindings(tolerant(FUNCTION_JSON), "/app/f/function.json")
    assert bindings[1].name_range == expected[1].name_range  # locates the document
    assert doc.root._start == 0
    assert bindings == expected and expected == bindings
    assert [repr(b) for b in bindings] == [repr(b) for b in expected]
    route = bindings[0].properties["route"]
    assert isinstance(route, JsonValue) and route == expected[0].properties["route"]
    assert repr(route) == repr(expected[0].properties["route"])
    assert route.key_range is not None and route.key_range.start == (9, 6)


def test_set_and_copied_ranges() -> None:
    doc = parse_json(FUNCTION_JSON)
    b = read_bindings(doc, "/app/f/function.json")[0]
    v = b.properties["authLevel"]
    v.range = None  # a setter first finds the value's other range
    assert v.range is None and v.key_range is not None and not has_range(v)
    b.name_range = None
    assert b.name_range is None and b.type_range is not None
    # A shift (model/shift.py) copies a value through object.__new__: the copy is whole.
    fresh = read_bindings(parse_json(FUNCTION_JSON), "/app/f/function.json")[0]
    route = fresh.properties["route"]
    moved = shifted(route, Shift("", 0, 2))
    assert moved.range is not None and route.range is not None
    assert moved.range.start.line == route.range.start.line + 2
    assert moved.value == "items/{id}"


def write_v1_app(root: Path, direction: str = "in") -> Path:
    (root / "host.json").write_text(
        json.dumps(
            {
                "version": "2.0",
                "extensionBundle": {
                    "id": "Microsoft.Azure.Functions.ExtensionBundle",
                    "version": "[4.*, 5.0.0)",
                },
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    (root / "local.settings.json").write_text(
        json.dumps(
            {
                "IsEncrypted": False,
                "Values": {
                    "FUNCTIONS_WORKER_RUNTIME": "python",
                    "AzureWebJobsStorage": "UseDevelopmentStorage=true",
                },
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    (root / "requirements.txt").write_text("azure-functions\n", encoding="utf-8")
    for name, d in (("good", "in"), ("other", direction)):
        folder = root / name
        folder.mkdir()
        (folder / "function.json").write_text(
            FUNCTION_JSON.replace('"direction": "in"', f'"direction": "{d}"').replace(
                "items/", f"{name}/"
            ),
            encoding="utf-8",
        )
        (folder / "__init__.py").write_text(
            "import azure.functions as func\n\n\n"
            "def main(req: func.HttpRequest) -> func.HttpResponse:\n"
            "    return func.HttpResponse('ok')\n",
            encoding="utf-8",
        )
    return root


@pytest.mark.parametrize("direction", ["in", "sideways"])
def test_a_check_locates_the_files_with_a_finding_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, direction: str
) -> None:
    located: list[str] = []
    real = cread.locate

    def locate(doc: JsonDocument) -> None:
        located.append(doc.text)
        real(doc)

    monkeypatch.setattr(cread, "locate", locate)
    root = write_v1_app(tmp_path, direction)
    findings = check_app(load_app(str(root), Source()), CheckConfig(), raise_errors=True)
    if direction == "in":
        assert findings == [] and located == []
    else:
        (f,) = findings
        assert f.code == "AZF104" and f.path == str(root / "other" / "function.json")
        assert f.range.start == (6, 19)  # the value "sideways", quotes included
        assert located == [(root / "other" / "function.json").read_text(encoding="utf-8")]
