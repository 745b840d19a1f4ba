"""AZF401 (information): binding values read from the environment at import time.

``queue_name=os.getenv("ORDERS_QUEUE", "orders")`` is indexed with its default, which is what
the library sees when the setting is absent. Where the setting is present (local.settings.json
for a local run, the app settings in Azure) the function binds to its value instead: say which.
"""

from __future__ import annotations

from funcls.checks.context import Context
from funcls.checks.findings import Severity
from funcls.checks.registry import checker
from funcls.checks.settings import settings_unreadable


@checker("AZF401")
def environment_values(ctx: Context) -> None:
    if settings_unreadable(ctx):
        return  # which settings it sets is not known (settings.py): neither message holds
    for fn in ctx.app.functions:
        for b in fn.bindings:
            for key, v in b.properties.items():
                if v.env is None or v.range is None:
                    continue
                local = ctx.app.setting(v.env)
                shown = repr(v.value)
                if local is not None and local.value != v.value:
                    ctx.emit(
                        "AZF401",
                        f"\"{key}\" of binding '{b.name}' comes from the setting {v.env}: "
                        f"local.settings.json sets it, so a local run binds {local.value!r}, "
                        f"not the default {shown} funcls shows; in Azure the app setting "
                        f"{v.env} decides (the default only when it is absent)",
                        b.path,
                        v.range,
                        function=fn,
                        severity=Severity.INFO,
                    )
                elif local is None:
                    ctx.emit(
                        "AZF401",
                        f"\"{key}\" of binding '{b.name}' is {shown}, the default of the "
                        f"setting {v.env}, which local.settings.json does not set; where the "
                        f"environment sets {v.env} (the app settings in Azure) its value is "
                        "used instead",
                        b.path,
                        v.range,
                        function=fn,
                        severity=Severity.HINT,
                    )
