"""Names shared by the app's modules (imported by function_app.py and catalog_bp.py)."""

STORAGE = "AzureWebJobsStorage"
ORDERS_QUEUE = "orders"
POISON_QUEUE = ORDERS_QUEUE + "-poison"
PRICE_TABLE = "Prices"
IMAGES_CONTAINER = "product-images"
