"""What the visitors room announces to the rooms above it (blinker signals).

Receivers are connected by the rooms that hold something of an account (the lottery:
its entries), so this room needs not know them.
"""

from blinker import Namespace

_signals = Namespace()

account_deleting = _signals.signal(
    "account-deleting",
    doc="""Sent by :func:`rally.visitors.operations.delete_account` with the visitor as
    sender, once the account's row is locked for update and before its card is let go.
    Each receiver withdraws what the account may lose and returns ``(withdrawn, kept)``:
    how many things it took back, and how many must stay (any keeps the account's row as
    an empty shell, without address or password).""",
)

counting_withdrawals = _signals.signal(
    "counting-withdrawals",
    doc="""Sent by :func:`rally.visitors.operations.open_lottery_entries` with the visitor
    as sender: each receiver returns how many things deleting the account would withdraw
    (the delete page says so first).""",
)
