"""Opening an untrusted folder runs nothing from it (DESIGN rule 2, issues 15 and 17).

The folder is a git repository whose configuration names a program for every hook git knows
of (fsmonitor, hooks, pager, external diff, filters, textconv, credential helper…), and whose
Python files, ``sitecustomize.py``, ``.venv/bin/python`` and modules at its top named like
those funcls imports (``argparse.py``, ``json.py``…) write a marker when run. Then ``funcls
check``, ``funcls index`` and a language-server session that opens every file and asks for
everything run on it, each started as ``python -m funcls`` in the folder (as editors start
the server, and ``-m`` puts the working directory first on sys.path), and no marker may
appear. Each bait is first shown to work, so the test fails if funcls ever runs git, imports
the app or a module of the folder, or starts the folder's Python."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

from lsprotocol import types
from pytest_lsp import ClientServerConfig

from tests.lsp.support import (
    SERVER,
    RecordingClient,
    make_client,
    make_workspace,
    open_doc,
    start,
    uri,
)
from tests.support.ci import tool_missing

HOOKS = (
    "applypatch-msg",
    "pre-applypatch",
    "post-applypatch",
    "pre-commit",
    "pre-merge-commit",
    "prepare-commit-msg",
    "commit-msg",
    "post-commit",
    "pre-rebase",
    "post-checkout",
    "post-merge",
    "pre-push",
    "pre-receive",
    "update",
    "proc-receive",
    "post-receive",
    "post-update",
    "reference-transaction",
    "push-to-checkout",
    "pre-auto-gc",
    "post-rewrite",
    "sendemail-validate",
    "fsmonitor-watchman",
    "post-index-change",
)

# Every configuration key that makes git (or a tool reading git's config) start a program.
PROGRAMS = {
    "core.fsmonitor": "fsmonitor",
    "core.pager": "pager",
    "core.editor": "editor",
    "core.sshCommand": "ssh",
    "core.askPass": "askpass",
    "core.gitProxy": "proxy",
    "sequence.editor": "sequence-editor",
    "diff.external": "diff-external",
    "diff.bait.textconv": "textconv",
    "diff.bait.command": "diff-command",
    "merge.bait.driver": "merge-driver",
    "filter.bait.process": "filter-process",
    "filter.bait.clean": "filter-clean",
    "filter.bait.smudge": "filter-smudge",
    "credential.helper": "!{script} credential-helper",
    "gpg.program": "gpg",
    "pager.status": "pager-status",
    "pager.ls-files": "pager-ls-files",
    "uploadpack.packObjectsHook": "pack-objects-hook",
    "alias.ls-files": "!{script} alias",
}

PYTHON_BAIT = 'open({marker!r}, "a").write("python ran {what}\\n")\n'
# Modules funcls imports (the standard library's, its dependencies'), as files of the folder:
# imported instead of the real ones if the folder were on funcls' sys.path.
SHADOWS = (
    "argparse",
    "json",
    "ast",
    "dataclasses",
    "tomllib",
    "difflib",
    "pkgutil",
    "sysconfig",
    "jedi",
    "parso",
    "pygls",
    "lsprotocol",
    "cattrs",
)


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    if shutil.which("git") is None:
        tool_missing("the git binary is not installed (apt-get install git)")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(root.parent),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    return subprocess.run(
        ["git", "-C", str(root), *args],
        capture_output=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


def _executable(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def baited_workspace(tmp_path: Path) -> tuple[Path, Path]:
    """The sample apps in a git repository armed with every bait; returns it and the
    marker file (outside the folder) that any bait that runs appends to."""
    marker = tmp_path / "ran.txt"
    folder = make_workspace(tmp_path / "ws")
    script = folder / "bait.sh"
    _executable(script, f'#!/bin/sh\necho "git ran $1" >> "{marker}"\n')
    # Python files the indexer reads, and what a Python started in the folder would run.
    for rel in (
        "v2-app/function_app.py",
        "v2-app/orders_bp.py",
        "v1-app/heartbeat/__init__.py",
        "v1-app/shared/__init__.py",
    ):
        p = folder / rel
        p.write_text(PYTHON_BAIT.format(marker=str(marker), what=rel) + p.read_text())
    for rel in ("v2-app/sitecustomize.py", "v2-app/usercustomize.py", "v2-app/conftest.py"):
        (folder / rel).write_text(PYTHON_BAIT.format(marker=str(marker), what=rel))
    for name in SHADOWS:
        (folder / f"{name}.py").write_text(PYTHON_BAIT.format(marker=str(marker), what=name))
    for venv in ("v2-app/.venv", ".venv"):
        (folder / venv).mkdir()
        (folder / venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
        for name in ("python", "python3"):
            _executable(
                folder / venv / "bin" / name,
                f'#!/bin/sh\necho "python ran {venv}/bin/{name}" >> "{marker}"\n',
            )
    # The app's environment, whose *.dist-info funcls reads (AZF5xx/6xx): a .pth file there
    # runs its import lines when Python starts on it (site.addsitedir), a sitecustomize too.
    site = folder / "v2-app" / ".venv" / "lib" / "python3.11" / "site-packages"
    site.mkdir(parents=True)
    (site / "bait.pth").write_text(
        "import os; " + PYTHON_BAIT.format(marker=str(marker), what="pth")
    )
    (site / "sitecustomize.py").write_text(
        PYTHON_BAIT.format(marker=str(marker), what="venv sitecustomize")
    )
    info = site / "azure_functions-1.21.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: azure-functions\nVersion: 1.21.3\n"
    )
    (info / "RECORD").write_text("")
    (info / "top_level.txt").write_text("azure\n")
    # jedi (the rename of a binding's parameter) reads a project file from the folder: one
    # naming the folder's Python and asking for its extension modules (jedi ignores both).
    for base in (folder, folder / "v2-app"):
        (base / ".jedi").mkdir()
        (base / ".jedi" / "project.json").write_text(
            json.dumps(
                [
                    1,
                    {
                        "path": str(base),
                        "environment_path": str(folder / ".venv" / "bin" / "python"),
                        "load_unsafe_extensions": True,
                        "added_sys_path": [str(folder)],
                    },
                ]
            )
        )
    # A secret-looking setting, so AZF602 asks whether local.settings.json is tracked.
    settings = folder / "v2-app" / "local.settings.json"
    settings.write_text(
        settings.read_text().replace(
            "PLACEHOLDER-NOT-A-REAL-KEY", "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5bC7dE9f="
        )
    )
    (folder / ".gitattributes").write_text("* filter=bait diff=bait merge=bait\n")
    assert _git(folder, "init", "-q").returncode == 0
    assert _git(folder, "add", ".").returncode == 0  # an index: AZF602 finds it tracked
    for hooks in (folder / ".githooks", folder / ".git" / "hooks"):
        for name in HOOKS:
            _executable(hooks / name, f'#!/bin/sh\necho "git ran hook {name}" >> "{marker}"\n')
    for key, value in PROGRAMS.items():
        command = value.format(script=script) if "{" in value else f"{script} {value}"
        assert _git(folder, "config", key, command).returncode == 0
    assert _git(folder, "config", "core.hooksPath", str(folder / ".githooks")).returncode == 0
    return folder, marker


def _ran(marker: Path) -> list[str]:
    return marker.read_text().splitlines() if marker.exists() else []


def _armed(folder: Path, marker: Path) -> None:
    """The baits work: git and Python started by hand in the folder run them."""
    # git status runs the clean filter only on a file whose stat data changed since the
    # index was written, or that the index marks racily clean (written in the same second
    # as the index): when `git add` ran a second after the files were written, nothing did.
    tracked = folder / "v2-app" / "host.json"
    later = time.time() + 5
    os.utime(tracked, (later, later))
    _git(folder, "status")
    _git(folder, "hook", "run", "pre-commit")  # core.hooksPath is honoured
    subprocess.run([sys.executable, "function_app.py"], cwd=folder / "v2-app", capture_output=True)
    subprocess.run([str(folder / ".venv" / "bin" / "python")], capture_output=True)
    subprocess.run([sys.executable, "-c", "import json"], cwd=folder, capture_output=True)
    site = folder / "v2-app" / ".venv" / "lib" / "python3.11" / "site-packages"
    addsitedir = f"import site; site.addsitedir({str(site)!r})"
    subprocess.run([sys.executable, "-I", "-c", addsitedir], capture_output=True)
    ran = _ran(marker)
    for expected in (
        "git ran fsmonitor",
        "git ran filter-process",
        "git ran hook pre-commit",
        "python ran v2-app/function_app.py",
        "python ran .venv/bin/python",
        "python ran json",
        "python ran pth",
    ):
        assert expected in ran, f"the bait '{expected}' did not fire: {ran}"


def test_check_and_index_run_nothing_from_the_folder(tmp_path: Path) -> None:
    folder, marker = baited_workspace(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    check = subprocess.run(
        [sys.executable, "-m", "funcls", "check", "--format", "json", str(folder)],
        cwd=folder,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert "AZF602" in check.stdout and "is tracked by git" in check.stdout, check.stdout
    index = subprocess.run(
        [sys.executable, "-m", "funcls", "index", "--format", "json", str(folder)],
        cwd=folder,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert index.returncode == 0, index.stderr
    assert '"create_order"' in index.stdout
    assert _ran(marker) == []
    _armed(folder, marker)


def _positions(text: str) -> list[types.Position]:
    """A few positions on every line: its start, its first word, its middle, its end."""
    out = []
    for i, line in enumerate(text.split("\n")):
        indent = len(line) - len(line.lstrip())
        for col in sorted({0, indent, indent + 2, len(line) // 2, len(line)}):
            if col <= len(line):
                out.append(types.Position(i, col))
    return out


async def test_a_language_server_session_runs_nothing_from_the_folder(tmp_path: Path) -> None:
    folder, marker = baited_workspace(tmp_path)
    # started in the folder, as Emacs and Neovim start it (coreutils' env -C)
    in_folder = ClientServerConfig(
        server_command=["env", "-C", str(folder), *SERVER], client_factory=make_client
    )
    client = await in_folder.start()
    assert isinstance(client, RecordingClient)
    try:
        await start(client, "visual-studio-code", folder)
        files = sorted(
            p
            for p in folder.rglob("*")
            if p.suffix in (".py", ".json")
            and not {".git", ".venv", ".funcls"} & set(p.relative_to(folder).parts)
        )
        assert len(files) > 20
        for p in files:
            open_doc(client, p)
        settings = uri(folder / "v2-app" / "local.settings.json")
        deadline = asyncio.get_running_loop().time() + 20
        while not any(
            p.uri == settings and any(d.code == "AZF602" for d in p.diagnostics)
            for p in client.published
        ):
            assert asyncio.get_running_loop().time() < deadline, "no AZF602 published"
            await asyncio.sleep(0.05)
        for p in files:
            doc = types.TextDocumentIdentifier(uri(p))
            text = p.read_text()
            positions = _positions(text)
            whole = types.Range(types.Position(0, 0), positions[-1])
            requests = [
                client.text_document_document_symbol_async(types.DocumentSymbolParams(doc)),
                client.text_document_code_lens_async(types.CodeLensParams(doc)),
                client.text_document_code_action_async(
                    types.CodeActionParams(
                        doc,
                        whole,
                        types.CodeActionContext(
                            diagnostics=[
                                d
                                for q in client.published
                                if q.uri == doc.uri
                                for d in q.diagnostics
                            ]
                        ),
                    )
                ),
            ]
            for pos in positions:
                requests.append(
                    client.text_document_completion_async(types.CompletionParams(doc, pos))
                )
                requests.append(client.text_document_hover_async(types.HoverParams(doc, pos)))
            await asyncio.gather(*requests)
            if p.name == "function_app.py":  # renames: a binding's parameter goes through jedi
                renames = await asyncio.gather(
                    *(
                        client.text_document_rename_async(types.RenameParams(doc, pos, "renamed"))
                        for pos in positions
                    )
                )
                lines = text.split("\n")
                edited = {
                    lines[e.range.start.line].strip()
                    for r in renames
                    if r is not None
                    for c in r.document_changes or []
                    if isinstance(c, types.TextDocumentEdit) and c.text_document.uri == doc.uri
                    for e in c.edits
                }
                if p.parent.name == "v2-app":  # jedi found the parameter's uses in the body
                    assert "if timer.past_due:" in edited, edited
        await client.workspace_symbol_async(types.WorkspaceSymbolParams(query=""))
    finally:
        await client.shutdown_session()
        await client.stop()
    assert _ran(marker) == []
    _armed(folder, marker)
