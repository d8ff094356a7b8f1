"""Log-in and log-out, invitations sent by the association, passwords."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import (
    current_user,
    login_required,
    login_user,
    logout_user,
    user_logged_in,
)

from rally import passwords
from rally.extensions import db, limiter
from rally.i18n import _, current_language
from rally.utils import safe_next_url, utcnow

from . import jobs, operations
from .decorators import admin_required
from .forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    InvitationForm,
    LoginForm,
    ResetPasswordForm,
)
from .operations import AuthError, authenticate

bp = Blueprint("auth", __name__, url_prefix="/auth", template_folder="templates")

# Slow down password guessing and mass sign-ups; reading the pages is never limited.
FORM_LIMIT = "20 per 10 minutes"


def _home_endpoint() -> str:
    if not current_user.is_authenticated:
        return "site.home"
    return "admin.index" if current_user.is_admin else "stores.merchant_home"


# A merchant's or the association's log-in lasts while the browser is open: a session that
# holds one is never permanent, whatever made it so (a visitor's own account on the same
# phone, which keeps its log-in for a year; a session from before this rule).
@user_logged_in.connect
def _staff_log_in_ends_with_the_browser(app, user, **extra):
    session.permanent = False


@bp.before_app_request
def _staff_session_ends_with_the_browser():
    if session.permanent and current_user.is_authenticated:
        session.permanent = False


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(FORM_LIMIT, methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(form.email.data, form.password.data)
        except AuthError as error:
            form.password.errors.append(error.message)
        else:
            login_user(user)
            db.session.commit()
            flash(_("You are logged in."), "success")
            return redirect(safe_next_url(request.args.get("next"), _home_endpoint()), 303)
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash(_("You are logged out."), "success")
    return redirect(url_for("site.home"), 303)


@bp.route("/invitations", methods=["GET", "POST"])
@admin_required
def invitations():
    """The association invites a merchant: the link is shown once, to copy into an e-mail."""
    form = InvitationForm()
    link = None
    status = 200
    if form.validate_on_submit():
        try:
            _, token = operations.create_invitation(form.email.data, current_user, utcnow())
        except AuthError as error:
            form.email.errors.append(error.message)
            status = error.status
        else:
            db.session.commit()
            # The public address, as on posters: the admin may be on an internal host name.
            link = current_app.config["RALLY_BASE_URL"].rstrip("/") + url_for(
                "auth.accept_invitation", token=token
            )
            form = InvitationForm(formdata=None)
    elif form.errors:
        status = 400
    return render_template(
        "auth/invitations.html",
        form=form,
        link=link,
        invitations=operations.recent_invitations(),
        now=utcnow(),
    ), status


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@limiter.limit(FORM_LIMIT, methods=["POST"])
def accept_invitation(token: str):
    """The invited merchant chooses a name and a password; the link then stops working."""
    try:
        invitation = operations.find_invitation(token, utcnow())
    except AuthError as error:
        return render_template("auth/invitation_refused.html", message=error.message), error.status
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            user = operations.accept_invitation(token, form.name.data, form.password.data, utcnow())
        except AuthError as error:
            db.session.rollback()
            if error.code == "email_taken":
                form.name.errors.append(error.message)
            else:
                return render_template(
                    "auth/invitation_refused.html", message=error.message
                ), error.status
        else:
            db.session.commit()
            login_user(user)
            flash(_("Welcome! Your merchant account is ready."), "success")
            return redirect(url_for("stores.merchant_home"), 303)
    return render_template(
        "auth/invitation_accept.html", form=form, invitation=invitation
    ), 400 if form.errors else 200


@bp.route("/password", methods=["GET", "POST"])
@login_required
@limiter.limit(FORM_LIMIT, methods=["POST"])
def change_password():
    """A logged-in merchant or administrator changes their password."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            operations.change_password(current_user, form.current.data, form.password.data)
        except AuthError as error:
            db.session.rollback()
            form.current.errors.append(error.message)
        else:
            db.session.commit()
            # This log-in now carries the new password's stamp; the others no longer match.
            login_user(current_user._get_current_object())
            flash(_("Your password has been changed. Your other log-ins have ended."), "success")
            return redirect(url_for(_home_endpoint()), 303)
    return render_template("auth/password_change.html", form=form), 400 if form.errors else 200


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(FORM_LIMIT, methods=["POST"])
@limiter.limit(
    passwords.RESET_MAIL_LIMIT, methods=["POST"], key_func=passwords.address_limit_key("staff")
)
def forgot_password():
    """Ask for a link that sets a new password; the answer does not say who has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        jobs.ask_password_reset(form.email.data, current_language())
        passwords.confirm_reset_asked(form.email.data)
        return redirect(url_for("auth.login"), 303)
    return render_template(
        "passwords/forgot.html", form=form, login_url=url_for("auth.login")
    ), 400 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(FORM_LIMIT, methods=["POST"])
def reset_password(token: str):
    """The link of the reset e-mail: choose a new password, then log in with it."""
    try:
        user = operations.user_from_reset_token(token)
    except AuthError as error:
        return passwords.link_refused(error, url_for("auth.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            operations.reset_password(token, form.password.data)
        except AuthError as error:
            db.session.rollback()
            return passwords.link_refused(error, url_for("auth.forgot_password"))
        db.session.commit()
        if current_user.is_authenticated:
            logout_user()  # whoever was logged in on this browser: log in again, knowingly
        flash(_("Your new password is set. Please log in with it."), "success")
        return redirect(url_for("auth.login"), 303)
    return render_template(
        "passwords/reset.html", form=form, account=user
    ), 400 if form.errors else 200
