"""Browser fixtures: the app served on a free local port (Chromium itself: tests/conftest.py).

The browser tests fail, naming the install command, when ``/usr/bin/chromium`` is not
installed; ``make test`` installs it as root through ``scripts/system-deps.sh``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server


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
