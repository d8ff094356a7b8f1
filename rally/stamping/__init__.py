"""A scan, a PIN, the register or a paper card becomes a stamp."""
