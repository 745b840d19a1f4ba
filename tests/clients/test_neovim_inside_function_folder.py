"""Neovim started inside a v1 function folder with the README's init.lua
(``cd app/get_product && nvim __init__.py``, no VCS around): its root_dir, the current
folder, is the function folder, below which there is no app. funcls walks up to the app's
host.json and serves that app (QA: no hover and no diagnostics before)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.clients.editors import REPO, line_of, require
from tests.clients.test_readme_setup import readme_block, user_env

pytestmark = [pytest.mark.editor, pytest.mark.slow]

NVIM_TEST = r"""
local out = {}
local function finish(problem)
  out.error = problem
  vim.fn.writefile({vim.fn.json_encode(out)}, OUT)
  vim.cmd(problem and "cq!" or "qa!")
end
local ok, problem = pcall(function()
  vim.cmd("edit __init__.py")
  local buf = vim.api.nvim_get_current_buf()
  local function codes()
    local found = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      local code = d.user_data and d.user_data.lsp and d.user_data.lsp.code or d.code
      table.insert(found, {code, d.lnum, d.col})
    end
    return found
  end
  if not vim.wait(30000, function() return #codes() > 0 end, 50) then
    error("no diagnostics in __init__.py")
  end
  out.diagnostics = codes()
  out.roots = {}
  for _, c in pairs(vim.lsp.buf_get_clients(buf)) do table.insert(out.roots, c.config.root_dir) end
  local hover = vim.lsp.buf_request_sync(buf, "textDocument/hover",
    {textDocument = {uri = vim.uri_from_bufnr(buf)}, position = HOVER}, 10000)
  for _, r in pairs(hover or {}) do out.hover = r.result and r.result.contents.value end
end)
finish(not ok and tostring(problem) or nil)
"""


def test_neovim_in_a_function_folder_gets_its_app(tmp_path: Path) -> None:
    nvim = require("nvim", "neovim")
    app = tmp_path / "v1-app"
    shutil.copytree(REPO / "samples" / "v1-app", app)
    folder = app / "get_product"
    script = folder / "__init__.py"
    script.write_text(script.read_text().replace('route_params["id"]', 'route_params["pid"]'))
    line, column = line_of(script, '"pid"')
    env = user_env(tmp_path)
    config = Path(env["XDG_CONFIG_HOME"]) / "nvim"
    config.mkdir(parents=True)
    (config / "init.lua").write_text(readme_block("lua", "start_client"))
    out = tmp_path / "result.json"
    lua = tmp_path / "test.lua"
    lua.write_text(
        NVIM_TEST.replace("OUT", json.dumps(str(out))).replace(
            "HOVER", f"{{line = {line}, character = {column + 2}}}"
        )
    )
    # Not --clean: the README's init.lua is what the user has.
    run = subprocess.run(
        [nvim, "--headless", "-c", f"luafile {lua}"],
        env=env,
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
    result = json.loads(out.read_text()) if out.exists() else {}
    assert run.returncode == 0, (run.stdout, run.stderr, result)
    assert result["roots"] == [str(folder)]  # the editor's root: the function folder
    assert result["diagnostics"] == [["AZF509", line, column + 1]], result
    assert (result.get("hover") or "").startswith(
        "`pid` is not a parameter of the route of `get_product` (its parameters: `{id}`)"
    ), result
