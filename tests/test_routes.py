"""Every route's URL builders compile (tests/conftest.py compiles them only when used)."""

from tests.conftest import WERKZEUG_COMPILE_BUILDER


def test_every_route_compiles_its_builders(app):
    rules = list(app.url_map.iter_rules())
    assert len(rules) > 100
    for rule in rules:
        for append_unknown in (False, True):
            assert callable(WERKZEUG_COMPILE_BUILDER(rule, append_unknown))
