"""The Run lens in real Neovim 0.7 (headless, its built-in LSP client), run the way a user runs
it: ``vim.lsp.codelens.refresh()``, the cursor on the ``def`` line, ``vim.lsp.codelens.run()``
and, as the line has several lenses, the ``▶ Run …`` item picked from ``vim.ui.select``.

What the user sees is what Neovim 0.7's own ``window/showMessage`` handler shows: an info
message is written to the message area (``nvim_out_write``, kept in ``:messages``), an error
goes through ``vim.notify`` at ERROR level. Both are recorded without replacing the handler;
no log is read. Neovim 0.7 declares no ``window/showDocument`` support, so the summary line is
all it gets, and it must carry the status and the body.

Neovim 0.8 and later (which open the whole result through ``window/showDocument``) cannot run
here: Debian 12 ships only 0.7.2 and no newer build can be fetched. Their side is covered by
the pytest-lsp tests with recorded Neovim 0.11 capabilities (``tests/lsp/test_run_lens*.py``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.clients.editors import PYTHON, REPO, isolated_env, line_of, require

pytestmark = [pytest.mark.editor, pytest.mark.slow]

LUA = r"""
local root = vim.fn.fnamemodify(ROOT, ":p"):gsub("/$", "")
local out = {runs = {}}

local function finish(problem)
  out.error = problem
  vim.fn.writefile({vim.fn.json_encode(out)}, OUT)
  vim.cmd(problem and "cq!" or "qa!")
end

-- What the user is told: vim.notify (errors) and the message area (:messages).
local notified = {}
vim.notify = function(message, level)
  table.insert(notified, {message = message, level = level or vim.log.levels.INFO})
end
local function shown_messages()
  return vim.api.nvim_exec("messages", true)
end

-- The user's pick in vim.ui.select: the item whose title starts with PICK.
local offered = {}
local pick_prefix = nil
vim.ui.select = function(items, opts, on_choice)
  local titles = {}
  local chosen = nil
  for i, item in ipairs(items) do
    local title = opts.format_item and opts.format_item(item) or tostring(item)
    table.insert(titles, title)
    if chosen == nil and vim.startswith(title, pick_prefix) then chosen = i end
  end
  table.insert(offered, {prompt = opts.prompt, titles = titles})
  on_choice(chosen and items[chosen] or nil, chosen)
end

local id = vim.lsp.start_client({
  name = "funcls",
  cmd = {PYTHON, "-m", "funcls", "--stdio"},
  root_dir = root,
})
local client = vim.lsp.get_client_by_id(id)

