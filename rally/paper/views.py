"""Paper cards: the association prints numbered batches; a visitor opens one on a phone."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for

from rally.auth.decorators import admin_required
from rally.cards.cookie import card_from_cookie, remember_card
from rally.cards.models import card_number, format_card_number
from rally.cards.operations import stamp_total
from rally.extensions import db
from rally.i18n import _
from rally.utils import int_arg

from . import operations, render
from .forms import PrintForm, ReplaceForm

bp = Blueprint("paper", __name__, template_folder="templates")


@bp.route("/admin/paper-cards", methods=["GET", "POST"])
@admin_required
def index():
    """Create a numbered batch of paper cards; the page then offers its PDF."""
    form = PrintForm()
    if form.validate_on_submit():
        cards = operations.create_paper_cards(form.number.data)
        first, last = cards[0].id, cards[-1].id
        db.session.commit()
        flash(_("%(num)d paper cards created.", num=len(cards)), "success")
        return redirect(url_for(".index", first=first, last=last), 303)
    first = int_arg("first")
    last = int_arg("last")
    batch = operations.paper_cards_between(first, last) if first and last else []
    return render_template(
        "paper/index.html",
        form=form,
        batch=batch,
        first=batch[0] if batch else None,
        last=batch[-1] if batch else None,
        printed=operations.printed_runs(),
        card_number=card_number,
        format_number=format_card_number,
    ), 400 if form.errors else 200


@bp.get("/admin/paper-cards/cards.pdf")
@admin_required
def cards_pdf():
    """The PDF of one batch (``first`` to ``last`` card id) for the print shop."""
    first = int_arg("first")
    last = int_arg("last")
    cards = operations.paper_cards_between(first, last) if first and last else []
    if not cards:
        abort(404)
    response = Response(render.paper_cards_pdf(cards), mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="paper-cards-{cards[0].id}-{cards[-1].id}.pdf"'
    )
    # Each card's QR opens that card: keep the file out of shared caches.
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/card/open/<token>", methods=["GET", "POST"])
def open_card(token: str):
    """The link in a paper card's QR: the paper card becomes this phone's card.

    A phone already holding another card with stamps asks first (cards are never merged);
    only a POST with the confirmation replaces it.
    """
    try:
        paper = operations.card_from_token(token)
    except operations.PaperCardError:
        abort(404)
    current = card_from_cookie()
    form = ReplaceForm()
    if operations.needs_confirmation(paper, current) and not form.validate_on_submit():
        return render_template(
            "paper/replace.html",
            form=form,
            number=paper.display_number,
            current_stamps=stamp_total(current),
        )
    if current is None or current.id != paper.id:
        flash(
            _(
                "Paper card No. %(number)s is on this phone now.",
                number=paper.display_number,
            ),
            "success",
        )
    return remember_card(redirect(url_for("cardpage.cards"), 303), paper)
