"""The register page: staff give purchase stamps by a one-time QR or on a card number."""
