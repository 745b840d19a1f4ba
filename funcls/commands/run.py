"""``funcls run [APP_DIR]``: run the app locally (HTTP, timers, queues, blobs, admin API)."""

from __future__ import annotations

import argparse
import errno
import os
from typing import Any

# Light imports only: the app processes start before the model is imported (prestart.py).
from funcls.commands.errors import UsageError
from funcls.runner import timeline
from funcls.runner.defaults import DEFAULT_DEBUG_PORT, DEFAULT_MAX_BODY

_LISTED = 10  # apps named when a folder holds several


def app_root(path: str) -> str:
    """The one app at or under path; a usage error when there is none or several."""
    if not os.path.isdir(path):
        raise UsageError(f"'{path}' is not a folder; give the folder of a Functions app")
    if os.path.isfile(os.path.join(path, "host.json")):
        # A folder with its own host.json is the app, as for the host (its script root),
        # whatever other apps lie in its subfolders.
        return os.path.abspath(path)
    from funcls.model.workspace import find_app_roots, not_an_app_message

    roots = find_app_roots(path)
    if not roots:
        raise UsageError(not_an_app_message(path))
    if len(roots) > 1:
        # At most _LISTED of them (QA: `funcls invoke NAME` in a folder holding 16,149 apps
        # printed a 1 MB line naming each).
        shown = [os.path.relpath(r) for r in roots[:_LISTED]]
        more = len(roots) - len(shown)
        listed = ", ".join(shown) + (f" and {more} more" if more else "")
        raise UsageError(f"'{path}' holds {len(roots)} apps ({listed}); name one of them")
    return roots[0]


def _app_dir(args: argparse.Namespace) -> str:
    """APP_DIR, also when it came last after ``--functions a b`` (nargs="+", as ``func start
    --functions a b``, takes it as one more name): a last name that is the folder of an app,
    with no APP_DIR given, is the app (QA: the error said the folder held several apps)."""
    names = args.functions or []
    if args.app_dir is None and names and _holds_app(names[-1]):
        args.app_dir = names.pop()
    return args.app_dir if args.app_dir is not None else "."


def _holds_app(path: str) -> bool:
    return any(os.path.isfile(os.path.join(path, f)) for f in ("host.json", "function_app.py"))


def run(args: argparse.Namespace) -> int:
    from funcls.runner.config import RunOptions

    options = RunOptions(
        app_dir=app_root(_app_dir(args)),
        host=args.bind_host,
        port=args.port,
        functions=[n for item in args.functions or [] for n in item.split(",") if n],
        reload=not args.no_reload,
        storage=args.storage,
        enforce_auth=args.enforce_auth,
        max_body=args.max_request_body,
        python=args.python,
        debug_port=args.debug,
        parent_pid=args.parent_pid,
        tag_logs=args.log_tags,
        http_front=not args.no_http_front,
    )
    from funcls.runner.statefile import AlreadyRunning, already_running, claim_run

    try:
        # Before anything starts: a second run of the app would fire its timers too.
        unlocked = claim_run(options.app_dir)
    except AlreadyRunning as error:
        raise UsageError(str(error)) from None
    if unlocked is not None:
        from funcls.runner.client import running_url  # an HTTP probe, only in this rare case

        if running_url(options.app_dir) is not None:
            raise UsageError(already_running(options.app_dir, unlocked))
    # The port is bound and the app processes start first; they load the app while the
    # runner imports the rest.
    from funcls.runner.prestart import prestart

    try:
        early = prestart(options, listen=True)
        from funcls.runner.runner import run as run_app

        timeline.mark("runner imported")
        return run_app(options, early)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise UsageError(
                f"port {options.port} is in use; stop what uses it or pass --port"
            ) from None
        raise


def register(sub: Any) -> None:
    p = sub.add_parser(
        "run",
        help="run the app locally: HTTP, timer, queue and blob triggers, admin API",
        description="Run an Azure Functions Python app locally: a fast, minimal `func start`.",
    )
    p.add_argument(
        "app_dir",
        nargs="?",
        default=None,
        metavar="APP_DIR",
        help="the app's folder, or one holding a single app (default: the current folder)",
    )
    p.add_argument(
        "--port",
        type=int,
        default=None,
        help="HTTP port (default: Host.LocalHttpPort of local.settings.json, or 7071)",
    )
    p.add_argument(
        "--host",
        dest="bind_host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1; anything else prints a warning)",
    )
    p.add_argument(
        "--functions",
        nargs="+",
        metavar="NAME",
        help="run only these functions (names separated by spaces or commas)",
    )
    p.add_argument("--no-reload", action="store_true", help="do not reload when a file changes")
    p.add_argument(
        "--storage",
        choices=("embedded", "azure"),
        default=None,
        help="force the embedded store, or Azure Storage/Azurite (default: by connection)",
    )
    p.add_argument(
        "--enforce-auth",
        action="store_true",
        help="require function keys (from .funcls/keys.json) for non-anonymous functions",
    )
    p.add_argument(
        "--max-request-body",
        type=int,
        default=DEFAULT_MAX_BODY,
        metavar="BYTES",
        help="larger request bodies get 413 (default 100 MB, as the host)",
    )
    p.add_argument(
        "--debug",
        type=int,
        nargs="?",
        const=DEFAULT_DEBUG_PORT,
        default=None,
        metavar="PORT",
        help=f"let a debugger attach to the app process with debugpy on 127.0.0.1:PORT "
        f"(default {DEFAULT_DEBUG_PORT}); runs one app process",
    )
    p.add_argument(
        "--python",
        default=None,
        help="interpreter for the app processes (needs azure-functions installed)",
    )
    p.add_argument(
        "--log-tags",
        action="store_true",
        help="tag each app log line with its function, invocation and level "
        "([name id] LEVEL message) instead of the host's [timestamp] message",
    )
    # Used by the language server for its warm app: stop when the server is gone.
    p.add_argument("--parent-pid", type=int, default=None, help=argparse.SUPPRESS)
    # Every request through the ASGI app, none through the lean front (tests compare them).
    p.add_argument("--no-http-front", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(handler=run)
