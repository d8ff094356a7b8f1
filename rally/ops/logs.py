"""Logs: one line per request and a request id on every record, as text (development) or
JSON (``RALLY_LOG_FORMAT=json``), with e-mail addresses, card keys, tokens and passwords
masked before anything is written.

The request id is the caller's ``X-Request-ID`` when it looks like one (a proxy's or load
balancer's), else a new one; it goes back in the response's ``X-Request-ID`` header. A
request's line names its endpoint (``cardpage.card``), never its path or query: a card's
address or a scan's token stays out of the logs.
"""

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import g, has_request_context, request

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"\A[A-Za-z0-9._:-]{8,128}\Z")
request_logger = logging.getLogger("rally.requests")

# What never reaches a log, in the order they are masked.
_REDACTIONS = (
    # Query strings and form-like text: password=..., token=..., key=..., code=...
    (
        re.compile(
            r"(?i)\b([\w-]*(?:password|passwd|secret|token|key|code|session|auth)[\w-]*)"
            r"(\s*[=:]\s*)(\"[^\"]*\"|'[^']*'|[^\s&,;]+)"
        ),
        r"\1\2[redacted]",
    ),
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+"), r"\1 [redacted]"),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    # A scan link's token or a card page's key in a path.
    (re.compile(r"(/(?:s|card|c)/)[^\s/?#\"']+"), r"\1[redacted]"),
    # Any other long random string: card keys, signed tokens, session ids.
    (re.compile(r"\b[A-Za-z0-9_-]{24,}(?:\.[A-Za-z0-9_-]+)*"), "[redacted]"),
)


def redact(text: str) -> str:
    for pattern, replacement in _REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


def current_request_id() -> str:
    if has_request_context():
        return g.get("request_id") or "-"
    return "-"


class RequestIdFilter(logging.Filter):
    """Gives every record the request's id (``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


class RedactingFilter(logging.Filter):
    """Masks e-mail addresses, card keys, tokens and passwords in the message (its
    arguments included) and in the traceback, before any handler formats the record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        record.exc_info = None  # the masked text stands in for it
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id and the
    record's extra fields (a request's method, endpoint, status, duration_ms)."""

    FIELDS = ("method", "endpoint", "status", "duration_ms")

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        for name in self.FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is now (a test's capture, gunicorn's log)."""

    def emit(self, record):
        self.stream = sys.stderr
        super().emit(record)


def make_handler(log_format: str, stream=None) -> logging.Handler:
    handler = logging.StreamHandler(stream) if stream is not None else _StderrHandler()
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactingFilter())
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    handler.rally_handler = True
    return handler


def init_app(app) -> None:
    log_format = str(app.config.get("RALLY_LOG_FORMAT") or "text").lower()
    if log_format not in ("text", "json"):
        raise RuntimeError(f"RALLY_LOG_FORMAT must be 'text' or 'json', not {log_format!r}.")
    # Rally's loggers ("rally", "rally.database", ...) write through one handler; the
    # newest app's settings win (one app per process outside the tests).
    logger = logging.getLogger("rally")
    for old in [h for h in logger.handlers if getattr(h, "rally_handler", False)]:
        logger.removeHandler(old)
    logger.addHandler(make_handler(log_format))
    logger.setLevel(app.config.get("RALLY_LOG_LEVEL") or "INFO")
    log_requests = app.config.get("RALLY_LOG_REQUESTS", True)

    @app.before_request
    def _request_id():
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = offered if _VALID_REQUEST_ID.match(offered) else uuid.uuid4().hex
        g.rally_log_started = time.perf_counter()

    @app.after_request
    def _log_request(response):
        request_id = g.get("request_id")
        if request_id:
            response.headers[REQUEST_ID_HEADER] = request_id
        started = g.get("rally_log_started")
        if log_requests and started is not None:
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            endpoint = request.endpoint or "none"
            request_logger.info(
                "%s %s %s %.1f ms",
                request.method,
                endpoint,
                response.status_code,
                duration_ms,
                extra={
                    "method": request.method,
                    "endpoint": endpoint,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                },
            )
        return response
