"""Visitor accounts: a card saved to an e-mail address and password (needed for lotteries)."""
