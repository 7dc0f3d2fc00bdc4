# ruff: noqa: E501 - data tables: one phrase per line reads better than wrapped strings
"""Phrasing bank for HELD-OUT conversations (never used for training).

Written separately from ``bank_train.py``: same move names and labels, different wording,
so the benchmark measures whether the tagger generalises rather than memorises.
"""

from __future__ import annotations

AGENT: dict[str, tuple[tuple[str, ...], list[str]]] = {
    "greeting": (("A.greeting",), [
        "Hi, you've come through to {company}, I'm {agent}. What's the reason for your call today?",
        "Good morning and thanks for ringing {company}. {agent} here, how can I be of help?",
        "Hello there, {agent} at {company} customer care. What can I help with?",
        "Afternoon, thanks for getting in touch with {company}, my name's {agent}.",
        "Welcome to {company}, {agent} speaking, how are you doing today?",
        "Hello, thank you for contacting {company}. I'm {agent}, and I'm here to help.",
    ]),
    "greeting_ask": (("A.greeting", "E.closed_question"), [
        "Hi, {company} support, {agent} speaking. Could I get your name to start with?",
        "Good morning, {company}, this is {agent}. Is this about an existing booking?",
    ]),
    "acknowledge": (("A.acknowledge",), [
        "Okay, I can see on the system that {ack}.",
        "Right, so {ack}, thanks for flagging that.",
        "I've noted that {ack}.",
        "Thank you, I understand that {ack}.",
        "Yep, I've got the gist: {ack}.",
        "Okay, I'm looking at it now and I can see {ack}.",
        "Noted, {ack}.",
    ]),
    "encourage": (("A.encourage",), [
        "Mm.", "Yeah.", "Okay, and?", "Uh-huh, yeah.", "Sure.", "Mhm, keep going.",
        "Right, right.", "Oh, okay, go on.", "And then what?", "Yep.",
    ]),
    "empathy": (("W.empathy",), [
        "Oh, that's really stressful, I can tell.",
        "That must be so annoying, especially when you've got plenty on already.",
        "I can understand how upsetting that is.",
        "Gosh, that sounds exhausting.",
        "No wonder you're frustrated.",
        "I'd be worried too, honestly.",
        "It's completely fair that you feel let down.",
        "That must have been a horrible surprise.",
    ]),
    "apology": (("W.apology",), [
        "I'm truly sorry for all of this.",
        "Apologies that it's come to this.",
        "I'm very sorry it's taken so long.",
        "Sorry that you've been messed around.",
        "We got that wrong, and I'm sorry.",
        "I apologise, that really isn't good enough.",
    ]),
    "personal": (("W.personalize",), [
        "And I hope the new puppy is settling in.",
        "Enjoy your holiday in Portugal, by the way.",
        "Given you're looking after your mum at the moment, I'll keep this as quick as I can.",
        "You mentioned it's your wedding anniversary this weekend, so let's get it there in time.",
        "As a student I know every pound counts, so let me check the discounts for you.",
    ]),
    "open_question": (("E.open_question",), [
        "What can you see on the screen right now?",
        "How did it go when you {action}?",
        "Walk me through what happened, step by step.",
        "Tell me a bit about {topic}.",
        "What's the main thing you'd like to get out of this call?",
        "How are you finding the service generally?",
        "In your own words, what went wrong?",
        "How would you describe {topic}?",
        "What led up to the problem?",
        "What's it doing at the moment?",
        "Could you explain what you were expecting to happen?",
    ]),
    "closed_question": (("E.closed_question",), [
        "Could I grab {fact}?",
        "Can you read me {fact}?",
        "Is it still the same mobile number?",
        "Have you restarted the device since then?",
        "Did anyone give you a reference number?",
        "Is it okay if I put you on a short hold?",
        "When did you last use the card?",
        "Are you at home right now?",
        "Do you still have the original packaging?",
        "Was that on Tuesday or Wednesday?",
        "Which email address should the confirmation go to?",
        "Sorry, was that a B or a D?",
        "How much was the charge for?",
        "Has the light gone solid yet?",
        "Would Thursday morning suit you?",
    ]),
    "paraphrase": (("S.paraphrase",), [
        "So basically, {para}.",
        "Right, what I'm hearing is that {para}.",
        "Okay, so the long and short of it is {para}.",
        "So, as I understand it, {para}.",
        "Sounds like {para}.",
        "Okay, so to put it another way, {para}.",
    ]),
    "paraphrase_check": (("S.paraphrase", "S.check"), [
        "So {para}; is that a fair description?",
        "Let me check I've followed: {para}. Is that correct?",
    ]),
    "summary": (("S.summary", "M.expectation"), [
        "Okay, to pull that together: I've {fix_done}, I've {extra_done}, and {next}.",
        "So, in summary, I've {fix_done}, and {next}.",
        "Just going over everything once more: I've {fix_done}, and {next}.",
    ]),
    "summary_only": (("S.summary",), [
        "So, all in all, I've {fix_done} and also {extra_done}.",
        "To wrap up what we've done: I've {fix_done} and {extra_done}.",
    ]),
    "check": (("S.check",), [
        "Is that making sense so far?",
        "Did that come across okay?",
        "Does that all add up for you?",
        "Have I understood you properly?",
        "Is that clear, or would you like me to explain it differently?",
        "Does that cover what you needed to know?",
    ]),
    "ownership": (("O.ownership",), [
        "I'm going to sort this out for you.",
        "This is on me now, I'll {fix}.",
        "I'll handle it from here.",
        "Let me take this on and {fix}.",
        "I'll make sure it's done before I finish today.",
        "You don't need to do anything, I'll {fix}.",
    ]),
    "ownership_expect": (("O.ownership", "M.expectation"), [
        "I'll {fix} now; {next}.",
        "I'll ring you myself on Monday morning to make sure it's worked.",
    ]),
    "dont_know_ok": (("O.ownership",), [
        "I'm not sure off the top of my head, so let me look into it for you.",
        "I don't know that one, but I'll find out now.",
    ]),
    "dont_know_ok_expect": (("O.ownership", "M.expectation"), [
        "I don't know yet, but I'll speak to my manager and email you by tomorrow.",
    ]),
    "expectation": (("M.expectation",), [
        "So the next step is that {next}.",
        "After this call, {next}.",
        "Within the next hour you'll receive an email confirming the changes.",
        "Expect a letter from us in about a week.",
        "Then {next}.",
        "The update should show on your account by tomorrow morning.",
    ]),
    "answer": (("M.answer",), [
        "{answer}",
        "Okay. {answer}",
        "That one's {amount} per month.",
        "Yes, it's available in your area.",
        "Unfortunately there isn't a branch near you, but everything can be done online.",
        "It was delivered to your safe place at two fifteen.",
        "The minimum term on that plan is twelve months.",
        "You've got three gigabytes left this month.",
    ]),
    "positive": (("M.positive",), [
        "What I'm able to do is {alt_v}.",
        "On the plus side, {good}.",
        "There's a way round it: I can {alt_v}.",
        "Luckily, {good}.",
        "What would work well is if I {alt_v}.",
    ]),
    "positive_own": (("M.positive", "O.ownership"), [
        "I can certainly {fix} for you.",
        "Of course, I'm happy to {fix} for you.",
    ]),
    "objection.price": (("O.objection", "M.positive"), [
        "I get that it's a lot of money. What I'm able to offer is {alt}.",
        "I understand the cost is a worry; the good news is I can {alt_v}.",
    ]),
    "objection.cancel": (("O.objection",), [
        "That's a shame to hear. Before you go, I can suggest {alt}.",
        "I understand, and I'd really like to keep you with us, so I can {alt_v}.",
    ]),
    "objection.refund": (("O.objection",), [
        "I understand why you want a refund. As an alternative I could {alt_v}.",
        "I can't do a full refund on this one, but I can offer {alt}.",
    ]),
    "objection.trust": (("O.objection", "O.ownership"), [
        "I can see why you'd be doubtful after last time. So you have it in writing, I'll email you the confirmation and {alt_v}.",
        "It's fair to be sceptical. I'm putting a note on the account and I'll {fix} personally.",
    ]),
    "objection.timing": (("O.objection",), [
        "I know that's longer than you wanted, so in the meantime I can {alt_v}.",
        "I appreciate you need it sooner; let me see if there's a cancellation slot, and I can {alt_v}.",
    ]),
    "further_help": (("E.further_help",), [
        "Is there anything more I can do for you?",
        "Anything else you need from me today?",
        "While you're on the line, is there anything else I can help with?",
        "Can I do anything else for you?",
        "Is there anything else at all?",
    ]),
    "close": (("E.close",), [
        "Thanks for your time today, enjoy the rest of your day.",
        "Cheers for calling, take care now.",
        "Thanks so much, have a good evening. Bye.",
        "It was nice talking to you, all the best.",
        "Thanks for being so patient, have a great weekend.",
    ]),
    "neutral": ((), [
        "Give me a second while I pull that up.",
        "Just going to pop you on a quick hold.",
        "Thank you for waiting.",
        "The system's taking its time this morning.",
        "Okay, just making a note of that.",
        "Ha, tell me about it.",
        "Right, let me just scroll down.",
        "Sorry, my headset is playing up.",
        "One moment please.",
        "Okay, let me have a look.",
    ]),
    "dont_know": ((), [
        "I don't know, sorry.",
        "No idea.",
        "Couldn't tell you, I'm afraid.",
        "I'm not sure.",
        "I don't know what happened there.",
    ]),
    "blame": ((), [
        "You probably typed the address in wrong.",
        "That's the warehouse team's mistake, nothing to do with me.",
        "Well, it says in the terms you should have called us first.",
        "It's your internet provider's fault, not ours.",
        "If you'd read the email you'd have known.",
    ]),
}

