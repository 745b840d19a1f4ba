"""Formatting a function.json in the real editors, with funcls as their JSON server (the
README's recipes): Emacs 28's ``eglot-format-buffer`` and Neovim 0.7's
``vim.lsp.buf.formatting_sync()``. Before funcls answered ``textDocument/formatting``, eglot
said "Method Not Found" and Neovim found no client to format with.

The sample's process_order/function.json, its members squeezed onto shared lines with odd
spaces, must come back as the sample wrote it (a user's cursor stays on its word in Emacs); a
function.json with a comma missing is left as it is, and eglot shows the reason."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.clients.editors import REPO, require, run_emacs_batch, run_neovim_headless

pytestmark = [pytest.mark.editor, pytest.mark.slow]

MESSY = (
    '{"bindings": [\n  {"type":"queueTrigger" ,"direction": "in",\n"name": "msg",'
    '   "queueName":"orders",   "connection": "AzureWebJobsStorage"},\n'
    '    {  "type": "blob","direction": "out","name": "receipt",\n\n'
    '"path": "receipts/{id}.json", "connection": "AzureWebJobsStorage" }  ]}\n'
)
BROKEN = '{\n  "bindings": [\n    {"type": "queueTrigger" "direction": "in"}\n  ]\n}\n'


def v1_app(tmp: Path, text: str) -> tuple[Path, Path, str]:
    app = tmp / "v1-app"
    shutil.copytree(REPO / "samples" / "v1-app", app)
    config = app / "process_order" / "function.json"
    formatted = config.read_text()
    config.write_text(text)
    return app, config, formatted


ELISP = r"""
(require 'eglot) (require 'json)
(setq eglot-sync-connect t make-backup-files nil)
(add-to-list 'eglot-server-programs '((python-mode js-mode js-json-mode) PYTHON "-m" "funcls" "--stdio"))
(add-hook 'project-find-functions (lambda (dir) (when (string-prefix-p ROOT (file-name-as-directory (expand-file-name dir))) (cons 'transient ROOT))))
(let ((out nil))
  (find-file (expand-file-name "process_order/function.json" ROOT))
  (setq-local indent-tabs-mode nil) (setq-local tab-width 2)
  (apply #'eglot (eglot--guess-contact))
  (push (cons "mode" (symbol-name major-mode)) out)
  (goto-char (point-min)) (search-forward "\"rece" nil t)
  (push (cons "result"
              (condition-case e (progn (eglot-format-buffer) "formatted")
                (error (error-message-string e))))
        out)
  (push (cons "text" (buffer-string)) out)
  (push (cons "at" (buffer-substring (point) (+ (point) 4))) out)
  (with-temp-file OUT (insert (json-encode out))))
(kill-emacs 0)
"""


@pytest.mark.parametrize("broken", [False, True], ids=["messy", "broken"])
def test_eglot_formats_function_json(tmp_path: Path, broken: bool) -> None:
    emacs = require("emacs", "emacs-nox elpa-eglot")
    app, _, formatted = v1_app(tmp_path, BROKEN if broken else MESSY)
    got = run_emacs_batch(emacs, ELISP, app, tmp_path)
    assert got["mode"] == "js-mode"
    if broken:
        assert got["text"] == BROKEN
        assert (
            "function.json is not valid JSON (line 3, column 29: Expecting ',' delimiter)"
            in (got["result"])
        ), got["result"]
    else:
        assert (got["result"], got["text"], got["at"]) == ("formatted", formatted, 'ipt"')


LUA = r"""
local root = vim.fn.fnamemodify(ROOT, ":p"):gsub("/$", "")
local function finish(result, code)
  vim.fn.writefile({vim.fn.json_encode(result)}, OUT)
  vim.cmd(code)
end
local ok, problem = pcall(function()
  vim.cmd("edit " .. root .. "/process_order/function.json")
  local buf = vim.api.nvim_get_current_buf()
  vim.bo.expandtab = true
  vim.bo.shiftwidth = 2
  vim.bo.tabstop = 2
  local id = vim.lsp.start_client({name = "funcls", cmd = {PYTHON, "-m", "funcls", "--stdio"}, root_dir = root})
  vim.lsp.buf_attach_client(buf, id)
  local client = vim.lsp.get_client_by_id(id)
  if not vim.wait(20000, function() return client.initialized end, 50) then error("no initialize") end
  vim.lsp.buf.formatting_sync(nil, 10000)
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  finish({text = table.concat(lines, "\n") .. "\n", filetype = vim.bo.filetype}, "qa!")
end)
if not ok then finish({error = tostring(problem)}, "cq!") end
"""


@pytest.mark.parametrize("broken", [False, True], ids=["messy", "broken"])
def test_neovim_formats_function_json(tmp_path: Path, broken: bool) -> None:
    nvim = require("nvim", "neovim")
    app, _, formatted = v1_app(tmp_path, BROKEN if broken else MESSY)
    got = run_neovim_headless(nvim, LUA, app, tmp_path)
    assert got["filetype"] == "json"
    assert got["text"] == (BROKEN if broken else formatted)
