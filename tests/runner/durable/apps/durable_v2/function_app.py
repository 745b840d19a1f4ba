"""A Durable Functions app (v2 programming model) for funcls run's durable engine tests."""

import json
import logging
import time
from datetime import timedelta

import azure.durable_functions as df
import azure.functions as func

app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="orchestrators/{functionName}", methods=["POST"])
@app.durable_client_input(client_name="client")
async def http_start(req: func.HttpRequest, client: df.DurableOrchestrationClient):
    body = req.get_body()
    instance_id = await client.start_new(
        req.route_params["functionName"], None, req.get_json() if body else None
    )
    logging.info("started orchestration %s", instance_id)
    return client.create_check_status_response(req, instance_id)


@app.route(route="status/{instanceId}", methods=["GET"])
@app.durable_client_input(client_name="client")
async def get_status(req: func.HttpRequest, client: df.DurableOrchestrationClient):
    status = await client.get_status(req.route_params["instanceId"])
    return func.HttpResponse(
        f'{{"status": "{status.runtime_status.value}"}}', mimetype="application/json"
    )


@app.route(route="manage/{action}", methods=["POST"])
@app.durable_client_input(client_name="client")
async def manage(req: func.HttpRequest, client: df.DurableOrchestrationClient):
    """The SDK client's management calls, each through the runner."""
    action = req.route_params["action"]
    instance_id = req.params.get("id", "")
    if action == "raise":
        await client.raise_event(instance_id, req.params["event"], req.get_json())
    elif action == "wait":
        return await client.wait_for_completion_or_create_check_status_response(
            req, instance_id, timeout_in_milliseconds=15000, retry_interval_in_milliseconds=50
        )
    elif action in ("suspend", "resume", "terminate"):
        await getattr(client, action)(instance_id, f"{action} by the client")
    elif action == "purge":
        result = await client.purge_instance_history(instance_id)
        return func.HttpResponse(json.dumps({"deleted": result.instances_deleted}))
    elif action == "list":
        statuses = await client.get_status_all()
        listed = {s.instance_id: s.runtime_status.value for s in statuses}
        return func.HttpResponse(json.dumps(listed), mimetype="application/json")
    return func.HttpResponse(status_code=202)


@app.orchestration_trigger(context_name="context")
def hello_chain(context: df.DurableOrchestrationContext):
    first = yield context.call_activity("say_hello", "Tokyo")
    second = yield context.call_activity("say_hello", "Seattle")
    third = yield context.call_activity("say_hello", "London")
    return [first, second, third]


@app.orchestration_trigger(context_name="context")
def fan_out(context: df.DurableOrchestrationContext):
    count = context.get_input()["count"]
    tasks = [context.call_activity("square", n) for n in range(count)]
    results = yield context.task_all(tasks)
    return sum(results)


@app.orchestration_trigger(context_name="context")
def failing_activity(context: df.DurableOrchestrationContext):
    yield context.call_activity("explode", "kaboom")
    return "never"


@app.orchestration_trigger(context_name="context")
def failing_orchestrator(context: df.DurableOrchestrationContext):
    value = yield context.call_activity("say_hello", "Oslo")
    raise ValueError(f"bad value after {value}")


@app.orchestration_trigger(context_name="context")
def caught_failure(context: df.DurableOrchestrationContext):
    try:
        yield context.call_activity("explode", "caught")
    except Exception as error:  # an activity's failure reaches the orchestrator as an exception
        return f"recovered: {error}"
    return "no failure"


@app.orchestration_trigger(context_name="context")
def approval(context: df.DurableOrchestrationContext):
    context.set_custom_status("waiting for approval")
    deadline = context.current_utc_datetime + timedelta(seconds=context.get_input()["timeout"])
    timer = context.create_timer(deadline)
    decision = context.wait_for_external_event("Approval")
    winner = yield context.task_any([decision, timer])
    if winner == decision:
        timer.cancel()
        context.set_custom_status("decided")
        return f"approved: {decision.result}"
    context.set_custom_status("timed out")
    return "timed out"


@app.orchestration_trigger(context_name="context")
def wait_forever(context: df.DurableOrchestrationContext):
    yield context.wait_for_external_event("Never")
    return "woken"


@app.orchestration_trigger(context_name="context")
def parent(context: df.DurableOrchestrationContext):
    first = yield context.call_sub_orchestrator("hello_chain")
    squares = yield context.call_sub_orchestrator("fan_out", {"count": 4})
    return {"chain": first, "squares": squares}


@app.orchestration_trigger(context_name="context")
def counter_loop(context: df.DurableOrchestrationContext):
    value = context.get_input() or 0
    if value >= 3:
        return value
    yield context.create_timer(context.current_utc_datetime + timedelta(milliseconds=50))
    context.continue_as_new(value + 1)
    return None


@app.orchestration_trigger(context_name="context")
def restart_race(context: df.DurableOrchestrationContext):
    """Round 0 races a short timer against a poke and continues as new when poked; round 1
    races a long timer: the round-0 timer firing later must not decide it."""
    round_ = context.get_input() or 0
    wait = timedelta(seconds=1.5 if round_ == 0 else 60)
    timer = context.create_timer(context.current_utc_datetime + wait)
    poke = context.wait_for_external_event("poke")
    winner = yield context.task_any([timer, poke])
    if winner == poke and round_ == 0:
        context.continue_as_new(1)
        return None
    return {"round": round_, "winner": "poke" if winner == poke else "timer"}


