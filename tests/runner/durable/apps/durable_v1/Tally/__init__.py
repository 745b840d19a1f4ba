import azure.durable_functions as df


def entity_function(context: df.DurableEntityContext):
    total = context.get_state(lambda: 0) + (context.get_input() or 0)
    context.set_state(total)
    context.set_result(total)


main = df.Entity.create(entity_function)
