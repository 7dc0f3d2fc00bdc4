"""Open vs closed question rules (generic English, one place).

An utterance is split into clauses; each clause that is a question is classified by
how it starts once discourse markers ("so", "okay", "and") are stripped:

* open: how/why/what-happened/what-do-you-think, "tell me about", "walk me through",
  "can you describe/explain..." - they invite the customer to elaborate;
* closed: auxiliary-first yes/no questions ("did it work?", "can I have..."),
  when/where/which/who/how many/how long, "what is your <fact>", tag questions
  ("..., right?") and declarative questions ("you're at home?").

Service offers ("how can I help?"), offers of further help and checks of understanding
are excluded: they have their own microskills.
"""

from __future__ import annotations

import re

_CLAUSE = re.compile(r"[^.?!;]+[.?!;]*")
_MARKERS = re.compile(
    r"^(?:(?:so|and|but|okay|ok|right|alright|all right|well|um+|uh+|er+|erm|now|sure|great|"
    r"yeah|yes|oh|ah|then|just|also|hi|hello|sorry|cool|fine|mm+|hmm+|mhm|and then|and so|"
    r"good|lovely|perfect|thanks|thank you|i see|got it|i guess|i mean|like|anyway|ok then)"
    r"\b[,\s]*)+"
)
_EXCLUDED = re.compile(
    r"^(?:how (?:can|may|could) (?:i|we) (?:help|assist|be of)|what can (?:i|we) (?:do|help)|"
    r"what(?:'s| is) the reason for (?:your|the) call|tell me about it[.!]*$|"
    r"(?:and )?(?:then )?what\??$|and\??$|pardon\??$|sorry\??$|"
    r"how are you(?: doing)?(?: today| this morning| this afternoon)?\??$|"
    r".*\banything (?:else|more)\b|.*\bsomething else\b|is that (?:everything|all)\b|"
    r"(?:does|did|do|is|has) (?:that|this|it|everything) (?:all )?(?:make sense|making sense|"
    r"come across|add up|answer|cover|sound clear|clear)|"
    r"is that (?:clear|correct|right|a fair)|(?:have|did) i (?:got|get|understood?|understand|"
    r"explained|follow)|am i (?:understanding|following|right)|are you with me)"
)
_FACT_NOUNS = (
    r"(?:name|postcode|post code|zip|address|email|e-mail|number|date|birthday|age|phone|"
    r"mobile|reference|account|order|policy|card|pin|password|username|time|day|year|month|"
    r"colou?r|size|model|make|amount|balance|price|total|figure|code|serial|id|registration|"
    r"surname|location|flight|booking|job|school|weight|dose|dosage)"
)
_OPEN_START = re.compile(
    r"^(?:how\b(?! (?:many|much|long|often|old|far|soon|big|tall|high|late|early)\b)|why\b|"
    r"(?:tell|talk|walk) me\b(?! (?:your|the|if|whether|when|which)\b)|describe\b|explain\b|"
    r"in what (?:way|ways)\b|to what extent\b|what (?:else|happened|happens|made|makes|led|"
    r"brings|brought|worries|concerns|kind|sort|sorts|kinds|would|could|do|did|does|are|were|"
    r"have|has|is it like|was it like|about|if)\b|"
    r"what(?:'s| is| was) (?:been )?(?:going on|happening|the (?:main|biggest|hardest|best|"
    r"worst)|it (?:doing|like)|that like|on your mind)|"
    r"(?:can|could|would|will) you (?:please )?(?:tell me|describe|explain|walk me|talk me|"
    r"say (?:a (?:bit|little) )?more|give me (?:a sense|an idea|an example|some)|elaborate|share|"
    r"expand)\b(?! (?:your|the (?:" + _FACT_NOUNS[3:-1] + r"))\b)(?! (?:if|whether|when|which)\b)|"
    r"i(?:'m| am)? wonder(?:ing)? (?:what|how|why)\b)"
)
_CLOSED_START = re.compile(
    r"^(?:is|are|was|were|am|do|does|did|have|has|had|can|could|will|would|shall|should|may|"
    r"might|must|isn't|aren't|wasn't|weren't|don't|doesn't|didn't|haven't|hasn't|won't|"
    r"wouldn't|couldn't|can't|shouldn't|any|anyone|anybody|when|where|which|who|whose|whom|"
    r"how (?:many|much|long|often|old|far|soon|big|tall|high|late|early)|"
    r"what (?:" + _FACT_NOUNS[3:-1] + r")\b|"
    r"what(?:'s| is| was| were| are) (?:your|the|his|her|their|its|that) (?:\w+ )?"
    + _FACT_NOUNS + r"s?\b|i(?:'m| am)? wonder(?:ing)? (?:if|whether))\b"
)
_TAG_QUESTION = re.compile(
    r"(?:,|\b) ?(?:right|correct|yeah|yes|no|ok|okay|true|yep|is it|isn't it|aren't you|don't you|"
    r"didn't you|doesn't it|won't you|haven't you|can't you|wasn't it|weren't you|did you|"
    r"do you|are you|have you|or not|eh)\?$"
)
_WHAT = re.compile(r"^what\b")  # "what" without a fact noun invites elaboration
_WH = re.compile(r"^(?:what|how|where|when|which|who)\b")
# A wh-question asking for the customer's view is open even when it names a fact.
_OPINION = re.compile(r"\b(?:do|did|would) you (?:think|feel|say|imagine|see|reckon)\b")
_ANY_OTHER = re.compile(r"^any (?:other|more) (?!way\b)\w+")
_WONDER_IF_YOU = re.compile(r"^i(?:'m| am| was)? (?:just )?wonder(?:ing)? (?:if|whether) you "
                            r"(can|could|would|might) ")
