"""Renaming an app setting from the code's ``os.environ["PAYMENTS_QUEUE"]`` in real editors:
the read, the decorator's ``%PAYMENTS_QUEUE%`` and local.settings.json's key (a file no buffer
shows) change once each.

Neovim 0.7 runs funcls beside jedi-language-server and sends prepareRename to both, then the
rename to both for each answer that is not null (runtime/lua/vim/lsp/buf.lua): jedi has
nothing to rename inside a string, so the edit is funcls' alone, applied once. eglot 1.9 runs
funcls alone, never asks prepareRename and asks before editing a file no buffer visits."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.clients.editors import PYTHON, isolated_env, require, run_emacs_batch
from tests.support.ci import tool_missing

pytestmark = [pytest.mark.editor, pytest.mark.slow]

SCRIPT = """import os

import azure.functions as func

app = func.FunctionApp()

QUEUE = os.environ["PAYMENTS_QUEUE"]


@app.queue_trigger(arg_name="msg", queue_name="%PAYMENTS_QUEUE%", connection="AzureWebJobsStorage")
def take(msg: func.QueueMessage) -> None:
    print(QUEUE, msg.get_body())
"""
SETTINGS = """{
  "IsEncrypted": false,
  "Values": {
    "FUNCTIONS_WORKER_RUNTIME": "python",
    "AzureWebJobsStorage": "UseDevelopmentStorage=true",
    "PAYMENTS_QUEUE": "payments"
  }
}"""
NEEDLE = 'os.environ["PAY'

LUA = r"""
local root = ROOT
local out = {log = {}, notes = {}}

local function fail(message)
  vim.fn.writefile({vim.fn.json_encode({error = message, log = out.log, notes = out.notes})}, OUT)
  vim.cmd("cq!")
end

vim.notify = function(message) table.insert(out.notes, message) end

local ok, problem = pcall(function()
  vim.cmd("edit " .. root .. "/function_app.py")
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
  local function indexed()
    for _, message in ipairs(out.log) do
      if message:find("funcls: indexed", 1, true) then return true end
    end
    return false
  end
  if not vim.wait(20000, indexed, 50) then fail("funcls did not index the app") end
  vim.api.nvim_win_set_cursor(0, {LINE + 1, COLUMN})
  vim.lsp.buf.rename("PAYMENT_EVENTS")
  local settings = root .. "/local.settings.json"
  local function settings_text()
    local sbuf = vim.fn.bufnr(settings)
    if sbuf < 0 then return "" end
    return table.concat(vim.api.nvim_buf_get_lines(sbuf, 0, -1, false), "\n")
  end
  local function script_text() return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), "\n") end
  local done = vim.wait(20000, function()
    return settings_text():find("PAYMENT_EVENTS", 1, true) ~= nil
  end, 50)
  -- Give a second rename (if any) the time to arrive before reading the result.
  vim.wait(2000, function() return false end, 100)
  out.script = script_text()
  out.settings = settings_text()
  out.done = done
  for _, id in ipairs(ids) do vim.lsp.stop_client(id) end
  vim.wait(5000, function() return #vim.lsp.get_active_clients() == 0 end, 50)
end)
if not ok then fail(tostring(problem)) end
vim.fn.writefile({vim.fn.json_encode(out)}, OUT)
vim.cmd("qa!")
"""

ELISP = r"""
(require 'eglot)
(require 'json)
(setq eglot-sync-connect t)
(setq python-indent-guess-indent-offset nil)
(condition-case err
    (progn
      (find-file (expand-file-name "function_app.py" ROOT))
      (eglot '(python-mode) (cons 'transient ROOT) 'eglot-lsp-server
             (list PYTHON "-m" "funcls" "--stdio") "python")
      (unless (eglot-managed-p) (error "eglot does not manage the buffer"))
      ;; eglot asks before editing a file no buffer visits; a user answers yes.
      (fset 'y-or-n-p (lambda (&rest _) t))
      (goto-char (point-min))
      (search-forward NEEDLE)
      (eglot-rename "PAYMENT_EVENTS")
      (let ((script (buffer-substring-no-properties (point-min) (point-max)))
            (settings (with-current-buffer
                          (find-file-noselect (expand-file-name "local.settings.json" ROOT))
                        (buffer-substring-no-properties (point-min) (point-max)))))
        (eglot-shutdown (eglot-current-server))
        (with-temp-file OUT
          (insert (json-encode (list (cons 'script script) (cons 'settings settings))))))
      (kill-emacs 0))
  (error
   (with-temp-file OUT (insert (json-encode (list (cons 'error (format "%S" err))))))
   (kill-emacs 1)))
"""


def _app(tmp_path: Path) -> Path:
    app = tmp_path / "app"
    app.mkdir()
    (app / "host.json").write_text('{"version": "2.0"}')
    (app / "requirements.txt").write_text("azure-functions\n")
    (app / "local.settings.json").write_text(SETTINGS)
    (app / "function_app.py").write_text(SCRIPT)
    return app


def _renamed(text: str) -> str:
    return text.replace("PAYMENTS_QUEUE", "PAYMENT_EVENTS")


def test_neovim_renaming_a_setting_from_an_environ_read(tmp_path: Path) -> None:
    nvim = require("nvim", "neovim")
    jls = Path(sys.executable).parent / "jedi-language-server"
    if not jls.exists():
        tool_missing("jedi-language-server is not installed (pip install jedi-language-server)")
    app = _app(tmp_path)
    out = tmp_path / "result.json"
    before = SCRIPT[: SCRIPT.index(NEEDLE) + len(NEEDLE)]
    lua = LUA
    for name, value in {
        "ROOT": json.dumps(str(app)),
        "OUT": json.dumps(str(out)),
        "PYTHON": json.dumps(PYTHON),
        "JLS": json.dumps(str(jls)),
        "LINE": str(before.count("\n")),
        "COLUMN": str(len(before) - before.rfind("\n") - 1),
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
    assert result["script"] == _renamed(SCRIPT).rstrip("\n")
    assert result["settings"] == _renamed(SETTINGS)


def test_eglot_renaming_a_setting_from_an_environ_read(tmp_path: Path) -> None:
    emacs = require("emacs", "emacs-nox elpa-eglot")
    app = _app(tmp_path)
    result = run_emacs_batch(
        emacs,
        ELISP,
        app,
        tmp_path,
        {
            "NEEDLE": json.dumps(NEEDLE),
        },
    )
    assert result["script"] == _renamed(SCRIPT)
    assert result["settings"] == _renamed(SETTINGS)
