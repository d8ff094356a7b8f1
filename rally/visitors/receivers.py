"""The visitors room's answers to what the rooms below it announce."""

from rally.i18n.signals import language_chosen

from .session import current_visitor


@language_chosen.connect
def remember_visitor_language(app, *, code: str, **extra) -> None:
    """A logged-in visitor's account keeps the language they chose: the lottery tells a
    winner in it."""
    visitor = current_visitor()
    if visitor is not None:
        visitor.locale = code
