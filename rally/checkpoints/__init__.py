"""Checkpoint settings (points, landmark quiz) and further codes per checkpoint."""
