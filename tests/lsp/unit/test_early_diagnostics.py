"""The first diagnostics written before pygls is imported (funcls/lsp/early_diagnostics.py,
issue 16) are the JSON the server publishes for the same document, client and settings: over
every app of tests/ and samples/ and the bench workspaces, each of its files opened in turn,
with and without related information, with default and non-default settings. The server's
side is its own code: ``IndexState`` with ``EngineChecker``, ``diagnostics.by_path`` with the
``Context`` ``FunclsServer.setup`` builds, serialized by pygls' converter."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.protocol import default_converter

from funcls.lsp import diagnostics
from funcls.lsp.context import ClientFeatures, Context
from funcls.lsp.early_diagnostics import (
    Client,
    first_publication,
    path_to_uri,
    settings_of,
)
from funcls.lsp.positions import PositionMapper
from funcls.lsp.settings import Settings, parse_settings
from funcls.lsp.state import EngineChecker, IndexState
from funcls.model.loader import load_app
from funcls.model.workspace import Workspace

REPO = Path(__file__).resolve().parents[3]
CONVERTER = default_converter()
SUFFIXES = (".py", ".json", ".txt")
CAPS_RELATED = {"textDocument": {"publishDiagnostics": {"relatedInformation": True}}}
SETTINGS = [
    None,
    {"funcls": {"severity": {"AZF1": "hint", "AZF300": "error"}, "ignore": ["AZF205"]}},
]


def server_publication(
    folder: str, caps: dict[str, Any], init_options: Any, path: str, version: int, text: str
) -> dict[str, Any]:
    """What FunclsServer publishes for the open document once its app is indexed."""
    settings, _ = parse_settings(init_options)
    index = Workspace([folder], extra_roots=list(settings.extra_app_roots))
    index.source.open(path, version, text)
    state = IndexState(index, EngineChecker())
    state.settings = settings
    capabilities = CONVERTER.structure(caps, types.ClientCapabilities)
    ctx = Context(
        index,
        PositionMapper(str(types.PositionEncodingKind.Utf16), index.source.text),
        ClientFeatures.from_capabilities(capabilities),
        settings,
    )
    roots = [r for r in index.roots() if path == r or path.startswith(r + os.sep)]
    assert len(roots) == 1
    index.apps[roots[0]] = load_app(roots[0], index.source)
    diags = diagnostics.by_path(ctx, state.findings(roots[0])).get(path, [])
    params = types.PublishDiagnosticsParams(
        uri=path_to_uri(path), diagnostics=diags, version=version
    )
    unstructured: dict[str, Any] = CONVERTER.unstructure(params)
    return unstructured


def documents(folder: Path) -> list[tuple[str, str]]:
    """(folder the client opens, document) for every file of every app under ``folder``."""
    index = Workspace([str(folder)])
    out = []
    for root in index.roots():
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if not d.startswith(".") and d != "__pycache__"]
            for name in sorted(filenames):
                if name.endswith(SUFFIXES):
                    out.append((str(folder), os.path.join(dirpath, name)))
    return out


def bench_workspaces(tmp: Path) -> list[Path]:
    spec = importlib.util.spec_from_file_location("gen_workspace", REPO / "bench/gen_workspace.py")
    assert spec is not None and spec.loader is not None
    gen: Any = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    big = gen.write_big_app(tmp / "big" / "app", 60, 3)
    many = gen.generate(tmp / "many", 40, 4)
    return [big.parent, many]


def check_folder(folder: Path) -> int:
    compared = 0
    for opened_in, path in documents(folder):
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        roots = [r for r in Workspace([opened_in]).roots() if path.startswith(r + os.sep)]
        if len(roots) != 1:
            continue
        for caps in ({}, CAPS_RELATED):
            for options in SETTINGS:
                client = Client.from_initialize(
                    {
                        "rootUri": path_to_uri(opened_in),
                        "capabilities": caps,
                        "initializationOptions": options,
                    }
                )
                settings = settings_of(client.init_options, False, None)
                document = {"uri": path_to_uri(path), "version": 3, "text": text}
                early = first_publication(client, settings, document, "utf-16")
                assert early is not None, path
                expected = server_publication(opened_in, caps, options, path, 3, text)
                assert early["params"] == expected, (path, caps, options)
                compared += 1
    return compared


@pytest.mark.parametrize("where", ["samples", "tests"])
def test_early_diagnostics_equal_the_servers_over_the_repository(where: str) -> None:
    compared = check_folder(REPO / where)
    assert compared > 20


def test_early_diagnostics_equal_the_servers_on_the_bench_workspaces(tmp_path: Path) -> None:
    total = sum(check_folder(folder) for folder in bench_workspaces(tmp_path))
    assert total > 20


def test_the_comparison_sees_findings_and_non_ascii_columns(tmp_path: Path) -> None:
    """Not vacuous: a document with findings, related information and a character beyond the
    BMP before a finding (its UTF-16 column differs from its code point column)."""
    app = tmp_path / "app"
    app.mkdir()
    (app / "host.json").write_text('{"version": "2.0"}')
    text = (
        "import azure.functions as func\n"
        "app = func.FunctionApp()\n\n"
        '@app.route(route="a")\n'
        "def one(req: func.HttpRequest) -> func.HttpResponse:\n"
        '    return func.HttpResponse("x")\n\n'
        '@app.route(route="a")  # 😀 é\n'
        "def one(req: func.HttpRequest) -> func.HttpResponse:\n"
        '    return func.HttpResponse("x")\n'
        '𝒳 = 1; app.route(route="😀" + 1)(one)\n'
    )
    path = str(app / "function_app.py")
    Path(path).write_text(text, encoding="utf-8")
    for caps in ({}, CAPS_RELATED):
        client = Client.from_initialize(
            {"rootUri": path_to_uri(str(tmp_path)), "capabilities": caps}
        )
        document = {"uri": path_to_uri(path), "version": 7, "text": text}
        early = first_publication(client, Settings(), document, "utf-16")
        assert early is not None
        assert early["params"]["diagnostics"], "the duplicate function must be reported"
        assert early["params"] == server_publication(str(tmp_path), caps, None, path, 7, text)
    assert any("relatedInformation" in d for d in early["params"]["diagnostics"])


def test_what_the_server_would_answer_differently_is_left_to_it(tmp_path: Path) -> None:
    doc = {"uri": path_to_uri(str(tmp_path / "x.py")), "version": 1, "text": ""}
    pulling = Client.from_initialize({"capabilities": {"textDocument": {"diagnostic": {}}}})
    assert first_publication(pulling, Settings(), doc, "utf-16") is None
    plain = Client.from_initialize({"rootUri": path_to_uri(str(tmp_path))})
    assert first_publication(plain, Settings(), doc, "utf-8") is None
    assert first_publication(plain, Settings(), doc, "utf-16") is None  # in no app


def test_settings_follow_the_servers_order() -> None:
    options = {"funcls": {"ignore": ["AZF205"]}}
    assert settings_of(options, True, [{"select": ["AZF1"]}]) == Settings(
        ignore=("AZF205",), select=("AZF1",)
    )
    assert settings_of(options, True, [None]) == Settings(ignore=("AZF205",))
    assert settings_of(options, False, None) == Settings(ignore=("AZF205",))
    assert settings_of(None, True, [{"funcls": {"select": "AZF3"}}]) == Settings(select=("AZF3",))
