"""Circles: the district's groups where residents talk, and who belongs to them."""
