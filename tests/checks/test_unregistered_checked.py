"""The functions of a blueprint the app never registers (AZF307) are checked for their own
mistakes as the host would check them once the blueprint is registered; not for the settings
they name, which a module the app does not load yet may lack on purpose (QA findings pass:
before, such a blueprint showed AZF307 alone, and its mistakes appeared only once registered).
"""

from __future__ import annotations

from pathlib import Path

from funcls.checks import CheckConfig
from funcls.checks.engine import IncrementalCheck, check_app
from tests.checks.support import apply_fix, check, codes, load, one
from tests.checks.test_unregistered_blueprint import app

# An unregistered blueprint with mistakes of its own, and one setting it lacks.
FAULTY = (
    "import azure.functions as func\n\nbp = func.Blueprint()\n\n\n"
    '@bp.route(route="orders/{id:int}")\n'
    "def orders(req: func.HttpRequest) -> func.HttpResponse:\n"
    '    return func.HttpResponse(req.route_params["idd"])\n\n\n'
    '@bp.schedule(schedule="0 0 * * * *", arg_name="timer")\n'
    "def tick(mytimer: func.TimerRequest) -> None:\n"
    "    pass\n\n\n"
    '@bp.queue_trigger(arg_name="msg", queue_name="q", connection="OrdersQueue")\n'
    "def enqueue(msg: func.QueueMessage) -> None:\n"
    "    pass\n"
)
OWN_MISTAKES = ["AZF200", "AZF201", "AZF307", "AZF504", "AZF509"]


def test_an_unregistered_blueprint_s_own_mistakes_are_found(tmp_path: Path) -> None:
    root = app(tmp_path, **{"orders.py": FAULTY})
    found = check(root)
    assert sorted(codes(found)) == OWN_MISTAKES
    assert all(Path(f.path).name == "orders.py" for f in found)
    # The same ones once it is registered, but the setting it lacks (AZF400): a module the
    # app does not load yet may lack its settings on purpose.
    apply_fix(one(found, "AZF307").fixes[0])
    after = check(root)
    assert sorted(codes(after)) == sorted([c for c in OWN_MISTAKES if c != "AZF307"] + ["AZF400"])
    before_messages = {(f.code, f.message) for f in found if f.code != "AZF307"}
    assert before_messages == {(f.code, f.message) for f in after if f.code != "AZF400"}


def test_the_language_server_s_incremental_check_finds_the_same(tmp_path: Path) -> None:
    root = app(tmp_path, **{"orders.py": FAULTY})
    app_ = load(root)
    config = CheckConfig()
    expected = check_app(app_, config)
    assert sorted(codes(expected)) == OWN_MISTAKES
    engine = IncrementalCheck()
    assert engine.run(app_, config) == expected
    assert engine.run(load(root), config) == expected  # again, from what it kept
