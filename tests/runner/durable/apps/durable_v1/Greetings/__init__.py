import azure.durable_functions as df


def orchestrator_function(context: df.DurableOrchestrationContext):
    names = context.get_input() or ["Ada", "Grace"]
    greetings = []
    for name in names:
        greetings.append((yield context.call_activity("Greet", name)))
    tally = df.EntityId("Tally", "greetings")
    total = yield context.call_entity(tally, "add", len(greetings))
    return {"greetings": greetings, "total": total}


main = df.Orchestrator.create(orchestrator_function)
