"""A campaign's public landing page: rules, rewards, shops, dates, sharing."""

from contextlib import nullcontext

from babel import Locale
from babel.core import get_global
from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import force_locale

from rally.campaigns.models import Campaign, CampaignState
from rally.extensions import db
from rally.i18n import chosen_language, current_language, site_languages
from rally.lottery.operations import campaign_lotteries
from rally.spots.operations import campaign_spots
from rally.stores.search import TAG_LABELS, campaign_stores
from rally.utils import utcnow

bp = Blueprint("landing", __name__, template_folder="templates")

# Open Graph writes a language with its main region; a language not listed here is written
# as Babel's likely locale for it (see og_locale).
OG_LOCALES = {"ja": "ja_JP", "en": "en_US", "zh_Hans": "zh_CN", "zh_Hant": "zh_TW", "ko": "ko_KR"}


def og_locale(code: str) -> str:
    """``zh_Hant`` -> ``zh_TW``: the language_TERRITORY form Open Graph's og:locale takes."""
    if code in OG_LOCALES:
        return OG_LOCALES[code]
    locale = Locale.parse(code)
    likely = Locale.parse(get_global("likely_subtags").get(locale.language, code))
    return f"{locale.language}_{likely.territory}" if likely.territory else locale.language


@bp.get("/campaigns/<int:campaign_id>")
def campaign(campaign_id: int):
    """The landing page. ``?lang=`` picks the language for link previews and shared links,
    unless the visitor has chosen a language on the site (their choice wins)."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.state is CampaignState.draft:
        abort(404)
    lang = request.args.get("lang")
    languages = site_languages()
    forced = lang in languages and chosen_language() is None
    with force_locale(lang) if forced else nullcontext():
        lang = current_language()
        base = current_app.config["RALLY_BASE_URL"].rstrip("/")
        page_urls = {
            code: base + url_for(".campaign", campaign_id=campaign.id, lang=code)
            for code in languages
        }
        now = utcnow()
        return render_template(
            "site/landing.html",
            campaign=campaign,
            stores=campaign_stores(campaign),
            spots=campaign_spots(campaign),
            lotteries={lottery.tier_id: lottery for lottery in campaign_lotteries(campaign.id)},
            tag_labels=TAG_LABELS,
            page_url=page_urls[lang],
            page_urls=page_urls,
            og_locale=og_locale(lang),
            og_alternate=[og_locale(code) for code in languages if code != lang],
            running=campaign.is_running(now),
            upcoming=now < campaign.starts_at and campaign.state is CampaignState.published,
        )
