"""Other ways to collect a stamp: the venue's daily PIN and NFC tags."""
