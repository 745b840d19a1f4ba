"""Emacs 28 + eglot 1.9 (batch) on half-typed v2 code: a '%' typed in the middle of a
decorator's path completes the setting through ``eglot-completion-at-point`` (its bounds are
the symbol after the '%', its exit function applies the item's edit), and eldoc's hover in a
decorator whose string is not closed yet shows the keyword's text."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.clients.editors import EGLOT_PRELUDE, REPO, require, run_emacs_batch

pytestmark = [pytest.mark.editor, pytest.mark.slow]

ELISP = (
    EGLOT_PRELUDE
    + r"""
(condition-case err
    (let (result)
      (find-file (expand-file-name "function_app.py" ROOT))
      (eglot '(python-mode) (cons 'transient ROOT) 'eglot-lsp-server
             (list PYTHON "-m" "funcls" "--stdio") "python")
      (goto-char (point-min))
      (search-forward "path=\"status/heartbeat.json\"")
      (replace-match "path=\"in/%PAY\"")
      (search-backward "%PAY")
      (forward-char 4)
      (eglot--signal-textDocument/didChange)
      (let* ((capf (eglot-completion-at-point))
             (beg (nth 0 capf)) (end (nth 1 capf))
             (exit (plist-get (nthcdr 3 capf) :exit-function))
             (cands (all-completions (buffer-substring-no-properties beg end) (nth 2 capf))))
        (push (cons 'labels (vconcat (mapcar #'substring-no-properties cands))) result)
        (when cands
          (delete-region beg end) (goto-char beg) (insert (car cands))
          (funcall exit (car cands) 'finished))
        (push (cons 'line (buffer-substring-no-properties
                           (line-beginning-position) (line-end-position)))
              result))
      (goto-char (point-min))
      (search-forward "@app.route(route=\"products/{id:int}\", methods=[\"GET\"])")
      (replace-match "@app.route(route=\"products/{id")
      (eglot--signal-textDocument/didChange)
      (search-backward "route=")
      (forward-char 2)
      (let (doc)
        (eglot-hover-eldoc-function (lambda (s &rest _) (setq doc s)))
        (funcall #'funcls-wait (lambda () doc) 20)
        (push (cons 'hover (or doc "")) result))
      (eglot-shutdown (eglot-current-server))
      (with-temp-file OUT (insert (json-encode result)))
      (kill-emacs 0))
  (error
   (with-temp-file OUT (insert (json-encode (list (cons 'error (format "%S" err))))))
   (kill-emacs 1)))
"""
)


def test_eglot_percent_completion_and_hover_in_half_typed_decorators(tmp_path: Path) -> None:
    emacs = require("emacs", "emacs-nox elpa-eglot")
    app = tmp_path / "v2-app"
    shutil.copytree(REPO / "samples" / "v2-app", app)
    result = run_emacs_batch(emacs, ELISP, app, tmp_path)
    assert result["labels"] == ["PAYMENTS_QUEUE"]
    assert result["line"] == (
        '@app.blob_output(arg_name="status", path="in/%PAYMENTS_QUEUE%",'
        ' connection="AzureWebJobsStorage")'
    )
    assert result["hover"].startswith("`route` of `@route` → `route`\n\nURL path after the")
