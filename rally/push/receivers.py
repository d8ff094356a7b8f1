"""The push room's answers to what the rooms below it announce."""

from flask import after_this_request, request

from rally.visitors.signals import logging_out, password_reset

from .device import DEVICE_COOKIE, device_of, forget_device
from .operations import forget_every_device, log_out_device

# The logout form's field the page's script (static/push.js) fills with this browser's
# endpoint, read from its PushManager before it unsubscribes.
ENDPOINT_FIELD = "push_endpoint"


@logging_out.connect
def _forget_this_device(visitor, **extra) -> None:
    """Logging out on a device ends its notifications for that account."""
    endpoint = request.form.get(ENDPOINT_FIELD)
    log_out_device(visitor, device_of(request.cookies), endpoint)
    if request.cookies.get(DEVICE_COOKIE):
        after_this_request(forget_device)


@password_reset.connect
def _forget_every_device(visitor, **extra) -> None:
    """A new password locks out a lost phone: its notifications end with its card key."""
    forget_every_device(visitor)
