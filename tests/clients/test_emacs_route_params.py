"""Emacs 28 + eglot 1.9 (batch) on route parameters, as a user types and renames: completion
of ``req.route_params["`` through ``eglot-completion-at-point`` (no symbol before the cursor
after a quote, a typed prefix after it; eglot's exit function applies the item's edit), and
``eglot-rename`` (which asks no prepareRename) of ``{id}`` in a blueprint's route, which
renames the route, the blob path that reads ``{id}`` and nothing of the other functions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.clients.editors import EGLOT_PRELUDE, REPO, require, run_emacs_batch

pytestmark = [pytest.mark.editor, pytest.mark.slow]

ELISP = (
    EGLOT_PRELUDE
    + r"""
(setq eglot-confirm-server-initiated-edits nil)
(condition-case err
    (let (result)
      (find-file (expand-file-name "function_app.py" ROOT))
      (eglot '(python-mode) (cons 'transient ROOT) 'eglot-lsp-server
             (list PYTHON "-m" "funcls" "--stdio") "python")
      (goto-char (point-min))
      (search-forward "req.route_params[\"id\"])")
      (replace-match "req.route_params[\"")
      (eglot--signal-textDocument/didChange)
      (push (cons 'quote (funcls-pick-first)) result)
      (search-backward "[\"id\"")
      (replace-match "[\"i")
      (eglot--signal-textDocument/didChange)
      (push (cons 'prefix (funcls-pick-first)) result)
      (find-file (expand-file-name "orders_bp.py" ROOT))
      (eglot--maybe-activate-editing-mode)
      (goto-char (point-min))
      (search-forward "route=\"orders/{i")
      (eglot-rename "order_id")
      (push (cons 'renamed (buffer-substring-no-properties (point-min) (point-max))) result)
      (eglot-shutdown (eglot-current-server))
      (with-temp-file OUT (insert (json-encode result)))
      (kill-emacs 0))
  (error
   (with-temp-file OUT (insert (json-encode (list (cons 'error (format "%S" err))))))
   (kill-emacs 1)))
"""
)


def test_eglot_completes_and_renames_route_parameters(tmp_path: Path) -> None:
    emacs = require("emacs", "emacs-nox elpa-eglot")
    app = tmp_path / "v2-app"
    shutil.copytree(REPO / "samples" / "v2-app", app)
    before = (app / "orders_bp.py").read_text()
    result = run_emacs_batch(emacs, ELISP, app, tmp_path)
    assert result["quote"] == [["id"], '    product_id = int(req.route_params["id"']
    assert result["prefix"] == [["id"], '    product_id = int(req.route_params["id"']
    renamed = before.replace(
        'route="orders/{id}/receipt", methods=["GET"])\n'
        '@bp.blob_input(arg_name="receipt", path="receipts/{id}.json"',
        'route="orders/{order_id}/receipt", methods=["GET"])\n'
        '@bp.blob_input(arg_name="receipt", path="receipts/{order_id}.json"',
    )
    assert renamed != before
    assert result["renamed"] == renamed
