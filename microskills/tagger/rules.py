"""Transparent lexical rules: one entry per code, readable regexes, a confidence each.

``SKILL_RULES`` / ``SIGNAL_RULES`` fire a code with the given confidence (the trained
model can add recall on top). ``SKILL_VETOES`` remove a code whatever the model says
(e.g. "sorry, could you repeat that?" is not an apology). Flags are rule-only.
Patterns run on lower-cased text with curly apostrophes normalised.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from microskills.tagger.questions import question_types

Rule = tuple[re.Pattern[str], float]


def _r(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


_EMOTION = (r"(?:frustrat\w*|stress\w*|upset\w*|annoy\w*|worr\w*|disappoint\w*|angry|anger|"
            r"fed up|distress\w*|anxious|horrible|awful|exhausting|draining|scary|scared|"
            r"inconvenient|unsettling|infuriating|maddening|let down|overwhelm\w*|a headache|"
            r"a nightmare|a worry|tough|hard|difficult|painful|concern\w*|hurt\w*|sad|lonely|"
            r"nervous|embarrass\w*|a shock|a surprise|hassle)")

SKILL_RULES: dict[str, list[Rule]] = {
    "A.greeting": [
        (_r(r"\b(?:welcome to|you'?re (?:through|speaking) (?:to|with)|you'?ve (?:reached|come "
            r"through to)|my name(?:'s| is) \w+|thanks? (?:you )?for (?:calling|ringing|contacting|"
            r"getting in touch with) \w+.{0,40}(?:my name|this is|speaking|i'?m \w+|how can)|"
            r"\w+ speaking\b|(?:this is|i'?m|it'?s) (?!\w+ing\b)\w+ (?:from|at|with) \w+)"), 0.9),
        (_r(r"^(?:hello|hi|hiya|good (?:morning|afternoon|evening)|morning|afternoon|evening)\b"
            r"[^?]{0,80}(?:how (?:can|may) i (?:help|assist|be of help)|what can i (?:do|help))|"
            r"^(?:hello|hi|hiya|good \w+|morning|afternoon|evening)(?: there)?,? \w+ (?:at|from) "
            r"[\w ]{1,30}(?:customer (?:care|service|services)|support|helpdesk|team)\b"), 0.85),
    ],
    "A.acknowledge": [
        (_r(r"^(?:(?:okay|ok|right|sure|ah|yep|yes|thank you|thanks)[,.!]? )*(?:i can see "
            r"(?:on|from|that|you|your|there)|i see (?:that|you|your|there)|i understand (?:that |"
            r"you're|you are)|i(?:'ve| have) noted|noted\b|got it\b|i hear you|i'?ve got the gist|"
            r"thanks? (?:you )?for (?:letting me know|explaining|flagging|bringing|telling))"),
         0.75),
        (_r(r"\byou'?re (?:calling|ringing|phoning) (?:about|because|regarding)|\bthanks? (?:you )?"
            r"for (?:flagging|letting me know about|bringing (?:that|this) to)"), 0.75),
    ],
    "A.encourage": [
        (_r(r"^(?:(?:mm+|mhm|mm-hm+|uh-huh|uh huh|right|yeah|yep|yes|i see|go on|go ahead|sure|"
            r"carry on|keep going|ah|oh|okay|ok|and|then|and then|what then|and then what|and "
            r"after that|after that|i'?m listening|i'?m with you|i'?m following|yes i'?m "
            r"following)[,.!?… ]*){1,4}$"), 0.85),
    ],
    "W.empathy": [
        (_r(r"\b(?:that|it|this) (?:sounds|must (?:be|have been|feel)|is|'s|was|seems) (?:like )?"
            r"(?:so |really |very |incredibly |truly |quite |such |a real |pretty |a bit |"
            r"absolutely |not a nice )?" + _EMOTION), 0.85),
        (_r(r"\bi (?:can |completely |totally |fully |really |do )*(?:imagine|understand|"
            r"appreciate|hear|tell|get) (?:how|why|that)? ?(?:you(?:'re| are| must| feel|'d| "
            r"would)|that'?s?|it'?s?|this)?.{0,25}" + _EMOTION), 0.85),
        (_r(r"\b(?:no wonder you|you must (?:be|feel|have been)|i'?d (?:be|feel) (?:\w+ )?"
            r"(?:the same|frustrated|upset|worried|annoyed|angry|cross)|in your shoes|"
            r"(?:fair|understandable|natural) (?:that|to|you) (?:you )?(?:feel|be|are|'re)|"
            r"(?:completely|totally|perfectly) understandable|i can hear (?:how|that|you))"), 0.85),
        (_r(r"^(?:oh no|gosh|oh dear|oh,? that'?s (?:awful|terrible|rubbish))\b"), 0.7),
        (_r(r"\byou(?:'re| are| were|'ve been| have been) (?:feeling )?(?:really |quite |a bit |"
            r"so |very |pretty |a little )?(?:" + _EMOTION[3:-1] + r")"), 0.8),
    ],
    "W.apology": [
        (_r(r"\b(?:i'?m|i am|we'?re|we are) (?:\w+ )?(?:so |really |very |truly |terribly |"
            r"extremely )?sorry\b(?! (?:to bother|but could|,? (?:could|can|what|was|did)))"), 0.9),
        (_r(r"\b(?:i|we) (?:do |sincerely |really )?apologi[sz]e\b|\bapologies\b|"
            r"\bmy apologies\b|\bplease accept (?:my|our) apolog"), 0.9),
        (_r(r"^sorry (?:about|for|that|you|we|it'?s)\b|\bsorry about (?:all )?(?:the|that|this)\b"),
         0.85),
    ],
    "W.personalize": [
        (_r(r"\b(?:(?:hope|enjoy|good luck with|congratulations on) (?:\w+ )?(?:your|the new) "
            r"(?:daughter|son|wife|husband|partner|mum|dad|kids|children|baby|puppy|dog|cat|"
            r"wedding|anniversary|birthday|holiday|trip|exams?|job|house|home|flat|move)|"
            r"congratulations|you (?:mentioned|said) (?:you|your|it'?s)|"
            r"(?:since|given|as) you(?:'re| are| work| mentioned)|i hope (?:the|your) (?:new )?\w+ "
            r"(?:is|are|went|goes)|good luck with)"), 0.8),
    ],
    "E.further_help": [
        (_r(r"\banything (?:else|more)\b.{0,40}(?:help|do|assist|sort|look|need|check|"
            r"\?|at all)|\bsomething else (?:i|we) can\b|\b(?:help|assist) (?:you )?with "
            r"(?:anything|something) else\b|\bis that everything\b.{0,30}(?:\?|else)|"
            r"\bwas there anything else\b"), 0.95),
    ],
    "E.close": [
        (_r(r"\b(?:have|enjoy) (?:a|the rest of (?:your|the)|your) (?:\w+ )?(?:day|evening|"
            r"afternoon|morning|weekend|night)\b|\btake care\b|\ball the best\b|"
            r"\bgood ?bye\b|\bbye\b|\bcheers for (?:calling|ringing)|\bnice (?:talking|speaking) "
            r"to you|\b(?:it'?s|it was|it'?s been) a pleasure\b"), 0.9),
        (_r(r"\bthanks? (?:you )?(?:again )?(?:so much )?for (?:calling|ringing|your time|your "
            r"patience|being so patient|getting in touch|contacting us)\b(?!.*(?:my name|speaking|"
            r"this is|i'?m \w+|how can|help))[^?]*$"), 0.7),
    ],
    "S.check": [
        (_r(r"\b(?:does|did|do|is|has) (?:that|this|it|everything) (?:all )?(?:make sense|"
            r"making sense|come across|add up|answer your|cover what|sound clear)|\bis (?:that|"
            r"this|everything) (?:all )?clear\b|\b(?:have|did) i (?:got|get|understood?|understand|"
            r"explained) (?:that|you|it|this|everything)\b|\bam i (?:understanding|following) you|"
            r"\bare you with me\b|\bis that (?:correct|right|a fair)\b.{0,20}\?|"
            r"\bdid i understand\b|\bgo over (?:it|that|anything) again\b|"
            r"\bexplain (?:it|that) differently\b|\bhave i explained\b"), 0.9),
    ],
    "S.summary": [
        (_r(r"\b(?:to recap|just to recap|recap what|to sum up|summar(?:y|ise|ize)|to wrap up|"
            r"pull (?:that|this|it|everything) together|run through everything|going over "
            r"everything|all in all|overall, we'?ve|so, overall|in a nutshell|to round up)\b"),
         0.9),
    ],
    "S.paraphrase": [
        (_r(r"\b(?:what i'?m hearing|what you'?re saying|if i(?:'ve)? understood|if i'?m "
            r"following|in other words|as i understand it|to put it another way|from what you'?re "
            r"telling me|the long and short of it|just so i'?m clear|let me (?:make sure|check) "
            r"i(?:'ve| have)? (?:got|followed|understood)|if i'?ve got (?:this|that|it) right|"
            r"so basically,? you|(?:it )?sounds like (?:you|the|your|it|there|they|that (?:the|"
            r"your)))\b"), 0.8),
        (_r(r"^(?:(?:okay|right|and|well|yeah|mm-hm|mm)[,.]? )*so,? (?:you(?:'re|'ve| are| have| "
            r"feel| want| think| were| had| did| need| don'?t| didn'?t)?|your|it seems|for you)\b"
            r"(?!.*\?)"), 0.7),
    ],
    "O.ownership": [
        (_r(r"\b(?:i'?ll|i will|i'?m going to|i am going to|let me|i can (?:definitely|certainly|"
            r"absolutely)|i'?m happy to)\s+(?:\w+ly |now |just |also |go ahead and |get (?:this|"
            r"that|it) )?(?:sort|fix|take care|handle|make sure|find out|look into|chase|raise|"
            r"refund|cancel|arrange|book|process|escalate|call you|ring you|email you|deal with|"
            r"take (?:this|it) on|put (?:the|it|that|this)|get back|keep an eye|unlock|restore|"
            r"remove|move|send|open|block|submit|correct|run|walk you|requote|look at|check "
            r"(?:that|this|with)|speak to|ask|waive|credit|apply|add|give|issue|rebook|find you|"
            r"sorted)"), 0.85),
        (_r(r"\b(?:leave (?:it|this|that) with me|i'?m on it|(?:this|it)(?:'s| is) on me|"
            r"i'?m taking (?:ownership|this on)|i'?ll personally|i'?ll make sure)\b"), 0.9),
    ],
    "O.objection": [
        (_r(r"\b(?:i'?d (?:hate|not want) to lose you|before you (?:go|decide|leave)|keep you with "
            r"us|as an alternative|rather than a refund|instead of a refund|can'?t (?:do a full|"
            r"refund the whole)|(?:fair|valid|understandable) concern|put your mind at rest|"
            r"rebuild your trust|doubtful after|sceptical|skeptical|(?:price|cost) is a worry|"
            r"i hear you on the (?:price|cost))\b"), 0.8),
        (_r(r"\b(?:i (?:completely |totally |do )?(?:understand|appreciate|know|get|hear)|"
            r"that'?s a (?:fair|shame)|it'?s fair)\b.{0,80}\b(?:price|cost|money|expensive|refund|"
            r"leav\w+|going|cancel\w*|wait|sooner|later|longer|date|doubt\w*|wary|trust|worr\w+)\b.{0,120}"
            r"\b(?:offer|instead|alternative|in the meantime|(?:can|could) i suggest|how about|"
            r"what i(?:'m able to| can)|i (?:can|could) (?:also )?\w+)\b"), 0.8),
    ],
    "M.expectation": [
        (_r(r"\b(?:within (?:the next |a |an |\w+ )|in the next (?:few|\w+)|over the next|by "
            r"(?:tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday|the end of|"
            r"next)|the next step|what happens (?:now|next) is|expect (?:a|an|the|it|to)|"
            r"you(?:'ll| will) (?:get|receive|see|hear|have)|you should (?:get|receive|see|hear)|"
            r"(?:will|should) (?:arrive|be back|show|land|come|reach|disappear|call you|contact "
            r"you|reply|sync|be with you|go out|be reversed|be refunded|take))\b"), 0.8),
        (_r(r"\b(?:i'?ll|we'?ll|they'?ll|it'?ll|will|should)\b[^.?!]{0,50}\b(?:on (?:monday|"
            r"tuesday|wednesday|thursday|friday|saturday|sunday)|tomorrow|tonight|next week|"
            r"this (?:afternoon|evening)|in (?:a|an|\w+) (?:hour|day|week|minute)s?)\b"), 0.75),
    ],
    "M.positive": [
        (_r(r"\b(?:what (?:i|we) (?:can|'?m able to|am able to) (?:certainly |definitely )?"
            r"(?:do|offer)|what i'?m able to|the good news|good news|happily|luckily|fortunately|"
            r"on the plus side|there'?s a way round|the best option|i can (?:definitely|certainly|"
            r"absolutely)|(?:i'?m |i am )?happy to|what would work (?:well|best))\b"), 0.85),
    ],
    "M.answer": [
        (_r(r"(?:^|[.!] )(?:(?:yes|no|unfortunately|so|actually|good question)[,.]? )?(?:your "
            r"(?:current |outstanding |remaining )?(?:balance|bill|contract|plan|order|payment|"
            r"deposit|limit|excess|tariff|package|policy|account)\b[^?]{0,40}\b(?:is|was|ends|"
            r"costs|comes|will be|includes)|(?:it|that|this)(?:'s| is| was| one'?s| costs?| "
            r"comes to)\b[^?]{0,30}(?:pounds|per month|a month|percent|included|free)|there(?:'s| "
            r"is| isn'?t|'s no)\b[^?]{0,20}(?:fee|charge|cost|branch|limit)|no charge|free of "
            r"charge|you(?:'ve| have) got \w+|you can (?:do|change|use|find|pay|cancel|get)\b"
            r"[^?]*$|it was (?:delivered|dispatched|sent|posted)|minimum term|open until|closes "
            r"at)"), 0.75),
    ],
}

SKILL_VETOES: dict[str, re.Pattern[str]] = {
    # "Sorry?" / "sorry, could you repeat" / "no idea, sorry" are not apologies.
    "W.apology": _r(r"^(?!.*(?:apolog|(?:i'?m|i am|we'?re) (?:\w+ )?sorry|sorry (?:about|for|that|"
                    r"you)))(?:.*[.?!] )?(?:sorry[,.!]? (?:could|can|what|was|did|is|say|one|my|i "
                    r"didn'?t catch|you broke)|sorry\?$|(?:no idea|i don'?t know|not sure|"
                    r"couldn'?t tell you)[^.]*sorry)"),
    # Hold messages and narration are not ownership.
    "O.ownership": _r(r"^(?:(?:okay|right|ok)[,.]? )?(?:let me (?:just )?(?:see|have a look|scroll|"
                      r"bring up|pull)|i'?ll just (?:read|pop|put you))"),
}

# Names are not learnable from a few hundred calls: personalisation comes from rules only.
RULE_ONLY_SKILLS = frozenset({"W.personalize"})

_NAME_STOP_WORDS = """
i okay ok right thanks thank bye goodbye yes no sure great sorry hello hi hiya please alright
well so lovely perfect cheers now monday tuesday wednesday thursday friday saturday sunday
today tomorrow tonight january february march april may june july august september october
november december mate sir madam everyone guys there again though too then yeah yep mm mhm
uh-huh mm-hm um uh er erm hmm oh ah ha ooh aw wow gosh god english noted afternoon morning
evening night welcome honestly absolutely certainly brilliant excellent fine cool understood
wait look listen also actually unfortunately luckily happily fortunately basically anyway
indeed exactly definitely apologies you we they he she it that this and but of course not
just done fab super wonderful fantastic awesome amazing true correct got gotcha everything
nothing someone anyone here first next finally sadly obviously clearly generally usually
otherwise however meanwhile still sorted bear hold one two three ten hang nope sweet great
"""
_NAME_STOP = frozenset(_NAME_STOP_WORDS.split())
_TITLE = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr|Mx)\.? [A-Z][a-zA-Z'-]+")
_VOCATIVE_END = re.compile(r", ([A-Z][a-z'-]+)(?: [A-Z][a-z'-]+)?[.!?]*$")
_VOCATIVE_START = re.compile(
    r"^(?:(?:Thanks|Thank you|Okay|OK|Right|Alright|Sure|Hi|Hello|Great|Lovely|Well|So|Yes|No|"
    r"Sorry|Perfect|Of course|Morning|Afternoon)[,!]? )?([A-Z][a-z'-]+)[,.!] "
)
_VOCATIVE_MID = re.compile(r"[,.?!] ([A-Z][a-z'-]+), ")
_SELF_INTRO = re.compile(r"(?:my name(?:'s| is)|this is|i'm|it's|speaking to|speaking with) "
                         r"([A-Z][a-z'-]+)|([A-Z][a-z'-]+) speaking")


def addresses_by_name(text: str) -> bool:
    """True when the advisor calls the customer by name ("Thanks, Maria.", "Mr Patel")."""
    if _TITLE.search(text):
        return True
    own = {m.group(1) or m.group(2) for m in _SELF_INTRO.finditer(text)}
    for pat in (_VOCATIVE_END, _VOCATIVE_START, _VOCATIVE_MID):
        for m in pat.finditer(text):
            name = m.group(1)
            if name.lower() not in _NAME_STOP and name not in own:
                return True
    return False


# Answering a customer's objection: an alternative, a concession or a reframe of the value.
_OBJECTION_ANSWER = _r(
    r"\b(?:what i (?:can|could) (?:do|offer)|what i'?m able to|instead|alternative|how about|"
    r"(?:i|we) (?:can|could) (?:offer|give|move|switch|pause|freeze|waive|match|knock|take|put "
    r"you|look at|set up|spread|split|hold|extend|apply|credit|downgrade|try)|would it help|"
    r"(?:lower|cheaper|smaller|basic|lighter) (?:plan|tier|package|option|bundle)|discount|"
    r"loyalty|price match|waive|no (?:cancellation|exit) fee|cancel (?:at )?any ?time|"
    r"money[- ]back guarantee|in writing|reference number|(?:works|comes) out (?:at|to|cheaper)|"
    r"(?:you'?d|you would|you will|you'?ll) (?:actually )?(?:save|get|keep|lose)|includes?|"
    r"before you (?:go|decide|leave|cancel)|(?:no|there'?s no) (?:rush|pressure|obligation)|"
    r"(?:take|have) (?:your|some) time|(?:hold|reserve) (?:the|that|this) (?:price|offer|"
    r"slot)|call you back (?:on|next|in|tomorrow)|(?:the|a) (?:trial|cooling[- ]off)|"
    r"(?:fair|valid|understandable) (?:concern|point|question)|"
    r"worth|value|compared (?:to|with)|on average|per (?:day|month|week))\b")


def skill_rule_scores(text: str, low: str, context=None) -> dict[str, float]:
    """Rule confidences for one agent utterance (``low`` is the cleaned lower-case text;
    ``context``: the ``core.Context`` of the customer turn it follows, or None)."""
    out: dict[str, float] = {}
    if context is not None and any(s.startswith("objection.") for s in context.signals) \
            and _OBJECTION_ANSWER.search(low):
        out["O.objection"] = 0.8
    for code, rules in SKILL_RULES.items():
        for pattern, conf in rules:
            if conf > out.get(code, 0.0) and pattern.search(low):
                out[code] = conf
    if addresses_by_name(text):
        out["W.personalize"] = 0.9
    kinds = question_types(low)
    # The last question is the one the customer will answer: it gets the higher confidence.
    for kind, code in (("open", "E.open_question"), ("closed", "E.closed_question")):
        if kind in kinds:
            out[code] = 0.9 if kinds[-1] == kind else 0.8
    return out


SIGNAL_RULES: dict[str, list[Rule]] = {
    "objection.price": [
        (_r(r"\b(?:(?:way |far |much |a bit |just |really |so )?too (?:expensive|much money|"
            r"pricey|dear|steep|high)|(?:can'?t|cannot|can not|couldn'?t) afford|cheaper "
            r"(?:elsewhere|somewhere|with|from|at|deal)|(?:found|get|got|seen) (?:it|one|a deal) "
            r"(?:for )?cheaper|better (?:deal|price|offer) (?:elsewhere|somewhere|with|from)|half "
            r"the price|a lot of money|(?:not|isn'?t|aren'?t) worth (?:the|that|it|paying)|"
            r"not paying (?:that|this)|rip[- ]?off|overpriced|overcharg\w+|daylight robbery|"
            r"out of (?:my|our) (?:budget|price range)|over (?:my|our)? ?budget|costs? too much|"
            r"(?:price|bill|cost|premium|renewal|tariff|fee|rate)s? (?:has |have |had |just )?"
            r"(?:gone up|went up|increased|doubled|tripled|risen|jumped|is too high|are too high)|"
            r"gone up by|more than i (?:can|want to) (?:pay|spend)|(?:that'?s|it'?s|bit) steep|"
            r"(?:that'?s|it'?s|seems|sounds) (?:really |very |quite |so )?expensive|pricier|"
            r"can'?t justify (?:the|that|paying))\b"), 0.85),
    ],
    "objection.cancel": [
        (_r(r"\b(?:(?:want|going|like|need|wish|planning|thinking|decided|have|trying|ready)"
            r"(?: to| of| about)? (?:just )?(?:cancel\w*|leave|leaving|switch\w*|close|closing|"
            r"end|ending|terminate|quit|stop)\b(?! (?:a|the) (?:payment|order|card)\b)|"
            r"(?:cancel|close|end|terminate|stop|quit) (?:my|the|this|our) (?:account|contract|"
            r"subscription|membership|policy|plan|service|line|broadband|package|direct debit)|"
            r"moving to (?:a|another) (?:different )?(?:company|provider|supplier|bank|insurer|"
            r"network)|switch(?:ing)? (?:to another|to a different|to your competitor|provider|"
            r"supplier|network|banks?)|take my (?:business|money) elsewhere|leaving you|"
            r"(?:don'?t|do not) (?:want to )?renew|not (?:going to )?renew\w*|"
            r"want out of (?:this|my|the)|i'?m (?:done|finished) with (?:you|this company))\b"),
         0.85),
    ],
    "objection.refund": [
        (_r(r"\b(?:(?:want|expect|like|need|demand|give me|get|entitled to|owed|asking for|"
            r"request)\b.{0,20}(?:refund|money back|reimburs\w+|reversed|compensat\w+|credit "
            r"back)|be reimbursed|full refund|refund (?:it|me|this|that|the)|refund,? please|"
            r"my money back|charge ?back|pay me back|want (?:it|that|the charge) (?:refunded|"
            r"reversed))\b"), 0.85),
    ],
    "objection.trust": [
        (_r(r"\b(?:(?:don'?t|do not|can'?t|cannot) (?:really )?(?:believe|trust)|heard (?:all )?"
            r"(?:this|that|it) before|said that (?:before|last time)|why should i (?:believe|"
            r"trust)|not convinced|how (?:do|can|would) i know (?:that|this|it'?s|you|if|it)|"
            r"how can i (?:be sure|trust)|no guarantee|sounds? like a scam|\bscam\b|too good to "
            r"be true|is this legit|hidden (?:fees|charges|costs)|(?:small|fine) print|lied to|"
            r"you lied|misled|misleading|promised (?:me )?(?:that )?(?:last|before)|"
            r"(?:not|never) (?:sure|confident) (?:i|we) can trust|put (?:that|it) in writing|"
            r"you people always|same (?:thing|story|promise) (?:last|every) time)\b"), 0.85),
    ],
    "objection.timing": [
        (_r(r"\b(?:too long|too late|far too (?:long|late|slow)|can'?t wait|sooner than that|"
            r"need it (?:today|by|before|sorted|sooner|now)|that long|why does it take|"
            r"(?:next week|two weeks|ten days|a month|that late)\?|that'?s no good|needs to be "
            r"(?:done|sorted|fixed) sooner|not (?:a good|the right) time|bad time|"
            r"(?:call|ring) me (?:back )?(?:later|tomorrow|next \w+|another time)|not (?:right )?"
            r"now|not ready (?:yet|to)|maybe (?:next|in a) (?:month|year|week|few)|in a few "
            r"months|(?:let me|i'?ll|i need to|i want to|i have to|i'?d like to|got to|gotta) "
            r"think (?:about it|it over|about that|on it)|sleep on it|(?:need|want|have|got) to "
            r"(?:talk|speak|check) (?:to|with) my (?:wife|husband|partner|boss|family|bank|"
            r"accountant|manager)|(?:hold off|wait) (?:until|till|for) (?:next|the end|after)|"
            r"(?:decide|think about it) later|not in a (?:rush|hurry) to)\b"), 0.8),
    ],
    "frustration": [
        (_r(r"\b(?:ridiculous|a (?:total |complete )?joke|sick (?:of|and tired)|fed up|"
            r"infuriat\w*|annoy(?:ed|ing)|angry|furious|livid|fuming|(?:second|third|fourth|"
            r"fifth|\d+(?:st|nd|rd|th)) time|wasted?|wasting my|had enough|messed (?:me )?about|"
            r"pillar to post|unacceptable|always this hard|useless|disgrace\w*|shocking|"
            r"nightmare|outrageous|pathetic|unbelievable|terrible service|awful service|worst "
            r"(?:service|company)|how many times|nobody (?:listens|calls|ever|has)|no one "
            r"(?:listens|calls|ever|has)|(?:already|just) (?:explained|told you)|keep (?:getting|"
            r"being) (?:passed|transferred|cut off)|(?:i'?ve|i have) (?:already )?(?:called|rung|"
            r"phoned) (?:you )?(?:twice|three times|four times|several times|so many times)|"
            r"(?:on hold|waiting) for (?:over |nearly |almost |about )?(?:an hour|\d+|half an "
            r"hour|ages|forever|(?:twenty|thirty|forty|forty five|fifty) minutes)|still (?:not|"
            r"hasn'?t|haven'?t|no)\b.{0,30}(?:sorted|fixed|working|arrived|heard)|(?:really|so|"
            r"very) (?:frustrat\w+|upset|stressed|disappointed)|frustrat\w+|so frustrating|"
            r"this is (?:crazy|insane|madness)|what a (?:mess|joke)|cut off (?:again|twice))\b"),
         0.85),
    ],
    "confusion": [
        (_r(r"\b(?:(?:don'?t|do not) (?:really |quite |fully )?(?:understand|follow|get (?:it|"
            r"what|why|how|that))|confus\w+|not following|i'?m (?:lost|not sure what you mean)|"
            r"(?:you'?ve )?lost me|what (?:does|do) (?:that|this|it|you) mean|what do you mean|"
            r"plain english|say that again|explain (?:that|it|this) again|makes no sense|"
            r"(?:doesn'?t|does not|don'?t) make (?:any )?sense|no idea what|not sure (?:what|"
            r"which|how|where|why) (?:i'?m|i|that|you|this|it)|(?:which|what) one (?:do|should) "
            r"i|baffl\w+|puzzl\w+|i'?m not clear|unclear (?:to me|what|why|how)|sorry,? what\?|"
            r"what\?$|huh\b|come again|i don'?t see (?:what|why|how|where))\b"), 0.85),
    ],
    "purchase_intent": [
        (_r(r"\b(?:upgrad\w+|sign (?:me )?up|add (?:another|a|the|an extra|an?other)\b|(?:want|"
            r"like|going|love|keen|ready|looking) to (?:buy|order|get|take|purchase|book|go "
            r"ahead|switch to (?:the|your)|try (?:the|your))|buy (?:the|a|it|one)|order (?:a|"
            r"another|a second|one)|interested in|how (?:do|can) i (?:get|buy|order|join|sign)|"
            r"i'?ll take (?:it|that|the|one)|let'?s (?:do|go (?:for|with)) (?:it|that|the)|go "
            r"(?:ahead|for it) with (?:the|that|it)|sounds good,? (?:let'?s|sign|i'?ll)|how much "
            r"(?:would|is|does) (?:it|the|that) (?:be|cost) (?:to|for|if) (?:add|get|upgrade|"
            r"switch)|put me down for|can i (?:get|have|add|order|buy) (?:the|a|an|one|that|it)"
            r" (?:\w+ )?(?:plan|package|bundle|upgrade|deal|offer|line|one|too|as well))\b"),
         0.85),
    ],
    "satisfaction": [
        (_r(r"\b(?:brilliant|fantastic|amazing|perfect|wonderful|excellent|relief|really help"
            r"\w*|appreciate (?:it|that|your help)|pleased|exactly what i needed|you'?ve sorted|"
            r"that'?s great|great,? that'?s|lovely,? thank|so helpful|spot on|awesome|that works "
            r"(?:for me|great|perfectly)|you'?ve been (?:great|very helpful|so helpful|a star)|"
            r"thank you so much|thanks so much|much appreciated|happy with (?:that|this)|"
            r"(?:that'?s|it'?s) sorted|you'?re a star|great help|made my day)\b"), 0.85),
    ],
}

SIGNAL_VETOES: dict[str, re.Pattern[str]] = {
    "satisfaction": _r(r"\b(?:not (?:happy|pleased)|ridiculous|joke|not perfect|far from "
                       r"perfect)\b|^(?:no,? )?(?:that'?s|that is) (?:it|all|everything)(?: for "
                       r"(?:now|today))?,? thanks?\b[^!]*$"),
    # the customer says the price is all right: whatever the turn before said about it
    "objection.price": _r(r"\b(?:price|cost|that|it)(?:'s| is| seems| sounds| looks)"
                          r"(?: (?:really|perfectly|quite|totally|absolutely))? "
                          r"(?:fine|ok|okay|alright|all right|reasonable|fair|good)\b(?! but)|"
                          r"\b(?:happy|fine|ok|okay) with the (?:price|cost)\b"),
    "objection.cancel": _r(r"\b(?:thought i (?:cancelled|canceled)|already cancell?ed|"
                           r"(?:don'?t|do not|never) want to (?:cancel|leave|switch))\b"),
}


@dataclass(frozen=True)
class ExtraRule:
    """Admin phrases for one signal code (or ``missed.dont_know``): ``match`` adds detection,
    ``unless`` (for ``missed.dont_know``: counts as a next step) and ``replace`` (only
    ``match`` detects the code: the built-in rules and the model are ignored for it)."""

    match: re.Pattern[str] | None = None
    unless: re.Pattern[str] | None = None
    replace: bool = False


def _extra(extra: Mapping[str, ExtraRule] | None, code: str) -> ExtraRule | None:
    return extra.get(code) if extra else None


def signal_rule_scores(low: str, extra: Mapping[str, ExtraRule] | None = None,
                       skip: frozenset[str] = frozenset()) -> dict[str, float]:
    """Rule confidences for one customer utterance; the built-in rules of the ``skip``
    codes are left out (an admin's phrases still count)."""
    out: dict[str, float] = {}
    for code, rules in SIGNAL_RULES.items():
        more = _extra(extra, code)
        if more is not None and more.match is not None and more.match.search(low):
            out[code] = 0.85
        if (more is not None and more.replace) or code in skip:
            continue
        for pattern, conf in rules:
            if conf > out.get(code, 0.0) and pattern.search(low):
                out[code] = conf
    return out


def signal_evidence(low: str, code: str, extra: Mapping[str, ExtraRule] | None = None,
                    skip: frozenset[str] = frozenset()) -> tuple[int, int] | None:
    """Character span of the words that make a rule fire ``code`` in ``low`` (None when no
    rule fires: the model alone found it). ``skip`` as in ``signal_rule_scores``: the
    built-in phrases of a code whose rules the model leaves out are not its evidence."""
    more = _extra(extra, code)
    patterns = [more.match] if more is not None and more.match is not None else []
    if (more is None or not more.replace) and code not in skip:
        patterns += [p for p, _ in SIGNAL_RULES.get(code, ())]
    if code == "missed.dont_know":
        patterns.append(_DONT_KNOW)
    spans = [m.span() for p in patterns if (m := p.search(low))]
    return min(spans) if spans else None


# --- anti-pattern flags (rule-only) -------------------------------------------------------

_DONT_KNOW = _r(r"\b(?:i (?:don'?t|do not|dunno) know|no idea|not my department|nothing i "
                r"can do|(?:i )?(?:can'?t|cannot) help you with (?:that|this)|"
                r"(?:i )?couldn'?t tell you|i'?m not "
                r"(?:sure|certain)|not sure|dunno|no clue|beats me|haven'?t a clue)\b")
_NEXT_STEP = _r(r"\b(?:but|let me|i'?ll|i will|i'?m going to|find out|check|ask|look into|get "
                r"back|transfer|put you through|someone who|colleague|specialist|team who|call "
                r"you back|ring you back|email you|find that out)\b")
_BLAME = _r(r"\b(?:you (?:must|should|probably|obviously|clearly|were supposed to|forgot|"
            r"didn'?t|did not|never) (?:have )?\w+|you should have|if you'?d (?:read|checked|"
            r"called|done|listened)|(?:that'?s|it'?s) (?:the|your|their) [\w' ]{0,30}(?:fault|"
            r"mistake|problem)|(?:courier|bank|warehouse|team|department|provider)'?s? (?:fault|"
            r"mistake)|not (?:our|my) (?:problem|fault)|nothing to do with (?:me|us)|(?:messed|"
            r"screwed) (?:that|it|this) up|always getting (?:this|it) wrong|that'?s because you|"
            r"(?:it )?says in the terms)\b")
_BLAME_OK = _r(r"\b(?:you (?:should (?:get|receive|see|have (?:received|got))|must be|should be)|"
               r"you didn'?t (?:need|have) to)\b")


def has_next_step(low: str, extra: Mapping[str, ExtraRule] | None = None) -> bool:
    """The advisor offers a next step (find out, check, pass on, call back ...)."""
    more = _extra(extra, "missed.dont_know")
    return bool(_NEXT_STEP.search(low) or (more is not None and more.unless is not None
                                            and more.unless.search(low)))


def utterance_flags(low: str, extra: Mapping[str, ExtraRule] | None = None) -> list[str]:
    """Utterance-level "missed" flags for one agent utterance (buried answers: see core)."""
    flags = []
    more = _extra(extra, "missed.dont_know")
    m = None if more is not None and more.replace else _DONT_KNOW.search(low)
    if m is None and more is not None and more.match is not None:
        m = more.match.search(low)
    if m and not has_next_step(low[: m.start()] + " " + low[m.end():], extra):
        flags.append("missed.dont_know")
    if _BLAME.search(low) and not _BLAME_OK.search(low):
        flags.append("missed.blame")
    return flags

