"""Emacs 28 + eglot 1.9 (batch) renaming a v1 ``def main`` with ``eglot-rename``. eglot runs one
server per buffer and never asks prepareRename, so funcls is the Python server there: the def,
its use in the script and function.json's entryPoint change together."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.clients.editors import require, run_emacs_batch
from tests.clients.test_neovim_rename import CONFIG, SCRIPT

pytestmark = [pytest.mark.editor, pytest.mark.slow]

ELISP = r"""
(require 'eglot)
(require 'json)
(setq eglot-sync-connect t)
(setq python-indent-guess-indent-offset nil)
(condition-case err
    (progn
      (find-file (expand-file-name "hello/__init__.py" ROOT))
      (eglot '(python-mode) (cons 'transient ROOT) 'eglot-lsp-server
             (list PYTHON "-m" "funcls" "--stdio") "python")
      (unless (eglot-managed-p) (error "eglot does not manage the buffer"))
      ;; eglot asks before editing a file no buffer visits; a user answers yes.
      (fset 'y-or-n-p (lambda (&rest _) t))
      (goto-char (point-min))
      (search-forward "def ma")
      (eglot-rename "greet")
      (let ((script (buffer-substring-no-properties (point-min) (point-max)))
            (config (with-current-buffer
                        (find-file-noselect (expand-file-name "hello/function.json" ROOT))
                      (buffer-substring-no-properties (point-min) (point-max)))))
        (eglot-shutdown (eglot-current-server))
        (with-temp-file OUT
          (insert (json-encode (list (cons 'script script) (cons 'config config))))))
      (kill-emacs 0))
  (error
   (with-temp-file OUT (insert (json-encode (list (cons 'error (format "%S" err))))))
   (kill-emacs 1)))
"""


def test_eglot_renaming_a_v1_main(tmp_path: Path) -> None:
    emacs = require("emacs", "emacs-nox elpa-eglot")
    app = tmp_path / "app"
    (app / "hello").mkdir(parents=True)
    (app / "host.json").write_text('{"version": "2.0"}')
    (app / "requirements.txt").write_text("azure-functions\n")
    (app / "hello" / "function.json").write_text(CONFIG)
    (app / "hello" / "__init__.py").write_text(SCRIPT)
    result = run_emacs_batch(emacs, ELISP, app, tmp_path)
    assert result["script"] == SCRIPT.replace("def main(", "def greet(").replace(
        "return main(req)", "return greet(req)"
    )
    assert result["config"] == CONFIG.replace("  ]\n}", '  ],\n  "entryPoint": "greet"\n}')
