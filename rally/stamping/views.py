"""The URL inside every shop's QR code: a scan becomes a stamp, then the card opens."""

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from rally.cards.cookie import card_limit_key, show_stamp
from rally.database import writes
from rally.extensions import db, limiter
from rally.i18n.content import request_language
from rally.utils import utcnow

from .operations import StampError, resolve_scan
from .scan import AskLocation, AskQuiz, perform_scan

bp = Blueprint("stamping", __name__, template_folder="templates")


@bp.route("/s/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RALLY_SCAN_LIMIT_PER_ADDRESS"])
@limiter.limit(lambda: current_app.config["RALLY_SCAN_LIMIT_PER_CARD"], key_func=card_limit_key)
@writes
def scan(token: str):
    """Give the stamp, then show the card; or ask the quiz or the phone's location first.

    HEAD (link checkers, previews) says where the link leads and gives nothing.
    """
    now = utcnow()
    try:
        if request.method == "HEAD":
            campaign_id = resolve_scan(token, now).checkpoint.campaign_id
            db.session.rollback()
            return redirect(url_for("cardpage.card", campaign_id=campaign_id), 303)
        outcome = perform_scan(token, now, request_language(), posted=request.method == "POST")
    except StampError as error:
        db.session.rollback()
        return render_template("stamping/refused.html", error=error), error.status
    if isinstance(outcome, AskQuiz | AskLocation):
        db.session.rollback()
        return ask_page(outcome)
    return show_stamp(outcome.campaign_id, outcome.checkpoint_id, outcome.created, outcome.card_key)


def ask_page(outcome: AskQuiz | AskLocation):
    """The quiz or location page a scan asks for before the stamp."""
    if isinstance(outcome, AskQuiz):
        page = render_template(
            "stamping/quiz.html",
            checkpoint=outcome.checkpoint,
            form=outcome.form,
            error=outcome.error,
            scan_form=outcome.scan_form,
        )
        return page, outcome.status
    return render_template(
        "stamping/locate.html",
        checkpoint=outcome.checkpoint,
        form=outcome.form,
        answer=outcome.answer,
        scan_form=outcome.scan_form,
    )
