"""Neovim 0.7's built-in client with two Python servers on a v1 script — funcls and
jedi-language-server, as a user runs them — renaming ``def main`` with ``vim.lsp.buf.rename``.

Neovim 0.7 sends prepareRename to every server of the buffer and, for each answer that is not
null, sends the rename to every server (runtime/lua/vim/lsp/buf.lua). funcls answers null on
the def (a second answer would rename twice) and answers the rename itself with function.json
alone: the Python server renames the def once, funcls writes the entryPoint the worker needs
(without one it looks for ``main``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.clients.editors import neovim_beside_jedi, require, run_neovim_headless

pytestmark = [pytest.mark.editor, pytest.mark.slow]

SCRIPT = """import azure.functions as func


def main(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("hello")


def again(req: func.HttpRequest) -> func.HttpResponse:
    return main(req)
"""
CONFIG = (
    "{\n"
    '  "bindings": [\n'
    '    {"type": "httpTrigger", "direction": "in", "name": "req", "authLevel": "anonymous"},\n'
    '    {"type": "http", "direction": "out", "name": "$return"}\n'
    "  ]\n"
    "}\n"
)

# After both servers are up (editors.NEOVIM_BESIDE_JEDI): rename the def under the cursor.
BODY = r"""
  vim.api.nvim_win_set_cursor(0, {DEF_LINE + 1, 5})
  vim.lsp.buf.rename("greet")
  local config = root .. "/hello/function.json"
  local done = vim.wait(20000, function()
    return file_text(config):find("entryPoint", 1, true) ~= nil and buffer_text(buf):find("def greet", 1, true) ~= nil
  end, 50)
  -- Give a second rename (if any) the time to arrive before reading the result.
  vim.wait(2000, function() return false end, 100)
  out.script = buffer_text(buf)
  out.config = file_text(config)
  out.done = done
"""


def test_neovim_renaming_a_v1_main_with_a_python_server_beside(tmp_path: Path) -> None:
    nvim = require("nvim", "neovim")
    app = tmp_path / "app"
    (app / "hello").mkdir(parents=True)
    (app / "host.json").write_text('{"version": "2.0"}')
    (app / "requirements.txt").write_text("azure-functions\n")
    (app / "hello" / "function.json").write_text(CONFIG)
    (app / "hello" / "__init__.py").write_text(SCRIPT)
    lua, values = neovim_beside_jedi(app / "hello" / "__init__.py", BODY)
    def_line = next(i for i, x in enumerate(SCRIPT.split("\n")) if x.startswith("def main"))
    result = run_neovim_headless(nvim, lua, app, tmp_path, {**values, "DEF_LINE": str(def_line)})
    assert "error" not in result, result
    assert result["done"], result
    # The def and its use renamed once each (by jedi-language-server), not twice.
    assert result["script"] == SCRIPT.replace("def main(", "def greet(").replace(
        "return main(req)", "return greet(req)"
    )
    # function.json gets the entry point, once.
    assert result["config"] == CONFIG.replace("  ]\n}", '  ],\n  "entryPoint": "greet"\n}').rstrip(
        "\n"
    )
