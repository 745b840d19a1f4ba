"""Emacs 28 + eglot 1.9 (batch) typing a v2 input binding: after ``path="docs/{`` in a
decorator not closed yet, ``eglot-completion-at-point`` offers the names the def's trigger
supplies (the route's ``{id}`` first) and picking one closes the expression; after
``{sys.U`` (the symbol eglot filters by is ``U``) the rest of ``sys.UtcNow``. The items were
the app's container names, which replaced the whole path (Neovim QA)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.clients.editors import EGLOT_PRELUDE, REPO, require, run_emacs_batch

pytestmark = [pytest.mark.editor, pytest.mark.slow]

ELISP = (
    EGLOT_PRELUDE
    + r"""
(defun funcls-pick (typed)
  "Type TYPED at point, complete, pick the first candidate; the labels and the line."
  (insert typed)
  (eglot--signal-textDocument/didChange)
  (vconcat (funcls-pick-first)))
(condition-case err
    (let (result)
      (find-file (expand-file-name "function_app.py" ROOT))
      (eglot '(python-mode) (cons 'transient ROOT) 'eglot-lsp-server
             (list PYTHON "-m" "funcls" "--stdio") "python")
      (goto-char (point-min))
      (search-forward "@app.route(route=\"products/{id:int}\", methods=[\"GET\"])\n")
      (save-excursion (insert "\n"))
      (push (funcls-pick "@app.blob_input(arg_name=\"doc\", path=\"docs/{") result)
      (end-of-line)
      (push (funcls-pick "/{sys.U") result)
      (eglot-shutdown (eglot-current-server))
      (with-temp-file OUT (insert (json-encode (vconcat (reverse result)))))
      (kill-emacs 0))
  (error
   (with-temp-file OUT (insert (json-encode (list (cons 'error (format "%S" err))))))
   (kill-emacs 1)))
"""
)


def test_eglot_completes_a_binding_expression_in_a_half_typed_decorator(tmp_path: Path) -> None:
    emacs = require("emacs", "emacs-nox elpa-eglot")
    app = tmp_path / "v2-app"
    shutil.copytree(REPO / "samples" / "v2-app", app)
    result = run_emacs_batch(emacs, ELISP, app, tmp_path)
    head = '@app.blob_input(arg_name="doc", path="docs/'
    assert result == [
        [
            [
                "id",
                "Query",
                "Headers",
                "sys.MethodName",
                "sys.UtcNow",
                "sys.RandGuid",
                "rand-guid",
                "DateTime",
            ],
            head + "{id}",
        ],
        [["UtcNow"], head + "{id}/{sys.UtcNow}"],
    ]
