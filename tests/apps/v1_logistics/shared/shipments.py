"""Shipment helpers shared by the functions (no bindings here)."""

import uuid

CARRIERS = ("road", "rail", "air")


def new_shipment(body: dict) -> dict:
    carrier = body.get("carrier", "road")
    if carrier not in CARRIERS:
        raise ValueError(f"unknown carrier {carrier!r}")
    return {"id": uuid.uuid4().hex, "trackingId": uuid.uuid4().hex[:10].upper(), "carrier": carrier}


def summary(doc: dict) -> dict:
    return {"trackingId": doc["trackingId"], "status": doc.get("status", "created")}
