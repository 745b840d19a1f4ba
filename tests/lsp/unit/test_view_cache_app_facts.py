"""The Functions view's kept entries and what they read of the app besides their function:
whether HTTP functions can run (the streaming extension and its app setting) and the app's
first orchestrator (a Durable starter's sample URL). A change to either, with no change to the
function itself, gives the view a fresh computation gives."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from funcls.lsp import functions_view
from funcls.lsp.context import ClientFeatures, make_context
from funcls.lsp.functions_view import ViewCache, _app
from funcls.lsp.state import EngineChecker, IndexState
from funcls.model.workspace import Workspace

HOST = json.dumps({"version": "2.0"})


def _settings(values: dict[str, str]) -> str:
    return json.dumps(
        {"IsEncrypted": False, "Values": {"FUNCTIONS_WORKER_RUNTIME": "python", **values}}
    )


class _View:
    def __init__(self, ws: Path, root: Path) -> None:
        self.state = IndexState(Workspace([str(ws)]), EngineChecker())
        self.state.index.index_all()
        self.ctx = make_context(self.state.index, "utf-16", ClientFeatures())
        self.root = str(root)
        self.cache = ViewCache()

    def edit(self, path: Path, version: int, text: str) -> None:
        self.state.index.source.open(str(path), version, text)
        self.state.mark_dirty(str(path))
        self.state.flush()

    def kept_and_fresh(self) -> tuple[dict[str, Any], dict[str, Any]]:
        app = self.state.index.apps[self.root]
        found = self.state.findings(self.root)
        return self.cache.app(self.ctx, app, found)[0], _app(self.ctx, app, found)


STREAMING = """import azure.functions as func
from azurefunctions.extensions.http.fastapi import Request, StreamingResponse

app = func.FunctionApp()


@app.route(route="hello")
def hello(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("hi")
"""


def test_the_streaming_setting_changes_whether_kept_http_functions_run(tmp_path: Path) -> None:
    """AZF410's fix (PYTHON_ENABLE_INIT_INDEXING=1 in local.settings.json) changes no
    function and no function's findings, yet the view's 'runnable' of every HTTP function.
    Before the fix the kept entry still said the function could not run."""
    root = tmp_path / "ws" / "app"
    root.mkdir(parents=True)
    (root / "host.json").write_text(HOST)
    settings = root / "local.settings.json"
    settings.write_text(_settings({}))
    (root / "function_app.py").write_text(STREAMING)
    view = _View(tmp_path / "ws", root)
    kept, fresh = view.kept_and_fresh()
    assert kept == fresh
    assert [f["runnable"] for f in kept["functions"]] == [False]
    one = {"PYTHON_ENABLE_INIT_INDEXING": "1"}
    for values, runnable in ((one, True), ({}, False), (one, True)):
        settings.write_text(_settings(values))
        view.state.mark_dirty(str(settings))
        view.state.flush()
        kept, fresh = view.kept_and_fresh()
        assert [f["runnable"] for f in fresh["functions"]] == [runnable], values
        assert kept == fresh, values


DURABLE_HEAD = """import azure.functions as func
import azure.durable_functions as df

app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="orchestrators/{functionName}")
@app.durable_client_input(client_name="client")
async def http_start(req: func.HttpRequest, client):
    instance_id = await client.start_new(req.route_params["functionName"])
    return client.create_check_status_response(req, instance_id)
"""

ORCHESTRATOR = """

@app.orchestration_trigger(context_name="context")
def {name}(context):
    return "done"
"""

ACTIVITY = """

@app.activity_trigger(input_name="payload")
def {name}(payload: str) -> str:
    return payload
