"""Test app of the SIGKILL fault test (tests/runner/test_run_queue_kills.py) and of the lease
test (tests/runner/test_run_queue_lease.py): each delivery appends "start N DEQUEUE_COUNT"
and then "done N", or "failed N DEQUEUE_COUNT" for a poison message or an attempt up to the
message's "fail_first", to the file named by KILL_LOG, each line in one O_APPEND write (whole
lines even when killed). A message's "seconds" sets how long it runs (else up to 10 ms)."""

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
    time.sleep(float(job.get("seconds", random.uniform(0, 0.01))))
    if job.get("poison") or msg.dequeue_count <= int(job.get("fail_first", 0)):
        note(f"failed {job['n']} {msg.dequeue_count}")
        raise RuntimeError(f"message {job['n']} fails (attempt {msg.dequeue_count})")
    note(f"done {job['n']}")
