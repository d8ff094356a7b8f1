"""The visitor's language is resolved once per request, and still follows every switch."""

from flask import session
from flask_babel import force_locale, refresh

from rally.i18n import current_language
from rally.i18n.enums import TitledEnum
from rally.stores.models import Category, Store


def test_language_follows_force_locale_inside_a_request(app):
    store = Store(name={"ja": "下連雀ブックス", "en": "Shimorenjaku Books"}, category=Category.buy)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert current_language() == "en"
        assert store.tr("name") == "Shimorenjaku Books"
        with force_locale("ja"):
            assert current_language() == "ja"
            assert store.tr("name") == "下連雀ブックス"
            assert Category.walk.label == "歩く"
        assert current_language() == "en"
        assert Category.walk.label == "Walk"


def test_language_follows_a_refresh_after_the_choice_changes(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert current_language() == "en"
        assert Category.walk.label == "Walk"
        session["lang"] = "ja"
        refresh()
        assert current_language() == "ja"
        assert Category.walk.label == "歩く"


def test_explicit_choice_then_accept_language_then_japanese(client, make_campaign):
    campaign_id, _ = make_campaign()
    page = f"/card/{campaign_id}"
    assert "Year-End Stamp Rally" in client.get(page, headers={"Accept-Language": "en"}).text
    assert "歳末スタンプラリー" in client.get(page).text
    client.get("/lang/ja")
    assert "歳末スタンプラリー" in client.get(page, headers={"Accept-Language": "en"}).text
    client.get("/lang/en")
    assert "Year-End Stamp Rally" in client.get(page).text


def test_labels_of_members_with_equal_values_stay_apart(app):
    class First(TitledEnum):
        same = "same"

        @classmethod
        def _titles(cls):
            return {cls.same: "first"}

    class Second(TitledEnum):
        same = "same"

        @classmethod
        def _titles(cls):
            return {cls.same: "second"}

    with app.test_request_context():
        assert (First.same.label, Second.same.label) == ("first", "second")


def test_labels_outside_a_request(app):
    with app.app_context():  # CLI, background jobs: the district's language
        assert current_language() == "ja"
        assert Category.walk.label == "歩く"
    assert Category.walk.label == "Walk"  # no application at all: the msgid


def test_templates_translate_with_the_catalog_of_the_moment(app):
    from flask import render_template_string

    from rally.i18n import install_template_gettext

    install_template_gettext(app)
    page = "{{ _('Rewards') }}|{{ ngettext('%(num)d point', '%(num)d points', 2) }}"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert render_template_string(page) == "Rewards|2 points"
        with force_locale("ja"):
            assert render_template_string(page) == "景品|2ポイント"
        assert render_template_string(page) == "Rewards|2 points"


def test_template_gettext_keeps_jinjas_newstyle_rules(app):
    """``_``/``gettext``/``ngettext`` are written out in rally.i18n instead of Jinja's
    wrappers: the same escaping and formatting, ``num`` among the variables included."""
    from flask import render_template_string

    page = (
        "{{ _('Stamp collected at %(shop)s!', shop=shop) }}|{{ gettext('100%% local') }}|"
        "{{ _('Rewards') }}|"
        "{{ ngettext('%(num)d of %(total)d stamp collected', '%(num)d of %(total)d stamps"
        " collected', total, total=total, num=got) }}|"
        "{% trans count=got %}{{ count }} thing{% pluralize %}{{ count }} things{% endtrans %}"
    )
    with app.test_request_context(headers={"Accept-Language": "en"}):
        html = render_template_string(page, shop="<b>Fish & Co</b>", total=3, got=1)
    assert html == (
        "Stamp collected at &lt;b&gt;Fish &amp; Co&lt;/b&gt;!|100% local|Rewards|"
        "1 of 3 stamps collected|1 thing"
    )
    with app.test_request_context(headers={"Accept-Language": "ja"}):
        assert render_template_string("{{ _('Rewards') }}") == "景品"
