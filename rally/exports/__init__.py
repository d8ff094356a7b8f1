"""CSV exports for the association, made to open correctly in Japanese Excel."""
