"""Browser fixtures: the app served on a free local port, and Debian's Chromium via Playwright.

The browser tests skip (saying why) only when ``/usr/bin/chromium`` is not installed;
``make test`` installs it as root through ``scripts/system-deps.sh``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--disable-quic",
               "--no-first-run"]


class ClosesResponses:
    """WSGI middleware: always close a response's iterable, even when the browser hangs up.

    Chromium cancels media requests mid-stream when it seeks; werkzeug's development server
    then drops the response without closing it, and the open media file surfaces later as a
    ResourceWarning in whatever test runs next. Production servers close it themselves.
    """

    def __init__(self, app) -> None:
        self.app = app

    def __call__(self, environ, start_response):
        iterable = self.app(environ, start_response)

        def body():
            try:
                yield from iterable
            finally:
                close = getattr(iterable, "close", None)
                if close is not None:
                    close()

        return body()


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The app (the ``app`` fixture: test database, inline jobs) on 127.0.0.1:<free port>."""
    server = make_server("127.0.0.1", 0, ClosesResponses(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):  # CI installs it (make test as root): missing is a failure
            pytest.fail(f"{CHROMIUM} is not installed on CI")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium, or make test "
                    "as root)")
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
