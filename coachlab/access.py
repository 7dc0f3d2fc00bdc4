"""Route guards. Anything a user may not see answers 404, so nothing leaks that it exists."""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import abort
from flask_login import current_user, login_required

from coachlab.auth.models import Role


def roles_required(*roles: Role) -> Callable:
    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        @login_required
        def guarded(*args, **kwargs):
            if current_user.role not in roles:
                abort(404)
            return view(*args, **kwargs)

        return guarded

    return decorator


admin_required = roles_required(Role.ADMIN)