_EITHER_OR = re.compile(r"\bor\b.+\?$")
_INVITE = re.compile(r"^(?:(?:tell|talk|walk) me (?:about|more|a bit|a little|what|how|why|"
                     r"through)|"
                     r"describe|explain)\b")


# Without a "?" (Whisper often drops it) a clause is a question when it is asked like one:
# auxiliary + subject first, or a wh-word + auxiliary ("what is", "how did"); "what I can
# do is..." and "when it arrives..." stay statements.
_SUBJECT = (r"(?:i|you|we|they|he|she|it|that|this|there|these|those|your|my|the|any|anyone|"
            r"anybody|someone|somebody|everything|anything)")
_ASKED = re.compile(
    r"^(?:(?:is|are|was|were|am|do|does|did|have|has|had|can|could|will|would|shall|should|"
    r"may|might|isn't|aren't|wasn't|weren't|don't|doesn't|didn't|haven't|hasn't|won't|"
    r"wouldn't|couldn't|can't|shouldn't)\s+" + _SUBJECT + r"\b|"
    r"(?:what|how|when|where|which|who|why|whose)(?:'s|\s+(?:is|are|was|were|do|does|did|can|"
    r"could|would|will|should|has|have|had|happened|kind|sort|type|else|time|day|date|"
    r"exactly|many|much|long|often|soon|old|far|not|made|makes|brings|brought|led|"
    r"number|one|plan|account|card|address|email|model|size|colou?r)\b))")
_NOT_ASKED = re.compile(r"^(?:what|how) (?:happened|happens) (?:is|was)\b|"
                        r"^(?:what|which) (?:\w+ )?(?:is|was) (?:that|why|because)\b")
_ASKED_LATER = re.compile(r"(?<!\bif )(?<!\bwhether )(?<!\bwhat )(?<!\bhow )(?<!\bwhere )"
                          r"(?<!\bwhen )(?<!\bthat )\b(?:can|could|would|will|do|did|does|"
                          r"have|are) you\b(?! know\b)")


_REFLECTIVE = re.compile(r"^(?:you(?:'re|'ve|'d| are| have| feel| felt| think| want| were| "
                         r"seem| don't| didn't| can't| just| really| kind of| sort of)|it "
                         r"(?:sounds|seems|feels)|sounds like|that must|it's (?:like|been|hard)|"
                         r"part of you|on one hand|your (?:\w+ )?(?:is|are|was|feel))\b")


def asked_like_a_question(core: str) -> bool:
    return bool(_ASKED.match(core)) and not _NOT_ASKED.match(core)


def _clauses(text: str) -> list[str]:
    out = []
    for raw in _CLAUSE.findall(text.lower().replace("\u2019", "'")):
        clause = raw.strip()
        if clause:
            out.append(clause)
    return out


def _strip_markers(clause: str) -> str:
    clause = _MARKERS.sub("", clause).lstrip(", ")
    # "I wonder if you could tell me..." is asked like "could you tell me...".
    clause = _WONDER_IF_YOU.sub(r"\1 you ", clause)
    # A vocative or filler before a comma: "john, how ...", "you know, what ..."
    head, sep, tail = clause.partition(", ")
    if sep and len(head.split()) <= 2 and (_OPEN_START.match(tail) or _CLOSED_START.match(tail)):
        return tail
    return clause


def _by_start(core: str, is_question: bool) -> str | None:
    if _EXCLUDED.match(core):
        return "excluded"
    if _OPEN_START.match(core) or (_OPINION.search(core) and _WH.match(core)):
        return "open"
    if _CLOSED_START.match(core):
        return "closed"
    if _WHAT.match(core) or _ANY_OTHER.match(core):
        return "open"
    return None


def classify_clause(clause: str) -> str | None:
    """'open', 'closed' or None (not a question / excluded) for one lower-cased clause."""
    is_question = clause.endswith("?")
    core = _strip_markers(clause)
    if not core.strip(" ?.!,-"):
        return None
    if not is_question and not _INVITE.match(core) and not asked_like_a_question(core):
        later = _ASKED_LATER.search(core, 1)
        if later is None:
            return None
        core = core[later.start():]
    kind = _by_start(core, is_question)
    if kind is None and (_TAG_QUESTION.search(core) or _EITHER_OR.search(core)):
        kind = "closed"
    if kind is None:
        # An interrogative later in the clause ("in your own words, what went wrong?").
        for part in re.split(r", | - |; ", core)[1:]:
            kind = _by_start(_strip_markers(part), is_question)
            if kind:
                break
    if kind == "excluded":
        return None
    if kind is None and is_question and _REFLECTIVE.match(core) and len(core.split()) > 5:
        return None  # a reflection said with a rising tone: "you're worried about the cost?"
    return kind or ("closed" if is_question else None)


def question_types(text: str) -> list[str]:
    """Types of the question clauses in ``text``, in order (e.g. ["closed", "open"])."""
    return [t for t in (classify_clause(c) for c in _clauses(text)) if t]
