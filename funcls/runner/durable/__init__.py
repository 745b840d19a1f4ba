"""The embedded Durable Functions engine of `funcls run`.

It plays the part of the Durable Task extension of the Functions host: it keeps each
orchestration's history in SQLite under `.funcls/durable/`, invokes orchestrator functions with
the context JSON the `azure-functions-durable` SDK reads (replay), reads the actions the SDK
returns, and schedules them (activities, timers, sub-orchestrations, external events). The
durable client binding points the SDK's `DurableOrchestrationClient` at this runner, which
serves the extension's HTTP API under `/runtime/webhooks/durabletask/`.

- `history`: history events in the SDK's JSON shape;
- `replay`: what one orchestrator episode asks for, matched against its history (pure);
- `store`: instances, histories and pending messages in SQLite;
- `engine`: the scheduler (episodes, activities, timers, restarts); `entities`: entity
  batches; `outcomes`: what the app process answered, read as the extension reads it;
- `http_api`: the HTTP endpoints; `binding`: the client binding's JSON.
"""
