"""Emacs 28 with eglot 1.9 while a user types in a v2 app (issue 16's incremental server).

eglot sends the buffer's changes as Emacs records them (several in one didChange when they
come together, a newline as an insertion, a killed line as a deletion). Each step edits the
buffers with Emacs' own commands (newline, kill-whole-line, insert, replace-match, undo):
lines added and removed above and between decorated functions in both files, a pasted function
duplicating a route and renamed away, a function renamed onto another's name and back, a
decorator broken and fixed, a typo typed and fixed, a function deleted and undone, Enter
inside a decorator's arguments, a route taken from the other file. After each step, once the
server has published each buffer's current version, the diagnostics eglot received must equal
``funcls check`` on the same text saved (code, lines, columns, message with the related
locations folded in as eglot 1.9 gets them), before and after the save, and every code lens
must sit on a decorator or def line."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.clients.editors import PYTHON, REPO, isolated_env, require

pytestmark = [pytest.mark.editor, pytest.mark.slow]

# ROOT, OUT, PYTHON, FILES and STEPS are replaced; q-record saves every buffer after noting
# what the server published for it, runs funcls check and notes what it publishes then.
ELISP = r"""
(defun q-plain (x)
  (cond ((and (consp x) (keywordp (car x)))
         (let (r) (while x (push (cons (substring (symbol-name (car x)) 1) (q-plain (cadr x))) r) (setq x (cddr x)))
           (nreverse r)))
        ((and (consp x) (consp (car x)) (stringp (caar x)))
         (mapcar (lambda (c) (cons (car c) (q-plain (cdr c)))) x))
        ((vectorp x) (vconcat (mapcar #'q-plain x)))
        ((eq x :json-false) :json-false)
        (t x)))

(require 'eglot) (require 'json)
(setq eglot-sync-connect t) (setq python-indent-guess-indent-offset nil)
(setq eglot-send-changes-idle-time 0.1)
(setq make-backup-files nil)
(defvar q-pub (make-hash-table :test 'equal))
(defvar q-last (float-time))
(defvar q-steps nil)
(add-hook 'project-find-functions (lambda (dir) (when (string-prefix-p ROOT (file-name-as-directory (expand-file-name dir))) (cons 'transient ROOT))))
(cl-defmethod eglot-handle-notification :before
  (_server (_method (eql textDocument/publishDiagnostics)) &key uri diagnostics version &allow-other-keys)
  (puthash uri (list :version version :diagnostics diagnostics) q-pub)
  (setq q-last (float-time)))
(defun q-wait (predicate seconds)
  (let ((deadline (+ (float-time) seconds)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (funcall predicate)))
(defun q-uri (f) (eglot--path-to-uri (expand-file-name f ROOT)))
(defun q-buf (f) (find-file-noselect (expand-file-name f ROOT)))
(defun q-find (needle nth)
  (goto-char (point-min))
  (dotimes (_ nth) (unless (search-forward needle nil t) (error "needle not found: %s" needle)))
  (beginning-of-line))
(defun q-settled ()
  (and (cl-every (lambda (f)
           (let ((p (gethash (q-uri f) q-pub)))
             (and p (equal (plist-get p :version)
                           (with-current-buffer (q-buf f) eglot--versioned-identifier)))))
         FILES)
       (> (- (float-time) q-last) 0.7)))
(defun q-snap ()
  (let (r) (dolist (f FILES) (push (cons f (or (plist-get (gethash (q-uri f) q-pub) :diagnostics) [])) r)) r))
(defun q-record (name)
  (q-wait #'q-settled 30)
  (let ((diags (q-snap)) (lenses nil) (texts nil) (versions nil) check)
    (dolist (f FILES)
      (with-current-buffer (q-buf f)
        (push (cons f (list :published (plist-get (gethash (q-uri f) q-pub) :version) :buffer eglot--versioned-identifier)) versions)
        (push (cons f (jsonrpc-request (eglot-current-server) :textDocument/codeLens
                                         (list :textDocument (eglot--TextDocumentIdentifier)))) lenses)
        (push (cons f (buffer-substring-no-properties (point-min) (point-max))) texts)
        (save-buffer)))
    (setq check (with-output-to-string
                  (let ((default-directory ROOT))
                    (call-process PYTHON nil standard-output nil "-m" "funcls" "check" "--format" "json" "."))))
    (q-wait (lambda () nil) 1.5)
    (q-wait #'q-settled 15)
    (push (list :name name :versions versions :diags diags :lenses lenses :texts texts :check check
                :diags_saved (q-snap)) q-steps)))
(condition-case err
    (progn
      (dolist (f FILES) (q-buf f))
      (with-current-buffer (q-buf (car FILES))
        (eglot '(python-mode) (cons 'transient ROOT) 'eglot-lsp-server
               (list PYTHON "-m" "funcls" "--stdio") "python"))
      (dolist (f FILES) (with-current-buffer (q-buf f) (unless (eglot-managed-p) (eglot--maybe-activate-editing-mode))))
      (q-wait (lambda () (cl-every (lambda (f) (with-current-buffer (q-buf f) (eglot-managed-p))) FILES)) 30)
STEPS
      (with-temp-file OUT
        (insert (json-encode (list (cons 'steps (vconcat (mapcar (lambda (st) (q-plain st)) (reverse q-steps))))))))
      (kill-emacs 0))
  (error
   (with-temp-file OUT (insert (json-encode (list (cons 'error (format "%S" err)) (cons 'steps (length q-steps))))))
   (kill-emacs 1)))
"""

FA, BP = "function_app.py", "orders_bp.py"
GET_PRODUCT = '@app.route(route="products/{id:int}", methods=["GET"])'
PASTED = [
    "",
    "",
    GET_PRODUCT,
    "def get_product2(req: func.HttpRequest) -> func.HttpResponse:",
    '    product_id = int(req.route_params["id"])',
    "    return json_response(PRODUCTS.get(product_id))",
]
# Each op finds the line holding "at" (the nth such line), moves by "offset", then inserts
# lines there, kills lines, replaces "from" by "to" in it, breaks it (Enter) before its
# start, after its end or after "after", or undoes.
STEPS: list[dict[str, Any]] = [
    {"name": "opened"},
    {
        "name": "Enter twice above get_product",
        "ops": [{"file": FA, "at": GET_PRODUCT, "enter": "above"}] * 2,
    },
    {
        "name": "Enter above process_order",
        "ops": [{"file": BP, "at": "@bp.queue_trigger", "enter": "above"}],
    },
    {
        "name": "an error in process_order",
        "ops": [
            {
                "file": BP,
                "at": "@bp.queue_trigger",
                "from": 'arg_name="msg"',
                "to": 'arg_name="msgs"',
            }
        ],
    },
    {
        "name": "Enter above create_order (the error moves)",
        "ops": [{"file": BP, "at": '@bp.route(route="orders"', "enter": "above"}],
    },
    {
        "name": "a line killed above create_order",
        "ops": [{"file": BP, "at": '@bp.route(route="orders"', "offset": -1, "delete": 1}],
    },
    {
        "name": "pasted get_product2 on the same route",
        "ops": [{"file": FA, "at": "@app.timer_trigger", "offset": -2, "insert": PASTED}],
    },
    {
        "name": "Enter above the duplicated function",
        "ops": [{"file": FA, "at": GET_PRODUCT, "enter": "above"}],
    },
    {
        "name": "the duplicate's route renamed",
        "ops": [{"file": FA, "at": GET_PRODUCT, "nth": 2, "from": "products/", "to": "products2/"}],
    },
    {
        "name": "a function renamed onto heartbeat",
        "ops": [
            {
                "file": FA,
                "at": "def summarise_price_list",
                "from": "summarise_price_list",
                "to": "heartbeat",
            }
        ],
    },
    {
        "name": "renamed back",
        "ops": [
            {
                "file": FA,
                "at": "def heartbeat(",
                "nth": 2,
                "from": "heartbeat",
                "to": "summarise_price_list",
            }
        ],
    },
    {
        "name": "decorator broken",
        "ops": [{"file": FA, "at": GET_PRODUCT, "from": '["GET"])', "to": '["GET"]'}],
    },
    {
        "name": "decorator fixed",
        "ops": [{"file": FA, "at": 'methods=["GET"]', "from": '["GET"]', "to": '["GET"])'}],
    },
    {
        "name": "a typo in get_product",
        "ops": [
            {
                "file": FA,
                "at": "    return json_response(product)",
                "from": "json_response(product)",
                "to": "json_response(product) +* 2",
            }
        ],
    },
    {
        "name": "the typo fixed",
        "ops": [{"file": FA, "at": "json_response(product) +* 2", "from": " +* 2", "to": ""}],
    },
    {"name": "heartbeat deleted", "ops": [{"file": FA, "at": "@app.timer_trigger", "delete": 11}]},
    {"name": "undo", "ops": [{"file": FA, "undo": True}]},
    {
        "name": "Enter inside a decorator's arguments",
        "ops": [{"file": BP, "at": "@bp.queue_trigger", "enter": "at", "after": ","}],
    },
    {
        "name": "a route taken from the other file",
        "ops": [
            {
                "file": BP,
                "at": 'route="orders/{id}/receipt"',
                "from": "orders/{id}/receipt",
                "to": "products/{id:int}",
            }
        ],
    },
    {
        "name": "Enter above its partner in the other file",
        "ops": [{"file": FA, "at": GET_PRODUCT, "enter": "above"}],
    },
    {
        "name": "the route given back",
        "ops": [
            {
                "file": BP,
                "at": 'route="products/{id:int}"',
                "from": "products/{id:int}",
                "to": "orders/{id}/receipt",
            }
        ],
    },
]


def s(text: str) -> str:
    return json.dumps(text)


def op_elisp(op: dict[str, Any]) -> str:
    """One step's edit as Emacs commands in the file's buffer, then eglot's didChange (batch
    Emacs is never idle, so eglot's idle timer would not send it)."""
    pre = f"(with-current-buffer (q-buf {s(op['file'])}) (undo-boundary) "
    post = " (undo-boundary) (eglot--signal-textDocument/didChange))"
    if op.get("undo"):
        return pre + "(let ((last-command nil)) (undo))" + post
    go = f"(q-find {s(op['at'])} {op.get('nth', 1)}) (forward-line {op.get('offset', 0)}) "
    if "insert" in op:
        act = f"(insert {s(''.join(line + chr(10) for line in op['insert']))})"
    elif "delete" in op:
        act = f"(kill-whole-line {op['delete']})"
    elif "from" in op:
        act = (
            f"(search-forward {s(op['from'])} (line-end-position)) "
            f"(replace-match {s(op['to'])} t t)"
        )
    elif op["enter"] == "above":
        act = "(newline)"
    else:
        act = f"(search-forward {s(op['after'])} (line-end-position)) (newline)"
    return pre + go + act + post


def editor_findings(diagnostics: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    out = []
    for d in diagnostics:
        start, end = d["range"]["start"], d["range"]["end"]
        out.append(
            (
                d.get("code"),
                start["line"] + 1,
                start["character"] + 1,
                end["line"] + 1,
                end["character"] + 1,
                d["message"],
            )
        )
    return sorted(out)


def check_findings(findings: list[dict[str, Any]], path: str) -> list[tuple[Any, ...]]:
    """funcls check's findings of ``path`` with the related locations folded into the message,
    as the server sends them to a client without relatedInformation (eglot 1.9)."""
    out = []
    for f in findings:
        if f["path"] != path:
            continue
        related = [f"{x['message']} ({Path(x['path']).name}:{x['line']})" for x in f["related"]]
        message = "\n".join([f["message"], *related])
        out.append((f["code"], f["line"], f["column"], f["end_line"], f["end_column"], message))
    return sorted(out)


def test_emacs_diagnostics_and_lenses_follow_the_typing(tmp_path: Path) -> None:
    emacs = require("emacs", "emacs-nox elpa-eglot")
    app = tmp_path / "app"
    shutil.copytree(REPO / "samples" / "v2-app", app, ignore=shutil.ignore_patterns(".funcls"))
    out = tmp_path / "result.json"
    steps = "\n".join(
        " ".join(op_elisp(op) for op in step.get("ops", [])) + f" (q-record {s(step['name'])})"
        for step in STEPS
    )
    script = ELISP
    for name, value in {
        "FILES": f"(list {s(FA)} {s(BP)})",
        "ROOT": s(str(app) + "/"),
        "OUT": s(str(out)),
        "PYTHON": s(PYTHON),
    }.items():
        script = script.replace(name, value)
    script = script.replace("STEPS", steps)
    (tmp_path / "test.el").write_text(script, encoding="utf-8")
    run = subprocess.run(
        [emacs, "--batch", "-l", str(tmp_path / "test.el")],
        env=isolated_env(tmp_path),
        cwd=app,
        capture_output=True,
        text=True,
        timeout=600,
    )
    result = json.loads(out.read_text()) if out.exists() else {}
    assert run.returncode == 0, (run.stderr[-3000:], result)
    assert "error" not in result, result
    steps_seen = result["steps"]
    assert [st["name"] for st in steps_seen] == [st["name"] for st in STEPS]
    codes: set[str] = set()
    for step in steps_seen:
        name = step["name"]
        for f, versions in step["versions"].items():
            assert versions["published"] == versions["buffer"], (name, f, versions)
        check = json.loads(step["check"])
        for f in (FA, BP):
            want = check_findings(check, f)
            assert editor_findings(step["diags"][f]) == want, (name, f, "typed")
            assert editor_findings(step["diags_saved"][f]) == want, (name, f, "saved")
            codes |= {w[0] for w in want}
            lines = step["texts"][f].split("\n")
            for lens in step["lenses"][f] or []:
                line = lines[lens["range"]["start"]["line"]]
                assert line.startswith(("@", "def ")), (name, f, lens, line)
    assert "def heartbeat(" in result["steps"][-5]["texts"][FA]  # the undo undid the delete
    assert {"AZF200", "AZF201", "AZF302", "AZF303", "AZF603"} <= codes
