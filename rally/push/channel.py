"""Web Push as a channel of the job queue: a message to one device is a delivery (channel
``"push"``, payload ``{"subscription": id, "message": {...}, "urgent": bool}``), sent by
:func:`rally.push.operations.send_push` from a worker, retried with back-off when the push
service asks to come back later, never sent twice (the delivery's key decides), and shown
to admins when it finally fails. :func:`queue_push` queues one resident's devices."""

from rally.jobs import queue_delivery, register_channel

from .operations import FAILED, GONE, RETRY, push_to, send_push

PUSH = "push"


class PushLater(OSError):
    """The push service asked us to come back later (429, 5xx, no answer): the queue
    retries with back-off (an ``OSError`` counts as temporary)."""


class PushRefused(RuntimeError):
    """The push service refused the message for good, or the device is gone."""


def _send_push_payload(payload: dict) -> None:
    outcome = send_push(
        int(payload["subscription"]), payload["message"], urgent=bool(payload.get("urgent"))
    )
    if outcome == RETRY:
        raise PushLater("the push service asked to try again later")
    if outcome in (FAILED, GONE):
        raise PushRefused(f"push {outcome}")


register_channel(PUSH, _send_push_payload)


def queue_push(
    visitor_id: int,
    message: dict,
    key: str,
    *,
    urgent: bool = False,
    batch: str | None = None,
) -> list[int]:
    """Queue ``message`` (already in the resident's language) to each of the resident's
    devices, once per ``key`` and device, for when the session commits; the devices' ids."""

    def enqueue(subscription_id: int, payload: dict) -> None:
        queue_delivery(
            f"{key}:{subscription_id}",
            PUSH,
            {"subscription": subscription_id, "message": payload, "urgent": urgent},
            visitor_id=visitor_id,
            batch=batch,
        )

    return push_to(visitor_id, message, send=enqueue)
