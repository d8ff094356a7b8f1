"""Keeping circles safe: reports, the moderation queue, decisions and their audit log."""
