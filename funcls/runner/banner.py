"""The startup banner: every function, its trigger, its URL; what cannot run and why."""

from __future__ import annotations

from funcls.runner.config import HostSettings
from funcls.runner.functions import DURABLE_CLIENT_INPUTS, READ_INPUTS, RunFunction, url_path
from funcls.runner.pool import AppIndex


def exception_line(error: dict[str, str]) -> str:
    """A load error's message; an exception from the user's code (it has a traceback) is
    written as the host logs it, `Exception: <Type>: <message>`."""
    message = str(error.get("message", ""))
    return f"Exception: {message}" if error.get("traceback") else message


def _trigger_detail(fn: RunFunction) -> str:
    trigger = fn.trigger
    kind = fn.trigger_kind
    if kind == "timertrigger":
        extra = ", runOnStartup" if str(trigger.get("runOnStartup")).lower() == "true" else ""
        return f"timer '{trigger.get('schedule')}'{extra}"
    if kind == "queuetrigger":
        connection = trigger.get("connection") or "AzureWebJobsStorage"
        return f"queue '{trigger.get('queueName')}' ({connection})"
    if kind == "blobtrigger":
        return (
            f"blob '{trigger.get('path')}' ({trigger.get('connection') or 'AzureWebJobsStorage'})"
        )
    return fn.title()


def durable_section(
    functions: list[RunFunction], base_url: str, environment: dict[str, str] | None = None
) -> str:
    """Orchestrations, activities and entities, run by the embedded durable engine."""
    lines = ["Durable Functions (embedded engine, state in .funcls/durable/):"]
    storage = (environment or {}).get("AzureWebJobsStorage", "").strip()
    if storage:
        # The engine does not write the Durable Task Framework's Azure Storage layout
        # (history tables, control queues): instances live in the embedded store.
        lines.append(
            "  AzureWebJobsStorage is set, but orchestration state stays in the embedded "
            "engine: funcls does not use the Durable Task storage format (docs/runner.md)"
        )
    for title, kind in (
        ("orchestrations", "orchestrationtrigger"),
        ("activities", "activitytrigger"),
        ("entities", "entitytrigger"),
    ):
        names = [f.name for f in functions if f.trigger_kind == kind]
        if names:
            lines.append(f"  {title}: {', '.join(names)}")
    lines.append(f"  management API: {base_url}/runtime/webhooks/durabletask/instances/<id>")
    lines.append("")
    return "\n".join(lines)


def render_banner(
    index: AppIndex,
    functions: list[RunFunction],
    settings: HostSettings,
    base_url: str,
    storage: dict[str, str],
    keys: dict[str, str],
) -> str:
    lines: list[str] = []
    lines.append(
        f"funcls run: {settings.root}  (python {index.python}, azure-functions "
        f"{index.library}, {settings.worker_count} app process"
        f"{'es' if settings.worker_count != 1 else ''})"
    )
    lines.append("")
    http = [f for f in functions if f.is_http and f.support != "none"]
    others = [f for f in functions if not f.is_http and f.support == "native" and not f.is_durable]
    durable = [f for f in functions if f.is_durable and f.support != "none"]
    manual = [f for f in functions if f.support == "invoke"]
    blocked = [f for f in functions if f.support == "none"]
    if http:
        lines.append("HTTP functions:")
        for fn in http:
            methods = ",".join(sorted(fn.methods)) if fn.methods else "ALL"
            auth = f"  [{fn.auth_level}]" if keys and fn.auth_level != "anonymous" else ""
            off = "  (disabled)" if fn.disabled else ""
            lines.append(
                f"  {fn.name}: [{methods}] "
                f"{base_url}{url_path(fn, settings.route_prefix)}{auth}{off}"
            )
        lines.append("")
    if others:
        lines.append("Triggered functions:")
        for fn in others:
            off = "  (disabled)" if fn.disabled else ""
            lines.append(f"  {fn.name}: {_trigger_detail(fn)}{off}")
        lines.append("")
    if durable:
        lines.append(durable_section(durable, base_url, settings.environment))
    if manual:
        lines.append("Run by hand only (POST /admin/functions/<name> or `funcls invoke <name>`):")
        for fn in manual:
            lines.append(f"  {fn.name}: {fn.title()} — funcls does not connect to this service")
        lines.append("")
    if blocked:
        lines.append("Not runnable here:")
        for fn in blocked:
            lines.append(f"  {fn.name}: {fn.reason}")
        lines.append("")
    if index.errors:
        lines.append("Failed to load:")
        for error in index.errors:
            lines.append(f"  {error.get('function')}: {exception_line(error)}")
            trace = (error.get("traceback") or "").rstrip()
            if trace:
                lines.extend("      " + t for t in trace.split("\n"))
        lines.append("")
    unread = [
        (fn, b)
        for fn in functions
        if fn.support != "none"
        for b in fn.inputs()
        if b.kind not in READ_INPUTS | DURABLE_CLIENT_INPUTS
    ]
    if unread:
        lines.append("Inputs funcls does not read (the parameter gets None):")
        for fn, b in unread:
            lines.append(f"  {fn.name}: {b.type} input '{b.name}'")
        lines.append("")
    if index.debugger:
        lines.append(f"Debugger: {index.debugger}")
        lines.append("")
    if storage:
        lines.append("Storage:")
        for name, description in storage.items():
            lines.append(f"  {name}: {description}")
        lines.append("")
    if keys:
        lines.append(
            f"Keys (--enforce-auth; from .funcls/keys.json): function {keys['function']}  "
            f"master {keys['master']}"
        )
        lines.append("")
    lines.append(f"Admin API: {base_url}/admin/functions  ·  Ctrl+C to stop")
    return "\n".join(lines)
