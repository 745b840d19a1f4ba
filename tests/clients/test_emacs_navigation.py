"""Emacs 28 + eglot 1.9 (batch) on the two editing-polish fixes: references from a v1 route
template's ``{id}`` after non-ASCII text (eglot counts UTF-16 columns), and AZF111 shown by
flymake in the script whose ``def main`` was just renamed, with its fix on function.json."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.clients.editors import EGLOT_PRELUDE, require, run_emacs_batch
from tests.clients.test_neovim_navigation import utf16
from tests.lsp.test_route_template_navigation import V1_CONFIG, V1_SCRIPT

pytestmark = [pytest.mark.editor, pytest.mark.slow]

ELISP = (
    EGLOT_PRELUDE
    + r"""
(defvar funcls-out nil)
(defun funcls-put (key value) (push (cons key value) funcls-out))
(defun funcls-azf111 ()
  (seq-find (lambda (d) (string-match-p "AZF111" (flymake-diagnostic-text d)))
            (flymake-diagnostics)))
(condition-case err
    (progn
      (find-file (expand-file-name "get_item/__init__.py" ROOT))
      (eglot '(python-mode) (cons 'transient ROOT) 'eglot-lsp-server
             (list PYTHON "-m" "funcls" "--stdio") "python")
      (unless (eglot-managed-p) (error "eglot does not manage the buffer"))
      (let ((config (eglot--path-to-uri (expand-file-name "get_item/function.json" ROOT))))
        (funcls-put 'references
                    (jsonrpc-request (eglot-current-server) :textDocument/references
                                     (list :textDocument (list :uri config)
                                           :position (list :line REF_LINE :character REF_COL)
                                           :context (list :includeDeclaration t)))))
      ;; Rename def main in the buffer, unsaved, as a Python server's rename would.
      (goto-char (point-min))
      (search-forward "def main(")
      (replace-match "def fetch_item(")
      (eglot--signal-textDocument/didChange)
      (flymake-start)
      (unless (funcls-wait #'funcls-azf111 30) (error "no AZF111 in the script"))
      (let ((d (funcls-azf111)))
        (funcls-put 'shown (vector (line-number-at-pos (flymake-diagnostic-beg d))
                                   (flymake-diagnostic-text d)))
        (goto-char (flymake-diagnostic-beg d)))
      (let ((actions (jsonrpc-request (eglot-current-server) :textDocument/codeAction
                                      (list :textDocument (eglot--TextDocumentIdentifier)
                                            :range (list :start (eglot--pos-to-lsp-position)
                                                         :end (eglot--pos-to-lsp-position))
                                            :context (list :diagnostics [])))))
        (funcls-put 'actions actions))
      (eglot-shutdown (eglot-current-server))
      (with-temp-file OUT (insert (json-encode funcls-out)))
      (kill-emacs 0))
  (error
   (with-temp-file OUT (insert (json-encode (list (cons 'error (format "%S" err))))))
   (kill-emacs 1)))
"""
)


def test_emacs_route_template_and_renamed_entry_point(tmp_path: Path) -> None:
    emacs = require("emacs", "emacs-nox elpa-eglot")
    app = tmp_path / "app"
    (app / "get_item").mkdir(parents=True)
    (app / "host.json").write_text('{"version": "2.0"}')
    (app / "requirements.txt").write_text("azure-functions\n")
    config, script = app / "get_item" / "function.json", app / "get_item" / "__init__.py"
    config.write_text(V1_CONFIG, encoding="utf-8")
    script.write_text(V1_SCRIPT, encoding="utf-8")
    ref = utf16(V1_CONFIG, "{id:int}", 2)
    result = run_emacs_batch(
        emacs,
        ELISP,
        app,
        tmp_path,
        {
            "REF_LINE": str(ref["line"]),
            "REF_COL": str(ref["character"]),
        },
    )

    def at(path: Path, text: str, needle: str, offset: int) -> tuple[str, dict[str, int]]:
        return path.as_uri(), utf16(text, needle, offset)

    def key(x: tuple[str, dict[str, int]]) -> tuple[str, int, int]:
        return x[0], x[1]["line"], x[1]["character"]

    found = [(r["uri"], r["range"]["start"]) for r in result["references"]]
    assert sorted(found, key=key) == sorted(
        [
            at(config, V1_CONFIG, "{id:int}", 1),
            at(script, V1_SCRIPT, 'route_params["id"]', 14),
            at(script, V1_SCRIPT, 'get("id"', 5),
        ],
        key=key,
    )
    line, text = result["shown"]
    assert line == utf16(V1_SCRIPT, "def main(")["line"] + 1
    # eglot shows "source [code]: message".
    assert text.startswith(
        "funcls [AZF111]: get_item/__init__.py has no function 'main', the entry point of "
        "'get_item' (did you mean 'fetch_item'?)"
    )
    fix = next(a for a in result["actions"] if a["title"] == "Set \"entryPoint\" to 'fetch_item'")
    edited = list(fix["edit"].get("changes", {})) or [
        c["textDocument"]["uri"] for c in fix["edit"]["documentChanges"]
    ]
    assert edited == [config.as_uri()]
