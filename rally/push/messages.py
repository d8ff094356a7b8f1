"""Messages the push room words itself (the announcements word theirs)."""

from rally.i18n import _


def test_message(url: str) -> dict:
    """The "Send me a test" message, in the language of the request (the resident's)."""
    return {
        "title": _("Test notification"),
        "body": _("Notifications work on this device."),
        "url": url,
        "tag": "rally-test",
    }
