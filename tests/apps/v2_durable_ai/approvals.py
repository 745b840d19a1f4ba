"""An approval workflow on a durable blueprint."""

from datetime import timedelta

import azure.durable_functions as df
import azure.functions as func

bp = df.Blueprint()


@bp.queue_trigger(arg_name="request", queue_name="approval-requests", connection="AzureWebJobsStorage")
@bp.durable_client_input(client_name="client")
async def start_approval(request: func.QueueMessage, client: df.DurableOrchestrationClient) -> None:
    await client.start_new("ApprovalFlow", None, request.get_json())


@bp.orchestration_trigger(context_name="context", orchestration="ApprovalFlow")
def approval_flow(context: df.DurableOrchestrationContext):
    yield context.call_activity("SendApproval", context.get_input())
    deadline = context.current_utc_datetime + timedelta(hours=24)
    timeout = context.create_timer(deadline)
    approved = context.wait_for_external_event("Approved")
    winner = yield context.task_any([approved, timeout])
    return winner == approved


@bp.activity_trigger(input_name="request", activity="SendApproval")
def send_approval(request: dict) -> None:
    print("approval requested", request)


@bp.route(route="approvals/{instanceId}", methods=[func.HttpMethod.POST])
@bp.durable_client_input(client_name="client")
async def approve(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    await client.raise_event(req.route_params["instanceId"], "Approved", True)
    return func.HttpResponse(status_code=202)
