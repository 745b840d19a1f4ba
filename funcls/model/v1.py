"""The v1 programming model: one folder per function with function.json and a script."""

from __future__ import annotations

import os
from typing import Any

from funcls.model.appmodel import Binding, Function, Problem, Value
from funcls.model.deffunction import DefFunction
from funcls.model.jsondoc import JsonDocument, JsonNode
from funcls.model.jsondoc.cread import LazyDocument
from funcls.model.jsonvalues import JsonBinding, JsonValue
from funcls.model.locations import Range
from funcls.model.python.facts import LazyPyFunction
from funcls.model.python.module import ModuleInfo
from funcls.model.source import Source, inside

DEFAULT_SCRIPT = "__init__.py"
DEFAULT_ENTRY = "main"
_CORE_KEYS = {"type", "direction", "name"}


def read_bindings(doc: JsonDocument, config_path: str) -> list[Binding]:
    """The complete binding objects of a function.json document."""
    root = doc.root
    if root is None or root.kind != "object":
        return []
    arr = root.get("bindings")
    if arr is None or arr.kind != "array":
        return []
    out: list[Binding] = []
    for item in arr.items:
        if item.kind != "object" or not item.complete:
            continue
        out.append(binding_from_json(item, config_path))
    return out


def binding_from_json(node: JsonNode, config_path: str) -> Binding:
    # Ranges asked of the nodes when first read (jsonvalues.py): a document's positions are
    # found only then (jsondoc/cread.py, issue 16).
    b = JsonBinding(node, config_path)
    for m in node.members:
        if m.value is None:
            continue
        v = m.value
        key = m.key
        low = key.lower()
        if low in _CORE_KEYS and v.kind == "string":
            if low == "type":
                b.type, b._type_node = str(v.value), v
            elif low == "direction":
                b.direction, b._direction_node = str(v.value), v
            else:
                b.name, b._name_node = str(v.value), v
            continue
        b.properties[key] = JsonValue(m)
    return b


def _string_member(node: JsonNode, key: str) -> Value | None:
    m = node.get_ci(key)
    if m is None or m.value is None:
        return None
    return JsonValue(m)


# function.json read from the C decoder's values (``cread.LazyDocument.raw``: an object a
# tuple of its pairs), before the document has nodes: the same bindings and values as the
# readers above, which read the nodes (issue 16: making the nodes of the bench's 540 files was
# 29 M instructions of `funcls check`, which reads the nodes of no function.json without a
# finding). Each value keeps its place in the document, whose nodes are made when a range is
# read (``jsonvalues.py``).


def _raw_member(doc: LazyDocument, pairs: tuple[tuple[str, Any], ...], key: str) -> Value | None:
    """``_string_member`` of the root's pairs: the last member named ``key`` ignoring case."""
    low = key.lower()
    found = -1
    for i, (k, _) in enumerate(pairs):
        if k.lower() == low:
            found = i
    return None if found < 0 else JsonValue.at(pairs[found][1], doc, (found,))


def _raw_bindings(
    doc: LazyDocument, pairs: tuple[tuple[str, Any], ...], config_path: str
) -> list[Binding]:
    """``read_bindings`` of the root's pairs."""
    at = -1
    for i, (k, _) in enumerate(pairs):
        if k == "bindings":
            at = i  # the last one, as JsonNode.get
    if at < 0:
        return []
    items = pairs[at][1]
    if items.__class__ is not list:
        return []
    out: list[Binding] = []
    for n, item in enumerate(items):
        if item.__class__ is not tuple:
            continue
        b = JsonBinding.at(doc, (at, n), config_path)
        for j, (key, v) in enumerate(item):
            low = key.lower()
            if low in _CORE_KEYS and v.__class__ is str:
                if low == "type":
                    b.type, b._type_node = v, (doc, (at, n, j))
                elif low == "direction":
                    b.direction, b._direction_node = v, (doc, (at, n, j))
                else:
                    b.name, b._name_node = v, (doc, (at, n, j))
                continue
            b.properties[key] = JsonValue.at(v, doc, (at, n, j))
        out.append(b)
    return out


