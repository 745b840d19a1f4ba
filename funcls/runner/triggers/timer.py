"""Timer triggers: NCRONTAB (six fields, seconds first; five fields as classic cron, as the
host reads them) and TimeSpan schedules.

The schedule status (last and next occurrence) is kept in `.funcls/timers.json`, like the
host's timer monitor, so a run that starts after a missed occurrence invokes the function at
once with `TimerRequest.past_due` true. `runOnStartup` invokes it when the run starts (and after
each reload, as the host does when it restarts).
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from funcls.model.parsers.ncrontab import CronSchedule, TimeSpanSchedule, parse_schedule
from funcls.model.parsers.ncrontab_next import next_occurrences
from funcls.runner.binding_data import resolve
from funcls.runner.functions import RunFunction
from funcls.runner.state import RunState
from funcls.runner.trigger_data import timer_payload

PAST_DUE_GRACE = timedelta(seconds=1)


class TimerStatusStore:
    def __init__(self, app_dir: str) -> None:
        self.path = Path(app_dir) / ".funcls" / "timers.json"
        # Timers firing in the same second update the file from several threads: one at a
        # time, or they lose each other's entries and race on the temporary file.
        self._lock = threading.Lock()

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def get(self, name: str) -> tuple[datetime | None, datetime | None]:
        entry = self._read().get(name) or {}
        return _parse(entry.get("last")), _parse(entry.get("next"))

    def set(self, name: str, last: datetime | None, next_run: datetime | None) -> None:
        with self._lock:
            self._set(name, last, next_run)

    def _set(self, name: str, last: datetime | None, next_run: datetime | None) -> None:
        data = self._read()
        data[name] = {
            "last": last.isoformat() if last else None,
            "next": next_run.isoformat() if next_run else None,
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f"timers.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps(data, indent=2) + "\n", "utf-8")
        tmp.replace(self.path)


def _parse(text: Any) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def schedule_of(state: RunState, fn: RunFunction) -> CronSchedule | TimeSpanSchedule:
    text = str(fn.trigger.get("schedule", ""))
    if "%" in text:
        text = resolve(text, {}, state.settings.environment, function_name=fn.name)
    # Five fields are classic cron (no seconds) for the host: the timer extension's
    # CronSchedule.TryCreate parses with IncludingSeconds only when the expression does not
    # have exactly five fields (azure-webjobs-sdk-extensions, PR #310). AZF501 still warns
    # that the Windows Consumption plan refuses them.
    schedule = parse_schedule(text, allow_five_fields=True)
    if not isinstance(schedule, (CronSchedule, TimeSpanSchedule)):
        raise ValueError(f"schedule '{text}' does not resolve to a schedule")
    return schedule


def _truthy(value: Any) -> bool:
    return value is True or str(value).strip().lower() == "true"


async def run_timer(state: RunState, fn: RunFunction, store: TimerStatusStore) -> None:
    schedule = schedule_of(state, fn)
    console = state.invoker.console

    async def fire(past_due: bool, last: datetime | None, next_run: datetime | None) -> None:
        payload = timer_payload(past_due, last, next_run)
        reason = f"Timer fired at {datetime.now(timezone.utc).isoformat()}"
        await state.invoker.invoke(fn, payload.data, payload.metadata, payload.binding_data, reason)

    last, recorded_next = await asyncio.to_thread(store.get, fn.name)
    now = datetime.now(timezone.utc)
    if recorded_next is not None and recorded_next + PAST_DUE_GRACE < now:
        console.say(
            f"timer '{fn.name}' missed its run at {recorded_next.isoformat()}; "
            "running it now (past due)"
        )
        await fire(True, last, recorded_next)
        last = now
    elif _truthy(fn.trigger.get("runOnStartup")):
        await fire(False, last, None)
    scheduled: datetime | None = None
    while True:
        now = datetime.now(timezone.utc)
        after = max(now, scheduled) if scheduled else now
        upcoming = next_occurrences(schedule, after, 1)
        if not upcoming:
            console.say(f"timer '{fn.name}' never fires again ({schedule.text})")
            return
        next_run = upcoming[0]
        await asyncio.to_thread(store.set, fn.name, last, next_run)
        await asyncio.sleep(max(0.0, (next_run - datetime.now(timezone.utc)).total_seconds()))
        if state.stopping.is_set():
            return  # the run is stopping: no new invocation
        late = datetime.now(timezone.utc) - next_run
        following = next_occurrences(schedule, next_run, 1)
        await fire(late > PAST_DUE_GRACE * 5, last, following[0] if following else None)
        last = scheduled = next_run