-- Open FILE, show its lenses, put the cursor on LINE (0-based) and run the lens whose title
-- starts with PREFIX as a user does; wait until FUNCTION's summary has been shown.
local function run_lens(file, line, prefix, fn)
  vim.cmd("edit " .. root .. "/" .. file)
  local buf = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(buf, id)
  if not vim.wait(20000, function() return client.initialized end, 50) then
    error("the server did not initialize")
  end
  local function lenses_on_line()
    local found = {}
    for _, lens in ipairs(vim.lsp.codelens.get(buf)) do
      if lens.range.start.line == line and lens.command then
        table.insert(found, lens.command.title)
      end
    end
    return found
  end
  -- Refreshed as the usual autocmd (BufEnter,CursorHold) does, until the server has
  -- indexed the app and the lenses are there.
  local function shown()
    vim.lsp.codelens.refresh()
    return #lenses_on_line() > 0
  end
  if not vim.wait(20000, shown, 200) then
    local direct = vim.lsp.buf_request_sync(buf, "textDocument/codeLens",
      {textDocument = {uri = vim.uri_from_bufnr(buf)}}, 5000)
    error("no code lens on line " .. line .. " of " .. file .. ": " .. vim.inspect(direct))
  end
  local run = {file = file, lenses = lenses_on_line()}
  vim.api.nvim_win_set_cursor(0, {line + 1, 0})
  pick_prefix = prefix
  local before_notified = #notified
  local before_messages = #shown_messages()
  local started = vim.loop.hrtime()
  vim.lsp.codelens.run()
  local function told()
    local text = shown_messages():sub(before_messages + 1)
    for i = before_notified + 1, #notified do
      text = text .. "\n" .. notified[i].message
    end
    return text
  end
  run.told = vim.wait(30000, function() return told():find(fn .. " →", 1, true) ~= nil end, 50)
  run.seconds = (vim.loop.hrtime() - started) / 1e9
  run.messages = shown_messages():sub(before_messages + 1)
  run.notified = {unpack(notified, before_notified + 1)}
  run.offered = offered[#offered]
  table.insert(out.runs, run)
end

local ok, problem = pcall(function()
  run_lens("function_app.py", GET_LINE, "▶ Run", "get_product")
  run_lens("orders_bp.py", POST_LINE, "▶ Run", "create_order")
  vim.lsp.stop_client(id)
  vim.wait(5000, function() return vim.lsp.get_client_by_id(id) == nil end, 50)
end)
finish(not ok and tostring(problem) or nil)
"""


def processes_under(folder: Path) -> list[str]:
    """Command lines of the running processes that name ``folder`` (the warm app's
    ``funcls run FOLDER``, its worker)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            raw = Path("/proc", pid, "cmdline").read_bytes()
        except OSError:
            continue
        line = raw.replace(b"\0", b" ").decode(errors="replace")
        if str(folder) in line:
            found.append(line)
    return found


def assert_app_stopped(folder: Path, seconds: float = 10.0) -> None:
    """The warm app the editor's server started stops with the editor."""
    deadline = time.monotonic() + seconds
    while processes_under(folder):
        assert time.monotonic() < deadline, processes_under(folder)
        time.sleep(0.1)


def lua_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a Lua string literal here


def test_neovim_runs_the_lens_and_shows_status_and_body(tmp_path: Path) -> None:
    nvim = require("nvim", "neovim")
    app = tmp_path / "v2-app"
    shutil.copytree(REPO / "samples" / "v2-app", app)
    # A saved input the user wrote for create_order: a body that is not JSON (answers 400).
    (app / "funcls.inputs.json").write_text(
        json.dumps({"create_order": {"method": "POST", "path": "/api/orders", "body": "oops"}})
    )
    get_line, _ = line_of(app / "function_app.py", "def get_product")
    post_line, _ = line_of(app / "orders_bp.py", "def create_order")
    out = tmp_path / "result.json"
    script = LUA
    for name, value in {
        "ROOT": lua_string(str(app)),
        "OUT": lua_string(str(out)),
        "PYTHON": lua_string(PYTHON),
        "GET_LINE": str(get_line),
        "POST_LINE": str(post_line),
    }.items():
        script = script.replace(name, value)
    lua = tmp_path / "run_lens.lua"
    lua.write_text(script, encoding="utf-8")
    run = subprocess.run(
        [nvim, "--headless", "--clean", "-c", f"luafile {lua}"],
        env=isolated_env(tmp_path),
        cwd=app,
        capture_output=True,
        text=True,
        timeout=90,
    )
    result = json.loads(out.read_text()) if out.exists() else {}
    assert run.returncode == 0, (run.stdout[-3000:], run.stderr[-3000:], result)
    get, post = result["runs"]

    # The lenses Neovim shows on get_product's line, and the choice it offered the user.
    assert get["lenses"] == [
        "▶ Run GET /api/products/1",  # the path a click sends, not the route
        "Run with input…",
        "Open in browser",
    ]
    assert get["offered"]["titles"] == get["lenses"]
    # What the user saw: an info line in the message area with the status and the body.
    assert get["told"] is True, get
    (line,) = [x for x in get["messages"].splitlines() if "get_product →" in x]
    assert line.startswith("LSP[funcls][Info] get_product → 200 OK in "), line
    assert "Espresso beans" in line, line
    assert get["notified"] == []  # nothing at error level

    # The failing run: create_order with the saved bad body, shown at error level.
    # The lens says a click sends the entry saved in funcls.inputs.json (d9a1633).
    assert post["lenses"] == ["▶ Run POST /api/orders (saved input)", "Run with input…"]
    assert post["told"] is True, post
    errors = [n for n in post["notified"] if "create_order →" in n["message"]]
    assert len(errors) == 1, post
    assert errors[0]["level"] == 4  # vim.log.levels.ERROR
    assert "400 Bad Request" in errors[0]["message"], errors
    assert "send the order as JSON" in errors[0]["message"], errors
    # The warm app that answered both runs stopped when Neovim quit.
    assert_app_stopped(app)
