"""Lotteries that anyone can check: commit to a secret seed, draw, reveal, re-run."""
