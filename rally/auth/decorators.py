"""Role checks for views. Roles are enforced on the server, whatever the page shows."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from .models import Role


def role_required(*roles: Role):
    """Let only logged-in users with one of ``roles`` in; others get 403 (anonymous: log-in)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


admin_required = role_required(Role.admin)
merchant_required = role_required(Role.merchant, Role.admin)
