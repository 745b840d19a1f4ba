"""Blueprints of the retail app, re-exported with relative imports."""

from . import reports
from .inventory import bp as inventory_bp

__all__ = ["inventory_bp", "reports"]
