"""An ASGI web API served by one catch-all function, plus two background functions."""

import logging

import azure.functions

from web import api

app = azure.functions.AsgiFunctionApp(app=api, http_auth_level=azure.functions.AuthLevel.ANONYMOUS)


@app.timer_trigger(arg_name="timer", schedule="0 */15 * * * *", run_on_startup=True)
def refresh_cache(timer: azure.functions.TimerRequest) -> None:
    api.routes["/api/hello"] = {"message": "hello", "refreshed": True}


@app.http_type(http_type="function")
@app.function_name(name="queue_audit")
@app.queue_trigger(arg_name="entry", queue_name="audit", connection="AzureWebJobsStorage")
def audit(entry: azure.functions.QueueMessage) -> None:
    logging.info("audit: %s", entry.get_body())
