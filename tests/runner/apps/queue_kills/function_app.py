"""Test app of the SIGKILL fault test (tests/runner/test_run_queue_kills.py): each delivery
appends "start N DEQUEUE_COUNT" and, unless the message is poison, "done N" to the file
named by KILL_LOG, each line in one O_APPEND write (whole lines even when killed)."""

import os
import random
import time

import azure.functions as func

app = func.FunctionApp()


def note(line: str) -> None:
    fd = os.open(os.environ["KILL_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (line + "\n").encode())
    finally:
        os.close(fd)


@app.queue_trigger(arg_name="msg", queue_name="work", connection="AzureWebJobsStorage")
def work(msg: func.QueueMessage) -> None:
    job = msg.get_json()
    note(f"start {job['n']} {msg.dequeue_count}")
    time.sleep(random.uniform(0, 0.01))
    if job.get("poison"):
        raise RuntimeError(f"message {job['n']} is poison (attempt {msg.dequeue_count})")
    note(f"done {job['n']}")
