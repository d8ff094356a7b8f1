"""The API room's answer to an account's deletion: its personal tokens go with it."""

from rally.visitors.signals import account_deleting

from .tokens import forget_tokens_of


@account_deleting.connect
def forget_tokens(visitor, **extra) -> tuple[int, int]:
    forget_tokens_of(visitor)
    return 0, 0
