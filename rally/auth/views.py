"""Log-in and log-out."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required, login_user, logout_user

from rally.extensions import db
from rally.i18n import _
from rally.utils import safe_next_url

from .forms import LoginForm
from .operations import AuthError, authenticate

bp = Blueprint("auth", __name__, url_prefix="/auth", template_folder="templates")


@bp.route("/login", methods=["GET", "POST"])
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
            return redirect(safe_next_url(request.args.get("next")), 303)
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash(_("You are logged out."), "success")
    return redirect(url_for("site.home"), 303)
