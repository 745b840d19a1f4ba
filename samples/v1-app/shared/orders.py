"""Building orders and receipts."""

import uuid


class InvalidOrder(ValueError):
    pass


def new_order(body: object) -> dict:
    """An order from a request body, with a fresh id; raises InvalidOrder when it is unusable."""
    items = body.get("items") if isinstance(body, dict) else None
    if not items:
        raise InvalidOrder('an order needs "items": [{"product": 1, "qty": 2}]')
    return {
        "id": uuid.uuid4().hex[:12],
        "items": items,
        "customer": body.get("customer", "anonymous"),
    }


def receipt_for(order: dict) -> dict:
    lines = [
        {"product": item["product"], "qty": int(item.get("qty", 1))} for item in order["items"]
    ]
    return {"order": order["id"], "customer": order["customer"], "lines": lines}
