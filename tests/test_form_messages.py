"""No form of the site answers a value it cannot read with WTForms' generic words ("Not a
valid float value.", "無効な選択: 型変換できません。"): every page with a form is sent a wrong
type in every field, in Japanese and in English."""

import gettext
import inspect
import os
from html.parser import HTMLParser

import pytest
import wtforms
from flask_wtf import FlaskForm
from sqlalchemy import select

import rally.forms
from rally.auth.models import Role
from rally.campaigns.models import Campaign, CampaignKind
from rally.extensions import db
from rally.stores.models import Store

# WTForms' own words for a value a field cannot read (wtforms/fields/*.py).
WTFORMS_MESSAGES = [
    "Not a valid float value.",
    "Not a valid integer value.",
    "Not a valid decimal value.",
    "Not a valid date value.",
    "Not a valid datetime value.",
    "Not a valid time value.",
    "Not a valid week value.",
    "Not a valid month value.",
    "Not a valid choice.",
    "Invalid Choice: could not coerce.",
    "Invalid choice(s): one or more data inputs could not be coerced.",
    "is not a valid choice for this field.",
    "are not valid choices for this field.",
]


def wtforms_messages() -> list[str]:
    """The messages above in English and as WTForms' own Japanese catalog has them."""
    ja = gettext.translation(
        "wtforms", os.path.join(os.path.dirname(wtforms.__file__), "locale"), ["ja"]
    )
    found = [ja.gettext(message) for message in WTFORMS_MESSAGES[:-2]]
    found.append(
        ja.ngettext(
            "'%(value)s' is not a valid choice for this field.",
            "'%(value)s' are not valid choices for this field.",
            1,
        ).split("%(value)s'", 1)[1]
    )
    assert "無効な選択: 型変換できません。" in found and "無効な整数です。" in found
    return WTFORMS_MESSAGES + found


class Forms(HTMLParser):
    """The forms of a page: method, action and the names of their fields."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append((attrs.get("method", "get").lower(), attrs.get("action"), set()))
        elif tag in ("input", "select", "textarea") and self.forms and attrs.get("name"):
            if attrs.get("type") not in ("submit", "file") and attrs["name"] != "csrf_token":
                self.forms[-1][2].add(attrs["name"])


@pytest.fixture
def form_pages(app, make_user, make_campaign, stamp_path, auth):
    """``(client, path)`` for every page with a form whose fields are typed values."""
    admin, merchant = app.test_client(), app.test_client()
    visitor, anonymous = app.test_client(), app.test_client()
    auth.login(make_user(role=Role.admin), client=admin)
    owner = make_user(role=Role.merchant)
    auth.login(owner, client=merchant)
    campaign_id, checkpoints = make_campaign(
        kind=CampaignKind.purchase, yen_per_stamp=500, max_stamps_per_purchase=3
    )
    visit_id, visit_checkpoints = make_campaign()
    visitor.get(stamp_path(visit_checkpoints[0]))
    with app.app_context():
        store = db.session.get(Campaign, campaign_id).checkpoints[0].store
        store.owner_id = owner.id
        db.session.commit()
        store_id = store.id
        assert db.session.scalar(select(Store).where(Store.owner_id == owner.id)) is not None
    return [
        (anonymous, "/auth/signup"),
        (merchant, "/merchant/stores/new"),
        (merchant, f"/merchant/stores/{store_id}/edit"),
        (merchant, f"/manage/hours/{store_id}"),
        (merchant, f"/register/{checkpoints[0]}"),
        (admin, "/admin/campaigns/new"),
        (admin, f"/admin/campaigns/{campaign_id}/edit"),
        (admin, "/manage/areas/new"),
        (admin, f"/manage/checkpoints/{checkpoints[0]}/"),
        (admin, "/manage/spots/new"),
        (admin, "/manage/news/new"),
        (admin, "/manage/coupons/new"),
        (admin, "/manage/events/new"),
        (admin, "/admin/paper-cards"),
        (admin, "/manage/lotteries"),
        (admin, f"/manage/campaigns/{campaign_id}/counters"),
        (admin, "/manage/dashboard/"),
        (admin, "/admin/api-tokens"),
        (visitor, f"/card/{visit_id}/pin"),
    ]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_no_form_answers_with_wtforms_generic_words(form_pages, lang):
    generic = wtforms_messages()
    headers = {"Accept-Language": lang}
    sent = 0
    for client, path in form_pages:
        page = client.get(path, headers=headers)
        assert page.status_code == 200, path
        parser = Forms()
        parser.feed(page.text)
        for method, action, names in parser.forms:
            if not names:
                continue
            data = dict.fromkeys(names, "zz")
            if method == "post":
                response = client.post(action or path, data=data, headers=headers)
            else:
                response = client.get(action or path, query_string=data, headers=headers)
            sent += 1
            assert response.status_code < 500, (path, sorted(names))
            shown = [message for message in generic if message in response.text]
            assert shown == [], (path, sorted(names))
    assert sent >= len(form_pages)


def test_every_field_of_a_typed_value_says_what_it_expects(app):
    """Each field class that reads a number, a date or a choice is the site's own, whose
    message names the field (:mod:`rally.forms`); a form importing WTForms' is caught."""

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    typed = (
        wtforms.IntegerField,
        wtforms.FloatField,
        wtforms.DecimalField,
        wtforms.DateField,
        wtforms.DateTimeLocalField,
        wtforms.TimeField,
        wtforms.SelectField,
        wtforms.SelectMultipleField,
        wtforms.RadioField,
    )
    generic = []
    for form in subclasses(FlaskForm):
        if not form.__module__.startswith("rally."):
            continue
        for name, unbound in inspect.getmembers(form):
            field_class = getattr(unbound, "field_class", None)
            if field_class is not None and issubclass(field_class, typed):
                if not issubclass(field_class, rally.forms._SaysWhatIsExpected):
                    generic.append(f"{form.__module__}.{form.__qualname__}.{name}")
    assert generic == []
