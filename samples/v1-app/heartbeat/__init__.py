"""Every five minutes: record that the app is alive in status/heartbeat.json."""

import json
import logging
from datetime import datetime, timezone

import azure.functions as func

from shared.catalog import PRODUCTS


def main(timer: func.TimerRequest, status: func.Out[str]) -> None:
    if timer.past_due:
        logging.warning("The heartbeat timer is running late")
    now = datetime.now(timezone.utc).isoformat()
    status.set(json.dumps({"alive": True, "at": now, "products": len(PRODUCTS)}))
    logging.info("Heartbeat written at %s", now)
