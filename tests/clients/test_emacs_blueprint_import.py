"""Go to definition (``M-.``, xref through eglot 1.9) on the import of a blueprint in Emacs 28.

eglot runs one server per buffer, so with the README's recipe funcls is the only Python server
of function_app.py: on ``from orders_bp import bp as orders`` nothing answered before (QA:
"No definitions found"); the module, the name and the alias now lead to
``bp = func.Blueprint()`` in orders_bp.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.clients.editors import REPO, require, run_emacs_batch

pytestmark = [pytest.mark.editor, pytest.mark.slow]

ELISP = r"""
(require 'eglot) (require 'json) (require 'xref)
(setq eglot-sync-connect t python-indent-guess-indent-offset nil)
(add-hook 'project-find-functions (lambda (dir) (when (string-prefix-p ROOT (file-name-as-directory (expand-file-name dir))) (cons 'transient ROOT))))
(let (out)
  (find-file (expand-file-name "function_app.py" ROOT))
  (eglot '(python-mode) (cons 'transient ROOT) 'eglot-lsp-server (list PYTHON "-m" "funcls" "--stdio") "python")
  ;; The cursor on the module, the name and the alias of the line.
  (dolist (needle '(("module" . 7) ("name" . 22) ("alias" . 30)))
    (goto-char (point-min))
    (search-forward "from orders_bp import bp as orders")
    (beginning-of-line)
    (forward-char (cdr needle))
    ;; What M-. does: the identifier at point, then its definitions from the backend.
    (let* ((backend (xref-find-backend))
           (found (xref-backend-definitions backend (xref-backend-identifier-at-point backend))))
      (push (cons (car needle)
                  (vconcat (mapcar (lambda (x)
                                     (let ((loc (xref-item-location x)))
                                       (with-current-buffer (marker-buffer (xref-location-marker loc))
                                         (save-excursion
                                           (goto-char (xref-location-marker loc))
                                           (list (file-name-nondirectory (buffer-file-name))
                                                 (buffer-substring (line-beginning-position) (line-end-position)))))))
                                   found)))
            out)))
  (with-temp-file OUT (insert (json-encode out))))
(kill-emacs 0)
"""


def test_go_to_the_blueprint_from_its_import(tmp_path: Path) -> None:
    emacs = require("emacs", "emacs-nox elpa-eglot")
    app = tmp_path / "v2-app"
    shutil.copytree(REPO / "samples" / "v2-app", app)
    got = run_emacs_batch(emacs, ELISP, app, tmp_path)
    target = [["orders_bp.py", "bp = func.Blueprint()"]]
    assert got == {"module": target, "name": target, "alias": target}, got
