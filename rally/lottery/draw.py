"""The draw itself: a pure function of the seed and the sorted entries.

Anyone holding the published data (commitment, entry ids, number of winners, and after the
draw the seed) can re-run it with ``flask --app rally lottery verify FILE`` or this module
alone. Each entry's rank is SHA-256(seed ":" entry id); the lowest ranks win. Sorting the
entries first makes the result independent of the order they were listed in.
"""

import hashlib
import hmac
import secrets


def new_seed() -> str:
    return secrets.token_hex(32)


def commitment(seed: str) -> str:
    """What is published before the draw: SHA-256 of the seed (hex)."""
    return hashlib.sha256(seed.encode()).hexdigest()


def matches_commitment(seed: str, published: str) -> bool:
    return hmac.compare_digest(commitment(seed), published)


def entries_digest(entry_ids: list[str]) -> str:
    """Fingerprint of the closed entry list, fixed and published when the draw happens."""
    return hashlib.sha256("\n".join(sorted(set(entry_ids))).encode()).hexdigest()


def rank(seed: str, entry_id: str) -> str:
    return hashlib.sha256(f"{seed}:{entry_id}".encode()).hexdigest()


def draw(seed: str, entry_ids: list[str], winners: int) -> list[str]:
    """The winning entry ids, best rank first."""
    entries = sorted(set(entry_ids))
    return sorted(entries, key=lambda entry_id: rank(seed, entry_id))[: max(0, winners)]


def verify(published: dict) -> list[str]:
    """Check published lottery data; return a list of problems (empty: all good).

    :param published: ``{"commitment", "winners_count", "entries", "entries_digest",
        "seed", "winners"}``.
    """
    problems = []
    seed = published.get("seed")
    if not seed:
        return ["the seed has not been revealed yet"]
    if not matches_commitment(seed, published.get("commitment", "")):
        problems.append("the seed does not match the commitment published before the draw")
    if entries_digest(published.get("entries", [])) != published.get("entries_digest"):
        problems.append("the entry list is not the one closed at the draw")
    expected = draw(seed, published.get("entries", []), int(published.get("winners_count", 0)))
    if expected != published.get("winners"):
        problems.append(f"the winners do not follow from the seed and entries: {expected}")
    return problems