FLAGS: dict[str, tuple[str, ...]] = {
    "dont_know": ("missed.dont_know",),
    "blame": ("missed.blame",),
}

PREAMBLES: list[str] = [
    "Okay, so there's a bit of background to this, because our account types changed a while ago.",
    "There are a couple of different rules depending on when the account was opened and where you live.",
    "The team that handles this moved buildings recently, so some of the old paperwork got shuffled around.",
    "I've been scrolling through everything on the account and there are quite a lot of notes here.",
    "And the computer only refreshes some of the details overnight, which doesn't always help.",
]

CUSTOMER: dict[str, tuple[tuple[str, ...], list[str]]] = {
    "frustration": (("frustration",), [
        "I'm so angry about this, honestly.",
        "This has wasted my whole morning.",
        "I've had enough of being messed about.",
        "Why is it always this hard to get anything done with you lot?",
    ]),
    "confusion": (("confusion",), [
        "Wait, what does that mean?",
        "I'm a bit confused now.",
        "Sorry, can you say that again in plain English?",
        "I don't really understand the bill.",
    ]),
    "objection.price": (("objection.price",), [
        "That's a lot of money for what it is.",
        "I can't afford {amount} a month.",
        "Your competitors are half the price.",
    ]),
    "objection.cancel": (("objection.cancel",), [
        "I think I'm just going to cancel.",
        "I want to close the account today.",
        "I'm moving to a different company.",
    ]),
    "objection.refund": (("objection.refund",), [
        "I'd like a refund, please.",
        "I want to be reimbursed for this.",
        "Just give me my money back.",
    ]),
    "objection.trust": (("objection.trust",), [
        "I've heard all this before.",
        "Why should I believe that this time?",
        "I'm not convinced you'll actually do it.",
    ]),
    "objection.timing": (("objection.timing",), [
        "Two weeks? I can't wait that long.",
        "That's no good, I'm away on Thursday.",
        "It needs to be done sooner than that.",
    ]),
    "purchase_intent": (("purchase_intent",), [
        "Can I order a second one while I'm on?",
        "I'd like to add the sports package.",
        "Could you tell me how to upgrade?",
        "I want to buy the bigger bundle.",
    ]),
    "satisfaction": (("satisfaction",), [
        "Lovely, thank you, that's really helped.",
        "Amazing, you've sorted it.",
        "Thanks, I'm really pleased with that.",
        "That's brilliant news.",
    ]),
    "neutral": ((), [
        "Yes, correct.",
        "It's the fourteenth of May.",
        "No, nothing like that.",
        "Yep.",
        "Right.",
        "Hi, yes, hello.",
        "It's my husband's account actually.",
        "No, that's it, thanks.",
        "Okay, bye then.",
        "One sec, I'm just getting a pen.",
    ]),
}
