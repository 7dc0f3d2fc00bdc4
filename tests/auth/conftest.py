"""Fixtures for tests that play several browsers at once."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from coachlab.auth.models import Role


class SeparateRequests(FlaskClient):
    """Each request gets an app context (and ``g``) of its own, as in a real server.

    The ``app`` fixture keeps one app context pushed, which requests would otherwise share,
    and with it ``g``'s cached user and CSRF token: one client's sign-in would show through
    in the next client's request.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
            response.get_data()
            return response


@pytest.fixture
def separate_requests(app):
    """Use in tests with more than one client: their requests share no ``g``."""
    base = app.test_client_class or FlaskClient

    class Client(SeparateRequests, base):
        pass

    app.test_client_class = Client
    return app


@pytest.fixture
def admin_client(client, login, make_user):
    """The test client, signed in as an admin."""
    login(make_user(Role.ADMIN, name="Ada Admin"))
    return client
