"""The product catalogue (kept in code to keep the sample self-contained)."""

import json

PRODUCTS = {
    1: {"id": 1, "name": "Espresso beans, 1 kg", "price": 18.5},
    2: {"id": 2, "name": "Filter papers, 100 pcs", "price": 3.2},
    3: {"id": 3, "name": "Hand grinder", "price": 42.0},
}


def find_product(product_id: int) -> dict | None:
    return PRODUCTS.get(product_id)


def to_json(value: object) -> str:
    return json.dumps(value)
