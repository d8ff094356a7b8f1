"""Domain errors raised by ``operations`` modules.

Each error carries a fixed, machine-readable ``code`` (tests and the API assert on it) and
the HTTP status a view should answer with. The message is a lazy translated string.
"""


class RallyError(Exception):
    """Base class of every refusal a visitor, merchant or organizer can meet."""

    status = 400

    def __init__(self, message, *, code: str, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        if status is not None:
            self.status = status


class StateError(RallyError):
    """An illegal state transition (approve a suspended store, publish an ended campaign)."""

    status = 409
