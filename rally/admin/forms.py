"""Small forms of the back office."""
