"""A/B variant for ``bench/ab.py``: Rally without the writers queue of ``rally/database.py``.

Writes still take ``BEGIN IMMEDIATE``; waiting writers rely on SQLite's busy handler alone
(as before the queue). ``python bench/ab.py rally_wsgi variant_noqueue``.
"""

import rally.database

rally.database.writer_queue = lambda path: None

from rally_wsgi import app  # noqa: E402,F401
