import json
from datetime import datetime, timezone

import azure.functions as func

from shared.shipments import CARRIERS


def main(timer: func.TimerRequest, updates: func.Out[str]) -> None:
    now = datetime.now(timezone.utc).isoformat()
    updates.set(json.dumps([{"carrier": c, "refreshedAt": now} for c in CARRIERS]))