@app.orchestration_trigger(context_name="context")
def with_retry(context: df.DurableOrchestrationContext):
    options = df.RetryOptions(first_retry_interval_in_milliseconds=100, max_number_of_attempts=3)
    result = yield context.call_activity_with_retry("flaky", options, context.instance_id)
    return result


@app.orchestration_trigger(context_name="context")
def child_calls_flaky(context: df.DurableOrchestrationContext):
    result = yield context.call_activity("flaky", context.get_input())
    return result


@app.orchestration_trigger(context_name="context")
def parent_with_retry(context: df.DurableOrchestrationContext):
    options = df.RetryOptions(first_retry_interval_in_milliseconds=50, max_number_of_attempts=3)
    result = yield context.call_sub_orchestrator_with_retry(
        "child_calls_flaky", options, f"child-{context.instance_id}"
    )
    return result


@app.orchestration_trigger(context_name="context")
def retry_exhausted(context: df.DurableOrchestrationContext):
    options = df.RetryOptions(first_retry_interval_in_milliseconds=50, max_number_of_attempts=2)
    yield context.call_activity_with_retry("explode", options, "always")
    return "never"


@app.orchestration_trigger(context_name="context")
def slow_fan_out(context: df.DurableOrchestrationContext):
    count = context.get_input()["count"]
    results = yield context.task_all(
        [context.call_activity("slow_square", n) for n in range(count)]
    )
    return sum(results)


@app.orchestration_trigger(context_name="context")
def changing(context: df.DurableOrchestrationContext):
    first = yield context.call_activity("say_hello", "before the change")
    yield context.wait_for_external_event("go")
    return first


@app.orchestration_trigger(context_name="context")
def counter_orchestration(context: df.DurableOrchestrationContext):
    entity = df.EntityId("counter", context.get_input()["key"])
    context.signal_entity(entity, "add", 5)
    value = yield context.call_entity(entity, "add", 1)
    try:
        yield context.call_entity(entity, "fail")
        failure = None
    except Exception as error:  # an operation that raised reaches the caller as an exception
        failure = str(error)
    return {"value": value, "failure": failure}


@app.entity_trigger(context_name="context")
def counter(context: df.DurableEntityContext):
    value = context.get_state(lambda: 0)
    operation = context.operation_name
    if operation == "add":
        value += context.get_input()
    elif operation == "reset":
        value = 0
    elif operation == "fail":
        raise ValueError("the counter refuses to fail")
    context.set_state(value)
    context.set_result(value)


@app.route(route="counter/{key}", methods=["POST", "GET"])
@app.durable_client_input(client_name="client")
async def counter_http(req: func.HttpRequest, client: df.DurableOrchestrationClient):
    entity = df.EntityId("counter", req.route_params["key"])
    if req.method == "POST":
        await client.signal_entity(entity, "add", int(req.get_body() or b"1"))
        return func.HttpResponse(status_code=202)
    state = await client.read_entity_state(entity)
    body = {"exists": state.entity_exists, "state": state.entity_state}
    return func.HttpResponse(json.dumps(body), mimetype="application/json")


@app.route(route="ping", methods=["GET"])
def ping(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse(f"pong {req.params.get('n', '')}", headers={"X-Pong": "yes"})


@app.orchestration_trigger(context_name="context")
def http_caller(context: df.DurableOrchestrationContext):
    response = yield context.call_http("GET", context.get_input()["url"])
    return {"status": response["statusCode"], "content": response["content"]}


@app.orchestration_trigger(context_name="context")
def monitor(context: df.DurableOrchestrationContext):
    """The monitor pattern: check, sleep on a durable timer, check again, until done."""
    checks = 0
    expiry = context.current_utc_datetime + timedelta(seconds=20)
    while context.current_utc_datetime < expiry:
        checks += 1
        context.set_custom_status({"checks": checks})
        done = yield context.call_activity("job_done", {"check": checks})
        if done:
            return {"checks": checks}
        yield context.create_timer(context.current_utc_datetime + timedelta(milliseconds=100))
    return "expired"


@app.activity_trigger(input_name="probe")
def job_done(probe: dict) -> bool:
    return probe["check"] >= 3


@app.activity_trigger(input_name="city")
def say_hello(city: str) -> str:
    logging.info("saying hello to %s", city)
    return f"Hello {city}!"


@app.activity_trigger(input_name="n")
def square(n: int) -> int:
    return n * n


@app.activity_trigger(input_name="n")
def slow_square(n: int) -> int:
    time.sleep(0.2)
    return n * n


@app.activity_trigger(input_name="what")
def explode(what: str) -> str:
    raise RuntimeError(f"activity exploded: {what}")


ATTEMPTS: dict[str, int] = {}


@app.activity_trigger(input_name="key")
def flaky(key: str) -> str:
    ATTEMPTS[key] = ATTEMPTS.get(key, 0) + 1
    if ATTEMPTS[key] < 3:
        raise RuntimeError(f"attempt {ATTEMPTS[key]} failed")
    return f"succeeded on attempt {ATTEMPTS[key]}"
