"""The auth room's answers to what the rooms below it announce."""

from flask_login import current_user

from rally.i18n.signals import language_chosen


@language_chosen.connect
def remember_staff_language(app, *, code: str, **extra) -> None:
    """A logged-in merchant or administrator gets their mail in the language they chose."""
    if current_user.is_authenticated:
        current_user.locale = code
