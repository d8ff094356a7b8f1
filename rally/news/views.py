"""News, events and coupons: the public pages, the feeds and the publishing pages."""

from dataclasses import dataclass
from datetime import datetime

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_login import current_user

from rally.auth.decorators import merchant_required
from rally.extensions import db
from rally.i18n import _, _l, current_language, district_name, site_languages
from rally.stores import search
from rally.utils import confirmation_page, int_arg, strip_control_characters, utcnow

from . import operations
from .forms import CouponForm, EventForm, NewsForm
from .models import Coupon, Event, NewsPost

bp = Blueprint("news", __name__, template_folder="templates")

NEWS_PER_PAGE = 50
EVENTS_PER_PAGE = 20
MANAGE_PER_PAGE = 20


def _page() -> int:
    return int_arg("page", 1)


@bp.app_template_filter("xml_safe")
def xml_safe(value) -> str:
    """Drop characters no XML document may hold; autoescaping handles ``<&>"'``."""
    return strip_control_characters(str(value or ""))


# Public pages -------------------------------------------------------------------------


@bp.get("/news")
def index():
    """The district's news: association announcements and the shops' news."""
    now = utcnow()
    return render_template(
        "news/index.html",
        posts=operations.news_page(now, _page(), NEWS_PER_PAGE),
        coupons=operations.current_coupons(now),
    )


@bp.get("/news/<int:post_id>")
def post(post_id: int):
    post = operations.visible_news(post_id, utcnow()) or abort(404)
    return render_template("news/post.html", post=post)


@bp.get("/stores/<int:store_id>/news")
def store_news(store_id: int):
    """One shop's news feed."""
    store = search.public_store(store_id) or abort(404)
    now = utcnow()
    return render_template(
        "news/store_news.html",
        store=store,
        posts=operations.news_page(now, _page(), NEWS_PER_PAGE, store=store),
        coupons=operations.store_coupons(store, now),
    )


@bp.get("/events")
def events():
    events = operations.upcoming_events_page(utcnow(), _page(), EVENTS_PER_PAGE)
    return render_template("news/events.html", events=events)


@bp.get("/events/<int:event_id>")
def event(event_id: int):
    event = operations.visible_event(event_id, utcnow()) or abort(404)
    return render_template("news/event.html", event=event)


# Atom feeds ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedEntry:
    url: str
    title: str
    body: str
    author: str
    published: datetime
    updated: datetime


