"""Neovim 0.7's built-in client with two Python servers on a v1 script — funcls and
jedi-language-server, as a user runs them — renaming ``def main`` with ``vim.lsp.buf.rename``.

Neovim 0.7 sends prepareRename to every server of the buffer and, for each answer that is not
null, sends the rename to every server (runtime/lua/vim/lsp/buf.lua). funcls answers null on
the def (a second answer would rename twice) and answers the rename itself with function.json
alone: the Python server renames the def once, funcls writes the entryPoint the worker needs
(without one it looks for ``main``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.clients.editors import PYTHON, isolated_env, require
from tests.support.ci import tool_missing

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

LUA = r"""
local root = ROOT
local out = {log = {}, notes = {}}

local function fail(message)
  vim.fn.writefile({vim.fn.json_encode({error = message, log = out.log, notes = out.notes})}, OUT)
  vim.cmd("cq!")
end

vim.notify = function(message) table.insert(out.notes, message) end

local ok, problem = pcall(function()
  vim.cmd("edit " .. root .. "/hello/__init__.py")
  local buf = vim.api.nvim_get_current_buf()
  local ids = {}
  for _, server in ipairs({{"funcls", {PYTHON, "-m", "funcls", "--stdio"}}, {"jedi", {JLS}}}) do
    local id = vim.lsp.start_client({
      name = server[1],
      cmd = server[2],
      root_dir = root,
      handlers = {["window/logMessage"] = function(_, result) table.insert(out.log, result.message) end},
    })
    vim.lsp.buf_attach_client(buf, id)
    table.insert(ids, id)
  end
  for _, id in ipairs(ids) do
    local client = vim.lsp.get_client_by_id(id)
    if not vim.wait(20000, function() return client.initialized end, 50) then fail("no initialize") end
  end
  -- Once funcls has indexed the workspace (a request before that waits for it, and the
  -- Python server's edit would reach funcls first).
  local function indexed()
    for _, message in ipairs(out.log) do
      if message:find("funcls: indexed", 1, true) then return true end
    end
    return false
  end
  if not vim.wait(20000, indexed, 50) then fail("funcls did not index the app") end
  vim.api.nvim_win_set_cursor(0, {DEF_LINE + 1, 5})
  vim.lsp.buf.rename("greet")
  local config = root .. "/hello/function.json"
  local function config_text()
    local cbuf = vim.fn.bufnr(config)
    if cbuf < 0 then return "" end
    return table.concat(vim.api.nvim_buf_get_lines(cbuf, 0, -1, false), "\n")
  end
  local function script_text() return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), "\n") end
  local done = vim.wait(20000, function()
    return config_text():find("entryPoint", 1, true) ~= nil and script_text():find("def greet", 1, true) ~= nil
  end, 50)
  -- Give a second rename (if any) the time to arrive before reading the result.
  vim.wait(2000, function() return false end, 100)
  out.script = script_text()
  out.config = config_text()
  out.done = done
  for _, id in ipairs(ids) do vim.lsp.stop_client(id) end
  vim.wait(5000, function() return #vim.lsp.get_active_clients() == 0 end, 50)
end)
if not ok then fail(tostring(problem)) end
vim.fn.writefile({vim.fn.json_encode(out)}, OUT)
vim.cmd("qa!")
"""


def test_neovim_renaming_a_v1_main_with_a_python_server_beside(tmp_path: Path) -> None:
    nvim = require("nvim", "neovim")
    jls = Path(sys.executable).parent / "jedi-language-server"
    if not jls.exists():
        tool_missing("jedi-language-server is not installed (pip install jedi-language-server)")
    app = tmp_path / "app"
    (app / "hello").mkdir(parents=True)
    (app / "host.json").write_text('{"version": "2.0"}')
    (app / "requirements.txt").write_text("azure-functions\n")
    (app / "hello" / "function.json").write_text(CONFIG)
    (app / "hello" / "__init__.py").write_text(SCRIPT)
    out = tmp_path / "result.json"
    lua = LUA
    for name, value in {
        "ROOT": json.dumps(str(app)),
        "OUT": json.dumps(str(out)),
        "PYTHON": json.dumps(PYTHON),
        "JLS": json.dumps(str(jls)),
        "DEF_LINE": str(
            SCRIPT.split("\n").index(
                next(x for x in SCRIPT.split("\n") if x.startswith("def main"))
            )
        ),
    }.items():
        lua = lua.replace(name, value)
    (tmp_path / "test.lua").write_text(lua, encoding="utf-8")
    run = subprocess.run(
        [nvim, "--headless", "--clean", "-c", f"luafile {tmp_path / 'test.lua'}"],
        env=isolated_env(tmp_path),
        cwd=app,
        capture_output=True,
        text=True,
        timeout=120,
    )
    result = json.loads(out.read_text()) if out.exists() else {}
    assert run.returncode == 0, (run.stdout, run.stderr, result)
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
