"""Tourist spots, the district map, and the association's spot pages."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    url_for,
)

from rally.auth.decorators import admin_required
from rally.extensions import db
from rally.headers import content_security_policy
from rally.i18n import _, _l
from rally.stores import search
from rally.stores.search import TAG_LABELS
from rally.utils import confirmation_page, int_arg

from . import operations
from .forms import SpotForm
from .models import Spot
from .photos import delete_spot_photo, send_spot_photo

bp = Blueprint(
    "spots", __name__, template_folder="templates", static_folder="static",
    static_url_path="/spots/static",
)  # fmt: skip

DEFAULT_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
DEFAULT_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)
# Centre of the map when nothing has coordinates yet: Mitaka station.
DEFAULT_CENTER = (35.7027, 139.5606)
SPOTS_PER_PAGE = 20


def map_tiles() -> str:
    """The Leaflet URL template of the map's images (``RALLY_MAP_TILES``)."""
    return current_app.config.get("RALLY_MAP_TILES") or DEFAULT_TILES


def map_tiles_host() -> str:
    """The host the map's images come from: named to visitors before they open the map
    (a Leaflet ``{s}.`` subdomain placeholder left out)."""
    host = urlsplit(map_tiles()).hostname or ""
    return host.removeprefix("{s}.")


# Leaflet's default subdomains for a ``{s}`` in the tile URL (map.js sets none of its own).
TILE_SUBDOMAINS = "abc"


def map_tiles_sources() -> tuple[str, ...]:
    """Where the map's images come from, as Content-Security-Policy sources: the scheme,
    host and port of ``RALLY_MAP_TILES``, one per subdomain when the host has ``{s}``.
    Empty when the tiles come from the app itself (a template without a host)."""
    parts = urlsplit(map_tiles())
    host = parts.netloc.rpartition("@")[2]
    if not host:
        return ()
    prefix = f"{parts.scheme}://" if parts.scheme else ""
    hosts = [host.replace("{s}", s) for s in TILE_SUBDOMAINS] if "{s}" in host else [host]
    if any("{" in name for name in hosts):
        return (f"{parts.scheme or 'https'}:",)  # another placeholder: no narrower source
    return tuple(prefix + name for name in hosts)


@bp.get("/spots")
def index():
    return render_template("spots/index.html", spots=operations.public_spots())


@bp.get("/spots/<int:spot_id>")
def spot(spot_id: int):
    spot = operations.public_spot(spot_id) or abort(404)
    return render_template("spots/spot.html", spot=spot)


@bp.get("/spots/<int:spot_id>/photo")
def photo(spot_id: int):
    """A published spot's picture (a normalised JPEG, as a store's photo)."""
    spot = operations.public_spot(spot_id)
    if spot is None or not spot.photo_filename:
        abort(404)
    return send_spot_photo(spot.photo_filename)


@bp.get("/map", endpoint="map")
def district_map():
    """Stores and spots as a list that works without JavaScript; the map opens on request.

    Tiles come from ``RALLY_MAP_TILES`` (a Leaflet URL template) with
    ``RALLY_MAP_ATTRIBUTION``; nothing is fetched from the tile host until the visitor
    opens the map.
    """
    places = [
        {"id": f"store-{store.id}", "item": store, "kind": store.category.label,
         "url": url_for("directory.store", store_id=store.id), "type": "store"}
        for store in search.mapped_stores()
    ] + [
        {"id": f"spot-{spot.id}", "item": spot, "kind": spot.kind.label,
         "url": url_for(".spot", spot_id=spot.id), "type": "spot"}
        for spot in operations.public_spots()
        if spot.latitude is not None and spot.longitude is not None
    ]  # fmt: skip
    return map_page("spots/map.html", places, tag_labels=TAG_LABELS)


def map_page(template: str, places: list[dict], **context):
    """A page showing ``places`` with ``spots/_map.html``: the tiles' settings, and a
    Content-Security-Policy that lets only map pages load the tiles (the privacy page says
    so)."""
    page = render_template(
        template,
        places=places,
        tiles=map_tiles(),
        tiles_host=map_tiles_host(),
        attribution=current_app.config.get("RALLY_MAP_ATTRIBUTION", DEFAULT_ATTRIBUTION),
        center=current_app.config.get("RALLY_MAP_CENTER", DEFAULT_CENTER),
        **context,
    )
    response = make_response(page)
    policy = content_security_policy(img_sources=map_tiles_sources())
    response.headers["Content-Security-Policy"] = policy
    return response


# The association's pages ----------------------------------------------------------------


@bp.get("/manage/spots")
@admin_required
def manage():
    spots = operations.spots_page(int_arg("page", 1), SPOTS_PER_PAGE)
    return render_template("spots/manage.html", spots=spots)


@bp.route("/manage/spots/new", methods=["GET", "POST"])
@bp.route("/manage/spots/<int:spot_id>/edit", methods=["GET", "POST"])
@admin_required
def edit(spot_id: int | None = None):
    spot = (db.session.get(Spot, spot_id) or abort(404)) if spot_id else None
    form = SpotForm(obj=spot)
    if form.validate_on_submit():
        try:
            operations.save_spot(form.to_input(), spot)
        except operations.SpotError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for(".manage"), 303)
    status = 400 if form.errors else 200
    return render_template(
        "news/manage/form.html",
        form=form,
        title=_l("Edit spot") if spot else _l("New spot"),
        cancel_url=url_for(".manage"),
    ), status


@bp.post("/manage/spots/<int:spot_id>/delete")
@admin_required
def delete(spot_id: int):
    spot = db.session.get(Spot, spot_id) or abort(404)
    question = _("Delete “%(title)s”? This cannot be undone.", title=spot.tr("name"))
    asked = confirmation_page(question, url_for(".manage"))
    if asked is not None:
        return asked
    picture = spot.photo_filename
    try:
        operations.delete_spot(spot)
    except operations.SpotError as error:
        db.session.rollback()
        flash(error.message, "error")
        spots = operations.spots_page(int_arg("page", 1), SPOTS_PER_PAGE)
        return render_template("spots/manage.html", spots=spots), error.status
    db.session.commit()
    delete_spot_photo(picture)
    flash(_("Deleted."), "success")
    return redirect(url_for(".manage"), 303)
