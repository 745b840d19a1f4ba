"""Shared by the real-editor tests (Neovim, Emacs): finding the editor, isolated home folders,
a copy of the sample apps with one deliberate problem, running a script in Emacs or Neovim, and
the Lua of Neovim with funcls beside jedi-language-server."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.support.ci import tool_missing

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
SERVER = [PYTHON, "-m", "funcls", "--stdio"]


def require(tool: str, package: str) -> str:
    """The editor's executable. Missing: a failure in CI (``CI=true``), a skip elsewhere."""
    found = shutil.which(tool)
    if found:
        return found
    tool_missing(f"{tool} is not installed (apt-get install -y {package})")


def isolated_env(tmp: Path) -> dict[str, str]:
    """The environment with XDG folders and HOME in ``tmp``: no user configuration leaks in."""
    env = dict(os.environ)
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        folder = tmp / name.lower()
        folder.mkdir(parents=True, exist_ok=True)
        env[name] = str(folder)
    home = tmp / "home"
    home.mkdir(exist_ok=True)
    env["HOME"] = str(home)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def sample_app(tmp: Path) -> Path:
    """A copy of the v2 sample whose queue trigger's ``arg_name`` has no parameter (AZF200)."""
    app = tmp / "v2-app"
    shutil.copytree(REPO / "samples" / "v2-app", app)
    bp = app / "orders_bp.py"
    bp.write_text(bp.read_text().replace('arg_name="msg"', 'arg_name="msgs"'))
    return app


def line_of(path: Path, needle: str) -> tuple[int, int]:
    """Zero-based (line, column) of ``needle``."""
    for i, line in enumerate(path.read_text().split("\n")):
        col = line.find(needle)
        if col >= 0:
            return i, col
    raise AssertionError(f"{needle!r} not in {path}")


# The start of the Emacs tests' scripts: eglot connecting synchronously, Python buffers
# without indentation guessing, and helpers. ``funcls-wait``: PREDICATE's value once true, or
# after SECONDS, while Emacs reads the server. ``funcls-pick-first``: what completion-at-point
# does through eglot with the first candidate (its text replaces the typed word, then eglot's
# exit function applies the item's edit); the candidates' labels and the line after.
EGLOT_PRELUDE = r"""
(require 'eglot)
(require 'json)
(setq eglot-sync-connect t)
(setq python-indent-guess-indent-offset nil)
(defun funcls-wait (predicate seconds)
  (let ((deadline (+ (float-time) seconds)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (funcall predicate)))
(defun funcls-pick-first ()
  "Complete at point as completion-at-point does with the first candidate; the line after."
  (let* ((capf (eglot-completion-at-point))
         (beg (nth 0 capf)) (end (nth 1 capf))
         (exit (plist-get (nthcdr 3 capf) :exit-function))
         (cands (all-completions (buffer-substring-no-properties beg end) (nth 2 capf))))
    (when cands
      (delete-region beg end) (goto-char beg) (insert (car cands))
      (funcall exit (car cands) 'finished))
    (list (vconcat (mapcar #'substring-no-properties cands))
          (buffer-substring-no-properties (line-beginning-position) (line-end-position)))))
"""


def run_emacs_batch(
    emacs: str, elisp: str, app: Path, tmp: Path, values: dict[str, str] | None = None
) -> dict[str, object]:
    """Run ``elisp`` in ``emacs --batch`` from ``app`` with an isolated home, after putting in
    its placeholders: ROOT (the app folder, with a trailing slash), OUT (the file the script
    writes its JSON result to), PYTHON (this interpreter) and ``values`` (written as they are).
    Asserts Emacs exited 0 and returns the result it wrote ({} when it wrote none)."""
    out = tmp / "result.json"
    placeholders = {
        "ROOT": json.dumps(str(app) + "/"),
        "OUT": json.dumps(str(out)),
        "PYTHON": json.dumps(PYTHON),
        **(values or {}),
    }
    for name, value in placeholders.items():
        elisp = elisp.replace(name, value)
    script = tmp / "test.el"
    script.write_text(elisp, encoding="utf-8")
    run = subprocess.run(
        [emacs, "--batch", "-l", str(script)],
        env=isolated_env(tmp),
        cwd=app,
        capture_output=True,
        text=True,
        timeout=180,
    )
    result = json.loads(out.read_text()) if out.exists() else {}
    assert run.returncode == 0, (run.stdout[-3000:], run.stderr[-3000:], result)
    return result


