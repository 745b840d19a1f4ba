"""Emacs 28 with eglot 1.9 drives ``funcls --stdio`` in batch mode: diagnostics through
flymake, completion through ``eglot-completion-at-point``, hover through eldoc and definition
through xref — what an Emacs user sees."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.clients.editors import PYTHON, REPO, isolated_env, line_of, require, sample_app

pytestmark = [pytest.mark.editor, pytest.mark.slow]

ELISP = r"""
(require 'eglot)
(require 'json)
(require 'xref)
(setq eglot-sync-connect t)
(setq python-indent-guess-indent-offset nil)
(setq eglot-send-changes-idle-time 0.1)
(defvar funcls-out nil)
(defvar funcls-start (current-time))
(defun funcls-put (key value) (push (cons key value) funcls-out))
(defun funcls-wait (predicate seconds)
  (let ((deadline (+ (float-time) seconds)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (funcall predicate)))
(defun funcls-goto (line column)
  (goto-char (point-min)) (forward-line line) (forward-char column))
(condition-case err
    (progn
      (find-file (expand-file-name "orders_bp.py" ROOT))
      (eglot '(python-mode) (cons 'transient ROOT) 'eglot-lsp-server
             (list PYTHON "-m" "funcls" "--stdio") "python")
      (unless (eglot-managed-p) (error "eglot does not manage the buffer"))
      ;; Diagnostics: flymake's, from the server's publishDiagnostics.
      (flymake-start)
      (unless (funcls-wait (lambda () (flymake-diagnostics)) 30) (error "no diagnostics"))
      (funcls-put 'diagnostics
                  (vconcat (mapcar (lambda (d)
                                     (vector (line-number-at-pos (flymake-diagnostic-beg d))
                                             (flymake-diagnostic-text d)))
                                   (flymake-diagnostics))))
      ;; Completion after "@bp." on a new line.
      (funcls-goto COMPLETE_LINE 0)
      (insert "@bp.\n")
      (forward-line -1) (end-of-line)
      (let* ((capf (eglot-completion-at-point))
             (table (nth 2 capf)))
        (funcls-put 'completion (vconcat (all-completions "" table))))
      (forward-line 0) (kill-line 1)
      ;; Hover: eldoc only calls back for a buffer shown in a window, which batch mode has
      ;; not; so ask as eldoc does and render it with eglot's own function.
      (funcls-goto HOVER_LINE HOVER_COL)
      (let* ((hover (jsonrpc-request (eglot-current-server) :textDocument/hover
                                     (eglot--TextDocumentPositionParams)))
             (info (eglot--hover-info (plist-get hover :contents) (plist-get hover :range))))
        (funcls-put 'hover (substring-no-properties info)))
      ;; Definition, through xref.
      (funcls-goto DEF_LINE DEF_COL)
      (let* ((id (xref-backend-identifier-at-point 'eglot))
             (items (xref-backend-definitions 'eglot id)))
        (funcls-put 'definition
                    (vconcat (mapcar (lambda (item)
                                       (let ((loc (xref-item-location item)))
                                         (vector (xref-file-location-file loc)
                                                 (xref-file-location-line loc)
                                                 (xref-file-location-column loc))))
                                     items))))
      ;; Fix the binding by editing the buffer: flymake's diagnostics go away.
      (funcls-goto FIX_LINE 0)
      (search-forward "arg_name=\"msgs\"")
      (delete-char -2) (insert "\"")
      ;; eglot sends changes from an idle timer, and batch Emacs is never idle: send now.
      (eglot--signal-textDocument/didChange)
      (flymake-start)
      (funcls-put 'seconds (float-time (time-since funcls-start)))
      (funcls-put 'cleared (if (funcls-wait (lambda () (null (flymake-diagnostics))) 30) t :json-false))
      (eglot-shutdown (eglot-current-server))
      (with-temp-file OUT (insert (json-encode funcls-out)))
      (kill-emacs 0))
  (error
   (with-temp-file OUT (insert (json-encode (list (cons 'error (format "%S" err))))))
   (kill-emacs 1)))
"""


def elisp_string(text: str) -> str:
    return json.dumps(text)


def test_emacs_eglot(tmp_path: Path) -> None:
    emacs = require("emacs", "emacs-nox elpa-eglot")
    app = sample_app(tmp_path)
    bp = app / "orders_bp.py"
    out = tmp_path / "result.json"
    hover_line, hover_col = line_of(bp, "msg: func.QueueMessage")
    def_line, def_col = line_of(bp, "receipt: func.Out[str]")
    fix_line, _ = line_of(bp, 'arg_name="msgs"')
    complete_line, _ = line_of(bp, "@bp.service_bus_queue_trigger(")
    script = ELISP
    for name, value in {
        "ROOT": elisp_string(str(app) + "/"),
        "OUT": elisp_string(str(out)),
        "PYTHON": elisp_string(PYTHON),
        "COMPLETE_LINE": str(complete_line),
        "HOVER_LINE": str(hover_line),
        "HOVER_COL": str(hover_col + 1),
        "DEF_LINE": str(def_line),
        "DEF_COL": str(def_col + 2),
        "FIX_LINE": str(fix_line),
    }.items():
        script = script.replace(name, value)
    el = tmp_path / "test.el"
    el.write_text(script)
    run = subprocess.run(
        [emacs, "--batch", "-l", str(el)],
        env=isolated_env(tmp_path),
        cwd=app,
        capture_output=True,
        text=True,
        timeout=180,
    )
    result = json.loads(out.read_text()) if out.exists() else {}
    assert run.returncode == 0, (run.stdout[-3000:], run.stderr[-3000:], result)

    diagnostics = sorted((line, text.split(";")[0]) for line, text in result["diagnostics"])
    assert diagnostics == [
        # eglot shows "source [code]: message".
        (
            fix_line + 1,
            "funcls [AZF200]: binding 'msgs' has no parameter in process_order(msg, receipt)",
        ),
        (
            hover_line + 1,
            "funcls [AZF201]: parameter 'msg' of process_order(msg, receipt) has no binding, "
            "so the worker has no value for it",
        ),
    ]
    assert {"queue_trigger", "route", "blob_output", "timer_trigger"} <= set(result["completion"])
    assert (
        result["hover"].startswith("```python\nmsg: func.QueueMessage\n```")
        or "msg: func.QueueMessage" in result["hover"]
    )
    receipt_line, receipt_col = line_of(bp, 'arg_name="receipt"')
    # The name inside the quotes (the column references report too).
    assert result["definition"] == [[str(bp), receipt_line + 1, receipt_col + 10]]
    assert result["cleared"] is True


JSON_ELISP = r"""
(require 'eglot)
(setq eglot-sync-connect t)
(defvar funcls-out nil)
(defun funcls-complete (file text label &optional after)
  "Complete at the end of TEXT in FILE (AFTER follows the cursor) and pick LABEL, as
completion-at-point does: the candidate replaces the typed word, then eglot's exit function
applies the item's edit."
  (find-file file)
  (erase-buffer)
  (insert text)
  (save-excursion (insert (or after "")))
  (unless (eglot-managed-p)
    (eglot '(js-mode) (cons 'transient ROOT) 'eglot-lsp-server
           (list PYTHON "-m" "funcls" "--stdio") "json"))
  (eglot--signal-textDocument/didChange)
  (let* ((capf (eglot-completion-at-point))
         (beg (nth 0 capf)) (end (nth 1 capf)) (table (nth 2 capf))
         (exit (plist-get (nthcdr 3 capf) :exit-function))
         (pick (seq-find (lambda (c) (string= (substring-no-properties c) label))
                         (all-completions (buffer-substring-no-properties beg end) table))))
    (when pick
      (delete-region beg end) (goto-char beg) (insert pick)
      (funcall exit pick 'finished))
    (push (vector label (and pick t) (buffer-substring-no-properties (point-min) (point-max)))
          funcls-out)))
(condition-case err
    (progn CASES)
  (error (push (format "%S" err) funcls-out)))
(with-temp-file OUT (insert (json-encode (vconcat (reverse funcls-out)))))
(kill-emacs 0)
"""


def test_emacs_json_completion(tmp_path: Path) -> None:
    """JSON completion in eglot after a typed quote and after a typed prefix, the first request
    right after start-up (the server waits for the folder to be indexed)."""
    emacs = require("emacs", "emacs-nox elpa-eglot")
    app = tmp_path / "v1-app"
    shutil.copytree(REPO / "samples" / "v1-app", app)
    head = '{"bindings": [{"type": "queueTrigger", '
    reader = (
        '{"bindings": [{"type": "httpTrigger", "direction": "in", "name": "req", '
        '"route": "orders/{id}/receipt"},\n {"type": "blob", "direction": "in", "name": '
        '"receipt", "path": "receipts/'
    )
    cases = [
        (app / "host.json", '{\n  "', "version", '{\n  "version": "2.0"'),
        (
            app / "process_order" / "function.json",
            head + '"queu',
            "queueName",
            head + '"queueName": ""',
        ),
        (
            app / "process_order" / "function.json",
            head + '"connection": "Az',
            "AzureWebJobsStorage",
            head + '"connection": "AzureWebJobsStorage"',
        ),
        # A key between two members: it brings the ',' after its value (the completed member
        # used to leave function.json invalid: "expected ',' or '}'" on the next line).
        (
            app / "process_order" / "function.json",
            head + '\n  "queu',
            "queueName",
            head + '\n  "queueName": "",\n  "direction": "in"}]}',
        ),
        # '%' opens an app setting expression: the settings, replacing what was typed.
        (
            app / "process_order" / "function.json",
            head + '"queueName": "%PAY',
            "PAYMENTS_QUEUE",
            head + '"queueName": "%PAYMENTS_QUEUE%"',
        ),
        # …anywhere in a binding's string, and in a connection (the setting naming it).
        (
            app / "process_order" / "function.json",
            '{"bindings": [{"type": "blob", "direction": "out", "path": "in/%PAY',
            "PAYMENTS_QUEUE",
            '{"bindings": [{"type": "blob", "direction": "out", "path": "in/%PAYMENTS_QUEUE%"',
        ),
        (
            app / "process_order" / "function.json",
            head + '"connection": "%PAY',
            "PAYMENTS_QUEUE",
            head + '"connection": "%PAYMENTS_QUEUE%"',
        ),
        # '{' opens a binding expression: the trigger's names, closing it (the app's
        # container names replaced the whole path; Neovim QA).
        (app / "get_receipt" / "function.json", reader + "{", "id", reader + "{id}"),
        (app / "get_receipt" / "function.json", reader + "{i", "id", reader + "{id}"),
        (
            app / "get_receipt" / "function.json",
            reader + "{sys.U",
            "UtcNow",
            reader + "{sys.UtcNow}",
        ),
        (
            app / "get_receipt" / "function.json",
            reader + "{rand-g",
            "guid",
            reader + "{rand-guid}",
        ),
    ]
    tails = {3: '\n  "direction": "in"}]}'}
    calls = " ".join(
        f"(funcls-complete {json.dumps(str(f))} {json.dumps(text)} {json.dumps(label)}"
        f" {json.dumps(tails.get(i, ''))})"
        for i, (f, text, label, _) in enumerate(cases)
    )
    out = tmp_path / "json-result.json"
    script = JSON_ELISP
    for name, value in {
        "CASES": calls,
        "ROOT": json.dumps(str(app) + "/"),
        "PYTHON": json.dumps(PYTHON),
        "OUT": json.dumps(str(out)),
    }.items():
        script = script.replace(name, value)
    el = tmp_path / "json.el"
    el.write_text(script)
    run = subprocess.run(
        [emacs, "--batch", "-l", str(el)],
        env=isolated_env(tmp_path),
        cwd=app,
        capture_output=True,
        text=True,
        timeout=120,
    )
    result = json.loads(out.read_text()) if out.exists() else None
    assert run.returncode == 0 and isinstance(result, list), (run.stdout, run.stderr, result)
    assert result == [[label, True, expected] for _, _, label, expected in cases]


ACTIONS_ELISP = r"""
(require 'eglot)
(require 'json)
(setq eglot-sync-connect t)
(setq python-indent-guess-indent-offset nil)
(defun funcls-wait (predicate seconds)
  (let ((deadline (+ (float-time) seconds)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (funcall predicate)))
(condition-case err
    (progn
      (find-file (expand-file-name "orders_bp.py" ROOT))
      (eglot '(python-mode) (cons 'transient ROOT) 'eglot-lsp-server
             (list PYTHON "-m" "funcls" "--stdio") "python")
      (flymake-start)
      (unless (funcall #'funcls-wait (lambda () (flymake-diagnostics)) 30) (error "no diagnostics"))
      ;; The user sees the problem and at once asks for its fixes on that line (M-x
      ;; eglot-code-actions), while the server may still be indexing the folder.
      (goto-char (flymake-diagnostic-beg (car (flymake-diagnostics))))
      (let ((titles (mapcar (lambda (a) (plist-get a :title))
                            (eglot-code-actions (line-beginning-position) (line-end-position)))))
        (with-temp-file OUT (insert (json-encode (vconcat titles)))))
      (eglot-shutdown (eglot-current-server) nil 10)  ; it may still be indexing
      (kill-emacs 0))
  (error
   (with-temp-file OUT (insert (json-encode (list (cons 'error (format "%S" err))))))
   (kill-emacs 1)))
"""


def test_emacs_fixes_offered_as_soon_as_the_diagnostic_shows(tmp_path: Path) -> None:
    """The first diagnostics are published before the folder is indexed (the early path):
    a fix asked for at once got nothing, until the server had indexed (QA on a public app)."""
    emacs = require("emacs", "emacs-nox elpa-eglot")
    app = sample_app(tmp_path)
    out = tmp_path / "result.json"
    script = ACTIONS_ELISP
    for name, value in {
        "ROOT": elisp_string(str(app) + "/"),
        "OUT": elisp_string(str(out)),
        "PYTHON": elisp_string(PYTHON),
    }.items():
        script = script.replace(name, value)
    el = tmp_path / "actions.el"
    el.write_text(script)
    run = subprocess.run(
        [emacs, "--batch", "-l", str(el)],
        env=isolated_env(tmp_path),
        cwd=app,
        capture_output=True,
        text=True,
        timeout=120,
    )
    result = json.loads(out.read_text()) if out.exists() else None
    assert run.returncode == 0, (run.stdout[-3000:], run.stderr[-3000:], result)
    assert "Rename binding 'msgs' to 'msg'" in result, result
