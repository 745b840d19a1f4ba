"""The typing hold with eglot 1.9 (Emacs 28), set up as the README's init.el says.

eglot sends a buffer's changes once Emacs has been idle ``eglot-send-changes-idle-time``
(0.5 s): its didChange comes after the pause the hold waits for. With the README's
``:initializationOptions (:changesSentAfterIdleMs 500)`` funcls counts the hold from the last
key, so the finding of a half-typed decorator (``@app.rou``, AZF108) is in the first
publication of that text, 0.5 s after the key as in VS Code; before, it came in a second
publication 500 ms later (1 s after the key). Batch Emacs runs no idle timers, so the script
types, waits the 0.5 s and sends the change as eglot's timer does
(``eglot--signal-textDocument/didChange``, eglot.el ``eglot--before-change``)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.clients.editors import REPO, require
from tests.clients.test_readme_setup import readme_block, user_env

pytestmark = [pytest.mark.editor, pytest.mark.slow]

ELISP = r"""
(require 'eglot) (require 'json) (require 'cl-lib)
(setq eglot-sync-connect t python-indent-guess-indent-offset nil make-backup-files nil)
(defvar q-pubs nil)
(cl-defmethod eglot-handle-notification :before
  (_server (_method (eql textDocument/publishDiagnostics)) &key uri diagnostics version &allow-other-keys)
  (when (string-suffix-p "function_app.py" uri)
    (push (list (float-time) version diagnostics) q-pubs)))
(defun q-wait (predicate seconds)
  (let ((deadline (+ (float-time) seconds)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (funcall predicate)))
(condition-case err
    (let (out line sent version)
      (find-file (expand-file-name "function_app.py" ROOT))
      (apply #'eglot (eglot--guess-contact))
      (q-wait (lambda () q-pubs) 60)
      ;; Settle: the first indexing's later publications (under load they can come seconds
      ;; after the first) are over before typing, so the next one is the typed text's.
      (let ((n -1) (deadline (+ (float-time) 30)))
        (while (and (/= n (length q-pubs)) (< (float-time) deadline))
          (setq n (length q-pubs))
          (q-wait (lambda () (/= n (length q-pubs))) 1.5)))
      (goto-char (point-min))
      (search-forward "@app.route(route=\"products")
      (beginning-of-line)
      (newline) (forward-line -1)
      (setq line (1- (line-number-at-pos)))
      (dolist (c (string-to-list "@app.rou"))
        (insert (char-to-string c))
        (sleep-for 0.04))
      (sleep-for 0.5)  ; eglot-send-changes-idle-time without a key
      (setq sent (float-time) version eglot--versioned-identifier)
      (eglot--signal-textDocument/didChange)
      (q-wait (lambda () (cl-some (lambda (p) (equal (nth 1 p) version)) q-pubs)) 30)
      (q-wait (lambda () nil) 1.0)
      (dolist (p (reverse q-pubs))
        (when (equal (nth 1 p) version)
          (push (list (- (nth 0 p) sent)
                      (vconcat (delq nil (mapcar (lambda (d)
                                                   (when (= line (plist-get (plist-get (plist-get d :range) :start) :line))
                                                     (plist-get d :code)))
                                                 (nth 2 p)))))
                out)))
      (with-temp-file OUT (insert (json-encode (list (cons 'pubs (vconcat (reverse out)))))))
      (kill-emacs 0))
  (error
   (with-temp-file OUT (insert (json-encode (list (cons 'error (format "%S" err))))))
   (kill-emacs 1)))
"""


def test_eglot_shows_the_finding_when_its_change_comes(tmp_path: Path) -> None:
    emacs = require("emacs", "emacs-nox elpa-eglot")
    app = tmp_path / "v2-app"
    shutil.copytree(REPO / "samples" / "v2-app", app)
    init = tmp_path / "init.el"
    init.write_text(readme_block("elisp", "eglot-server-programs"))
    out = tmp_path / "result.json"
    test = tmp_path / "test.el"
    test.write_text(
        ELISP.replace("ROOT", json.dumps(str(app) + "/")).replace("OUT", json.dumps(str(out)))
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
    pubs = result["pubs"]
    assert pubs, result  # the typed text was published
    # The first publication of the typed text has the finding; nothing came held back.
    assert list(pubs[0][1]) == ["AZF108"], pubs
