"""Store pages and files, merchants' own sign-up, and the merchant area (own stores,
profile, photo)."""

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_user

from rally.auth.decorators import merchant_required
from rally.auth.operations import AuthError
from rally.auth.views import FORM_LIMIT
from rally.extensions import db, limiter
from rally.i18n import _

from . import operations
from .forms import PhotoForm, SignupForm, StoreProfileForm
from .models import Store
from .photos import (
    PhotoError,
    commit_replacing_file,
    delete_photo,
    send_photo,
    too_large_message,
)

bp = Blueprint("stores", __name__, template_folder="templates")


@bp.get("/stores/<int:store_id>/photo")
def photo(store_id: int):
    """A store's photo (re-encoded JPEG written by the upload operation)."""
    store = db.session.get(Store, store_id)
    if store is None or not store.photo_filename:
        abort(404)
    if not operations.photo_visible_to(current_user, store):
        abort(404)
    response = send_photo(store.photo_filename)
    if not store.is_approved:  # an editor's look: no shared cache keeps it
        response.cache_control.public = False
        response.cache_control.private = True
    return response


@bp.errorhandler(413)
def upload_too_large(error):
    """A body over ``MAX_CONTENT_LENGTH`` is cut off by Werkzeug before our own size check."""
    # The sign-up form has no file: it keeps the site's own words.
    message = _("What you sent is too large.") if request.endpoint == "stores.signup" else None
    return render_template("error.html", status=413, message=message or too_large_message()), 413


def _editable_store(store_id: int) -> Store:
    try:
        return operations.store_for_editing(store_id, current_user)
    except operations.StoreError as error:
        abort(error.status)


@bp.route("/auth/signup", methods=["GET", "POST"])
@limiter.limit(FORM_LIMIT, methods=["POST"])
def signup():
    """A merchant registers themselves and their first store, which waits for approval."""
    if current_user.is_authenticated:
        return redirect(url_for(".new_store"), 303)
    form = SignupForm()
    if form.validate_on_submit():
        try:
            user = operations.sign_up(
                form.email.data, form.name.data, form.password.data, form.to_input()
            )
        except AuthError as error:
            db.session.rollback()
            form.email.errors.append(error.message)
        else:
            db.session.commit()
            login_user(user)
            flash(
                _("Your account is ready. The association will check your store soon."),
                "success",
            )
            return redirect(url_for(".merchant_home"), 303)
    return render_template("stores/merchant/signup.html", form=form), 400 if form.errors else 200


@bp.get("/merchant/")
@merchant_required
def merchant_home():
    return render_template("stores/merchant/index.html", stores=operations.stores_of(current_user))


@bp.route("/merchant/stores/new", methods=["GET", "POST"])
@merchant_required
def new_store():
    form = StoreProfileForm()
    if form.validate_on_submit():
        store = operations.register_store(current_user, form.to_input())
        db.session.commit()
        flash(
            _(
                "“%(name)s” is registered and waits for the association's approval.",
                name=store.tr("name"),
            ),
            "success",
        )
        return redirect(url_for(".merchant_home"), 303)
    return render_template(
        "stores/merchant/edit.html", form=form, store=None
    ), 400 if form.errors else 200


@bp.route("/merchant/stores/<int:store_id>/edit", methods=["GET", "POST"])
@merchant_required
def edit_store(store_id: int):
    store = _editable_store(store_id)
    form = StoreProfileForm(obj=store)
    status = 200
    if form.validate_on_submit():
        try:
            operations.update_profile(store, form.to_input())
        except operations.StoreError as error:
            db.session.rollback()
            form.area_id.errors.append(error.message)
            status = error.status
        else:
            db.session.commit()
            flash(_("The profile of “%(name)s” is saved.", name=store.tr("name")), "success")
            return redirect(url_for(".merchant_home"), 303)
    elif form.errors:
        status = 400
    return render_template("stores/merchant/edit.html", form=form, store=store), status


@bp.route("/merchant/stores/<int:store_id>/photo", methods=["GET", "POST"])
@merchant_required
def edit_photo(store_id: int):
    store = _editable_store(store_id)
    form = PhotoForm()
    status = 200
    if form.validate_on_submit():
        try:
            old = operations.replace_photo(store, form.photo.data.stream)
        except PhotoError as error:
            db.session.rollback()
            form.photo.errors.append(error.message)
            status = error.status
        else:
            commit_replacing_file(old, store.photo_filename, delete_photo)
            flash(_("The photo of “%(name)s” is saved.", name=store.tr("name")), "success")
            return redirect(url_for(".edit_photo", store_id=store.id), 303)
    elif form.errors:
        status = 400
    return render_template("stores/merchant/photo.html", form=form, store=store), status
