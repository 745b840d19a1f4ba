"""Conversions offered by the server: one v1 function, or a whole v1 app, to the v2 model."""
