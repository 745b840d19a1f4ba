"""The HTTP side of `funcls run`: an ASGI app served by uvicorn (HTTP functions, admin API)."""
