"""Loader for the shipped AWESOME masterlist (``masterlist.json``).

The codes are stable identifiers: never change or reuse one. Names and definitions are
seed data that admins may later edit in the database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MASTERLIST_PATH = Path(__file__).with_name("masterlist.json")


@dataclass(frozen=True)
class MicroskillDef:
    code: str
    family: str
    name: str
    definition: str
    examples: tuple[str, ...]


@dataclass(frozen=True)
class SignalDef:
    code: str
    definition: str
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class AntiPatternDef:
    code: str
    definition: str
    scope: str  # "utterance", "conversation" or "timing"


@lru_cache(maxsize=1)
def _raw() -> dict:
    return json.loads(MASTERLIST_PATH.read_text(encoding="utf-8"))


def load_masterlist() -> list[MicroskillDef]:
    """The 18 microskills in spec order."""
    return [
        MicroskillDef(d["code"], d["family"], d["name"], d["definition"], tuple(d["examples"]))
        for d in _raw()["microskills"]
    ]


def load_signals() -> list[SignalDef]:
    """Customer signal codes (objections, frustration, confusion, ...)."""
    return [SignalDef(d["code"], d["definition"], tuple(d.get("examples", ())))
            for d in _raw()["signals"]]


def load_anti_patterns() -> list[AntiPatternDef]:
    """The "missed" flags coaches look for."""
    return [AntiPatternDef(d["code"], d["definition"], d["scope"]) for d in _raw()["anti_patterns"]]


CODES: tuple[str, ...] = tuple(d.code for d in load_masterlist())
SIGNAL_CODES: tuple[str, ...] = tuple(d.code for d in load_signals())
FLAG_CODES: tuple[str, ...] = tuple(d.code for d in load_anti_patterns())
