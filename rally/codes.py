"""One-time codes a person reads aloud or types: reward and prize codes, transfer codes."""

import re
import secrets

from rally.utils import normalize_code

# No 0/O, 1/I: a code read aloud or typed from a phone screen cannot be mistaken.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def new_redemption_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    """Accept what staff type: lower case, spaces, hyphens, full-width characters, or the
    whole staff URL."""
    raw = normalize_code(raw or "").strip()
    match = re.search(r"[?&]code=([^&#]+)", raw)
    if match:
        raw = match.group(1)
    return re.sub(r"[\s\-]", "", raw).upper()


def is_code(code: str) -> bool:
    """Whether ``code`` has the shape of a redemption code: anything else (a typo, a byte
    PostgreSQL refuses in text) is unknown without asking the database."""
    return len(code) == CODE_LENGTH and all(char in CODE_ALPHABET for char in code)
