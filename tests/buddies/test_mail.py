"""Notifications by email: off by default; on, each notification committed goes through the
configured SMTP server (here a small SMTP server on a local port), and a refused request
sends nothing."""

from __future__ import annotations

import socketserver
import threading

import pytest

from buddies import service
from buddies.models import PeerPrompt
from coachlab.db import db


class SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP to receive a message: EHLO, MAIL, RCPT, DATA, QUIT."""

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 localhost test SMTP")
        envelope: dict = {"rcpt": []}
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line.decode(errors="replace").strip()
            upper = verb.upper()
            if upper.startswith(("EHLO", "HELO")):
                self.reply("250 localhost")
            elif upper.startswith("MAIL FROM"):
                envelope["from"] = verb.split(":", 1)[1].strip()
                self.reply("250 OK")
            elif upper.startswith("RCPT TO"):
                envelope["rcpt"].append(verb.split(":", 1)[1].strip())
                self.reply("250 OK")
            elif upper == "DATA":
                self.reply("354 end with .")
                body = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    body.append(data.decode(errors="replace"))
                envelope["data"] = "".join(body)
                self.server.messages.append(envelope)
                envelope = {"rcpt": []}
                self.reply("250 queued")
            elif upper == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 OK")


@pytest.fixture
def smtp_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SMTPHandler)
    server.daemon_threads = True
    server.messages = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def enable_mail(app, port: int) -> None:
    app.config.update(MAIL_ENABLED=True, MAIL_SERVER="127.0.0.1", MAIL_PORT=port,
                      MAIL_SUPPRESS_SEND=False, MAIL_DEFAULT_SENDER="coachlab@example.com",
                      MAIL_BASE_URL="http://coachlab.test/")
    from buddies.mail import mail

    mail.init_app(app)  # Flask-Mail reads its settings when initialised


def test_mail_is_off_by_default(app, team, smtp_server):
    assert app.config["MAIL_ENABLED"] is False
    p = team["people"]
    service.give_kudos(team["clips"]["ali"], acting=p["bea"], microskill="A.greeting")
    db.session.commit()
    assert smtp_server.messages == []


def test_notifications_are_emailed_after_the_commit(app, team, pairing, smtp_server):
    enable_mail(app, smtp_server.server_address[1])
    p = team["people"]
    share = service.share_clip(pairing, team["clips"]["ali"], acting=p["ali"])
    assert smtp_server.messages == []  # nothing before the commit
    db.session.commit()
    assert len(smtp_server.messages) == 1
    sent = smtp_server.messages[0]
    assert sent["rcpt"] == [f"<{p['bea'].email}>"]
    assert "Ali shared a clip with you" in sent["data"]
    assert f"http://coachlab.test/buddies/shared/{share.id}" in sent["data"]

    service.add_peer_comment(share, acting=p["bea"], body="Nice", at_second=1.0,
                             prompt=PeerPrompt.WORKED, microskills=["A.greeting"])
    db.session.rollback()  # a refused request: nothing is sent
    db.session.commit()
    assert len(smtp_server.messages) == 1


def test_a_mail_server_that_does_not_answer_does_not_fail_the_request(app, team, caplog):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    enable_mail(app, port)
    p = team["people"]
    service.give_kudos(team["clips"]["ali"], acting=p["bea"], microskill="A.greeting")
    db.session.commit()
    assert "could not send 1 notification email" in caplog.text
