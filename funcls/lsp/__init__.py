"""The language server: ``funcls --stdio``. ``server`` wires one module per feature."""
