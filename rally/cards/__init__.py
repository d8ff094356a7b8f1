"""Keeping a card: moving it to another phone with a one-time transfer code."""
