"""Neovim 0.7 drives ``funcls --stdio`` with its built-in LSP client (headless, a Lua script):
diagnostics, completion, hover, definition and code lenses, as Neovim itself receives them."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.clients.editors import PYTHON, REPO, isolated_env, line_of, require, sample_app

pytestmark = [pytest.mark.editor, pytest.mark.slow]

LUA = r"""
local root = vim.fn.fnamemodify(ROOT, ":p"):gsub("/$", "")
local out = {diagnostics = {}, log = {}}

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
  local handlers = {
    ["textDocument/publishDiagnostics"] = function(err, result, ctx, config)
      out.diagnostics[result.uri] = result.diagnostics
      return vim.lsp.handlers["textDocument/publishDiagnostics"](err, result, ctx, config)
    end,
    ["window/logMessage"] = function(_, result)
      table.insert(out.log, result.message)
    end,
  }
  local id = vim.lsp.start_client({
    name = "funcls",
    cmd = {PYTHON, "-m", "funcls", "--stdio"},
    root_dir = root,
    handlers = handlers,
  })
  vim.cmd("edit " .. root .. "/orders_bp.py")
  local buf = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(buf, id)
  local client = vim.lsp.get_client_by_id(id)
  if not vim.wait(20000, function() return client.initialized end, 50) then fail("no initialize") end
  out.server = client.server_capabilities and client.server_capabilities.codeLensProvider ~= nil
    or (client.resolved_capabilities and client.resolved_capabilities.code_lens)
  local uri = vim.uri_from_bufnr(buf)

  -- Diagnostics for the opened file, as Neovim stores them.
  if not vim.wait(20000, function() return #vim.diagnostic.get(buf) > 0 end, 50) then
    fail("no diagnostics")
  end
  out.shown = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(out.shown, {lnum = d.lnum, col = d.col, message = d.message, code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)})
  end

  -- Completion after "@bp." on a new line above payment_received's decorator.
  local line = COMPLETE_LINE
  vim.api.nvim_buf_set_lines(buf, line, line, false, {"@bp."})
  local completion = request(buf, "textDocument/completion",
    {textDocument = {uri = uri}, position = {line = line, character = 4}})
  local items = completion.items or completion
  out.completion = {}
  for _, item in ipairs(items) do
    table.insert(out.completion, {label = item.label, new_text = item.textEdit and item.textEdit.newText, format = item.insertTextFormat})
  end
  vim.api.nvim_buf_set_lines(buf, line, line + 1, false, {})

  -- Hover on the parameter msg and on the schedule-free queue name.
  local hover = request(buf, "textDocument/hover",
    {textDocument = {uri = uri}, position = {line = HOVER_LINE, character = HOVER_COL}})
  out.hover = hover and hover.contents and (hover.contents.value or hover.contents) or vim.NIL

  -- Definition of the parameter receipt: its blob_output decorator argument.
  local definition = request(buf, "textDocument/definition",
    {textDocument = {uri = uri}, position = {line = DEF_LINE, character = DEF_COL}})
  out.definition = definition

  -- Code lenses: Run (and Run with input…, Open in browser) above each function. Lenses
  -- use only the findings already known (a lens never waits for the rules), and Neovim 0.7
  -- has no workspace/codeLens/refresh: ask again, as a user reopening the file would, until
  -- process_order (which cannot load: the seeded mistake) shows it, 10 s at most.
  local lenses
  local deadline = vim.loop.now() + 10000
  repeat
    lenses = request(buf, "textDocument/codeLens", {textDocument = {uri = uri}})
    local settled = false
    for _, lens in ipairs(lenses or {}) do
      if lens.command.title:find("fix", 1, true) then settled = true end
    end
    if not settled then vim.wait(100) end
  until settled or vim.loop.now() > deadline
  out.lenses = {}
  for _, lens in ipairs(lenses or {}) do
    table.insert(out.lenses, {line = lens.range.start.line, title = lens.command.title, command = lens.command.command, arguments = lens.command.arguments})
  end

  -- Code actions with the cursor at the start of the problem's line, as vim.lsp.buf.code_action()
  -- asks: the range is the cursor, the context the line's diagnostics.
  vim.api.nvim_win_set_cursor(0, {FIX_LINE + 1, 0})
  local params = vim.lsp.util.make_range_params()
  params.context = {diagnostics = vim.lsp.diagnostic.get_line_diagnostics(buf)}
  local actions = request(buf, "textDocument/codeAction", params)
  out.actions = {}
  for _, action in ipairs(actions or {}) do
    table.insert(out.actions, {title = action.title, kind = action.kind})
  end

  -- Fix the problem by editing the buffer: the diagnostics go away.
  local fixed = vim.api.nvim_buf_get_lines(buf, FIX_LINE, FIX_LINE + 1, false)[1]:gsub('arg_name="msgs"', 'arg_name="msg"')
  vim.api.nvim_buf_set_lines(buf, FIX_LINE, FIX_LINE + 1, false, {fixed})
  out.cleared = vim.wait(20000, function() return #vim.diagnostic.get(buf) == 0 end, 50)

  vim.lsp.stop_client(id)
  vim.wait(5000, function() return vim.lsp.get_client_by_id(id) == nil end, 50)
end)
if not ok then fail(tostring(problem)) end
vim.fn.writefile({vim.fn.json_encode(out)}, OUT)
vim.cmd("qa!")
"""


def lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid Lua string literal here (no \u escapes)


def test_neovim_builtin_client(tmp_path: Path) -> None:
    nvim = require("nvim", "neovim")
    app = sample_app(tmp_path)
    bp = app / "orders_bp.py"
    out = tmp_path / "result.json"
    hover_line, hover_col = line_of(bp, "msg: func.QueueMessage")
    def_line, def_col = line_of(bp, "receipt: func.Out[str]")
    fix_line, _ = line_of(bp, 'arg_name="msgs"')
    complete_line, _ = line_of(bp, "@bp.service_bus_queue_trigger(")
    script = LUA
    for name, value in {
        "ROOT": lua_string(str(app)),
        "OUT": lua_string(str(out)),
        "PYTHON": lua_string(PYTHON),
        "COMPLETE_LINE": str(complete_line),
        "HOVER_LINE": str(hover_line),
        "HOVER_COL": str(hover_col + 1),
        "DEF_LINE": str(def_line),
        "DEF_COL": str(def_col + 2),
        "FIX_LINE": str(fix_line),
    }.items():
        script = script.replace(name, value)
    lua = tmp_path / "test.lua"
    lua.write_text(script)
    run = subprocess.run(
        [nvim, "--headless", "--clean", "-c", f"luafile {lua}"],
        env=isolated_env(tmp_path),
        cwd=app,
        capture_output=True,
        text=True,
        timeout=120,
    )
    result = json.loads(out.read_text()) if out.exists() else {}
    assert run.returncode == 0, (run.stdout, run.stderr, result)
    assert "error" not in result, result

    # Diagnostics: the binding without a parameter and the parameter without a binding.
    shown = sorted((d["lnum"], d["code"], d["message"].split(";")[0]) for d in result["shown"])
    assert shown == [
        (fix_line, "AZF200", "binding 'msgs' has no parameter in process_order(msg, receipt)"),
        (
            hover_line,
            "AZF201",
            "parameter 'msg' of process_order(msg, receipt) has no binding, so the worker has no value for it",
        ),
    ]
    # Completion: decorators, as plain text (Neovim 0.7 takes no snippets).
    labels = {i["label"]: i for i in result["completion"]}
    assert {"queue_trigger", "route", "blob_output", "timer_trigger"} <= set(labels)
    assert labels["queue_trigger"]["new_text"] == "queue_trigger"
    assert labels["queue_trigger"].get("format", 1) == 1  # absent: plain text
    # Hover: the parameter and what feeds it (nothing, while the binding is misnamed).
    assert result["hover"].startswith("```python\nmsg: func.QueueMessage\n```")
    # Definition: from the parameter to the decorator argument that names it.
    (target,) = result["definition"]
    assert target["uri"] == bp.as_uri()
    receipt_line, receipt_col = line_of(bp, 'arg_name="receipt"')  # process_order's blob_output
    # The name inside the quotes (the column references report too).
    assert target["range"]["start"] == {"line": receipt_line, "character": receipt_col + 10}
    # Code lenses.
    assert [
        (lens["title"], lens["command"], lens["arguments"][1]) for lens in result["lenses"]
    ] == [
        ("▶ Run POST /api/orders", "funcls.runFunction", "create_order"),
        ("Run with input…", "funcls.runWithInput", "create_order"),
        # process_order cannot load (the seeded arg_name="msgs"): its lens says so and shows
        # the first error instead of running it.
        ("⊘ Run (fix 2 errors first)", "funcls.showReason", bp.as_uri()),
        ("▶ Run GET /api/orders/1/receipt", "funcls.runFunction", "get_receipt"),
        ("Run with input…", "funcls.runWithInput", "get_receipt"),
        ("Open in browser", "funcls.openInBrowser", "get_receipt"),
        ("▶ Run", "funcls.runFunction", "payment_received"),
        ("Run with input…", "funcls.runWithInput", "payment_received"),
    ]
    # Code actions from the start of the line: the fixes of the line's diagnostic.
    assert {"title": "Rename binding 'msgs' to 'msg'", "kind": "quickfix"} in result["actions"]
    assert result["cleared"] is True


OMNIFUNC_LUA = r"""
-- JSON completion through Neovim's own omnifunc (i_CTRL-X_CTRL-O), as a user types: the keys
-- go through the input queue, the popup is read with complete_info() and an item is picked
-- with nvim_select_popupmenu_item(), like <C-n>… then <C-y>.
local out = {results = {}}
local function finish(problem)
  out.error = problem
  vim.fn.writefile({vim.fn.json_encode(out)}, OUT)
  vim.cmd(problem and "cq!" or "qa!")
