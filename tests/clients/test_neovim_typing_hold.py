"""Neovim 0.7's own client while a decorator is typed key by key above a function of the v2
sample (``funcls/lsp/typing_hold.py``): ``@app.rou`` gets no AZF108 in the publication of the
buffer's last version, and the same version is published again with AZF108 once the typing
stops; the finding is on the typed line, as ``funcls check`` reports it for the saved text."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.clients.editors import PYTHON, REPO, require, run_neovim_headless

pytestmark = [pytest.mark.editor, pytest.mark.slow]

LUA = r"""
local out = {published = {}}
local function now() return vim.loop.hrtime() / 1e6 end
local ok, problem = pcall(function()
  local id = vim.lsp.start_client({
    name = "funcls", cmd = {PYTHON, "-m", "funcls", "--stdio"}, root_dir = ROOT,
    handlers = {
      ["textDocument/publishDiagnostics"] = function(_, result)
        if result.uri:match("function_app.py$") then
          local codes = {}
          for _, d in ipairs(result.diagnostics) do
            table.insert(codes, {code = d.code, line = d.range.start.line})
          end
          table.insert(out.published, {version = result.version, at = now(), codes = codes})
        end
      end,
    },
  })
  vim.cmd("edit " .. ROOT .. "/function_app.py")
  local buf = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(buf, id)
  local client = vim.lsp.get_client_by_id(id)
  if not vim.wait(30000, function() return client.initialized end, 50) then error("no initialize") end
  vim.wait(30000, function() return #out.published > 0 end, 50)
  local row
  for i, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    if l:find('@app.route(route="products/{id:int}"', 1, true) then row = i break end
  end
  out.line = row - 1
  vim.api.nvim_win_set_cursor(0, {row, 0})
  vim.cmd("normal! O")
  for ch in ("@app.rou"):gmatch(".") do
    local line = vim.api.nvim_buf_get_lines(buf, row - 1, row, false)[1]
    vim.api.nvim_buf_set_text(buf, row - 1, #line, row - 1, #line, {ch})
    vim.wait(40)
  end
  out.typed_at = now()
  out.version = vim.lsp.util.buf_versions[buf]
  vim.wait(20000, function()
    local seen = 0
    for _, p in ipairs(out.published) do
      if p.version == out.version then seen = seen + 1 end
    end
    return seen >= 2
  end, 50)
  vim.cmd("silent! write")
  vim.lsp.stop_client(id)
end)
if not ok then out.error = tostring(problem) end
vim.fn.writefile({vim.fn.json_encode(out)}, OUT)
vim.cmd(ok and "qa!" or "cq!")
"""


def test_neovim_typing_a_decorator_sees_its_finding_after_a_pause(tmp_path: Path) -> None:
    nvim = require("nvim", "neovim")
    app = tmp_path / "v2-app"
    shutil.copytree(REPO / "samples" / "v2-app", app)
    result = run_neovim_headless(nvim, LUA, app, tmp_path)
    assert "error" not in result, result
    last = [p for p in result["published"] if p["version"] == result["version"]]
    assert len(last) >= 2, result
    on_line = [[c["code"] for c in p["codes"] if c["line"] == result["line"]] for p in last]
    assert on_line[0] == [] and on_line[-1] == ["AZF108"], result
    # What the pause showed is what `funcls check` says of the saved text.
    check = subprocess.run(
        [PYTHON, "-m", "funcls", "check", "--format", "json", str(app)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    found = json.loads(check.stdout)
    assert [(f["code"], f["line"] - 1) for f in found if f["path"].endswith("function_app.py")] == [
        ("AZF108", result["line"])
    ]
