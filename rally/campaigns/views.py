"""Visitor-facing campaign views: scanning a stamp link and the stamp card."""

import base64
import math

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from rally.database import read_without_transaction, writes
from rally.extensions import db, limiter
from rally.fraud.operations import flag_no_location
from rally.i18n import current_language
from rally.lottery.operations import lotteries_on_card
from rally.questionnaires.operations import questionnaire_done
from rally.rewards.forms import ClaimForm
from rally.rewards.operations import claims_of_card
from rally.utils import int_arg, utcnow

from . import operations
from .cardpage import area_rows, place_rows, read_card
from .cards import (
    card_from_cookie,
    card_key_from_cookie,
    card_limit_key,
    show_stamp,
)
from .forms import LocateForm
from .labels import campaign_rules, tier_requirement, tier_to_go
from .models import Checkpoint
from .qr import (
    SCAN_FORM_FIELD,
    posted_late_steps,
    qr_png,
    qr_svg,
    scan_form_token,
    seconds_left_in_step,
    stamp_url,
    time_step,
)
from .quickscan import quick_scan
from .quiz import QuizForm
from .sheet import campaign_sheet

bp = Blueprint("campaigns", __name__, template_folder="templates")
bp.add_app_template_global(tier_requirement)
bp.add_app_template_global(tier_to_go)
bp.add_app_template_global(campaign_rules)


@bp.route("/s/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RALLY_SCAN_LIMIT_PER_ADDRESS"])
@limiter.limit(lambda: current_app.config["RALLY_SCAN_LIMIT_PER_CARD"], key_func=card_limit_key)
@writes
def scan(token: str):
    """The URL inside every shop's QR code: give the stamp, then show the card.

    In a campaign with a geofence, the GET shows a page that asks for the phone's location
    and posts it back here; a visitor who declines still gets the stamp, flagged for the
    association.
    """
    now = utcnow()
    if request.method == "HEAD":
        # Link checkers and previews ask with HEAD: say where the link leads, give nothing.
        return _peek(token, now)
    posted = request.method == "POST"
    if not posted:
        # Most scans: a plain shop's one stamp, written as plain rows (None: full path).
        try:
            quick = quick_scan(token, card_key_from_cookie(), current_language(), now)
        except operations.StampError as error:
            return _refused(error)
        if quick is not None:
            return show_stamp(quick.campaign_id, quick.checkpoint_id, quick.created, quick.card_key)
    card_key = card_key_from_cookie()
    # A posted answer or location may come a few minutes after a tablet's code changed, if
    # it continues a page this code opened (a direct POST gets no more time than a scan).
    late_steps = (
        posted_late_steps(request.form.get(SCAN_FORM_FIELD), token, card_key, now) if posted else 1
    )
    scan_form = scan_form_token(token, card_key, now)
    try:
        target = operations.resolve_scan(token, now, late_steps=late_steps)
        checkpoint = target.checkpoint
        fenced = bool(checkpoint.campaign.geofence_m)
        card = card_from_cookie()
        asks_quiz = checkpoint.has_quiz and not operations.holds_stamp_for_good(card, checkpoint)
        if posted and not (fenced or asks_quiz):
            abort(405)
        if asks_quiz:
            quiz = QuizForm(checkpoint)
            if not posted:
                db.session.rollback()
                return _quiz_page(checkpoint, quiz, scan_form)
            if not quiz.validate_on_submit():
                db.session.rollback()
                return _quiz_page(checkpoint, quiz, scan_form, status=422)
            operations.check_quiz_answer(checkpoint, quiz.answer.data)
        position = None
        if fenced:
            form = LocateForm()
            if not posted or (asks_quiz and "latitude" not in request.form):
                db.session.rollback()
                answer = quiz.answer.data if asks_quiz else None
                return render_template(
                    "campaigns/locate.html",
                    checkpoint=checkpoint,
                    form=form,
                    answer=answer,
                    scan_form=scan_form,
                )
            if not form.validate_on_submit():
                abort(400)
            position = form.position()
            operations.check_geofence(checkpoint, position)
        card = operations.open_card(card, locale=current_language())
        operations.grant_stamp(card, checkpoint, now, code_id=target.code_id)
        if fenced and position is None:
            flag_no_location(card, checkpoint, now)
        created = True
    except operations.StampError as error:
        if error.code == "wrong_answer":
            db.session.rollback()
            return _quiz_page(checkpoint, quiz, scan_form, error=error, status=error.status)
        if not error.is_repeat:
            return _refused(error)
        created = False
    # Read before the commit: afterwards every attribute would be reloaded in a second
    # transaction (on SQLite, a second write lock).
    return show_stamp(checkpoint.campaign_id, checkpoint.id, created, card.key)


def _peek(token: str, now):
    """A HEAD of a stamp link: the answer a GET would start with, without a card or stamp."""
    try:
        campaign_id = operations.resolve_scan(token, now).checkpoint.campaign_id
    except operations.StampError as error:
        return _refused(error)
    db.session.rollback()
    return redirect(url_for(".card", campaign_id=campaign_id), 303)


