"""Renaming an app setting from the code's ``os.environ["PAYMENTS_QUEUE"]`` in real editors:
the read, the decorator's ``%PAYMENTS_QUEUE%`` and local.settings.json's key (a file no buffer
shows) change once each.

Neovim 0.7 runs funcls beside jedi-language-server and sends prepareRename to both, then the
rename to both for each answer that is not null (runtime/lua/vim/lsp/buf.lua): jedi has
nothing to rename inside a string, so the edit is funcls' alone, applied once. eglot 1.9 runs
funcls alone, never asks prepareRename and asks before editing a file no buffer visits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.clients.editors import neovim_beside_jedi, require, run_emacs_batch, run_neovim_headless

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

# After both servers are up (editors.NEOVIM_BESIDE_JEDI): rename the setting at the cursor.
BODY = r"""
  vim.api.nvim_win_set_cursor(0, {LINE + 1, COLUMN})
  vim.lsp.buf.rename("PAYMENT_EVENTS_QUEUE")
  local settings = root .. "/local.settings.json"
  local done = vim.wait(20000, function()
    return file_text(settings):find("PAYMENT_EVENTS_QUEUE", 1, true) ~= nil
  end, 50)
  -- Give a second rename (if any) the time to arrive before reading the result.
  vim.wait(2000, function() return false end, 100)
  out.script = buffer_text(buf)
  out.settings = file_text(settings)
  out.done = done
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
      (eglot-rename "PAYMENT_EVENTS_QUEUE")
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
    return text.replace("PAYMENTS_QUEUE", "PAYMENT_EVENTS_QUEUE")


def test_neovim_renaming_a_setting_from_an_environ_read(tmp_path: Path) -> None:
    nvim = require("nvim", "neovim")
    app = _app(tmp_path)
    before = SCRIPT[: SCRIPT.index(NEEDLE) + len(NEEDLE)]
    lua, values = neovim_beside_jedi(app / "function_app.py", BODY)
    values["LINE"] = str(before.count("\n"))
    values["COLUMN"] = str(len(before) - before.rfind("\n") - 1)
    result = run_neovim_headless(nvim, lua, app, tmp_path, values)
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
