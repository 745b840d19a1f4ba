"""``@shown_as`` (funcls/model/shown_as.py): each class that stands in for a model class, its
ranges made when first read, equals, hashes and prints as that class — equal to an instance of
it with the same fields both ways, unequal when any field differs, unhashable, the same repr —
and the slotted JSON nodes as the dataclasses they were."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from funcls.model.appmodel import Binding, Value
from funcls.model.jsondoc import JsonDocument, JsonMember, JsonNode, parse_json
from funcls.model.jsondoc.nodes import JsonError
from funcls.model.jsonvalues import JsonBinding, JsonValue
from funcls.model.locations import LineIndex, Range
from funcls.model.python.facts import Keyword, LazyKeyword, LazyPyValue, PyValue
from funcls.model.v1 import read_bindings
from funcls.model.v2.pyvalues import PyArgValue, PyBinding

FUNCTION_JSON = """{
  "bindings": [
    {"type": "httpTrigger", "direction": "in", "name": "req", "route": "items/{id}"}
  ]
}
"""
PATH = "/app/f/function.json"


def _json_binding() -> JsonBinding:
    b = read_bindings(parse_json(FUNCTION_JSON), PATH)[0]
    assert isinstance(b, JsonBinding)
    return b


def _json_value() -> JsonValue:
    v = _json_binding().properties["route"]
    assert isinstance(v, JsonValue)
    return v


def _py_value() -> LazyPyValue:
    return LazyPyValue((4, 12, 4, 19), "const", '"hello"', "hello")


def _keyword() -> LazyKeyword:
    return LazyKeyword("route", _py_value(), (4, 6, 11))


def _arg_value() -> PyArgValue:
    kw = _keyword()
    return PyArgValue("hello", kw.value, kw)


def _py_binding() -> PyBinding:
    b = PyBinding("httpTrigger", "in", "req", "/app/function_app.py", Range.of(4, 0, 4, 30))
    b.name_from(_arg_value())
    return b


LAZY: list[tuple[Callable[[], Any], type]] = [
    (_json_value, Value),
    (_json_binding, Binding),
    (_arg_value, Value),
    (_py_binding, Binding),
    (_py_value, PyValue),
    (_keyword, Keyword),
]


def _other(value: Any) -> Any:
    """A value unequal to ``value`` that its field can hold."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    return object()


@pytest.mark.parametrize(("make", "model"), LAZY, ids=lambda x: getattr(x, "__name__", ""))
def test_a_lazy_class_equals_hashes_and_prints_as_its_model_class(
    make: Callable[[], Any], model: type
) -> None:
    names = [f.name for f in dataclasses.fields(model)]
    read = make()
    twin = model(**{n: getattr(read, n) for n in names})  # every lazy range made here
    assert type(twin) is model and type(read) is not model
    fresh = make()  # nothing read yet: equality reads its ranges through the class
    assert fresh == twin and twin == fresh and (fresh != twin) is False
    assert repr(fresh) == repr(twin) and repr(fresh).startswith(model.__name__ + "(")
    with pytest.raises(TypeError, match="unhashable"):
        hash(twin)
    with pytest.raises(TypeError, match="unhashable"):
        hash(fresh)
    assert fresh != object() and fresh != None  # noqa: E711 - as the dataclass: unequal
    for name in names:
        changed = model(**{n: getattr(read, n) for n in names})
        setattr(changed, name, _other(getattr(read, name)))
        assert fresh != changed and changed != fresh, name
        lazy_changed = make()
        setattr(lazy_changed, name, _other(getattr(read, name)))
        assert lazy_changed != twin and twin != lazy_changed, name


# The JSON nodes as the dataclasses they were (jsondoc/nodes.py before they were slotted).
@dataclasses.dataclass
class _Member:
    key: str
    key_range: Range
    value: Any
    range: Range


@dataclasses.dataclass
class _Node:
    kind: str
    range: Range
    start: int
    end: int
    value: Any
    members: list[Any]
    items: list[Any]
    complete: bool


@dataclasses.dataclass
class _Document:
    text: str
    root: Any
    errors: list[JsonError]
    lines: LineIndex


def _document() -> JsonDocument:
    return parse_json(FUNCTION_JSON)  # the C decoder's: positions found when first read


def _node() -> JsonNode:
    root = _document().root
    assert root is not None
    return root


def _member() -> JsonMember:
    return _node().members[0]


NODES: list[tuple[Callable[[], Any], type, type]] = [
    (_member, JsonMember, _Member),
    (_node, JsonNode, _Node),
    (_document, JsonDocument, _Document),
]


@pytest.mark.parametrize(("make", "cls", "was"), NODES, ids=lambda x: getattr(x, "__name__", ""))
def test_a_json_node_equals_hashes_and_prints_as_the_dataclass_it_was(
    make: Callable[[], Any], cls: type, was: type
) -> None:
    names = [f.name for f in dataclasses.fields(was)]
    read = make()  # a node of the C decoder's document: its positions found when first read
    values = {n: getattr(read, n) for n in names}
    same = cls(**values)
    assert type(same) is cls
    assert read == same and same == read and (read != same) is False
    assert repr(read) == repr(was(**values)).replace(was.__name__, cls.__name__, 1)
    with pytest.raises(TypeError, match="unhashable"):
        hash(read)
    assert read != was(**values)  # another class altogether, as between dataclasses
    for name in names:
        changed = cls(**values)
        setattr(changed, name, _other(values[name]))
        assert read != changed and changed != read, name


def test_equality_stops_at_the_first_field_that_differs() -> None:
    """A JSON value compared with one of another value does not make its range: that would
    locate the whole document (jsondoc/cread.py)."""
    doc = parse_json(FUNCTION_JSON)
    route = read_bindings(doc, PATH)[0].properties["route"]
    assert doc.root is not None and doc.root._start < 0  # nothing located
    assert route != Value("items/{name}") and Value("items/{name}") != route
    assert doc.root._start < 0
    assert route == Value("items/{id}", route.range, route.key_range)  # located now
    assert doc.root._start == 0
