"""HTTP-level protections (issue 9): body limits, security headers, escaped script data."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from coachlab.auth.models import Role
from coachlab.db import db
from microskills import service as microskills
from microskills.models import Microskill

MB = 1024 * 1024


class CountingBody(io.RawIOBase):
    """A request body of ``size`` bytes that counts how many of them the server read."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.position = 0
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:  # the test client rewinds its input before the request
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = base + offset
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer) -> int:
        n = max(0, min(len(buffer), self.size - self.position))
        buffer[:n] = b"x" * n
        self.position += n
        self.read_bytes += n
        return n


def post_body(client, url: str, size: int, *, content_type="multipart/form-data; boundary=b"):
    body = CountingBody(size)
    response = client.post(url, input_stream=body, content_length=size,
                           content_type=content_type)
    return response, body


def files_in(folder: str) -> list[Path]:
    path = Path(folder)
    return [p for p in path.rglob("*") if p.is_file()] if path.exists() else []


def test_anonymous_upload_is_refused_before_its_body_is_read(app, client):
    # under the upload limit (5 MB x 20 files in the tests), as 300 MB is under a real one
    response, body = post_body(client, "/recordings/upload", 50 * MB)
    assert response.status_code in (302, 401, 413)
    assert body.read_bytes == 0
    assert files_in(app.config["UPLOAD_TMP_DIR"]) == []


def test_a_large_anonymous_sign_in_is_refused_before_its_body_is_read(client):
    response, body = post_body(client, "/login", 50 * MB,
                               content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert body.read_bytes == 0


def test_anonymous_posts_elsewhere_go_to_sign_in_unread(client):
    response, body = post_body(client, "/clips/1/comments", 10 * MB)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert body.read_bytes == 0


def test_signed_in_bodies_have_the_small_limit_except_uploads(app, client, login, make_user):
    login(make_user(Role.ADVISOR))
    response, body = post_body(client, "/clips/1/comments", 2 * MB)
    assert response.status_code == 413 and body.read_bytes == 0
    # the upload route takes per-file limit x files allowed (5 MB x 20 in the tests)
    assert app.config["MAX_CONTENT_LENGTH"] >= 5 * MB * app.config["MAX_FILES_PER_UPLOAD"]
    response, body = post_body(client, "/recordings/upload", app.config["MAX_CONTENT_LENGTH"] + 1)
    assert response.status_code == 413 and body.read_bytes == 0
    _, body = post_body(client, "/recordings/upload", 2 * MB)
    assert body.read_bytes > 0  # over the small limit, under the upload's: it is read


def test_a_chunked_body_is_cut_off_at_the_limit(client):
    body = CountingBody(50 * MB)
    response = client.post("/login", input_stream=body,
                           content_type="application/x-www-form-urlencoded",
                           environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 413
    assert body.read_bytes <= 2 * MB


@pytest.mark.parametrize("url", ["/login", "/recordings/", "/static/css/app.css", "/nowhere"])
def test_security_headers_on_every_response(client, login, make_user, url):
    login(make_user(Role.ADVISOR))
    with client.get(url) as response:
        headers = response.headers
    csp = headers["Content-Security-Policy"]
    policy = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert policy["default-src"] == "'self'" and policy["script-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in ("same-origin", "strict-origin-when-cross-origin")


def test_style_nonce_is_fresh_per_page_and_in_the_policy(client):
    first, second = client.get("/login"), client.get("/login")
    nonces = []
    for page in (first, second):
        html = page.get_data(as_text=True)
        nonce = html.split('<meta name="csp-nonce" content="')[1].split('"')[0]
        assert f"'nonce-{nonce}'" in page.headers["Content-Security-Policy"]
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_templates_have_no_inline_scripts_or_style_attributes():
    root = Path(__file__).resolve().parents[1]
    offenders = []
    for template in root.glob("*/**/templates/**/*.html"):
        if ".venv" in template.parts:
            continue
        text = template.read_text()
        for needle in (" style=", " onclick=", " onchange=", " onsubmit=", " onload=",
                       "javascript:"):
            if needle in text:
                offenders.append(f"{template.relative_to(root)}: {needle.strip()}")
        for chunk in text.split("<script")[1:]:
            tag = chunk.split(">", 1)[0]
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{template.relative_to(root)}: inline <script>")
    assert offenders == []


PAYLOAD = "x</script><script>alert(1)</script>"


def test_a_microskill_name_cannot_break_out_of_the_profile_chart(client, login, make_user,
                                                                 make_recording):
    from coachlab.transcripts.service import store_transcript
    from tests.microskills.test_review_and_profile import scripted_transcript

    advisor = make_user(Role.ADVISOR)
    first = make_recording(advisor, seconds=1.0)
    later = make_recording(advisor, seconds=1.0,
                           called_at=first.called_at + dt.timedelta(days=8))
    for recording in (first, later):
        store_transcript(recording, scripted_transcript(), model="test")
        microskills.tag_recording(recording)
    db.session.commit()
    login(make_user(Role.ADMIN))
    renamed = client.post_form("/microskills/W.empathy/edit", {
        "name": PAYLOAD, "definition": "Names the feeling.", "examples": "", "active": "y"})
    assert renamed.status_code == 302
    assert db.session.scalar(sa.select(Microskill.name).where(Microskill.code == "W.empathy")) \
        == PAYLOAD
    client.post_form("/logout")
    login(advisor)
    html = client.get(f"/microskills/advisors/{advisor.id}?days=365").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    data = html.split('<script id="trend-data" type="application/json">')[1].split("</script>")[0]
    chart = json.loads(data)
    assert any(d["label"] == PAYLOAD for d in chart["datasets"])
