"""Signature help while a decorator's arguments are typed, in the real editors: Neovim 0.7's
own signature-help handler (what ``vim.lsp.buf.signature_help()`` shows in its floating
window, with the active parameter highlighted) and eglot 1.9's eldoc line (rendered by
``eglot--sig-info``, as ``eglot-signature-eldoc-function`` does; eldoc calls back only for a
buffer shown in a window, which batch Emacs has not).

QA as a new user: after ``@app.queue_trigger(`` neither editor showed anything of the
decorator's parameters (funcls declared no signatureHelpProvider), where jedi-language-server
shows the library's signature."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.clients.editors import PYTHON, REPO, isolated_env, require

pytestmark = [pytest.mark.editor, pytest.mark.slow]

TYPED = '@app.queue_trigger(arg_name="msg", queue_name="orders", '
LABEL = "@app.queue_trigger(arg_name, queue_name, connection, data_type, **kwargs)"

LUA = r"""
local out = {}
local function finish(problem)
  out.error = problem
  vim.fn.writefile({vim.fn.json_encode(out)}, OUT)
  vim.cmd(problem and "cq!" or "qa!")
end
local ok, problem = pcall(function()
  local id = vim.lsp.start_client({name = "funcls", cmd = {PYTHON, "-m", "funcls", "--stdio"}, root_dir = ROOT})
  vim.cmd("edit " .. ROOT .. "/function_app.py")
  local buf = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(buf, id)
  local client = vim.lsp.get_client_by_id(id)
  if not vim.wait(20000, function() return client.initialized end, 50) then error("no initialize") end
  out.triggers = client.resolved_capabilities.signature_help_trigger_characters
  -- The user types a decorator at the end of the file and asks for the signature.
  local last = vim.api.nvim_buf_line_count(buf)
  vim.api.nvim_buf_set_lines(buf, last, last, false, {"", TYPED})
  vim.api.nvim_win_set_cursor(0, {last + 2, #TYPED})
  local params = vim.lsp.util.make_position_params()
  params.position.character = #TYPED  -- insert mode: after the last typed character
  local responses = vim.lsp.buf_request_sync(buf, "textDocument/signatureHelp", params, 20000)
  local result
  for _, r in pairs(responses or {}) do
    if r.error then error(vim.inspect(r.error)) end
    result = r.result
  end
  if not result then error("no signature help: " .. vim.inspect(responses)) end
  -- Neovim's own handler opens the floating window the user sees.
  local fbuf, fwin = vim.lsp.handlers["textDocument/signatureHelp"](
    nil, result, {method = "textDocument/signatureHelp", client_id = id, bufnr = buf}, {})
  out.window = vim.api.nvim_buf_get_lines(fbuf, 0, -1, false)
  out.floating = vim.api.nvim_win_get_config(fwin).relative ~= ""
  -- The part of the first line it highlights as the active parameter.
  local _, hl = vim.lsp.util.convert_signature_help_to_markdown_lines(result, "python", out.triggers)
  out.active = hl and result.signatures[1].label:sub(hl[1] + 1, hl[2]) or vim.NIL
  vim.lsp.stop_client(id)
end)
finish(not ok and tostring(problem) or nil)
"""


def test_neovim_shows_the_decorator_signature(tmp_path: Path) -> None:
    nvim = require("nvim", "neovim")
    app = tmp_path / "v2-app"
    shutil.copytree(REPO / "samples" / "v2-app", app)
    out = tmp_path / "result.json"
    script = LUA
    for name, value in {
        "TYPED": json.dumps(TYPED),
        "ROOT": json.dumps(str(app)),
        "OUT": json.dumps(str(out)),
        "PYTHON": json.dumps(PYTHON),
    }.items():
        script = script.replace(name, value)
    lua = tmp_path / "signature.lua"
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
    assert result["triggers"] == ["(", ","]
    assert result["floating"] is True
    window = result["window"]
    assert window[0] == LABEL, window  # the signature on the first line
    assert "Runs the function for each message on an Azure Storage queue." in window, window
    # The parameter the next argument gives: connection (required, not given yet), with its doc.
    assert result["active"] == "connection"
    assert any("`connection` of `@queue_trigger` · required" in line for line in window), window


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
      (goto-char (point-max))
      (insert "\n" TYPED)
      (eglot--signal-textDocument/didChange)
      (let* ((server (eglot-current-server))
             (capable (and (eglot--server-capable :signatureHelpProvider) t))
             (help (jsonrpc-request server :textDocument/signatureHelp
                                    (eglot--TextDocumentPositionParams)))
             (shown (eglot--sig-info (plist-get help :signatures)
                                     (plist-get help :activeSignature)
                                     (plist-get help :activeParameter)))
             (highlighted
              (let ((pos 0) (found nil))
                (while (and (not found) (< pos (length shown)))
                  (let ((face (get-text-property pos 'face shown)))
                    (when (if (listp face) (memq 'eldoc-highlight-function-argument face)
                            (eq face 'eldoc-highlight-function-argument))
                      (setq found (substring-no-properties
                                   shown pos (next-single-property-change pos 'face shown))))
                    (setq pos (or (next-single-property-change pos 'face shown) (length shown)))))
                found)))
        (with-temp-file OUT
          (insert (json-encode (list (cons 'capable (if capable t :json-false))
                                     (cons 'shown (substring-no-properties shown))
                                     (cons 'highlighted highlighted)))))
        (eglot-shutdown server nil 10))
      (kill-emacs 0))
  (error
   (with-temp-file OUT (insert (json-encode (list (cons 'error (format "%S" err))))))
   (kill-emacs 1)))
"""


def test_emacs_eldoc_shows_the_decorator_signature(tmp_path: Path) -> None:
    emacs = require("emacs", "emacs-nox elpa-eglot")
    app = tmp_path / "v2-app"
    shutil.copytree(REPO / "samples" / "v2-app", app)
    out = tmp_path / "result.json"
    script = ELISP
    for name, value in {
        "TYPED": json.dumps(TYPED),
        "ROOT": json.dumps(str(app) + "/"),
        "OUT": json.dumps(str(out)),
        "PYTHON": json.dumps(PYTHON),
    }.items():
        script = script.replace(name, value)
    el = tmp_path / "signature.el"
    el.write_text(script)
    run = subprocess.run(
        [emacs, "--batch", "-l", str(el)],
        env=isolated_env(tmp_path),
        cwd=app,
        capture_output=True,
        text=True,
        timeout=120,
    )
    result = json.loads(out.read_text()) if out.exists() else {}
    assert run.returncode == 0, (run.stdout[-3000:], run.stderr[-3000:], result)
    assert result["capable"] is True
    first, *rest = result["shown"].split("\n")
    assert first == LABEL
    # eglot adds the active parameter's own line and highlights it in the signature.
    assert result["highlighted"] == "connection"
    assert rest[0].startswith("connection: `connection` of `@queue_trigger` · required"), rest
