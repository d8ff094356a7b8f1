"""Threads in circles: posts, replies, photos, reactions, pins and what a resident has read."""
