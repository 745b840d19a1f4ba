"""Emacs 28 with eglot 1.9 (batch mode) runs functions through ``funcls.runFunction``, as an
Emacs user does with ``eglot-execute-command`` (eglot 1.9 shows no code lenses, so the command
is how a lens is run there): the structured result comes back to Emacs, and the one-line
summary reaches the user as eglot's ``[eglot] Server reports (type=N): …`` message, read
from the ``*Messages*`` buffer, not from a log."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.clients.editors import PYTHON, REPO, isolated_env, require
from tests.clients.test_run_lens_neovim import assert_app_stopped

pytestmark = [pytest.mark.editor, pytest.mark.slow]

ELISP = r"""
(require 'eglot)
(require 'json)
(setq eglot-sync-connect t)
(setq python-indent-guess-indent-offset nil)
(setq jsonrpc-default-request-timeout 30)  ; the first run starts the app
(defvar funcls-out nil)
(defun funcls-put (key value) (push (cons key value) funcls-out))
(defun funcls-messages ()
  (with-current-buffer (messages-buffer)
    (buffer-substring-no-properties (point-min) (point-max))))
(defun funcls-run (key arguments)
  "Run funcls.runFunction with ARGUMENTS as eglot does; keep its result and what was shown."
  (let* ((before (length (funcls-messages)))
         (start (float-time))
         (result (eglot-execute-command (eglot-current-server) 'funcls.runFunction arguments)))
    (funcls-put key (list (cons 'result result)
                          (cons 'seconds (- (float-time) start))
                          (cons 'messages (substring (funcls-messages) before))))))
(condition-case err
    (progn
      (find-file (expand-file-name "function_app.py" ROOT))
      (eglot '(python-mode) (cons 'transient ROOT) 'eglot-lsp-server
             (list PYTHON "-m" "funcls" "--stdio") "python")
      (unless (eglot-managed-p) (error "eglot does not manage the buffer"))
      (funcls-run 'get (vector APP "get_product"))
      (funcls-run 'missing (vector APP "get_product" '(:path "/api/products/99")))
      (eglot-shutdown (eglot-current-server))
      (with-temp-file OUT (insert (json-encode funcls-out)))
      (kill-emacs 0))
  (error
   (with-temp-file OUT (insert (json-encode (list (cons 'error (format "%S" err))))))
   (kill-emacs 1)))
"""


def elisp_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def test_emacs_eglot_runs_a_function(tmp_path: Path) -> None:
    emacs = require("emacs", "emacs-nox elpa-eglot")
    app = tmp_path / "v2-app"
    shutil.copytree(REPO / "samples" / "v2-app", app)
    out = tmp_path / "result.json"
    script = ELISP
    for name, value in {
        "ROOT": elisp_string(str(app) + "/"),
        "APP": elisp_string(str(app)),
        "OUT": elisp_string(str(out)),
        "PYTHON": elisp_string(PYTHON),
    }.items():
        script = script.replace(name, value)
    el = tmp_path / "run.el"
    el.write_text(script, encoding="utf-8")
    run = subprocess.run(
        [emacs, "--batch", "-l", str(el)],
        env=isolated_env(tmp_path),
        cwd=app,
        capture_output=True,
        text=True,
        timeout=90,
    )
    result = json.loads(out.read_text()) if out.exists() else {}
    assert run.returncode == 0, (run.stdout[-3000:], run.stderr[-3000:], result)

    # get_product with the sample input: the result Emacs received …
    get = result["get"]["result"]
    assert get["ok"] is True, get
    assert (get["function"], get["status"], get["statusText"]) == ("get_product", 200, "OK")
    assert get["request"]["path"] == "/api/products/1"
    assert json.loads(get["body"]) == {"id": 1, "name": "Espresso beans, 1 kg", "price": 18.5}
    # … and what the user was shown: eglot's message with the status and the body (type 3: info).
    shown = [x for x in result["get"]["messages"].splitlines() if "get_product →" in x]
    assert len(shown) == 1, result["get"]["messages"]
    assert shown[0].startswith("[eglot] Server reports (type=3): get_product → 200 OK in ")
    assert "Espresso beans" in shown[0]

    # With an input given in the command: a product that does not exist answers 404, not ok,
    # shown as an error (type 1).
    missing = result["missing"]["result"]
    assert missing["ok"] is False, missing
    assert (missing["status"], missing["request"]["path"]) == (404, "/api/products/99")
    assert json.loads(missing["body"]) == {"error": "no product with id 99"}
    shown = [x for x in result["missing"]["messages"].splitlines() if "get_product →" in x]
    assert len(shown) == 1, result["missing"]["messages"]
    assert shown[0].startswith("[eglot] Server reports (type=1): get_product → 404 Not Found")
    assert "no product with id 99" in shown[0]
    # The warm app that answered both runs stopped with eglot's server.
    assert_app_stopped(app)
