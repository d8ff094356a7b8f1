"""A/B variant for ``bench/ab.py``: scans in a deferred transaction, retried when locked.

The alternative to ``BEGIN IMMEDIATE`` that bench/README.md measured and rejected: the scan
reads under a plain ``BEGIN``, upgrades at its first ``INSERT``, and the whole view is run
again (up to 20 times) when SQLite refuses the upgrade.
``python bench/ab.py rally_wsgi variant_deferred``.
"""

from rally_wsgi import app
from sqlalchemy.exc import OperationalError

from rally.extensions import db

view = app.view_functions["stamping.scan"]


def retrying(*args, **kwargs):
    for _attempt in range(20):
        try:
            return view(*args, **kwargs)
        except OperationalError as error:
            if "locked" not in str(error):
                raise
            db.session.rollback()
    return view(*args, **kwargs)


# rally.database marks a request as writing by the view's ``rally_writes``: not this one.
app.view_functions["stamping.scan"] = retrying
