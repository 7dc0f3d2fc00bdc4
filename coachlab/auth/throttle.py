"""Sign-in throttling: failed passwords counted per account and per client address.

The counters live in Flask-Limiter's storage (memory on a laptop, Redis when ``REDIS_URL``
or ``RATELIMIT_STORAGE_URI`` is set). An attempt *reserves* one unit of both limits with an
atomic increment before the password is checked, so parallel guesses cannot all pass a check
made before any of them is counted; a successful or refused attempt gives its unit back, so
only failures stay counted. The account limit caps what one account adds to its address's
counter, hence with ``LOGIN_LIMIT_PER_ADDRESS`` above ``LOGIN_LIMIT_PER_ACCOUNT`` one
account's failures never lock another account out.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from limits import RateLimitItem, parse
from limits.strategies import FixedWindowRateLimiter

from coachlab.extensions import limiter


@dataclass(frozen=True)
class _Unit:
    item: RateLimitItem
    key: str


@dataclass
class Attempt:
    """One sign-in attempt's reservation; ``allowed`` is False when a limit is spent."""

    allowed: bool
    units: list[_Unit]

    def succeeded(self) -> None:
        """The password was right: the attempt is not a failure, give its units back."""
        _give_back(self.units)
        self.units = []

    def failed(self) -> None:
        """The password was wrong: the reserved units stay counted until their window ends."""
        self.units = []


def begin_attempt(email: str, address: str) -> Attempt:
    """Reserve one failure of the account's and of the address's limit, atomically."""
    cfg = current_app.config
    prefix = cfg.get("RATELIMIT_KEY_PREFIX") or "coachlab"
    wanted = [
        (parse(cfg["LOGIN_LIMIT_PER_ACCOUNT"]), f"{prefix}/sign-in/account/{email}"),
        (parse(cfg["LOGIN_LIMIT_PER_ADDRESS"]), f"{prefix}/sign-in/address/{address}"),
    ]
    strategy = FixedWindowRateLimiter(limiter.storage)
    taken: list[_Unit] = []
    for item, key in wanted:
        unit = _Unit(item, item.key_for(key))
        # a fixed window's hit is one INCR (atomic in Redis, under a lock in memory)
        allowed = strategy.hit(item, key)
        taken.append(unit)
        if not allowed:
            _give_back(taken)  # a refused attempt checks no password: it is no failure
            return Attempt(allowed=False, units=[])
    return Attempt(allowed=True, units=taken)


def _give_back(units: list[_Unit]) -> None:
    for unit in units:
        limiter.storage.incr(unit.key, unit.item.get_expiry(), amount=-1)
