"""The visitor's account: save the card, verify the address, log in on another phone."""

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_limiter.util import get_remote_address

from rally import passwords
from rally.cards.cookie import card_from_cookie, remember_card
from rally.cards.operations import stamp_total
from rally.extensions import db, limiter
from rally.i18n import _, current_language
from rally.utils import utcnow

from . import jobs, operations, signals
from .forms import (
    DeleteAccountForm,
    ForgotForm,
    ResetForm,
    SaveCardForm,
    SimpleForm,
    VisitorLoginForm,
)
from .session import current_visitor, log_in, log_out

bp = Blueprint("visitors", __name__, url_prefix="/me", template_folder="templates")


@bp.get("/")
def account():
    visitor = current_visitor()
    if visitor is None:
        return redirect(url_for(".login"))
    return render_template("visitors/account.html", visitor=visitor, form=SimpleForm())


def _signed_up(response) -> bool:
    return response.status_code == 303


@bp.route("/save", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
@limiter.limit(
    lambda: current_app.config["RALLY_SIGNUPS_PER_ADDRESS"],
    methods=["POST"],
    key_func=get_remote_address,
    deduct_when=_signed_up,
    scope="visitor-signups",
)
def save():
    """Save this phone's card to a new account (e-mail and password). An address makes
    at most ``RALLY_SIGNUPS_PER_ADDRESS`` accounts (only accounts made count)."""
    card = card_from_cookie()
    form = SaveCardForm()
    status = 200
    if card is not None and form.validate_on_submit():
        try:
            visitor = operations.save_card(
                card, form.email.data, form.password.data, current_language()
            )
        except operations.VisitorError as error:
            db.session.rollback()
            form.email.errors.append(error.message)
            status = error.status
        else:
            operations.send_verification(visitor)
            log_in(visitor)
            db.session.commit()  # the mail is queued with the account, sent by the worker
            flash(
                _("Your card is saved. Please open the link we sent to your e-mail."),
                "success",
            )
            return redirect(url_for(".account"), 303)
    elif form.errors:
        status = 400
    return render_template("visitors/save.html", form=form, card=card), status


@bp.get("/verify/<token>")
def verify(token: str):
    try:
        visitor = operations.verify_email(token, utcnow())
    except operations.VisitorError as error:
        db.session.rollback()
        return render_template("visitors/link_refused.html", error=error), error.status
    db.session.commit()
    flash(_("Thank you: your e-mail address is confirmed."), "success")
    # The link confirms the address; it does not log in. Whoever else opens it (a forwarded
    # mail, a mail scanner) gets no account, and nobody is logged in to someone else's.
    if current_visitor() is not visitor:
        return redirect(url_for(".login"), 303)
    return redirect(url_for(".account"), 303)


@bp.post("/resend")
@limiter.limit("5 per hour")
def resend():
    visitor = current_visitor()
    if visitor is None or not SimpleForm().validate_on_submit():
        return redirect(url_for(".login"))
    if not visitor.is_verified:
        operations.send_verification(visitor)
        db.session.commit()
        flash(_("We sent the link again."), "success")
    return redirect(url_for(".account"), 303)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def login():
    """Log in to an account: its card opens on this phone (never merged with another)."""
    current = card_from_cookie()
    form = VisitorLoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            visitor = operations.authenticate(form.email.data, form.password.data)
            card = operations.open_account_card(
                visitor, current, bool(stamp_total(current)), form.replace.data
            )
        except operations.VisitorError as error:
            db.session.rollback()
            form.password.errors.append(error.message)
            status = error.status
        else:
            db.session.commit()
            log_in(visitor)
            flash(_("You are logged in. Your card is on this phone."), "success")
            return remember_card(redirect(url_for("cardpage.cards"), 303), card)
    elif form.errors:
        status = 400
    return (
        render_template("visitors/login.html", form=form, current_stamps=stamp_total(current)),
        status,
    )


@bp.post("/logout")
def logout():
    if SimpleForm().validate_on_submit():
        visitor = current_visitor()
        if visitor is not None:
            # Still logged in: the rooms above let go of this device (Web Push).
            signals.logging_out.send(visitor)
        log_out()
        db.session.commit()
        flash(_("You are logged out."), "success")
    return redirect(url_for("cardpage.cards"), 303)


@bp.route("/delete", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def delete():
    """Delete the account (address and password), after its password; the card stays on
    this phone without them."""
    visitor = current_visitor()
    if visitor is None:
        return redirect(url_for(".login"))
    form = DeleteAccountForm()
    status = 200
    if form.validate_on_submit():
        try:
            operations.delete_account(visitor, form.password.data)
        except operations.VisitorError as error:
            db.session.rollback()
            form.password.errors.append(error.message)
            status = error.status
        else:
            db.session.commit()
            log_out()
            flash(
                _(
                    "Your account is deleted: we no longer hold your e-mail address or "
                    "password. Your card stays on this phone."
                ),
                "success",
            )
            return redirect(url_for("cardpage.cards"), 303)
    elif form.errors:
        status = 400
    entries = operations.open_lottery_entries(visitor)
    return render_template(
        "visitors/delete.html", form=form, visitor=visitor, entries=entries
    ), status


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
@limiter.limit(
    passwords.RESET_MAIL_LIMIT, methods=["POST"], key_func=passwords.address_limit_key("visitor")
)
def forgot_password():
    """Ask for a link that sets a new password; the answer does not say who has an account."""
    form = ForgotForm()
    if form.validate_on_submit():
        jobs.ask_password_reset(form.email.data, current_language())
        passwords.confirm_reset_asked(form.email.data)
        return redirect(url_for(".login"), 303)
    return render_template(
        "passwords/forgot.html", form=form, login_url=url_for(".login")
    ), 400 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def reset_password(token: str):
    """The link of the reset e-mail: choose a new password, then log in with it."""
    try:
        visitor = operations.visitor_from_reset_token(token)
    except operations.VisitorError as error:
        return passwords.link_refused(error, url_for(".forgot_password"))
    form = ResetForm()
    if form.validate_on_submit():
        try:
            operations.reset_password(token, form.password.data)
        except operations.VisitorError as error:
            db.session.rollback()
            return passwords.link_refused(error, url_for(".forgot_password"))
        db.session.commit()
        flash(_("Your new password is set. Please log in with it."), "success")
        return redirect(url_for(".login"), 303)
    return render_template(
        "passwords/reset.html", form=form, account=visitor
    ), 400 if form.errors else 200
