"""Volunteer staff (issue 20): roles the association gives residents, for a time."""
