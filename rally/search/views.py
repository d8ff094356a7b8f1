"""The search page: /circles/search?q=..."""

from flask import Blueprint, render_template, request
from flask_login import current_user

from rally.circles.operations import Actor
from rally.extensions import limiter
from rally.visitors.session import current_visitor

from .operations import QUERY_MAX, SearchError, SearchInput, search_posts

bp = Blueprint("search", __name__, template_folder="templates")
# The form's limit, on every page that includes search/_form.html (the circles' list too).
bp.add_app_template_global(QUERY_MAX, "search_query_max")


def _actor() -> Actor:
    staff = bool(getattr(current_user, "is_authenticated", False))
    return Actor(
        visitor=current_visitor(),
        is_admin=staff and current_user.is_admin,
        user_id=current_user.id if staff else None,
    )


@bp.get("/circles/search")
@limiter.limit("120 per minute")
def posts():
    query = request.args.get("q", "")
    try:
        results = search_posts(
            SearchInput(query=query, page=request.args.get("page", 1, type=int)), _actor()
        )
    except SearchError as error:
        return render_template(
            "search/posts.html",
            query=query,
            results=None,
            error=error.message,
            noindex=True,
        ), error.status
    return render_template(
        "search/posts.html",
        query=results.query,
        results=results,
        error=None,
        noindex=True,
    )
