"""``/healthz``, ``/readyz`` and ``/metrics``: no log-in, no session, no rate limit, never
cached."""

from flask import Blueprint, jsonify

from rally.extensions import csrf, limiter

from . import health, metrics

bp = Blueprint("ops", __name__)
csrf.exempt(bp)
limiter.exempt(bp)


def _uncached(response, status: int = 200):
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz():
    """The process answers: no database, no other service."""
    return _uncached(jsonify(status="ok"))


@bp.get("/readyz")
def readyz():
    """The database answers, its schema is at head, and every further check passes."""
    ready, checks = health.readiness()
    body = jsonify(status="ok" if ready else "unavailable", checks=checks)
    return _uncached(body, 200 if ready else 503)


@bp.get("/metrics")
def metrics_page():
    """Prometheus' scrape: with the bearer token, or from an allowed address."""
    if not metrics.may_scrape():
        return _uncached(jsonify(status="forbidden"), 403)
    return _uncached(metrics.exposition())
