"""Neovim 0.7's built-in client on the two editing-polish fixes, as Neovim receives them:
references and highlight from a route template's ``{id}`` (non-ASCII text before it, so the
UTF-16 columns Neovim uses matter), and AZF111 with its fix in the script where ``def main``
was just renamed (unsaved)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.clients.editors import PYTHON, isolated_env, require
from tests.lsp.test_route_template_navigation import V1_CONFIG, V1_SCRIPT

pytestmark = [pytest.mark.editor, pytest.mark.slow]

LUA = r"""
local root = ROOT
local out = {log = {}}

local function fail(message)
  vim.fn.writefile({vim.fn.json_encode({error = message, log = out.log})}, OUT)
  vim.cmd("cq!")
end

local function request(buf, method, params)
  local responses, err = vim.lsp.buf_request_sync(buf, method, params, 10000)
  if not responses then fail(method .. " timed out: " .. tostring(err)) end
  for _, response in pairs(responses) do
    if response.error then fail(method .. ": " .. vim.inspect(response.error)) end
    return response.result
  end
end

local ok, problem = pcall(function()
  local id = vim.lsp.start_client({
    name = "funcls",
    cmd = {PYTHON, "-m", "funcls", "--stdio"},
    root_dir = root,
    handlers = {["window/logMessage"] = function(_, result) table.insert(out.log, result.message) end},
  })
  vim.cmd("edit " .. root .. "/get_item/function.json")
  local jbuf = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(jbuf, id)
  local client = vim.lsp.get_client_by_id(id)
  if not vim.wait(20000, function() return client.initialized end, 50) then fail("no initialize") end
  local at = {textDocument = {uri = vim.uri_from_bufnr(jbuf)}, position = {line = REF_LINE, character = REF_COL}}
  at.context = {includeDeclaration = true}
  out.references = request(jbuf, "textDocument/references", at)
  at.context = nil
  out.highlight = request(jbuf, "textDocument/documentHighlight", at)

  vim.cmd("edit " .. root .. "/get_item/__init__.py")
  local buf = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(buf, id)
  local line = vim.api.nvim_buf_get_lines(buf, DEF_LINE, DEF_LINE + 1, false)[1]:gsub("def main%(", "def fetch_item(")
  vim.api.nvim_buf_set_lines(buf, DEF_LINE, DEF_LINE + 1, false, {line})
  local function azf111()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
      if code == "AZF111" then return d end
    end
  end
  if not vim.wait(20000, function() return azf111() ~= nil end, 50) then fail("no AZF111 in the script") end
  local d = azf111()
  out.shown = {lnum = d.lnum, col = d.col, end_col = d.end_col, message = d.message}
  vim.api.nvim_win_set_cursor(0, {DEF_LINE + 1, 0})
  local params = vim.lsp.util.make_range_params()
  params.context = {diagnostics = vim.lsp.diagnostic.get_line_diagnostics(buf)}
  out.actions = {}
  for _, action in ipairs(request(buf, "textDocument/codeAction", params) or {}) do
    local files = {}
    for uri, _ in pairs((action.edit and action.edit.changes) or {}) do table.insert(files, uri) end
    for _, change in ipairs((action.edit and action.edit.documentChanges) or {}) do
      table.insert(files, change.textDocument.uri)
    end
    table.insert(out.actions, {title = action.title, files = files})
  end
  vim.lsp.stop_client(id)
  vim.wait(5000, function() return vim.lsp.get_client_by_id(id) == nil end, 50)
end)
if not ok then fail(tostring(problem)) end
vim.fn.writefile({vim.fn.json_encode(out)}, OUT)
vim.cmd("qa!")
"""


def utf16(text: str, needle: str, offset: int = 0) -> dict[str, int]:
    at = text.index(needle) + offset
    start = text.rfind("\n", 0, at) + 1
    return {
        "line": text.count("\n", 0, at),
        "character": len(text[start:at].encode("utf-16-le")) // 2,
    }


def test_neovim_route_template_and_renamed_entry_point(tmp_path: Path) -> None:
    nvim = require("nvim", "neovim")
    app = tmp_path / "app"
    (app / "get_item").mkdir(parents=True)
    (app / "host.json").write_text('{"version": "2.0"}')
    (app / "requirements.txt").write_text("azure-functions\n")
    config, script = app / "get_item" / "function.json", app / "get_item" / "__init__.py"
    config.write_text(V1_CONFIG, encoding="utf-8")
    script.write_text(V1_SCRIPT, encoding="utf-8")
    out = tmp_path / "result.json"
    ref = utf16(V1_CONFIG, "{id:int}", 2)
    def_line = utf16(V1_SCRIPT, "def main(")["line"]
    lua = LUA
    for name, value in {
        "ROOT": json.dumps(str(app)),
        "OUT": json.dumps(str(out)),
        "PYTHON": json.dumps(PYTHON),
        "REF_LINE": str(ref["line"]),
        "REF_COL": str(ref["character"]),
        "DEF_LINE": str(def_line),
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

    def span(text: str, needle: str, offset: int, length: int) -> dict[str, object]:
        return {"start": utf16(text, needle, offset), "end": utf16(text, needle, offset + length)}

    template = span(V1_CONFIG, "{id:int}", 1, 2)
    assert sorted(
        (r["uri"], r["range"]["start"]["line"], r["range"]["start"]["character"], r["range"])
        for r in result["references"]
    ) == sorted(
        (u, s["start"]["line"], s["start"]["character"], s)  # type: ignore[index]
        for u, s in (
            (config.as_uri(), template),
            (script.as_uri(), span(V1_SCRIPT, 'route_params["id"]', 14, 2)),
            (script.as_uri(), span(V1_SCRIPT, 'get("id"', 5, 2)),
        )
    )
    assert result["highlight"] == [{"range": template, "kind": 3}]  # Write
    # AZF111 at the renamed def, in the script Neovim edits, with the fix on function.json.
    col = len("def ")
    assert (result["shown"]["lnum"], result["shown"]["col"], result["shown"]["end_col"]) == (
        def_line,
        col,
        col + len("fetch_item"),
    )
    assert result["shown"]["message"].startswith(
        "get_item/__init__.py has no function 'main', the entry point of 'get_item' "
        "(did you mean 'fetch_item'?)"
    )
    assert {"title": "Set \"entryPoint\" to 'fetch_item'", "files": [config.as_uri()]} in result[
        "actions"
    ]
