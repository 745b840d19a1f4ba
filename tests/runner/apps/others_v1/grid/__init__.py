import json
import logging

import azure.functions as func


def main(event: func.EventGridEvent, forward: func.Out[str]) -> None:
    logging.info("event %s of type %s", event.subject, event.event_type)
    forward.set(json.dumps({"subject": event.subject, "data": event.get_json()}))
