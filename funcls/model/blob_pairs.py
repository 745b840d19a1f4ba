"""Which function of an app writes the blob another reads: the pairs by-hand samples follow.

QA of samples/v1-app: process_order writes ``receipts/{id}.json`` with the ``id`` of its queue
message, get_receipt reads ``receipts/{id}.json`` with the ``{id}`` of its route. Their samples
did not meet: process_order's sample message wrote ``receipts/sample.json`` and get_receipt's
sample route asked for ``/orders/1/receipt`` (404). A reader's blob input and a writer's blob
output name the same blob when their paths are the same template up to the names of their
``{parameters}`` and their connections are the same; the reader's name then takes the value the
writer's sample gives its own (run_inputs.sample_url_path).

Read from the bindings only (never run). A path with ``%settings%``, a ``{name:format}``, a
dotted ``{data.id}`` or a built-in is left alone: its blob name is not the plain text of one
value.
"""

from __future__ import annotations

import functools

from funcls.model.appmodel import App, Binding, Function
from funcls.model.parsers.blob_paths import BlobPathError, parse_blob_path
from funcls.model.parsers.expressions import BindingParameter, LiteralText, ParameterKind

_BLOB = "blob"
_DEFAULT_CONNECTION = "azurewebjobsstorage"  # the host's storage connection when none is named


def _shape(binding: Binding) -> tuple[tuple[str | None, ...], tuple[str, ...]] | None:
    """The blob path of ``binding`` as its literal texts (None where a name goes) and its
    names in order; None when it is not such a plain template."""
    path = binding.get("path")
    return _path_shape(path) if isinstance(path, str) else None


@functools.lru_cache(maxsize=4096)
def _path_shape(path: str) -> tuple[tuple[str | None, ...], tuple[str, ...]] | None:
    # By the path's text: a reader's sample compares its path with every blob output of the
    # app, once per Run lens title and Functions view row.
    try:
        pattern = parse_blob_path(path, for_trigger=False)
    except BlobPathError:
        return None
    texts: list[str | None] = []
    names: list[str] = []
    for part in pattern.template.parts:
        if isinstance(part, LiteralText):
            texts.append(part.text)
        elif (
            isinstance(part, BindingParameter)
            and part.kind == ParameterKind.USER
            and part.format is None
            and len(part.path) == 1
        ):
            texts.append(None)
            names.append(part.root)
        else:
            return None
    return tuple(texts), tuple(names)


def _connection(binding: Binding) -> str:
    value = binding.get("connection")
    return value.casefold() if isinstance(value, str) and value else _DEFAULT_CONNECTION


# The blob outputs of an app's functions by (connection, path shape's texts): the writers of
# each, in the app's order (``_outputs``). Kept for the last list of functions of each app
# root, held with their ids: the Functions view asks for every blob reader of the app after
# each keystroke, and looking through every function's bindings once per reader cost 7.7 ms
# per reader on an app of 1,100 functions (a reader and its writer 50 times: 386 ms a view
# refresh at 5482f12's parent; ``bench/bench_view.py 1000 5 10 50``).
_Outputs = dict[tuple[str, tuple[str | None, ...]], list[tuple[Function, tuple[str, ...]]]]
_KEPT: dict[str, tuple[list[Function], list[int], _Outputs]] = {}


def _outputs(app: App) -> _Outputs:
    functions = app.functions
    ids = list(map(id, functions))
    kept = _KEPT.get(app.root)
    if kept is not None and kept[1] == ids:
        return kept[2]  # the same Function objects (held in kept[0]: their ids are theirs)
    outputs: _Outputs = {}
    for writer in functions:
        for written in writer.bindings:
            if written.kind != _BLOB or written.direction != "out":
                continue
            shape = _shape(written)
            if shape is not None:
                key = (_connection(written), shape[0])
                outputs.setdefault(key, []).append((writer, shape[1]))
    if len(_KEPT) > 64:
        _KEPT.clear()
    _KEPT[app.root] = (list(functions), ids, outputs)
    return outputs


def blob_writers(app: App, reader: Function) -> list[tuple[Function, dict[str, str]]]:
    """The other functions of ``app`` with a blob output of the same path and connection as a
    blob input of ``reader``, each with the names of ``reader``'s path mapped to the writer's
    names at the same places (``{id}`` -> ``{id}``), in the app's order."""
    found: list[tuple[Function, dict[str, str]]] = []
    outputs: _Outputs | None = None
    for read in reader.bindings:
        if read.kind != _BLOB or read.direction != "in":
            continue
        shape = _shape(read)
        if shape is None or not shape[1]:
            continue
        if outputs is None:
            outputs = _outputs(app)
        for writer, names in outputs.get((_connection(read), shape[0]), ()):
            if writer is not reader:
                found.append((writer, dict(zip(shape[1], names, strict=True))))
    return found


def reads_blob_by_name(fn: Function) -> bool:
    """Whether ``fn`` has a blob input whose path holds ``{names}``: one ``blob_writers`` may
    pair with a writer (what the Functions view checks again after an edit)."""
    for b in fn.bindings:
        if b.kind == _BLOB and b.direction == "in":
            shape = _shape(b)
            if shape is not None and shape[1]:
                return True
    return False
