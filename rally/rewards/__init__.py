"""Rewards: claiming a tier, one-time redemption codes, the staff redemption counter."""
