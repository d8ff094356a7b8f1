"""Residents: who takes part in the district's community side (issue 19)."""