end
local cases = CASES
vim.o.completeopt = "menuone,noinsert"  -- a popup even for one match; pick inserts
local id = vim.lsp.start_client({
  name = "funcls", cmd = {PYTHON, "-m", "funcls", "--stdio"}, root_dir = ROOT,
})
local client = vim.lsp.get_client_by_id(id)

local function run(n)
  local case = cases[n]
  if case == nil then return finish(nil) end
  vim.cmd("edit! " .. case.file)
  local buf = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(buf, id)
  if not vim.wait(20000, function() return client.initialized end, 50) then
    return finish("no initialize")
  end
  vim.bo.omnifunc = "v:lua.vim.lsp.omnifunc"
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, case.lines)
  vim.api.nvim_win_set_cursor(0, {case.row, 0})
  vim.api.nvim_feedkeys(
    vim.api.nvim_replace_termcodes("A" .. case.typed .. "<C-x><C-o>", true, false, true), "n", false)
  local tries = 0
  local function poll()
    tries = tries + 1
    if vim.fn.pumvisible() == 1 then
      local result = {labels = {}}
      local pick = -1
      for i, it in ipairs(vim.fn.complete_info({"items"}).items) do
        table.insert(result.labels, it.abbr)
        if it.abbr == case.label then pick = i - 1 end
      end
      vim.api.nvim_select_popupmenu_item(pick, true, true, {})
      vim.defer_fn(function()
        vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes("<Esc>", true, false, true), "n", false)
        vim.defer_fn(function()
          result.lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
          table.insert(out.results, result)
          run(n + 1)
        end, 50)
      end, 50)
    elseif tries > 400 then
      table.insert(out.results, {labels = {}, lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)})
      vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes("<Esc>", true, false, true), "n", false)
      vim.defer_fn(function() run(n + 1) end, 50)
    else
      vim.defer_fn(poll, 25)
    end
  end
  vim.defer_fn(poll, 25)
