PUBSUB = "pubsub"
ORDERS_TOPIC = "orders"
STATE_STORE = "statestore"
