"""The shop window's factories (news, events, spots), shared with tests/site."""

from tests.site.conftest import make_event, make_news, make_spot  # noqa: F401
