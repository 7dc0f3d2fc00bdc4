"""Sign-in throttling: atomic, per account and per address, only failures count (issue 9)."""

from __future__ import annotations

import threading

import pytest
from werkzeug.security import check_password_hash

from coachlab.auth import models, service
from coachlab.auth.models import Role
from coachlab.db import db
from tests.auth.conftest import SeparateRequests
from tests.factories import PASSWORD

WRONG = "wrong-password-x"

pytestmark = pytest.mark.usefixtures("separate_requests")


@pytest.fixture
def app_config(app_config):
    # threads below sign in without first fetching a page for the CSRF token
    return {**app_config, "WTF_CSRF_ENABLED": False}


def sign_in(app, email: str, password: str, addr: str = "203.0.113.7", **kwargs):
    return app.test_client().post("/login", data={"email": email, "password": password},
                                  environ_base={"REMOTE_ADDR": addr}, **kwargs)


def test_parallel_wrong_passwords_are_all_counted(app, make_user):
    """20 guesses at once for one account: 5 are checked, 15 refused, whatever the timing."""
    email = make_user(Role.ADVISOR).email
    start = threading.Barrier(20)
    statuses: list[int] = []

    def guess() -> None:
        start.wait()
        statuses.append(sign_in(app, email, WRONG).status_code)

    threads = [threading.Thread(target=guess) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [401] * 5 + [429] * 15


def test_one_accounts_failures_do_not_lock_out_another(app, make_user):
    victim, admin = make_user(Role.ADVISOR), make_user(Role.ADMIN)
    for _ in range(5):
        assert sign_in(app, victim.email, WRONG).status_code == 401
    assert sign_in(app, victim.email, PASSWORD).status_code == 429  # that account waits
    assert sign_in(app, admin.email, PASSWORD).status_code == 302  # same address, other account


def test_the_address_limit_stops_guessing_across_accounts(app, make_user):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "6 per 15 minutes"
    people = [make_user(Role.ADVISOR) for _ in range(4)]
    for person in people[:3]:
        for _ in range(2):
            assert sign_in(app, person.email, WRONG).status_code == 401
    assert sign_in(app, people[3].email, PASSWORD).status_code == 429
    assert sign_in(app, people[3].email, PASSWORD, addr="198.51.100.9").status_code == 302


def test_successful_sign_ins_do_not_count(app, make_user):
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "2 per 15 minutes"
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "3 per 15 minutes"
    user = make_user(Role.ADVISOR)
    for _ in range(6):
        assert sign_in(app, user.email, PASSWORD).status_code == 302
    assert sign_in(app, user.email, WRONG).status_code == 401


def test_forwarded_for_counts_only_behind_trusted_proxies(app, make_user):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "2 per 15 minutes"
    people = [make_user(Role.ADVISOR) for _ in range(3)]
    spoofed = {"X-Forwarded-For": "192.0.2.1"}
    for person in people[:2]:
        assert sign_in(app, person.email, WRONG, headers=spoofed).status_code == 401
    # no proxy is trusted: the header does not make a new address
    other = {"X-Forwarded-For": "192.0.2.2"}
    assert sign_in(app, people[2].email, PASSWORD, headers=other).status_code == 429


def test_trusted_proxies_setting_applies_proxyfix(app_config, make_user):
    from coachlab import create_app

    proxied = create_app({**app_config, "TRUSTED_PROXIES": 1,
                          "LOGIN_LIMIT_PER_ADDRESS": "5 per 15 minutes"})
    proxied.test_client_class = SeparateRequests
    people = [make_user(Role.ADVISOR) for _ in range(6)]

    def via_proxy(person, password, client_addr):
        return sign_in(proxied, person.email, password, addr="10.0.0.1",
                       headers={"X-Forwarded-For": client_addr}).status_code

    for person in people[:5]:
        assert via_proxy(person, WRONG, "192.0.2.1") == 401
    assert via_proxy(people[5], PASSWORD, "192.0.2.1") == 429  # that client is spent
    assert via_proxy(people[5], PASSWORD, "192.0.2.2") == 302  # another behind the same proxy
    with proxied.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def hash_checks(monkeypatch) -> list[str]:
    """Every check_password_hash call made by sign-in, through the real function."""
    calls: list[str] = []

    def counting(pwhash: str, password: str) -> bool:
        calls.append(pwhash)
        return check_password_hash(pwhash, password)

    monkeypatch.setattr(models, "check_password_hash", counting)
    monkeypatch.setattr(service, "check_password_hash", counting, raising=False)
    return calls


def test_unknown_emails_cost_a_password_check_too(app, make_user, hash_checks):
    user = make_user(Role.ADVISOR)
    inactive = make_user(Role.ADVISOR, active=False)
    for email in (user.email, "nobody-here@example.com", inactive.email):
        hash_checks.clear()
        assert sign_in(app, email, WRONG).status_code == 401
        assert len(hash_checks) == 1, email
    hashes = set()
    for email in ("nobody-1@example.com", "nobody-2@example.com"):
        hash_checks.clear()
        sign_in(app, email, PASSWORD)
        hashes.update(hash_checks)
    # the same kind of hash as a real account's, so the check takes as long
    assert len(hashes) == 1 and hashes.pop().split("$")[0] == user.password_hash.split("$")[0]
