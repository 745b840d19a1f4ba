"""Helpers shared by the functions of this app. No triggers or bindings live here."""
