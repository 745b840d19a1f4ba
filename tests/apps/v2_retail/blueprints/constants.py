STOCK_QUEUE = "stock-changes"
STOCK_TABLE = "Stock"
LOW_STOCK_LIMIT = 5
