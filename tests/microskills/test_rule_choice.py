"""Per-code choice of rules: a trained model may leave a code's rules out (meta
``rules_off``), and then only the model decides it; an admin's phrases still fire."""

import dataclasses
import re

import numpy as np

from microskills.tagger import tag_conversation
from microskills.tagger.core import rule_choice
from microskills.tagger.model import load_model
from microskills.tagger.rules import ExtraRule, signal_evidence


def _unreachable(model, head_name: str, code: str, rules_off: list[str]):
    """The shipped model with ``code``'s threshold out of the model's reach and its rules
    left out or not: what is still found comes from rules alone."""
    head = getattr(model, head_name)
    thresholds = np.array(head.thresholds)
    thresholds[head.codes.index(code)] = 1.01
    meta = {**model.meta, "rules_off": {**model.meta.get("rules_off", {}),
                                        head_name: rules_off}}
    return dataclasses.replace(model, meta=meta,
                               **{head_name: dataclasses.replace(head, thresholds=thresholds)})


def test_a_code_whose_rules_are_off_is_left_to_the_model():
    model = load_model()
    call = [("my card was charged twice", "customer"),
            ("i'm so sorry about that, that shouldn't have happened", "agent")]
    rules_decide = _unreachable(model, "skills", "W.apology", [])
    assert "W.apology" in tag_conversation(call, rules_decide)[1].skills
    model_decides = _unreachable(model, "skills", "W.apology", ["W.apology"])
    assert "W.apology" not in tag_conversation(call, model_decides)[1].skills


def test_admin_phrases_fire_when_the_built_in_rules_of_a_signal_are_off():
    model = _unreachable(load_model(), "signals", "objection.price", ["objection.price"])
    extra = {"objection.price": ExtraRule(match=re.compile(r"\bdaylight robbery\b"))}
    admin = tag_conversation([("honestly the new tariff is daylight robbery", "customer")],
                             model, extra)
    assert "objection.price" in admin[0].signals
    built_in = tag_conversation([("that's way too expensive for me", "customer")], model, extra)
    assert "objection.price" not in built_in[0].signals


def test_evidence_leaves_out_the_built_in_phrases_of_a_code_whose_rules_are_off():
    text = "that's way too expensive for me"
    assert signal_evidence(text, "objection.price") is not None
    assert signal_evidence(text, "objection.price", skip=frozenset({"objection.price"})) is None
    extra = {"objection.price": ExtraRule(match=re.compile(r"\btoo expensive\b"))}
    assert signal_evidence(text, "objection.price", extra,
                           skip=frozenset({"objection.price"})) == (
        text.index("too expensive"), text.index(" for me"))


def test_the_shipped_model_says_which_signal_rules_it_leaves_out():
    off = rule_choice(None, "signals").rules_off
    assert off == frozenset(load_model().meta["rules_off"]["signals"])
    assert off <= set(load_model().signals.codes)
