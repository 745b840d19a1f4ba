"""Where a module an app imports may be instead of PyPI, for AZF605's messages: in the
repository around the app but outside what the worker puts on sys.path, below the app root, or at
the root under another case. Folders are listed, nothing is imported."""

from __future__ import annotations

import os

from funcls.checks.context import Context


def repository_folder(root: str, top: str, siblings: bool = False) -> str | None:
    """Where a module or package named ``top`` sits in the repository around the app but
    outside what the worker puts on sys.path (the app folder): under the app's ``src/`` or in
    one of the two folders above the app (or their ``src/``). Relative to the app; None if
    nowhere. Corpus (fifth round): ``app.orchestrations`` from ``src/app``, ``admin_page`` from
    ``src/admin_page``, ``shared_code`` that a workflow copies in from beside the app; AZF605
    asked to add 'app', 'admin-page' or 'shared-code' to requirements.txt."""
    places = [os.path.join(root, "src")]
    up = root
    for _ in range(2):
        parent = os.path.dirname(up)
        if parent == up:
            break
        up = parent
        places += [up, os.path.join(up, "src")]
    # With ``siblings`` (a name the dependency table does not know as a distribution), the
    # app's sibling folders too: a monorepo's shared code beside its apps (corpus, seventh
    # round: JayChase/mixed-py-mono-repo imports db_client from ../py_common). Only when the
    # app is not the top of its repository (no .git or .github of its own) and the folder
    # above is one (.git, .github, README.md): else the siblings are other projects.
    parent = os.path.dirname(root)
    if siblings and _repository_top(parent) and not _repository_top(root, readme=False):
        try:
            names = sorted(os.listdir(parent))[:200]
        except OSError:
            names = []
        places += [
            os.path.join(parent, n)
            for n in names
            if not n.startswith(".") and n not in _SKIP and os.path.join(parent, n) != root
        ]
    for place in places:
        module, package = os.path.join(place, top + ".py"), os.path.join(place, top)
        if os.path.isfile(module):
            return os.path.relpath(module, root)
        try:  # a package, or a namespace package (a folder of .py files)
            if any(n.endswith(".py") for n in os.listdir(package)):
                return os.path.relpath(package, root)
        except OSError:
            continue
    return None


def other_case(own: set[str], top: str) -> str | None:
    """The app's own top-level name that equals ``top`` but for case, if any."""
    folded = top.lower()
    return next((n for n in sorted(own) if n.lower() == folded and n != top), None)


def _repository_top(folder: str, readme: bool = True) -> bool:
    marks = (".git", ".github", "README.md") if readme else (".git", ".github")
    return any(os.path.exists(os.path.join(folder, m)) for m in marks)


def on_pypi() -> dict[str, tuple[str, tuple[str, ...]]]:
    from funcls.model.dependency_table import REQUIRES  # a large module: read when needed

    return REQUIRES


_SKIP = frozenset({"node_modules", "__pycache__", ".venv", "venv", "env", ".python_packages"})


def nested_folder(ctx: Context, top: str, depth: int = 3) -> str | None:
    """Where a package (a folder of .py files) or module named ``top`` sits below the app
    root, not at it: the worker puts only the root on sys.path, so ``import top`` does not
    find it. Relative to the app; None if nowhere within ``depth`` folders. Corpus (seventh
    round): JoaquinMarsanPi/azure-func-clean-template imports db.repository.client, which is
    app/db/repository/client.py; AZF605 asked to add PyPI's 'db' to requirements.txt."""
    source = ctx.app.source
    listdir = source.listdir if source is not None else os.listdir
    root = ctx.app.root
    level = [root]
    for _ in range(depth):
        below: list[str] = []
        for folder in level:
            try:
                names = sorted(listdir(folder))[:500]
            except OSError:
                continue
            for name in names:
                path = os.path.join(folder, name)
                if name.startswith(".") or name in _SKIP or not os.path.isdir(path):
                    continue
                if folder != root:
                    if os.path.isfile(os.path.join(path, "__init__.py")) and name == top:
                        return os.path.relpath(path, root)
                    if name == top and any(n.endswith(".py") for n in listdir(path)):
                        return os.path.relpath(path, root)
                below.append(path)
            if folder != root and top + ".py" in names:
                return os.path.relpath(os.path.join(folder, top + ".py"), root)
        level = below[:200]
    return None
