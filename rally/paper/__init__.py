"""Numbered paper stamp cards for visitors without a smartphone."""
