"""The README's editor set-up, run as written: its ``init.lua`` block in Neovim 0.7 and its
``init.el`` block in Emacs 28 with eglot 1.9, with ``funcls`` on PATH as a pip install puts it.
A new user copying them gets funcls in Python files and in function.json.

QA as a new user found the Emacs line naming only ``js-json-mode``, which Emacs 28 does not
have (it opens .json files in ``js-mode``), so ``M-x eglot`` in a function.json guessed
typescript-language-server; and the Neovim line left "attach it to python and json buffers" to
the reader."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from tests.clients.editors import PYTHON, REPO, isolated_env, require

pytestmark = [pytest.mark.editor, pytest.mark.slow]

BROKEN_DIRECTION = '"direction": "inn"'


def readme_block(language: str, needle: str) -> str:
    """The README's fenced ``language`` block that contains ``needle``, dedented."""
    text = (REPO / "README.md").read_text()
    for m in re.finditer(r"^( *)```" + language + r"\n(.*?)^\1```", text, re.S | re.M):
        if needle in m.group(2):
            return textwrap.dedent(m.group(2))
    raise AssertionError(f"README.md has no ```{language} block with {needle!r}")


def user_env(tmp: Path) -> dict[str, str]:
    """A user's environment: their own config folders, funcls on PATH."""
    env = isolated_env(tmp)
    env["PATH"] = os.path.dirname(PYTHON) + os.pathsep + env.get("PATH", "")
    return env


def v1_app(tmp: Path) -> Path:
    """A copy of the v1 sample (a git repository, as a user's project is) whose create_order
    function.json has a misspelt direction."""
    app = tmp / "v1-app"
    shutil.copytree(REPO / "samples" / "v1-app", app)
    config = app / "create_order" / "function.json"
    config.write_text(config.read_text().replace('"direction": "in"', BROKEN_DIRECTION, 1))
    subprocess.run(["git", "init", "-q", str(app)], check=True)
    return app


NVIM_TEST = r"""
local out = {}
local function finish(problem)
  out.error = problem
  vim.fn.writefile({vim.fn.json_encode(out)}, OUT)
  vim.cmd(problem and "cq!" or "qa!")
end
local ok, problem = pcall(function()
  vim.cmd("edit create_order/function.json")
  local json_buf = vim.api.nvim_get_current_buf()
  out.json_filetype = vim.bo.filetype
  if not vim.wait(30000, function() return #vim.diagnostic.get(json_buf) > 0 end, 50) then
    error("no diagnostics in function.json")
  end
  out.json_codes = {}
  for _, d in ipairs(vim.diagnostic.get(json_buf)) do
    table.insert(out.json_codes, d.user_data and d.user_data.lsp and d.user_data.lsp.code or d.code)
  end
  vim.cmd("edit create_order/handlers.py")
  local py_buf = vim.api.nvim_get_current_buf()
  out.clients = {}
  for _, buf in ipairs({json_buf, py_buf}) do
    for _, c in pairs(vim.lsp.buf_get_clients(buf)) do table.insert(out.clients, c.name) end
  end
  local hover = vim.lsp.buf_request_sync(py_buf, "textDocument/hover",
    {textDocument = {uri = vim.uri_from_bufnr(py_buf)}, position = HOVER}, 10000)
  for _, r in pairs(hover or {}) do out.hover = r.result and r.result.contents.value end
end)
finish(not ok and tostring(problem) or nil)
"""


def test_neovim_init_lua_from_the_readme(tmp_path: Path) -> None:
    nvim = require("nvim", "neovim")
    app = v1_app(tmp_path)
    env = user_env(tmp_path)
    config = Path(env["XDG_CONFIG_HOME"]) / "nvim"
    config.mkdir(parents=True)
    (config / "init.lua").write_text(readme_block("lua", "start_client"))
    handlers = (app / "create_order" / "handlers.py").read_text().split("\n")
    line = next(i for i, x in enumerate(handlers) if x.startswith("def handle("))
    column = handlers[line].index("order_queue")
    out = tmp_path / "result.json"
    script = NVIM_TEST.replace("OUT", json.dumps(str(out))).replace(
        "HOVER", f"{{line = {line}, character = {column + 1}}}"
    )
    lua = tmp_path / "test.lua"
    lua.write_text(script)
    # Not --clean: the user's init.lua is what is tested.
    run = subprocess.run(
        [nvim, "--headless", "-c", f"luafile {lua}"],
        env=env,
        cwd=app,
        capture_output=True,
        text=True,
        timeout=120,
    )
    result = json.loads(out.read_text()) if out.exists() else {}
    assert run.returncode == 0, (run.stdout, run.stderr, result)
    assert result["json_filetype"] == "json"
    assert "AZF104" in result["json_codes"], result  # the misspelt direction
    assert result["clients"] == ["funcls", "funcls"]  # one server, both buffers
    assert "order_queue" in (result.get("hover") or ""), result


EMACS_TEST = r"""
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
    (let (out)
      (find-file (expand-file-name "create_order/function.json" ROOT))
      (push (cons 'json-mode (symbol-name major-mode)) out)
      ;; M-x eglot, without its prompts: what it guesses for this buffer.
      (apply #'eglot (eglot--guess-contact))
      (push (cons 'command (vconcat (process-command
                                     (jsonrpc--process (eglot-current-server)))))
            out)
      (flymake-start)
      (funcls-wait (lambda () (flymake-diagnostics)) 30)
      (push (cons 'json-diagnostics (vconcat (mapcar #'flymake-diagnostic-text
                                                      (flymake-diagnostics))))
            out)
      ;; Another file of the project, in another mode the same server manages.
      (find-file (expand-file-name "create_order/handlers.py" ROOT))
      (push (cons 'python-managed (if (eglot-managed-p) t :json-false)) out)
      ;; eglot waits 1.5 s for the answer to shutdown by default; the first diagnostics come
      ;; before the server has finished loading, and it answers once loaded (~1.2 s here).
      (eglot-shutdown (eglot-current-server) nil 10)
      (with-temp-file OUT (insert (json-encode out)))
      (kill-emacs 0))
  (error
   (with-temp-file OUT (insert (json-encode (list (cons 'error (format "%S" err))))))
   (kill-emacs 1)))
"""


def test_emacs_init_el_from_the_readme(tmp_path: Path) -> None:
    emacs = require("emacs", "emacs-nox elpa-eglot")
    app = v1_app(tmp_path)
    env = user_env(tmp_path)
    init = tmp_path / "init.el"
    init.write_text(readme_block("elisp", "eglot-server-programs"))
    out = tmp_path / "result.json"
    test = tmp_path / "test.el"
    test.write_text(
        EMACS_TEST.replace("ROOT", json.dumps(str(app) + "/")).replace("OUT", json.dumps(str(out)))
    )
    run = subprocess.run(
        [emacs, "--batch", "-l", str(init), "-l", str(test)],
        env=env,
        cwd=app,
        capture_output=True,
        text=True,
        timeout=120,
    )
    result = json.loads(out.read_text()) if out.exists() else {}
    assert run.returncode == 0, (run.stdout[-3000:], run.stderr[-3000:], result)
    assert result["json-mode"] == "js-mode"  # Emacs 28
    assert list(result["command"]) == ["funcls", "--stdio"]
    assert any("[AZF104]" in d for d in result["json-diagnostics"]), result
    assert result["python-managed"] is True
