"""The e-mails about an idea's change: one per recipient (author, supporters, followers),
each in the recipient's language, written and queued by one job after the change commits
(never one per reader inside the request): :func:`queue_change_mails` answers
``idea_changed``; the job :func:`send_change_mails` queues each message once, keyed by the
change and the recipient (rally.jobs delivers them, retried and never sent twice)."""

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale, format_percent
from sqlalchemy import select

from rally.extensions import db
from rally.i18n import _, recipient_language
from rally.jobs import deliver_mails, enqueue_on_commit, job, site_request_context
from rally.mail import Mail
from rally.visitors.models import Visitor

from .models import ChangeKind, IdeaChange, IdeaState
from .operations import audience
from .signals import idea_changed


def _idea_url(idea_id: int) -> str:
    """The idea's address, in a request or not (a command or a job sends these too)."""
    base = current_app.config["RALLY_BASE_URL"].rstrip("/")
    if has_request_context():
        return base + url_for("ideas.idea", idea_id=idea_id)
    with current_app.test_request_context("/"):
        return base + url_for("ideas.idea", idea_id=idea_id)


def _sentence(change: IdeaChange, title: str) -> str:
    """What happened, in the active language."""
    if change.kind is ChangeKind.answer:
        return _("The association answered the idea “%(title)s”", title=title)
    if change.kind is ChangeKind.progress:
        return _(
            "The idea “%(title)s” made progress: %(percent)s done",
            title=title,
            percent=format_percent((change.progress or 0) / 100),
        )
    state = change.new_state
    if state is IdeaState.evaluating:
        return _("The association is evaluating the idea “%(title)s”", title=title)
    if state is IdeaState.accepted:
        return _("The idea “%(title)s” was accepted", title=title)
    if state is IdeaState.not_adopted:
        return _("The idea “%(title)s” was not adopted", title=title)
    if state is IdeaState.in_progress:
        return _("The idea “%(title)s” is in progress", title=title)
    if state is IdeaState.done:
        return _("The idea “%(title)s” is done", title=title)
    if state is IdeaState.withdrawn:
        return _("The idea “%(title)s” was withdrawn by its author", title=title)
    return _("The idea “%(title)s” changed", title=title)


def change_mails(change: IdeaChange) -> list[tuple[Mail, int]]:
    """One message per recipient of ``change`` (see :func:`.operations.audience`), each
    written in the recipient's own language, with the recipient's visitor id."""
    idea = change.idea
    recipients = audience(change)
    if not recipients:
        return []
    visitors = db.session.scalars(
        select(Visitor).where(Visitor.id.in_(recipients)).order_by(Visitor.id)
    )
    url = _idea_url(idea.id)
    mails = []
    for visitor in visitors:
        if not visitor.is_verified:
            continue
        with force_locale(recipient_language(visitor.locale)):
            subject = _("Ideas for the town: “%(title)s”", title=idea.title)
            body = _sentence(change, idea.title)
            if change.kind is ChangeKind.answer or (
                change.kind is ChangeKind.state
                and idea.has_answer
                and change.new_state in (IdeaState.accepted, IdeaState.not_adopted)
            ):
                body += "\n\n" + _("The association's answer:") + "\n" + idea.answer
            body += "\n\n" + _("Read more: %(url)s", url=url)
            body += "\n\n" + _(
                "You receive this because you proposed, support or follow this idea. "
                "Unfollow or withdraw your support on its page to stop."
            )
        mails.append((Mail(visitor.email, subject, body), visitor.id))
    return mails


@idea_changed.connect
def queue_change_mails(change: IdeaChange, **extra) -> None:
    """Queue :func:`send_change_mails` for when the change commits (nothing if it rolls back)."""
    enqueue_on_commit(db.session, send_change_mails, change.id)


@job()
def send_change_mails(change_id: int) -> int:
    """Write the e-mails about one change and queue each once (keyed by change and
    recipient: this job run twice queues nothing more); how many were queued."""
    with site_request_context():
        change = db.session.get(IdeaChange, change_id)
        if change is None:
            return 0
        pairs = [
            (mail, f"idea-change:{change_id}:{visitor_id}", visitor_id)
            for mail, visitor_id in change_mails(change)
        ]
        queued = deliver_mails(pairs, batch=f"idea-change:{change_id}")
    db.session.commit()
    return queued
