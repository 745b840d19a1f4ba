"""The v2 programming model: the decorator indexer, the function builder, values and MCP tools."""
