"""Announcements, events, store news and coupons, with their feeds."""
