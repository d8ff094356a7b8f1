"""One page of a long list: every paged list of the site goes through :func:`paginate`, and
every page shows the ``pager`` macro of ``site/_macros.html``."""

from flask_sqlalchemy.pagination import Pagination
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


class _ListPagination(Pagination):
    def _query_items(self) -> list:
        start = self._query_offset
        return self._query_args["rows"][start : start + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["rows"])


def paginate_list(rows: list, page: int, per_page: int) -> Pagination:
    """One page of ``rows``, a list already in its order (the ids a search found, say), as
    :func:`paginate` pages a query: a page out of range is the first or the last."""
    last = max(-(-len(rows) // per_page), 1)
    return _ListPagination(
        page=min(max(page, 1), last),
        per_page=per_page,
        max_per_page=None,
        error_out=False,
        rows=rows,
    )
