"""One page of a long list: every paged list of the site goes through :func:`paginate`, and
every page shows the ``pager`` macro of ``site/_macros.html``."""

from sqlalchemy import Select, func, select

from rally.extensions import db


def paginate(query: Select, page: int, per_page: int):
    """One page of ``query`` as a Flask-SQLAlchemy ``Pagination``.

    A page before the first is the first; a page after the last is the last (Django's
    ``Paginator.get_page``): a link that outlived its rows, e.g. the back office's return
    to page 3 after approving that page's last pending store, still shows a sensible page
    rather than "Page 99 of 2" over an empty list.

    :param query: a ``select`` with a total order, so no row shows on two pages.
    :param page: the page asked for (any integer).
    :param per_page: rows per page.
    """
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    last = max(-(-total // per_page), 1)
    pagination = db.paginate(
        query,
        page=min(max(page, 1), last),
        per_page=per_page,
        max_per_page=None,
        error_out=False,
        count=False,
    )
    pagination.total = total
    return pagination
