"""Running Rally: health and readiness (``health.py``), backup and restore (``backup.py``),
Prometheus metrics (``metrics.py``) and structured logs with a request id (``logs.py``)."""


def init_app(app) -> None:
    from . import logs, metrics
    from .views import bp

    logs.init_app(app)
    metrics.init_app(app)
    app.register_blueprint(bp)
