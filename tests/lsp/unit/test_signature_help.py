"""Signature help from the pure function: which parameter of a decorator the cursor's argument
gives, one row per way of writing it."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

from funcls.lsp.context import ClientFeatures, Context, make_context
from funcls.lsp.signature import signature_help
from funcls.model.locations import LineIndex
from funcls.model.workspace import Workspace

CURSOR = "‸"
HEAD = "import azure.functions as func\n\napp = func.FunctionApp()\n\n"


def help_at(ctx: Context, path: Path, marked: str) -> types.SignatureHelp | None:
    at = marked.index(CURSOR)
    text = marked.replace(CURSOR, "")
    ctx.source.open(str(path), 99, text)
    try:
        return signature_help(ctx, str(path), LineIndex(text).position(at))
    finally:
        ctx.source.close(str(path))


def active_name(result: types.SignatureHelp | None) -> str | None:
    assert result is not None
    (sig,) = result.signatures
    assert result.active_parameter == sig.active_parameter
    if result.active_parameter is None:
        return None
    start, end = sig.parameters[result.active_parameter].label  # type: ignore[misc]
    return sig.label[start:end]


@pytest.mark.parametrize(
    ("marked", "active"),
    [
        ("@app.route(‸", "route"),  # just opened
        ('@app.route("orders", ‸', "trigger_arg_name"),  # the second positional argument
        ('@app.route(route="orders", ‸)', "trigger_arg_name"),  # the first one not given
        ('@app.route(route="orders", me‸)', "methods"),  # a keyword being typed
        ('@app.route(route="x", auth_level=func.AuthLevel.‸)', "auth_level"),
        ('@app.route(methods=["GET", "PO‸"])', "methods"),  # inside its list
        ('@app.queue_trigger("m", "orders", ‸)', "connection"),
        ('@app.queue_trigger(arg_name="m", connection="‸")', "connection"),
        # A required parameter not given yet comes before an optional one.
        ('@app.queue_trigger(arg_name="m", ‸)', "queue_name"),
        # A keyword the decorator has no parameter for goes into the binding: **kwargs.
        ('@app.queue_trigger(arg_name="m", visibility_timeout=‸)', "**kwargs"),
        (
            '@app.queue_trigger(\n    arg_name="m",\n    queue_name="orders",\n    ‸\n)',
            "connection",
        ),
    ],
)
def test_active_parameter(ctx: Context, samples: Path, marked: str, active: str) -> None:
    path = samples / "v2-app" / "function_app.py"
    assert active_name(help_at(ctx, path, HEAD + marked + "\ndef f(m): pass\n")) == active


@pytest.mark.parametrize(
    "marked",
    [
        "x = print(‸)",  # not a decorator
        "@nope.route(‸)",  # not a function app
        "@app.not_a_decorator(‸)",
        '@app.route(route="x")\ndef f(req‸): pass',  # in the def, not the decorator
        "@app.route(route='x')‸",  # after the call
        "# @app.route(‸",  # a comment
    ],
)
def test_none_outside_a_binding_decorator_call(ctx: Context, samples: Path, marked: str) -> None:
    path = samples / "v2-app" / "function_app.py"
    assert help_at(ctx, path, HEAD + marked + "\n") is None


def test_the_whole_answer(ctx: Context, samples: Path) -> None:
    path = samples / "v2-app" / "orders_bp.py"
    text = path.read_text()
    marked = text.replace(
        '@bp.queue_trigger(arg_name="msg", ', '@bp.queue_trigger(arg_name="msg", ‸', 1
    )
    assert CURSOR in marked
    result = help_at(ctx, path, marked)
    assert result is not None
    (sig,) = result.signatures
    label = "@bp.queue_trigger(arg_name, queue_name, connection, data_type, **kwargs)"
    assert sig.label == label
    assert [p.label for p in sig.parameters or []] == [
        (label.index(name), label.index(name) + len(name))
        for name in ("arg_name", "queue_name", "connection", "data_type", "**kwargs")
    ]
    assert result.active_signature == 0 and result.active_parameter == 1
    assert sig.documentation == types.MarkupContent(
        kind=types.MarkupKind.Markdown,
        value="Runs the function for each message on an Azure Storage queue.",
    )
    doc = (sig.parameters or [])[1].documentation
    assert isinstance(doc, types.MarkupContent)
    assert doc.value.startswith("`queue_name` of `@queue_trigger` · required → `queueName`")


def test_clients_without_label_offsets_get_the_names(index: Workspace, samples: Path) -> None:
    plain = make_context(index, "utf-16", ClientFeatures(signature_label_offsets=False))
    path = samples / "v2-app" / "function_app.py"
    result = help_at(plain, path, HEAD + '@app.blob_output(arg_name="o", ‸)\ndef f(o): pass\n')
    assert result is not None
    (sig,) = result.signatures
    assert [p.label for p in sig.parameters or []] == [
        "arg_name",
        "path",
        "connection",
        "data_type",
        "**kwargs",
    ]