end
run(1)
"""


def test_neovim_omnifunc_json_completion(tmp_path: Path) -> None:
    """Neovim 0.7's omnifunc ignores textEdit ranges: after a typed quote it used to give
    ``""version": "2.0"``, and a typed prefix (``"queu``) filtered every item out."""
    nvim = require("nvim", "neovim")
    app = tmp_path / "v1-app"
    shutil.copytree(REPO / "samples" / "v1-app", app)
    function_json = str(app / "process_order" / "function.json")
    # A function folder made by hand: its function.json is still empty.
    (app / "hello").mkdir()
    (app / "hello" / "__init__.py").write_text(
        "import azure.functions as func\n\n\ndef main(req: func.HttpRequest) -> str:\n"
        '    return "hi"\n'
    )
    (app / "hello" / "function.json").write_text("")
    head = '{"bindings": [{"type": "queueTrigger", "direction": "in", "name": "msg",'
    cases = [
        # (file, lines, row typed at the end of, typed, label picked, line expected)
        (str(app / "host.json"), ["{", "  ", "}"], 2, '"', "version", '  "version": "2.0"'),
        (function_json, [head, "  ", "}]}"], 2, '"queu', "queueName", '  "queueName": ""'),
        (
            function_json,
            [head, '  "connection": ', "}]}"],
            2,
            '"Az',
            "AzureWebJobsStorage",
            '  "connection": "AzureWebJobsStorage"',
        ),
        # '%' opens an app setting expression: the settings, replacing what was typed.
        (
            function_json,
            [head, '  "queueName": ', "}]}"],
            2,
            '"%PAY',
            "PAYMENTS_QUEUE",
            '  "queueName": "%PAYMENTS_QUEUE%"',
        ),
        (
            str(app / "hello" / "function.json"),
            [""],
            1,
            "",
            "{ scriptFile, bindings }",
            '{"scriptFile": "__init__.py", "bindings": []}',
        ),
    ]
    rows = []
    for file, lines, row, typed, label, _ in cases:
        text = ", ".join(lua_string(x) for x in lines)
        rows.append(
            f"{{file = {lua_string(file)}, lines = {{{text}}}, row = {row}, "
            f"typed = {lua_string(typed)}, label = {lua_string(label)}}}"
        )
    lua_cases = "{" + ", ".join(rows) + "}"
    out = tmp_path / "result.json"
    script = OMNIFUNC_LUA
    for name, value in {
        "CASES": lua_cases,
        "ROOT": lua_string(str(app)),
        "OUT": lua_string(str(out)),
        "PYTHON": lua_string(PYTHON),
    }.items():
        script = script.replace(name, value)
    lua = tmp_path / "omnifunc.lua"
    lua.write_text(script)
    run = subprocess.run(
        [nvim, "--headless", "--clean", "-c", f"luafile {lua}"],
        env=isolated_env(tmp_path),
        cwd=app,
        capture_output=True,
        text=True,
        timeout=120,
    )
    result = json.loads(out.read_text()) if out.exists() else {}
    assert run.returncode == 0, (run.stdout, run.stderr, result)
    for (_, lines, row, _, label, expected), got in zip(cases, result["results"], strict=True):
        assert label in got["labels"], got
        assert got["lines"][row - 1] == expected, got
        assert got["lines"][: row - 1] == lines[: row - 1] and got["lines"][row:] == lines[row:]
