"""Fraud controls on the scan path: pace, impossible travel, flags the association reviews."""
