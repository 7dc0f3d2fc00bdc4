"""The tagger with context (previous customer turn), Whisper-like text and admin phrases."""

import io
import json
import re

from microskills.cli_io import tag_jsonl
from microskills.tagger import TAGGER_VERSION, tag_conversation, tag_utterance, tag_utterances
from microskills.tagger.core import (
    advisor_replies,
    customer_replies,
    other_party_replies,
    previous_other_turns,
    reads_customer_replies,
    skill_features,
    skill_scores,
)
from microskills.tagger.model import load_model
from microskills.tagger.rules import ExtraRule


def skills(text: str) -> set[str]:
    return set(tag_utterance(text, "agent").skills)


def test_version_was_bumped_for_the_retrained_tagger():
    # 3.2.0: an advisor turn also reads the customer's reply to it
    assert TAGGER_VERSION == "3.2.0"


def test_objection_handling_reads_the_previous_customer_turn():
    answer = "Okay, what I can do is move you to the basic plan at fifteen a month."
    calls = [("That's way too expensive, I can't afford it.", "customer"), (answer, "agent")]
    in_context = tag_conversation(calls)
    assert "objection.price" in in_context[0].signals
    assert "O.objection" in in_context[1].skills
    # the same words after a neutral turn answer no objection
    neutral = tag_conversation([("Yes, that's the account.", "customer"), (answer, "agent")])
    assert "O.objection" not in neutral[1].skills


def test_conversation_equals_explicit_contexts():
    items = [("Hi, my parcel never arrived.", "customer"),
             ("I'm sorry, I can see your parcel hasn't arrived.", "agent"),
             ("Can I take your order number?", "agent"),
             ("It's four five six.", "customer"),
             ("Thanks, it was delivered on Tuesday.", "agent")]
    speakers = [s for _, s in items]
    # each turn reads the other party's turn before it and the other party's reply to it
    assert previous_other_turns(speakers) == [None, 0, 0, 2, 3]
    assert advisor_replies(speakers) == [1, None, None, 4, None]
    assert customer_replies(speakers) == [None, None, 3, None, None]
    assert other_party_replies(speakers) == [1, None, 3, 4, None]
    contexts = [None, items[0][0], items[0][0], items[2][0], items[3][0]]
    replies = [items[1][0], None, items[3][0], items[4][0], None]
    assert tag_conversation(items) == tag_utterances(items, contexts=contexts, replies=replies)


def test_an_advisor_turn_reads_the_customers_reply():
    model = load_model()
    assert reads_customer_replies(model)
    turn = "so the payment went through twice and the second one was never refunded"
    other = {"yes exactly that's it": None, "no it was only the one": None}
    for reply in other:
        probs = model.probabilities([turn], model.skills,
                                    [skill_features(turn, None, reply=reply)])
        other[reply] = probs[0][model.skills.codes.index("S.paraphrase")]
    # a customer confirming the restatement makes it likelier a paraphrase
    assert other["yes exactly that's it"] > other["no it was only the one"]
    # evaluation tools' scores read the reply as the tagger does
    confirmed = skill_scores([turn], model, None, ["yes exactly that's it"])
    denied = skill_scores([turn], model, None, ["no it was only the one"])
    column = model.skills.codes.index("S.paraphrase")
    assert confirmed[0][column] > denied[0][column]


def test_whisper_like_questions_without_question_marks():
    assert "E.closed_question" in skills("um so can i have your postcode please")
    assert "E.open_question" in skills("okay so what happened when you tried to log in")
    assert "E.closed_question" in skills("right ive reset it can you try logging in now")
    # statements are not questions, with or without punctuation
    for text in ("what i can do is book you in for monday",
                 "when it arrives you'll get a text from us",
                 "so the engineer never came on tuesday"):
        found = skills(text)
        assert not found & {"E.open_question", "E.closed_question"}, (text, found)


def test_fillers_and_repeats_do_not_hide_a_skill():
    assert "W.apology" in skills("um i'm i'm really sorry about that")
    assert "E.further_help" in skills("uh is there is there anything else i can help with")


def test_dont_know_followed_straight_away_by_a_next_step_is_not_flagged():
    calls = [("Why did my bill go up?", "customer"), ("I don't know.", "agent"),
             ("I'll check with billing now.", "agent")]
    assert "missed.dont_know" not in tag_conversation(calls)[1].flags
    alone = [("Why did my bill go up?", "customer"), ("I don't know.", "agent"),
             ("Okay.", "customer"), ("I'll check with billing now.", "agent")]
    assert "missed.dont_know" in tag_conversation(alone)[1].flags


def test_extra_phrases_feed_the_signal_detector():
    text = "That price makes my eyes water."
    assert "objection.price" not in tag_utterance(text, "customer").signals
    extra = {"objection.price": ExtraRule(re.compile(r"\bmakes my eyes water\b"))}
    assert "objection.price" in tag_utterances([(text, "customer")], extra=extra)[0].signals
    replaced = {"objection.price": ExtraRule(re.compile(r"\bmakes my eyes water\b"),
                                             replace=True)}
    result = tag_utterances([("It is way too expensive.", "customer")], extra=replaced)[0]
    assert "objection.price" not in result.signals


def test_cli_reads_lines_of_one_conversation_as_the_app_does():
    lines = [
        {"id": 1, "conversation": "a", "speaker": "customer",
         "text": "I want to cancel, it's too expensive."},
        {"id": 2, "text": "Okay, what I can do is give you three months at half price.",
         "speaker": "agent"},
        {"id": 3, "conversation": "a", "speaker": "agent",
         "text": "Okay, what I can do is give you three months at half price."},
    ]
    out = io.StringIO()
    assert tag_jsonl(io.StringIO("\n".join(json.dumps(x) for x in lines) + "\n"), out) == 0
    rows = [json.loads(x) for x in out.getvalue().splitlines()]
    assert [r["id"] for r in rows] == [1, 2, 3]
    expected = tag_conversation([(lines[0]["text"], "customer"), (lines[2]["text"], "agent")])
    assert rows[2]["skills"] == sorted(expected[1].skills)
    assert "O.objection" in rows[2]["skills"]
    # the line without a conversation is tagged on its own
    assert rows[1]["skills"] == sorted(tag_utterance(lines[1]["text"], "agent").skills)