def _refused(error: operations.StampError):
    db.session.rollback()
    return render_template("campaigns/refused.html", error=error), error.status


def _quiz_page(checkpoint, form, scan_form, error=None, status=200):
    return (
        render_template(
            "campaigns/quiz.html",
            checkpoint=checkpoint,
            form=form,
            error=error,
            scan_form=scan_form,
        ),
        status,
    )


@bp.get("/card")
def cards():
    """All campaigns the visitor's card holds stamps in."""
    card = card_from_cookie()
    campaigns = operations.campaigns_of_card(card) if card else []
    if len(campaigns) == 1:
        return redirect(url_for(".card", campaign_id=campaigns[0].id))
    return render_template(
        "campaigns/cards.html",
        campaigns=campaigns,
        open_campaigns=operations.open_campaigns(utcnow()),
    )


@bp.get("/card/<int:campaign_id>")
def card(campaign_id: int):
    """The stamp card of one campaign: progress, shops to visit, rewards within reach."""
    read_without_transaction()
    visitor = read_card(card_key_from_cookie(), campaign_id)
    sheet = campaign_sheet(campaign_id, visitor.revision)
    if sheet is None or sheet.campaign.state.value == "draft":
        abort(404)
    campaign = sheet.campaign
    card = visitor.card
    progress = operations.card_progress(card, campaign, sheet.rows, visitor.stamps)
    highlight = int_arg("new") or int_arg("again")
    highlighted = progress.stamps.get(highlight)
    is_new = "new" in request.args
    next_at = None
    if highlighted is not None and not is_new:
        next_at = operations.next_check_in(campaign, highlighted.created_at)
    places = place_rows(progress, sheet.place_texts(current_language()))
    tiers = progress.tiers()
    # Claims and lottery entries only show beside a reached tier: most cards have none yet.
    reached = any(row.reached for row in tiers)
    return render_template(
        "campaigns/card.html",
        progress=progress,
        places=places,
        groups=area_rows(progress, places),
        campaign=campaign,
        over=campaign.state.value == "ended" or campaign.ends_at <= utcnow(),
        # A signed cookie whose card is gone: moved to another phone, or taken back by a new
        # password of its account.
        moved="moved" in request.args or (card is None and card_key_from_cookie() is not None),
        card=card,
        highlighted=highlighted,
        is_new=is_new,
        next_at=next_at,
        questionnaire_done=bool(card and campaign.questions and questionnaire_done(card, campaign)),
        show_points=sheet.show_points,
        tiers=tiers,
        claims=claims_of_card(card, campaign.id) if reached and visitor.has_claims else {},
        lotteries=lotteries_on_card(card, campaign.id, sheet.lotteries) if reached else {},
        claim_form=ClaimForm(),
    )


def _staff_checkpoint(checkpoint_id: int) -> Checkpoint:
    """The checkpoint, if the logged-in user is the association or the store's merchant."""
    checkpoint = db.session.get(Checkpoint, checkpoint_id) or abort(404)
    if not (current_user.is_admin or checkpoint.owner_id == current_user.id):
        abort(403)
    return checkpoint


@bp.get("/checkpoints/<int:checkpoint_id>/qr.<fmt>")
@login_required
def checkpoint_qr(checkpoint_id: int, fmt: str):
    """The QR image of a checkpoint, for its merchant and the association."""
    checkpoint = _staff_checkpoint(checkpoint_id)
    if not checkpoint.is_open:
        abort(404)  # a suspended store: its code gives nothing
    url = stamp_url(checkpoint)
    if fmt == "png":
        return Response(qr_png(url), mimetype="image/png")
    if fmt == "svg":
        return Response(qr_svg(url), mimetype="image/svg+xml")
    abort(404)


@bp.get("/checkpoints/<int:checkpoint_id>/tablet")
@login_required
def tablet(checkpoint_id: int):
    """The counter tablet: a QR code that changes every 30 seconds.

    At the next step boundary ``tablet.js`` fetches the page again and swaps the code in
    place (a reload would send a screen reader back to the top and fold the PIN); without
    JavaScript a meta refresh in ``<noscript>`` reloads the page, so an old tablet left open
    overnight keeps going. The server's clock alone decides the step, so a tablet whose own
    clock is wrong still shows a valid code.
    """
    checkpoint = _staff_checkpoint(checkpoint_id)
    if not checkpoint.is_open:  # a suspended store: no code, looked at again every 5 minutes
        return render_template("store_suspended.html", checkpoint=checkpoint, recheck=300)
    now = utcnow()
    step = time_step(now)
    url = stamp_url(checkpoint, step=step)
    image = "data:image/svg+xml;base64," + base64.b64encode(qr_svg(url)).decode()
    refresh = max(1, math.ceil(seconds_left_in_step(now)))
    response = current_app.make_response(
        render_template(
            "campaigns/tablet.html", checkpoint=checkpoint, image=image, url=url, refresh=refresh
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response
