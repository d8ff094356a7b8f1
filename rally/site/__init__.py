"""The district's public pages."""
