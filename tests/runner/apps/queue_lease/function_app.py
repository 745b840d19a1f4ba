"""Test app of tests/runner/test_run_queue_lease.py: each delivery of a queue message takes
longer than the lease funcls run holds it for (FUNCLS_QUEUE_LEASE_SECONDS), so the message
comes back during the invocation unless the runner renews its lease. Every start and end is
appended to the file named by LEASE_LOG, one O_APPEND write per line."""

import os
import time

import azure.functions as func

app = func.FunctionApp()


def note(line: str) -> None:
    fd = os.open(os.environ["LEASE_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (line + "\n").encode())
    finally:
        os.close(fd)


@app.queue_trigger(arg_name="msg", queue_name="slow", connection="AzureWebJobsStorage")
def slow(msg: func.QueueMessage) -> None:
    job = msg.get_json()
    note(f"start {job['n']} {msg.dequeue_count}")
    time.sleep(float(job["seconds"]))
    if msg.dequeue_count <= int(job.get("fail_first", 0)):
        note(f"failed {job['n']} {msg.dequeue_count}")
        raise RuntimeError(f"message {job['n']} fails on attempt {msg.dequeue_count}")
    note(f"done {job['n']} {msg.dequeue_count}")
