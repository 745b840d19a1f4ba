"""Test app: queue, blob and timer triggers with outputs, on an empty route prefix."""

import json
import logging

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.queue_trigger(arg_name="msg", queue_name="jobs", connection="AzureWebJobsStorage")
@app.blob_output(arg_name="done", path="results/{job}.txt", connection="AzureWebJobsStorage")
def work(msg: func.QueueMessage, done: func.Out[str]) -> None:
    job = msg.get_json()
    if job.get("fail"):
        raise RuntimeError(f"job {job['job']} asked to fail (attempt {msg.dequeue_count})")
    done.set(f"{job['job']} done after {msg.dequeue_count} attempt(s)")
    logging.info("job %s done", job["job"])


@app.blob_trigger(arg_name="upload", path="inbox/{name}.txt", connection="AzureWebJobsStorage")
@app.blob_output(arg_name="copy", path="outbox/{name}-upper.txt", connection="AzureWebJobsStorage")
def shout_blob(upload: func.InputStream, copy: func.Out[bytes]) -> None:
    copy.set(upload.read().upper())
    logging.info("copied %s (%s bytes)", upload.name, upload.length)


@app.route(route="results/{job}", methods=["GET"])
@app.blob_input(arg_name="result", path="results/{job}.txt", connection="AzureWebJobsStorage")
def result(req: func.HttpRequest, result: str) -> func.HttpResponse:
    if result is None:
        return func.HttpResponse("not yet", status_code=404)
    return func.HttpResponse(result)


@app.route(route="jobs", methods=["POST"])
@app.queue_output(arg_name="jobs", queue_name="jobs", connection="AzureWebJobsStorage")
def submit(req: func.HttpRequest, jobs: func.Out[str]) -> func.HttpResponse:
    jobs.set(req.get_body().decode("utf-8"))
    return func.HttpResponse("queued", status_code=202)


@app.timer_trigger(arg_name="timer", schedule="*/2 * * * * *", run_on_startup=False)
@app.queue_output(arg_name="ticks", queue_name="ticks", connection="AzureWebJobsStorage")
def tick(timer: func.TimerRequest, ticks: func.Out[str]) -> None:
    ticks.set(json.dumps({"past_due": timer.past_due}))
