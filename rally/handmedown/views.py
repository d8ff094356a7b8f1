"""The hand-me-down board's pages: the board, offering a thing, a listing (photos,
reservation, the giver's answers, the two residents' messages), the photos, and a
resident's own listings and reservations."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from rally.circles.operations import Actor
from rally.circles.views import current_actor
from rally.errors import RallyError
from rally.extensions import db, limiter
from rally.i18n import _
from rally.pagination import paginate
from rally.residents.operations import profile_of
from rally.ugc.photos import send_ugc_photo
from rally.utils import int_arg, utcnow

from . import operations
from .forms import ListingForm, MessageForm, StoreForm
from .models import Listing, ListingCategory
from .operations import HandMeDownError

bp = Blueprint("handmedown", __name__, template_folder="templates")


def _login_first(actor: Actor, back: str | None = None):
    """Send a visitor who is not logged in to log in, then back to ``back`` (by default
    the page asked for; a form's action cannot be gone back to)."""
    if actor.visitor is None:
        if back is None and request.method == "GET":
            back = request.full_path.rstrip("?")
        abort(redirect(url_for("visitors.login", next=back), 303))


def _listing(listing_id: int, actor: Actor) -> Listing:
    try:
        return operations.find_listing(listing_id, actor)
    except HandMeDownError:
        abort(404)


def _listing_url(listing: Listing) -> str:
    return url_for(".listing", listing_id=listing.id)


@bp.get("/handmedown")
def index():
    now = utcnow()
    category = request.args.get("category") or None
    if category not in {c.value for c in ListingCategory}:
        category = None
    areas = operations.areas()
    area_id = int_arg("area")
    if area_id not in {area.id for area in areas}:
        area_id = None
    page = paginate(
        operations.listing_query(
            now, ListingCategory(category) if category else None, area_id=area_id
        ),
        request.args.get("page", 1, type=int),
        operations.PER_PAGE,
    )
    listings = list(page.items)
    actor = current_actor()
    return render_template(
        "handmedown/index.html",
        listings=listings,
        page=page,
        categories=ListingCategory.choices(),
        areas=areas,
        category=category,
        area_id=area_id,
        states={listing.id: operations.shown_state(listing, now) for listing in listings},
        may_give=actor.visitor is not None,
    )


@bp.route("/handmedown/new", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def new():
    actor = current_actor()
    _login_first(actor)
    now = utcnow()
    form = ListingForm(operations.areas())
    status = 200
    if request.method == "GET" and form.area.data is None:
        resident_area = _resident_area(actor)
        if resident_area is not None:
            form.area.data = resident_area
    if form.validate_on_submit():
        try:
            listing = operations.create_listing(actor.visitor, form.to_input(), now)
        except RallyError as error:
            db.session.rollback()
            if error.code == "profile_incomplete":
                flash(error.message, "error")
                return redirect(url_for("residents.profile"), 303)
            if error.status == 404:
                abort(404)
            field = _field_of(form, error.code)
            field.errors = [*field.errors, error.message]
            status = error.status
        else:
            db.session.commit()
            if listing.is_visible:
                flash(_("Your listing is on the board."), "success")
            else:
                flash(
                    _("Your listing waits for a moderator's review before others can see it."),
                    "success",
                )
            return redirect(_listing_url(listing), 303)
    elif form.errors:
        status = 400
    return render_template(
        "handmedown/new.html",
        form=form,
        may_give=operations.may_give(actor.visitor, now),
    ), status


def _field_of(form: ListingForm, code: str):
    """The field a refusal of the offer is said at (read out with it)."""
    if code.startswith(("photo", "new_account_photos")) or code in (
        "too_many_photos",
        "not_an_image",
    ):
        return form.photos
    if code.startswith("post_"):
        return form.description
    if code == "no_area":
        return form.area
    return form.title


def _resident_area(actor: Actor) -> int | None:
    resident = profile_of(actor.visitor)
    return resident.area_id if resident is not None else None


def _listing_page(listing: Listing, actor: Actor, status: int = 200, message_form=None):
    now = utcnow()
    actions = operations.listing_actions(listing, actor.visitor, now)
    stores = operations.participating_stores() if actions.may_choose_store else []
    store_form = StoreForm(stores, formdata=None) if actions.may_choose_store else None
    if store_form is not None:
        store_form.store.data = listing.store_id or 0
    return render_template(
        "handmedown/listing.html",
        listing=listing,
        actions=actions,
        people=operations.people([listing]),
        messages=operations.messages_of(listing, actor.visitor, now),
        message_form=message_form or MessageForm(formdata=None),
        store_form=store_form,
        moderator=operations.may_moderate(actor),
        logged_in=actor.visitor is not None,
    ), status


@bp.get("/handmedown/<int:listing_id>")
def listing(listing_id: int):
    actor = current_actor()
    return _listing_page(_listing(listing_id, actor), actor)


def _act(listing_id: int, act, done: str):
    """Run one of the listing's actions for the logged-in resident: a refusal the reader
    may know of is said on the listing's page with its status; 403 and 404 answer alone."""
    actor = current_actor()
    _login_first(actor, url_for(".listing", listing_id=listing_id))
    listing = _listing(listing_id, actor)
    try:
        act(listing, actor.visitor, utcnow())
    except HandMeDownError as error:
        if error.status in (403, 404):
            raise
        db.session.rollback()
        flash(error.message, "error")
        return _listing_page(_listing(listing_id, actor), actor, error.status)
    db.session.commit()
    flash(done, "success")
    return redirect(url_for(".listing", listing_id=listing_id), 303)


@bp.post("/handmedown/<int:listing_id>/reserve")
@limiter.limit("30 per hour")
def reserve(listing_id: int):
    if request.form.get("confirmed") != "1":
        actor = current_actor()
        _login_first(actor, url_for(".listing", listing_id=listing_id))
        listing = _listing(listing_id, actor)
        return render_template("handmedown/reserve.html", listing=listing)
    return _act(
        listing_id,
        operations.reserve,
        _("Reserved for you. Write to the giver to agree on the hand-over."),
    )


@bp.post("/handmedown/<int:listing_id>/confirm")
def confirm(listing_id: int):
    return _act(listing_id, operations.confirm, _("You confirmed the reservation."))


@bp.post("/handmedown/<int:listing_id>/cancel")
def cancel(listing_id: int):
    return _act(
        listing_id,
        operations.cancel_reservation,
        _("The reservation is cancelled: the listing is available again."),
    )


@bp.post("/handmedown/<int:listing_id>/handed-over")
def handed_over(listing_id: int):
    return _act(listing_id, operations.hand_over, _("Marked as handed over. Thank you!"))


@bp.post("/handmedown/<int:listing_id>/withdraw")
def withdraw(listing_id: int):
    actor = current_actor()
    _login_first(actor, url_for(".listing", listing_id=listing_id))
    listing = _listing(listing_id, actor)
    if request.form.get("confirmed") != "1":  # with JavaScript, forms.js asked already
        return render_template("handmedown/withdraw.html", listing=listing)
    return _act(listing_id, operations.withdraw, _("Your listing is withdrawn."))


@bp.post("/handmedown/<int:listing_id>/store")
def choose_store(listing_id: int):
    form = StoreForm(operations.participating_stores())
    # A store not offered (suspended since the page was shown) is refused by the operation.
    chosen = form.store.data if form.validate_on_submit() else -1
    return _act(
        listing_id,
        lambda listing, visitor, now: operations.choose_store(
            listing, visitor, chosen if chosen != 0 else None, now
        ),
        _("The hand-over point is saved."),
    )


@bp.post("/handmedown/<int:listing_id>/messages")
@limiter.limit("60 per hour")
def message(listing_id: int):
    actor = current_actor()
    _login_first(actor, url_for(".listing", listing_id=listing_id))
    listing = _listing(listing_id, actor)
    form = MessageForm()
    if not form.validate_on_submit():
        if not operations.is_party(listing, actor.visitor, utcnow()):
            abort(403)
        return _listing_page(listing, actor, 400, message_form=form)
    try:
        operations.send_message(listing, actor.visitor, form.text.data, utcnow())
    except HandMeDownError as error:
        if error.status in (403, 404):
            raise
        db.session.rollback()
        form.text.errors = [*form.text.errors, error.message]
        return _listing_page(_listing(listing_id, actor), actor, error.status, message_form=form)
    db.session.commit()
    return redirect(url_for(".listing", listing_id=listing_id, _anchor="messages"), 303)


@bp.get("/handmedown/photos/<name>")
def photo(name: str):
    return send_ugc_photo(name, operations.photo_allowed(name, current_actor()))


@bp.get("/me/handmedown")
def mine():
    actor = current_actor()
    _login_first(actor)
    now = utcnow()
    given = operations.my_listings(actor.visitor)
    reserved = operations.my_reservations(actor.visitor, now)
    return render_template(
        "handmedown/mine.html",
        given=given,
        reserved=reserved,
        states={listing.id: operations.shown_state(listing, now) for listing in given + reserved},
    )