def _absolute(endpoint: str, **values) -> str:
    return current_app.config["RALLY_BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def _feed_language() -> str:
    lang = request.args.get("lang")
    return lang if lang in site_languages() else current_language()


def _atom(entries: list[FeedEntry], title: str, self_url: str, page_url: str, lang: str):
    updated = max((entry.updated for entry in entries), default=utcnow())
    xml = render_template(
        "news/feed.xml",
        entries=entries,
        title=title,
        self_url=self_url,
        page_url=page_url,
        updated=updated,
        lang=lang,
    )
    return Response(xml, mimetype="application/atom+xml")


def _news_entries(posts: list[NewsPost], lang: str) -> list[FeedEntry]:
    district = district_name(lang)
    return [
        FeedEntry(
            url=_absolute("news.post", post_id=post.id),
            title=post.tr("title", lang),
            body=post.tr("body", lang),
            author=post.store.tr("name", lang) if post.store else district,
            published=post.publish_at,
            updated=max(post.publish_at, post.updated_at),
        )
        for post in posts
    ]


def _event_entries(events: list[Event], lang: str) -> list[FeedEntry]:
    district = district_name(lang)
    return [
        FeedEntry(
            url=_absolute("news.event", event_id=event.id),
            title=event.tr("title", lang),
            body="\n".join(filter(None, [event.tr("place", lang), event.tr("body", lang)])),
            author=district,
            published=event.publish_at,
            updated=max(event.publish_at, event.updated_at),
        )
        for event in events
    ]


@bp.get("/feed.atom")
def feed():
    """The district's Atom feed (news and upcoming events), in ``?lang=`` (default: the
    visitor's language)."""
    lang = _feed_language()
    now = utcnow()
    with force_locale(lang):
        entries = _news_entries(operations.latest_news(now, limit=30), lang)
        entries += _event_entries(operations.upcoming_events(now, limit=30), lang)
        entries.sort(key=lambda entry: entry.published, reverse=True)
        district = district_name(lang)
        return _atom(
            entries,
            _("News of %(district)s", district=district),
            _absolute("news.feed", lang=lang),
            _absolute("news.index"),
            lang,
        )


@bp.get("/stores/<int:store_id>/feed.atom")
def store_feed(store_id: int):
    """One shop's Atom feed."""
    store = search.public_store(store_id) or abort(404)
    lang = _feed_language()
    with force_locale(lang):
        posts = operations.latest_news(utcnow(), limit=30, store=store)
        return _atom(
            _news_entries(posts, lang),
            _("News of %(name)s", name=store.tr("name", lang)),
            _absolute("news.store_feed", store_id=store.id, lang=lang),
            _absolute("directory.store", store_id=store.id),
            lang,
        )


# Publishing (association and merchants) ------------------------------------------------


@dataclass(frozen=True)
class Kind:
    model: type
    form: type
    save: object
    title: object
    new_title: object
    edit_title: object
    admin_only: bool = False


KINDS = {
    "news": Kind(
        NewsPost,
        NewsForm,
        operations.save_news,
        _l("News"),
        _l("New news item"),
        _l("Edit news item"),
    ),
    "coupons": Kind(
        Coupon,
        CouponForm,
        operations.save_coupon,
        _l("Coupons"),
        _l("New coupon"),
        _l("Edit coupon"),
    ),
    "events": Kind(
        Event,
        EventForm,
        operations.save_event,
        _l("Events"),
        _l("New event"),
        _l("Edit event"),
        admin_only=True,
    ),
}
KIND_PATH = "<any(news, coupons, events):kind>"


def _kind(kind: str) -> Kind:
    spec = KINDS[kind]
    if spec.admin_only and not current_user.is_admin:
        abort(403)
    return spec


def _editable_item(spec: Kind, item_id: int):
    item = db.session.get(spec.model, item_id) or abort(404)
    try:
        operations.check_store_rights(current_user, getattr(item, "store_id", None))
    except operations.PublishError:
        abort(403)
    return item


def _store_choices(form, kind: str) -> None:
    if "store_id" not in form:
        return
    choices = [(store.id, store.tr("name")) for store in operations.stores_of(current_user)]
    if kind == "news" and current_user.is_admin:
        choices.insert(0, (0, _("The association (district announcement)")))
    form.store_id.choices = choices


def _fill_form(form, item) -> None:
    zone = current_app.config["RALLY_TIMEZONE"]
    for field in form:
        if field.name in ("csrf_token", "submit") or not hasattr(item, field.name):
            continue
        value = getattr(item, field.name)
        if isinstance(value, datetime):
            value = operations.to_local(value, zone)
        if field.name == "store_id" and value is None:
            value = 0
        field.data = value


@bp.get(f"/manage/{KIND_PATH}")
@merchant_required
def manage(kind: str):
    spec = _kind(kind)
    return render_template(
        "news/manage/list.html",
        kind=kind,
        spec=spec,
        items=operations.editable_page(current_user, spec.model, _page(), MANAGE_PER_PAGE),
        now=utcnow(),
    )


@bp.route(f"/manage/{KIND_PATH}/new", methods=["GET", "POST"])
@bp.route(f"/manage/{KIND_PATH}/<int:item_id>/edit", methods=["GET", "POST"])
@merchant_required
def edit(kind: str, item_id: int | None = None):
    spec = _kind(kind)
    item = _editable_item(spec, item_id) if item_id else None
    form = spec.form()
    _store_choices(form, kind)
    if "store_id" in form and not form.store_id.choices:
        flash(_("You have no store to publish for yet."), "error")
        return redirect(url_for(".manage", kind=kind), 303)
    if request.method == "GET" and item is not None:
        _fill_form(form, item)
    if form.validate_on_submit():
        try:
            spec.save(
                current_user, form.to_input(current_app.config["RALLY_TIMEZONE"]), utcnow(), item
            )
        except operations.PublishError as error:
            db.session.rollback()
            if error.status == 403:
                abort(403)
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for(".manage", kind=kind), 303)
    title = spec.edit_title if item else spec.new_title
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "news/manage/form.html",
        form=form,
        title=title,
        cancel_url=url_for(".manage", kind=kind),
    ), status


@bp.post(f"/manage/{KIND_PATH}/<int:item_id>/delete")
@merchant_required
def delete(kind: str, item_id: int):
    spec = _kind(kind)
    item = _editable_item(spec, item_id)
    question = _("Delete “%(title)s”? This cannot be undone.", title=item.tr("title"))
    asked = confirmation_page(question, url_for(".manage", kind=kind))
    if asked is not None:
        return asked
    operations.delete_item(current_user, item)
    db.session.commit()
    flash(_("Deleted."), "success")
    return redirect(url_for(".manage", kind=kind), 303)
