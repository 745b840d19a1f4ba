"""Emacs 28 + eglot 1.9 (batch), set up as the README's init.el says, while a user types a
function.json top-down: after each line, what eglot received for the buffer is one error, on
the line just typed.

QA in Emacs: "object is not closed" sat on line 1 at every keystroke (each bracket still open
was reported at its opening), and the string left open on the last line came with three more
errors for the brackets it left open. Batch Emacs runs no idle timers: the script types a
line, waits eglot-send-changes-idle-time (0.5 s) and sends the change as eglot's timer does
(``eglot--signal-textDocument/didChange``)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.clients.editors import REPO, require
from tests.clients.test_readme_setup import readme_block, user_env

pytestmark = [pytest.mark.editor, pytest.mark.slow]

LINES = [
    "{",
    '  "bindings": [',
    "    {",
    '      "type": "httpTrigger",',
    '      "direction": "in",',
    '      "name": "req',  # the string is not closed yet
]

ELISP = r"""
(require 'eglot) (require 'json) (require 'cl-lib)
(setq eglot-sync-connect t make-backup-files nil)
(defvar q-pubs nil)
(cl-defmethod eglot-handle-notification :before
  (_server (_method (eql textDocument/publishDiagnostics)) &key uri diagnostics version &allow-other-keys)
  (when (string-suffix-p "get_product/function.json" uri)
    (push (list version diagnostics) q-pubs)))
(defun q-wait (predicate seconds)
  (let ((deadline (+ (float-time) seconds)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (funcall predicate)))
(defun q-shown (version)
  "The diagnostics of the last publication of VERSION, as (line column code message)."
  (let ((p (cl-find-if (lambda (p) (equal (car p) version)) q-pubs)))
    (vconcat (mapcar (lambda (d)
                       (let ((start (plist-get (plist-get d :range) :start)))
                         (vector (plist-get start :line) (plist-get start :character)
                                 (plist-get d :code) (plist-get d :message))))
                     (cadr p)))))
(condition-case err
    (let (out version (lines LINES))
      (find-file (expand-file-name "get_product/function.json" ROOT))
      (apply #'eglot (eglot--guess-contact))
      (q-wait (lambda () q-pubs) 60)
      (erase-buffer)
      (while lines
        (dolist (c (string-to-list (car lines)))
          (insert (char-to-string c)))
        (when (cdr lines) (insert "\n"))
        (sleep-for 0.5)  ; eglot-send-changes-idle-time without a key
        (setq version eglot--versioned-identifier)
        (eglot--signal-textDocument/didChange)
        (q-wait (lambda () (cl-some (lambda (p) (equal (car p) version)) q-pubs)) 30)
        (q-wait (lambda () nil) 0.8)  ; a held finding's second publication, if any
        (push (q-shown version) out)
        (setq lines (cdr lines)))
      (with-temp-file OUT (insert (json-encode (list (cons 'steps (vconcat (reverse out)))))))
      (kill-emacs 0))
  (error
   (with-temp-file OUT (insert (json-encode (list (cons 'error (format "%S" err))))))
   (kill-emacs 1)))
"""


def test_a_function_json_typed_top_down_shows_one_error_on_the_line_typed(
    tmp_path: Path,
) -> None:
    emacs = require("emacs", "emacs-nox elpa-eglot")
    app = tmp_path / "v1-app"
    shutil.copytree(REPO / "samples" / "v1-app", app)
    init = tmp_path / "init.el"
    init.write_text(readme_block("elisp", "eglot-server-programs"))
    out = tmp_path / "result.json"
    test = tmp_path / "test.el"
    test.write_text(
        ELISP.replace("ROOT", json.dumps(str(app) + "/"))
        .replace("OUT", json.dumps(str(out)))
        .replace("LINES", "'" + "(" + " ".join(json.dumps(line) for line in LINES) + ")")
    )
    run = subprocess.run(
        [emacs, "--batch", "-l", str(init), "-l", str(test)],
        env=user_env(tmp_path),
        cwd=app,
        capture_output=True,
        text=True,
        timeout=180,
    )
    result = json.loads(out.read_text()) if out.exists() else {}
    assert run.returncode == 0, (run.stdout[-3000:], run.stderr[-3000:], result)
    steps = [[tuple(d) for d in step] for step in result["steps"]]
    prefix = "function.json is not valid JSON: "
    suffix = "; the host cannot load it until this is fixed"
    closers = {
        0: "object is not closed: add '}' (it opens on line 1)",
        1: "array and object are not closed: add ']' and '}' (they open on lines 2 and 1)",
    }
    nested = (
        "object, array and object are not closed: add '}', ']' and '}' "
        "(they open on lines 3, 2 and 1)"
    )
    expected = [
        [(line, len(LINES[line]) - 1, "AZF100", prefix + closers.get(line, nested) + suffix)]
        for line in range(len(LINES) - 1)
    ]
    expected.append([(5, 14, "AZF100", prefix + "string is not closed: add '\"'" + suffix)])
    assert steps == expected