"""


def test_the_first_orchestrator_names_the_kept_starters_url(tmp_path: Path) -> None:
    """A Durable starter's sample URL names the app's first orchestrator: renaming it, turning
    it into an activity, or adding one before it changes the starter's entry though the
    starter's def did not change (random edits of the defs below the starter, each view
    compared with a fresh one). Before the fix the kept entry named an orchestrator that was
    gone."""
    root = tmp_path / "ws" / "app"
    root.mkdir(parents=True)
    (root / "host.json").write_text(HOST)
    (root / "local.settings.json").write_text(_settings({}))
    (root / "requirements.txt").write_text("azure-functions\nazure-functions-durable\n")
    script = root / "function_app.py"
    defs = [("orchestrator", "orch_0"), ("activity", "act_1"), ("orchestrator", "orch_2")]

    def text() -> str:
        shapes = {"orchestrator": ORCHESTRATOR, "activity": ACTIVITY}
        return DURABLE_HEAD + "".join(shapes[k].format(name=n) for k, n in defs)

    script.write_text(text())
    view = _View(tmp_path / "ws", root)
    view.edit(script, 1, text())
    kept, fresh = view.kept_and_fresh()
    assert kept == fresh
    rnd = random.Random(20)
    urls = set()
    for step in range(60):
        i = rnd.randrange(len(defs))
        kind, name = defs[i]
        what = rnd.random()
        if what < 0.4:  # rename, keeping the kind
            defs[i] = (kind, f"{kind[:4]}_{step}")
        elif what < 0.7:  # the same name, the other kind: the view's order stays
            defs[i] = ("activity" if kind == "orchestrator" else "orchestrator", name)
        elif len(defs) < 6:
            defs.insert(i, (rnd.choice(["orchestrator", "activity"]), f"new_{step}"))
        else:
            del defs[i]
        view.edit(script, step + 2, text())
        kept, fresh = view.kept_and_fresh()
        starter = next(f for f in fresh["functions"] if f["name"] == "http_start")
        urls.add(starter["urlPath"])
        assert kept == fresh, (step, defs)
    assert len(urls) > 5  # the starter's URL did change along the way


HTTP_DEF = """

@app.route(route="r{i}")
def {name}(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("ok")
"""


def test_one_apps_view_keeps_the_other_apps_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two apps in the workspace: the small one's view, built again (a function renamed),
    forgets its own functions that are gone, not the big one's entries: the big one's next
    rename builds one entry, not all of them (they were all built again before)."""
    ws = tmp_path / "ws"
    sizes = {"small": 3, "big": 1100}
    for name, n in sizes.items():
        root = ws / name
        root.mkdir(parents=True)
        (root / "host.json").write_text(HOST)
        (root / "function_app.py").write_text(
            "import azure.functions as func\n\napp = func.FunctionApp()\n"
            + "".join(HTTP_DEF.format(i=i, name=f"f{i}") for i in range(n))
        )
    view = _View(ws, ws / "big")
    big_root, small_root = str(ws / "big"), str(ws / "small")
    built: list[str] = []
    real = functions_view._function

    def counting(ctx: Any, app: Any, fn: Any, found: Any) -> Any:
        built.append(fn.name)
        return real(ctx, app, fn, found)

    monkeypatch.setattr(functions_view, "_function", counting)

    def show(root: str) -> None:
        app = view.state.index.apps[root]
        entry = view.cache.app(view.ctx, app, view.state.findings(root))[0]
        assert entry == _app(view.ctx, app, view.state.findings(root))

    show(big_root)
    show(small_root)
    version = 1
    for step in range(3):
        for root, n in ((small_root, sizes["small"]), (big_root, sizes["big"])):
            version += 1
            script = Path(root) / "function_app.py"
            defs = [HTTP_DEF.format(i=i, name=f"f{i}") for i in range(n)]
            defs[1] = HTTP_DEF.format(i=1, name=f"renamed_{step}")  # the view's order changes
            text = "import azure.functions as func\n\napp = func.FunctionApp()\n" + "".join(defs)
            view.edit(script, version, text)
            built.clear()
            show(root)
            assert built[:1] == [f"renamed_{step}"], root
            # The renamed function, and in the fresh view (_app) every function.
            assert len(built) == 1 + n, (root, step, len(built))
