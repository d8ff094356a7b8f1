"""Tourist spots (parks, museums, shrines) and the district map."""
