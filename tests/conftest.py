"""Fixtures for the whole suite.

The database is SQLite in a temporary folder, or the server named by
``COACHLAB_TEST_DATABASE_URL`` (the PostgreSQL pass of ``.ci/run``). Its schema comes
from the Alembic migrations, once per session; every test then gets empty tables.
"""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from coachlab import create_app
from coachlab.db import db
from tests.factories import PASSWORD, require_program

TEST_DATABASE_URL = os.environ.get("COACHLAB_TEST_DATABASE_URL")
TEST_REDIS_URL = os.environ.get("COACHLAB_TEST_REDIS_URL")


def base_config(database_url: str, root: Path, **overrides) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": database_url,
        "MEDIA_DIR": str(root / "media"),
        "UPLOAD_TMP_DIR": str(root / "upload-tmp"),
        "HUEY_FILE": str(root / "huey.sqlite"),
        "JOBS_IMMEDIATE": True,
        "MAX_UPLOAD_MB": 5,
        "MAX_DURATION_S": 600,
        # sign-in throttling: Redis in the Redis pass, counters of this app's own
        "RATELIMIT_STORAGE_URI": TEST_REDIS_URL or "memory://",
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        **overrides,
    }


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("database")
    url = TEST_DATABASE_URL or f"sqlite:///{root / 'test.sqlite'}"
    app = create_app(base_config(url, root))
    with app.app_context():
        _drop_everything()
        from flask_migrate import upgrade

        upgrade()
        db.engine.dispose()
    return url


def _drop_everything() -> None:
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
    else:
        meta = sa.MetaData()
        meta.reflect(db.engine)
        meta.drop_all(db.engine)


class Client(FlaskClient):
    """A test client that knows its CSRF token, since every form checks one."""

    def csrf_token(self) -> str:
        page = self.get("/login", follow_redirects=True).get_data(as_text=True)
        match = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
        assert match, "no CSRF token on the page"
        return match.group(1)

    def post_form(self, url: str, data: dict | None = None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        return self.post(url, data=data, **kwargs)


@pytest.fixture
def app_config(database_url: str, tmp_path: Path) -> dict:
    return base_config(database_url, tmp_path)


@pytest.fixture
def app(app_config: dict):
    app = create_app(app_config)
    app.test_client_class = Client
    with app.app_context():
        yield app
        db.session.remove()
        _empty_tables()
        db.engine.dispose()


def _empty_tables() -> None:
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def client(app: Flask) -> Client:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def login(client: Client):
    """``login(user)`` signs the client in as that user."""

    def sign_in(user, password: str = PASSWORD) -> Client:
        response = client.post_form("/login", {"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return sign_in


# --- Debian's Chromium via Playwright (one per session, for tests/browser and tests that drive
# the app as `make run` serves it) ---------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--disable-quic",
               "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    require_program(str(CHROMIUM), "apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(browser, request, tmp_path):
    """A fresh browser context and page; on failure a screenshot is saved in ``tmp_path``."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        yield page
    finally:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            shot = tmp_path / "failure.png"
            try:
                page.screenshot(path=str(shot), full_page=True)
                print(f"screenshot of the failure: {shot}")
            except Exception as exc:  # the page may be gone; the failure is what matters
                print(f"no screenshot: {exc!r}")
        context.close()


from tests.factories import *  # noqa: E402,F401,F403  (factory fixtures)


@pytest.fixture
def espeak() -> None:
    """espeak-ng for synthetic speech: without it a failure naming the install command
    (``require_program``)."""
    require_program("espeak-ng", "apt-get install -y espeak-ng")
