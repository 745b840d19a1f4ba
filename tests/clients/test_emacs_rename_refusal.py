"""``M-x eglot-rename`` in Emacs 28 + eglot 1.9 on a name funcls does not rename.

eglot asks no prepareRename and runs one server per buffer: a null answer was applied as an
empty edit and eglot said "Edit successful!" with nothing renamed (QA: renaming the helper
``json_response`` of the v2 sample). Now the rename fails with funcls' reason, which eglot
shows, and the buffer is unchanged."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.clients.editors import REPO, require, run_emacs_batch

pytestmark = [pytest.mark.editor, pytest.mark.slow]

ELISP = r"""
(require 'eglot) (require 'json)
(setq eglot-sync-connect t python-indent-guess-indent-offset nil)
(add-hook 'project-find-functions (lambda (dir) (when (string-prefix-p ROOT (file-name-as-directory (expand-file-name dir))) (cons 'transient ROOT))))
(let (out before)
  (find-file (expand-file-name "function_app.py" ROOT))
  (eglot '(python-mode) (cons 'transient ROOT) 'eglot-lsp-server (list PYTHON "-m" "funcls" "--stdio") "python")
  (setq before (buffer-string))
  (goto-char (point-min))
  (search-forward "def json_resp")
  (push (cons 'result (condition-case e (progn (eglot-rename "as_json") "no error")
                        (error (error-message-string e))))
        out)
  (push (cons 'unchanged (if (equal before (buffer-string)) t :json-false)) out)
  (with-temp-file OUT (insert (json-encode out))))
(kill-emacs 0)
"""


def test_eglot_rename_of_a_plain_python_name_says_why(tmp_path: Path) -> None:
    emacs = require("emacs", "emacs-nox elpa-eglot")
    app = tmp_path / "v2-app"
    shutil.copytree(REPO / "samples" / "v2-app", app)
    got = run_emacs_batch(emacs, ELISP, app, tmp_path)
    assert got["unchanged"] is True
    assert "'json_response' at function_app.py:" in got["result"], got
    assert "Rename other Python names with a Python language server" in got["result"], got