def index_v1_function(folder: str, source: Source, app_root: str | None = None) -> Function:
    """Index the function in ``folder`` (which holds function.json) of the app at ``app_root``
    (the folder's parent when not given)."""
    config_path = os.path.join(folder, "function.json")
    fn = Function(name=os.path.basename(folder), model="v1", config_path=config_path, folder=folder)
    app_folder = app_root or os.path.dirname(os.path.normpath(folder))
    if not inside(app_folder, folder):
        # The folder is a link leading out of the app: nothing in it is the app's (issue 17).
        fn.folder_outside = fn.script_outside = True
        fn.script_path = None
        return fn
    doc = source.json(config_path)
    if doc is None:
        fn.script_path = None
        return fn
    if isinstance(doc, LazyDocument) and not doc.built:
        pairs = doc.raw
        if pairs.__class__ is tuple:
            fn.script_file = _raw_member(doc, pairs, "scriptFile")
            fn.entry_point_value = _raw_member(doc, pairs, "entryPoint")
            fn.disabled = _raw_member(doc, pairs, "disabled")
            fn.bindings = _raw_bindings(doc, pairs, config_path)
        else:
            fn.bindings = []
    else:
        root = doc.root
        if root is not None and root.kind == "object":
            fn.script_file = _string_member(root, "scriptFile")
            fn.entry_point_value = _string_member(root, "entryPoint")
            fn.disabled = _string_member(root, "disabled")
        fn.bindings = read_bindings(doc, config_path)

    script_name = DEFAULT_SCRIPT
    if (
        fn.script_file is not None
        and isinstance(fn.script_file.value, str)
        and fn.script_file.value
    ):
        script_name = fn.script_file.value
    else:
        script_name = primary_script(folder, source) or DEFAULT_SCRIPT
        fn.default_script = script_name
    entry = DEFAULT_ENTRY
    if fn.entry_point_value is not None and isinstance(fn.entry_point_value.value, str):
        entry = fn.entry_point_value.value
    fn.entry_point = entry
    script_path = os.path.normpath(os.path.join(folder, script_name))
    fn.script_path = script_path
    # The host resolves scriptFile against the function's folder and loads whatever it names,
    # but analysis reads and quotes only files of the app (issue 17): a function.json in a
    # pull request could otherwise make CI print a line of /etc/passwd or a credentials file.
    # The folder is the app's (above), so a script inside the folder is the app's too: asked
    # with the script's own lstat, not again with one per name below the app's root (500 of
    # the bench's 1,710 lstat calls, issue 16); a script elsewhere is asked of the root.
    if not (inside(folder, script_path) or inside(app_folder, script_path)):
        fn.script_outside = True
        fn.script_exists = False
        return fn
    fn.script_exists = source.is_file(script_path)
    if fn.script_exists and script_path.endswith(".py"):
        module = source.module(script_path)
        if module is not None:
            _attach_entry(fn, module)
    return fn


def primary_script(folder: str, source: Source) -> str | None:
    """The file the host takes when function.json names no scriptFile.

    The host's rule (HostFunctionMetadataProvider.DeterminePrimaryScriptFile in
    Azure/azure-functions-host): the files of the folder other than function.json; the only
    one if there is one, else the first named run.* or __init__.py; else none.
    """
    files = sorted(
        name
        for name in source.listdir(folder)
        if name.lower() != "function.json" and source.is_file(os.path.join(folder, name))
    )
    if len(files) == 1:
        return files[0]
    for name in files:
        if os.path.splitext(name)[0].lower() == "run" or name.lower() == "__init__.py":
            return name
    return None


def _attach_entry(fn: Function, module: ModuleInfo) -> None:
    pyf = module.function(fn.entry_point)
    if pyf is None:
        return
    fn.entry_found = True
    if type(pyf) is LazyPyFunction:
        # A one-shot analysis' def: its ranges read from it when first read (DefFunction,
        # issue 16).
        held: Any = pyf
        fn.def_range = held
        fn.def_name_range = held
        fn.__class__ = DefFunction
    else:
        fn.def_range = pyf.def_range
        fn.def_name_range = pyf.name_range
    fn.is_async = pyf.is_async
    fn.parameters = list(pyf.params)
    fn.return_annotation = pyf.returns


def json_problems(doc: JsonDocument, path: str) -> list[Problem]:
    return [Problem("json-syntax", e.message, path, e.range) for e in doc.errors]


def not_an_object(doc: JsonDocument, path: str) -> Problem | None:
    if isinstance(doc, LazyDocument) and not doc.built and doc.raw.__class__ is tuple:
        return None  # an object: its nodes not made for this
    if doc.root is not None and doc.root.kind != "object":
        return Problem(
            "json-not-object",
            f"the file must hold a JSON object, not a {doc.root.kind}",
            path,
            doc.root.range,
        )
    return None


ZERO = Range.point(0, 0)
