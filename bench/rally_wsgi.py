"""The real Rally app as gunicorn serves it for the scan benchmark.

Configured from the environment by ``bench/run.py``: ``BENCH_DATABASE_URL`` and
``BENCH_SECRET_KEY``. Rate limits and the minimum interval between stamps are off, so every
request of the load generator is a real scan that writes a new card and a new stamp.
"""

import os

from rally import create_app

app = create_app(
    {
        "SECRET_KEY": os.environ["BENCH_SECRET_KEY"],
        "SQLALCHEMY_DATABASE_URI": os.environ["BENCH_DATABASE_URL"],
        "RALLY_BASE_URL": "http://127.0.0.1",
        "RATELIMIT_ENABLED": False,
        "RALLY_MIN_STAMP_INTERVAL": 0,
    }
)