# Neovim 0.7's built-in client with funcls and jedi-language-server on one buffer, as a user
# runs them (the rename tests: Neovim sends prepareRename and the rename to every server of the
# buffer). The script opens EDITED, starts both servers, waits until they are initialized and
# funcls has indexed the app, runs the test's BODY (which sees ``root``, ``buf``, ``ids``,
# ``out``, ``fail``, ``buffer_text`` and ``file_text``, and fills ``out``), stops the servers,
# and writes ``out`` (or ``{error, log, notes}``) as JSON to OUT, leaving with ``qa!`` or
# ``cq!``. ``run_neovim_headless`` fills in ROOT, OUT, PYTHON, and EDITED, JLS and the
# test's own placeholders from its ``values``.
NEOVIM_BESIDE_JEDI = r"""
local root = ROOT
local out = {log = {}, notes = {}}

local function fail(message)
  vim.fn.writefile({vim.fn.json_encode({error = message, log = out.log, notes = out.notes})}, OUT)
  vim.cmd("cq!")
end

vim.notify = function(message) table.insert(out.notes, message) end

local function buffer_text(b) return table.concat(vim.api.nvim_buf_get_lines(b, 0, -1, false), "\n") end

-- The text of the buffer visiting path ("" when none does: an edit opens one).
local function file_text(path)
  local b = vim.fn.bufnr(path)
  if b < 0 then return "" end
  return buffer_text(b)
end

local ok, problem = pcall(function()
  vim.cmd("edit " .. EDITED)
  local buf = vim.api.nvim_get_current_buf()
  local ids = {}
  for _, server in ipairs({{"funcls", {PYTHON, "-m", "funcls", "--stdio"}}, {"jedi", {JLS}}}) do
    local id = vim.lsp.start_client({
      name = server[1],
      cmd = server[2],
      root_dir = root,
      handlers = {["window/logMessage"] = function(_, result) table.insert(out.log, result.message) end},
    })
    vim.lsp.buf_attach_client(buf, id)
    table.insert(ids, id)
  end
  for _, id in ipairs(ids) do
    local client = vim.lsp.get_client_by_id(id)
    if not vim.wait(20000, function() return client.initialized end, 50) then fail("no initialize") end
  end
  -- Once funcls has indexed the workspace (a request before that waits for it, and the
  -- Python server's edit would reach funcls first).
  local function indexed()
    for _, message in ipairs(out.log) do
      if message:find("funcls: indexed", 1, true) then return true end
    end
    return false
  end
  if not vim.wait(20000, indexed, 50) then fail("funcls did not index the app") end
BODY
  for _, id in ipairs(ids) do vim.lsp.stop_client(id) end
  vim.wait(5000, function() return #vim.lsp.get_active_clients() == 0 end, 50)
end)
if not ok then fail(tostring(problem)) end
vim.fn.writefile({vim.fn.json_encode(out)}, OUT)
vim.cmd("qa!")
"""


def jedi_language_server() -> str:
    """jedi-language-server of this interpreter. Missing: a failure in CI, a skip elsewhere."""
    jls = Path(sys.executable).parent / "jedi-language-server"
    if not jls.exists():
        tool_missing("jedi-language-server is not installed (pip install jedi-language-server)")
    return str(jls)


def neovim_beside_jedi(edited: Path, body: str) -> tuple[str, dict[str, str]]:
    """The Lua of ``NEOVIM_BESIDE_JEDI`` around ``body``, editing ``edited``, and the values
    of its EDITED and JLS placeholders for ``run_neovim_headless``."""
    values = {"EDITED": json.dumps(str(edited)), "JLS": json.dumps(jedi_language_server())}
    return NEOVIM_BESIDE_JEDI.replace("BODY", body.rstrip("\n")), values


def run_neovim_headless(
    nvim: str,
    lua: str,
    app: Path,
    tmp: Path,
    values: dict[str, str] | None = None,
    timeout: float = 120,
) -> dict[str, Any]:
    """Run ``lua`` in ``nvim --headless --clean`` from ``app`` with an isolated home, after
    putting in its placeholders: ROOT (the app folder), OUT (the file the script writes its
    JSON result to), PYTHON (this interpreter) and ``values`` (written as they are). Asserts
    Neovim exited 0 (3: the script did not load or did not leave Neovim) and returns the
    result it wrote ({} when it wrote none)."""
    out = tmp / "result.json"
    placeholders = {
        "ROOT": json.dumps(str(app)),
        "OUT": json.dumps(str(out)),
        "PYTHON": json.dumps(PYTHON),
        **(values or {}),
    }
    for name, value in placeholders.items():
        lua = lua.replace(name, value)
    script = tmp / "test.lua"
    script.write_text(lua, encoding="utf-8")
    # The script leaves Neovim itself (qa! or cq!); when it does not load (a Lua syntax
    # error) or ends without leaving, ``cq 3`` ends Neovim at once with the error on stderr,
    # instead of a headless editor waiting for the timeout.
    run = subprocess.run(
        [nvim, "--headless", "--clean", "-c", f"luafile {script}", "-c", "cq 3"],
        env=isolated_env(tmp),
        cwd=app,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    result = json.loads(out.read_text()) if out.exists() else {}
    assert run.returncode == 0, (run.stdout[-3000:], run.stderr[-3000:], result)
    return result
