"""The job queue (Huey): everything that sends goes through it, off the request.

* :data:`huey`: the configured Huey instance (``create_app`` calls :func:`init_app`);
* :func:`job`: declares a task that runs in an app context of its own;
* :func:`enqueue_on_commit`: queue a task when the request's transaction commits;
* :func:`deliver_mail` / :func:`deliver_mails`: one message per idempotency key, retried
  with back-off and shown on /admin/jobs when it finally fails (``deliveries``);
* :func:`site_request_context`: a request at the site's own address, for jobs that build
  links (``url_for``) the way the site's pages would.

``flask --app rally jobs worker`` runs the consumer (see README's deployment section).
"""

from flask import current_app

from .deliveries import deliver_mail, deliver_mails, queue_delivery, register_channel
from .queue import enqueue_on_commit, huey, init_app, job


def site_request_context():
    """A request context at ``RALLY_BASE_URL``: links a job writes point at the site."""
    return current_app.test_request_context("/", base_url=current_app.config["RALLY_BASE_URL"])


__all__ = [
    "deliver_mail",
    "deliver_mails",
    "enqueue_on_commit",
    "huey",
    "init_app",
    "job",
    "queue_delivery",
    "register_channel",
    "site_request_context",
]
