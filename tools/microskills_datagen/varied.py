# ruff: noqa: E501 - data tables: one phrase per line reads better than wrapped strings
"""Varied conversations (ids ``v0001``...): many industries, registers and Whisper-like noise.

Written from the spec only, with its own wording (not the phrasing banks of ``bank_*``).
Every 4th conversation is a dev conversation (``microskills.dataset.is_heldout``); dev
conversations draw every template and scenario from a disjoint fifth of each list, so
dev figures measure wording the model never saw. Run ``python -m tools.microskills_datagen.varied``
(appends to ``microskills/data/conversations.jsonl`` after the ``build`` rows).
"""

from __future__ import annotations

import random

from tools.microskills_datagen import slots

SEED = 20260611
N_CONVERSATIONS = 1600

EXTRA_SCENARIOS: list[dict[str, str]] = [
    {"domain": "healthcare", "c_issue": "I need to change my appointment because I can't make it on Thursday.",
     "c_detail": "I've got a hospital scan booked at the same time, it only came through yesterday.",
     "ack": "you can't make Thursday's appointment", "para": "your scan clashes with the appointment on Thursday",
     "action": "booked online", "fix": "find you another slot with Doctor Shah", "fix_done": "moved you to Monday at ten",
     "next": "you'll get a text reminder the day before", "c_question": "Do I need to bring anything with me?",
     "answer": "Just your repeat prescription list and any medication you're taking at the moment.",
     "alt": "a telephone appointment the same afternoon", "alt_v": "book you a phone appointment the same afternoon",
     "good": "there's a cancellation on Monday morning"},
    {"domain": "healthcare billing", "c_issue": "I got a bill for a procedure my insurance was supposed to cover.",
     "c_detail": "The letter says I owe four hundred and twenty dollars for the MRI in March.",
     "ack": "you were billed for an MRI that should have gone to your insurer", "para": "the claim for the March MRI came back to you instead of being paid",
     "action": "called the insurer", "fix": "resubmit the claim with the right code", "fix_done": "resubmitted the claim",
     "next": "the insurer usually decides within thirty days", "c_question": "Do I have to pay it in the meantime?",
     "answer": "No, the balance is on hold while the claim is reviewed, so nothing is due right now.",
     "alt": "a payment plan with no interest", "alt_v": "set up an interest-free payment plan",
     "good": "the account is already on hold so it won't go to collections"},
    {"domain": "saas", "c_issue": "None of my team can log in to the dashboard since this morning.",
     "c_detail": "It just says session expired and sends us back to the login page.",
     "ack": "your whole team is locked out of the dashboard", "para": "every login ends on a session expired message and loops back",
     "action": "cleared the cache", "fix": "reset the single sign-on settings on your workspace", "fix_done": "reset the SSO connection",
     "next": "the change takes about ten minutes to reach all users", "c_question": "Will we lose any of the reports we set up?",
     "answer": "No, reports and dashboards are stored separately, they're all still there.",
     "alt": "two months free on the current plan", "alt_v": "give you two months free on the current plan",
     "good": "your data is all intact"},
    {"domain": "saas billing", "c_issue": "We were charged for fifty seats but we only have thirty users.",
     "c_detail": "We removed twenty people last month when the contractors left.",
     "ack": "you're being billed for twenty more seats than you use", "para": "you took twenty users off last month but the invoice still counts fifty",
     "action": "removed the users", "fix": "correct the seat count and credit the difference", "fix_done": "corrected the seat count",
     "next": "the credit shows on your next invoice", "c_question": "Can we switch to monthly billing instead of annual?",
     "answer": "Yes, you can switch at renewal, and monthly is about fifteen percent more per seat.",
     "alt": "a pause on the unused seats instead of cancelling", "alt_v": "pause the unused seats rather than cancel",
     "good": "the seats can be pro-rated back to the day you removed them"},
    {"domain": "car insurance", "c_issue": "Someone reversed into my car in a car park and I need to make a claim.",
     "c_detail": "It happened on Saturday, the other driver gave me their details and a photo of their licence.",
     "ack": "you need to claim for the damage from Saturday", "para": "another driver backed into you and you've got their details",
     "action": "took photos", "fix": "open the claim and arrange a repair", "fix_done": "opened the claim",
     "next": "the approved garage will contact you within two working days", "c_question": "Will this affect my no claims bonus?",
     "answer": "Not if the other driver's insurer accepts fault, your bonus stays protected.",
     "alt": "a courtesy car while yours is repaired", "alt_v": "arrange a courtesy car while yours is in the garage",
     "good": "you have the other driver's details, which makes it straightforward"},
    {"domain": "home insurance", "c_issue": "My renewal quote is almost double what I paid last year.",
     "issue_signals": "objection.price", "c_detail": "Last year it was two hundred and ten and now it says three hundred and ninety.",
     "ack": "your home insurance renewal has nearly doubled", "para": "the premium went from two ten to three ninety",
     "action": "compared quotes", "fix": "requote with your current details", "fix_done": "requoted the policy",
     "next": "the new documents will be emailed today", "c_question": "Why has it gone up so much?",
     "answer": "Flood claims in your postcode area went up, which raised the base rate for the whole area.",
     "alt": "raising the excess to bring the premium down", "alt_v": "raise the excess to bring the premium down",
     "good": "adding the new locks you fitted brings it down"},
    {"domain": "airline", "c_issue": "My flight to Lisbon got cancelled and nobody told me.",
     "c_detail": "I only found out at the airport, the board just said cancelled.",
     "ack": "your Lisbon flight was cancelled without any notice", "para": "you found out at the gate rather than from us",
     "action": "queued at the desk", "fix": "rebook you on the next available flight", "fix_done": "rebooked you on the six fifteen",
     "next": "your new boarding pass will be emailed within the hour", "c_question": "Am I entitled to compensation?",
     "answer": "Yes, for a cancellation with under two weeks' notice on that route it's two hundred and fifty euros.",
     "alt": "a flight from the other airport tonight", "alt_v": "put you on tonight's flight from the other airport",
     "good": "there are still seats on the evening flight"},
    {"domain": "hotel", "c_issue": "I booked a double room but the confirmation says twin.",
     "c_detail": "It's for our anniversary weekend, we arrive on the fourteenth.",
     "ack": "your booking shows a twin instead of a double", "para": "the confirmation for the fourteenth has the wrong room type",
     "action": "booked on the website", "fix": "change the room type", "fix_done": "changed it to a double",
     "next": "you'll get an updated confirmation by email in a few minutes", "c_question": "Is breakfast included?",
     "answer": "Yes, breakfast is included for both of you, served from seven until ten thirty.",
     "alt": "an upgrade to a sea view room", "alt_v": "upgrade you to a sea view room",
     "good": "a double with a balcony is free those nights"},
    {"domain": "mobile", "c_issue": "I've got no signal at all since I moved house.",
     "c_detail": "Calls just fail and the phone says emergency calls only most of the day.",
     "ack": "you've lost signal since moving", "para": "at the new address your phone is stuck on emergency calls only",
     "action": "restarted the phone", "fix": "check the mast status and turn on wifi calling", "fix_done": "switched on wifi calling",
     "next": "the network team will update you by Friday", "c_question": "Is there a mast down near me?",
     "answer": "Yes, the mast on your road is under maintenance until the twentieth.",
     "alt": "a signal booster free of charge", "alt_v": "send you a free signal booster",
     "good": "wifi calling will work straight away"},
    {"domain": "online shop", "c_issue": "The jacket I ordered came in the wrong size.",
     "c_detail": "I ordered a medium and the label says extra large.",
     "ack": "the jacket arrived in the wrong size", "para": "you ordered a medium and got an extra large",
     "action": "checked the label", "fix": "send the right size out and a returns label", "fix_done": "sent out the medium",
     "next": "the medium will arrive on Wednesday", "c_question": "Do I have to pay for the return?",
     "answer": "No, returns are free, the label goes on the original bag.",
     "alt": "a ten percent voucher for your next order", "alt_v": "add a ten percent voucher to your account",
     "good": "the medium is in stock"},
    {"domain": "gas and electric", "c_issue": "You've put my direct debit up to a hundred and fifty and I don't use that much.",
     "c_detail": "It was ninety a month and my usage hasn't changed at all.",
     "ack": "your direct debit jumped to a hundred and fifty", "para": "the payment went from ninety to one fifty with the same usage",
     "action": "sent a meter reading", "fix": "recalculate it from your actual readings", "fix_done": "recalculated the payment",
     "next": "the new amount starts from next month's payment", "c_question": "Can I get the credit on my account back?",
     "answer": "Yes, you have a credit of sixty two pounds and you can have it back any time.",
     "alt": "spreading the payments over twelve months", "alt_v": "spread the balance over twelve months",
     "good": "your latest reading shows you're in credit"},
    {"domain": "bank card", "c_issue": "There's a payment on my card I didn't make.",
     "c_detail": "It's eighty nine pounds to an online store I've never heard of.",
     "ack": "there's an eighty nine pound payment you don't recognise", "para": "a store you've never used took eighty nine pounds",
     "action": "froze the card in the app", "fix": "block the card and raise a dispute", "fix_done": "blocked the card and raised the dispute",
     "next": "a new card will arrive in three to five working days", "c_question": "Will I get the money back?",
     "answer": "Yes, for a payment you didn't authorise the money is refunded while we investigate.",
     "alt": "a temporary virtual card today", "alt_v": "set up a virtual card for you today",
     "good": "the payment is still pending so it can be stopped"},
    {"domain": "mortgage", "c_issue": "My fixed rate ends next month and I don't know what happens after.",
     "c_detail": "I got a letter but it's full of jargon about the standard variable rate.",
     "ack": "your fixed rate ends next month", "para": "you've had a letter about the variable rate but it isn't clear what it means for you",
     "action": "read the letter", "fix": "go through the product switch options", "fix_done": "reserved a new two year fix",
     "next": "the offer documents will come by post within a week", "c_question": "How much will my payments be on the new rate?",
     "answer": "On the two year fix your payment would be eight hundred and twelve pounds a month.",
     "alt": "a five year fix at a lower rate", "alt_v": "look at a five year fix at a lower rate",
     "good": "you can switch without any new credit checks"},
    {"domain": "internet", "c_issue": "My internet is really slow, I'm paying for five hundred meg and getting about twenty.",
     "c_detail": "It's worse at night, video calls keep freezing.",
     "ack": "you're getting about twenty meg instead of five hundred", "para": "the speed drops right down at night and video calls freeze",
     "action": "tried a cable", "fix": "run a speed test on the line and reset the port", "fix_done": "reset the port",
     "next": "the speed should pick up within an hour", "c_question": "Can I get a discount if it stays like this?",
     "answer": "Yes, if the speed stays under the minimum guarantee you can leave or get a reduction.",
     "alt": "a mesh wifi kit at no cost", "alt_v": "send out a mesh wifi kit at no cost",
     "good": "the line itself tests fine, so it's likely the router"},
]

COMPANIES = ["Brightline", "Meridian Mobile", "Caldera Bank", "Kestrel Energy", "Nimbus Cloud", "Harbourside Health",
             "Orbit Travel", "Lumen Insurance", "Pinecrest Water", "Vantage Telecom", "Quill Software", "Sunbeam Hotels",
             "Northgate Mutual", "Riverbend Utilities", "Atlas Airways", "Cobalt Broadband", "Fernleaf Pharmacy", "Summit Retail"]
AGENTS = ["Aisha", "Tom", "Wei", "Carlos", "Fatima", "Liam", "Priyanka", "Oleksandr", "Grace", "Mohammed", "Ines", "Kofi",
          "Hannah", "Diego", "Yuki", "Marek", "Chloe", "Samir"]
CUSTOMERS = ["Mr Novak", "Mrs Adeyemi", "Sarah", "Daniel", "Ms Lindqvist", "Raj", "Mrs Kowalski", "Jamal", "Emily",
             "Mr O'Brien", "Lucia", "Ahmed", "Mrs Tanaka", "Ben", "Olivia", "Mr Haddad", "Zoe", "Mr Fernandes"]
FACTS = ["your postcode", "your account number", "your date of birth", "the email on the account", "your order number",
         "the booking reference", "your policy number", "the last four digits of the card", "your member ID",
         "the serial number on the router", "your full name", "the phone number on the account", "your flight number",
         "the claim number", "your customer number", "the invoice number", "your registration", "your patient number"]

# --- advisor moves: (codes, templates). Templates use scenario slots and {company},
# {agent}, {fact}, {name}, {when}.
AGENT: dict[str, tuple[tuple[str, ...], list[str]]] = {
    "greeting": (("A.greeting",), [
        "Thank you for calling {company}, this is {agent}, how may I help you?",
        "Hi, {agent} at {company}, what can I do for you today?",
        "Good morning, {company} customer care, you're speaking with {agent}.",
        "Hello, you've reached {company}, my name is {agent}. How can I help?",
        "{company}, good afternoon, {agent} speaking, how can I help you today?",
        "Hey there, thanks for calling {company}, I'm {agent}, what can I help with?",
        "Good evening and welcome to {company}, this is {agent} speaking.",
        "Hello, thank you for contacting {company} support. My name is {agent}, how may I assist you?",
        "Hi, you're through to {agent} in the {company} billing team, how can I help?",
        "Good morning, my name is {agent} and I am calling from {company}, how can I help you today?",
        "Hello, {agent} here from {company}, how are you doing today?",
        "Welcome to {company}, you are speaking to {agent}, how can I be of help?",
        "Hi, thanks for holding, this is {agent} with {company}, what can I do for you?",
        "Afternoon, {company} helpline, {agent} speaking.",
        "Hello, good morning, thank you for calling {company}, {agent} speaking, how can I help?",
    ]),
    "acknowledge": (("A.acknowledge",), [
        "Okay, I see that {ack}.",
        "Right, so {ack}, thanks for telling me.",
        "I understand, {ack}.",
        "Thanks for explaining, I can see {ack}.",
        "Okay, so I understand that {ack}.",
        "I see, {ack}. Thank you for letting me know.",
        "Alright, I have noted that {ack}.",
        "Got it, so {ack}.",
        "Okay, thank you, I understand {ack}.",
        "I hear you, {ack}.",
        "Yes, I can see here that {ack}.",
        "Okay, so you're calling because {ack}.",
        "Thank you for bringing this to us, I see {ack}.",
        "Right, I've got that, {ack}.",
        "Understood, {ack}.",
        "Okay, I follow, {ack}.",
        "I see what you mean, {ack}.",
        "Okay, yes, I understand, {ack}.",
    ]),
    "encourage": (("A.encourage",), [
        "Mm-hmm.", "Uh-huh.", "Okay.", "Right.", "Yes, go on.", "Ah, I see.", "Mhm, and then?", "Okay, carry on.",
        "Yeah yeah.", "Sure, go ahead.", "Right, right.", "Okay, I'm listening.", "Yes?", "And what happened then?",
        "Uh-huh, yeah, okay.", "I see, okay.", "Mm, okay, go on.", "Right, and after that?", "Yes, I'm with you.",
        "Okay, yeah.", "Please continue.", "Mmm.",
    ]),
    "empathy": (("W.empathy",), [
        "That sounds really stressful.",
        "I can understand how frustrating that must be.",
        "Oh, that must have been so annoying for you.",
        "I can imagine that was quite worrying.",
        "That's really not what you need right now.",
        "I'd be upset too if that happened to me.",
        "I completely understand why you're frustrated.",
        "That must be really inconvenient.",
        "I can hear this has been a really difficult week for you.",
        "It sounds like you've been going round in circles, which is exhausting.",
        "I understand, it's very frustrating when things don't work.",
        "That's a horrible situation to be in.",
        "No wonder you're fed up with this.",
        "I really understand your frustration.",
        "I know how stressful it is when your money is involved.",
        "That sounds like a nightmare, honestly.",
        "I get it, that's really disappointing.",
        "I can tell how worried you are about this.",
        "I'm sure that was very upsetting.",
        "You must be exhausted after all of that.",
    ]),
    "apology": (("W.apology",), [
        "I'm really sorry about this.",
        "I do apologise for the trouble.",
        "I'm so sorry that happened.",
        "I'm sorry you've had to call us about this again.",
        "Please accept my apologies for the wait.",
        "I apologise, that should never have happened.",
        "I'm sorry for the inconvenience.",
        "Sorry about all this, it isn't the service we want you to get.",
        "I am very sorry for this experience.",
        "My apologies for the confusion on our side.",
        "We're sorry, that's our mistake.",
        "I'm truly sorry it's taken this long.",
        "Sorry for the hassle this has caused you.",
        "I'm sorry you were left without an update.",
    ]),
    "personal": (("W.personalize",), [
        "I hope the move went well, by the way.",
        "Congratulations on the new baby!",
        "Since you mentioned you travel a lot for work, the roaming add-on might suit you.",
        "Good luck with the exams next week.",
        "Enjoy the anniversary weekend.",
        "As you said you work nights, I'll book the call for the afternoon.",
    ]),
    "open_question": (("E.open_question",), [
        "Can you tell me a bit more about what happened?",
        "What happens when you try it again?",
        "How did you first notice the problem?",
        "Could you describe what you see on the screen?",
        "What have you tried so far?",
        "Talk me through what happened on the day.",
        "How has this been affecting you?",
        "What would be the best outcome for you?",
        "Can you explain how it started?",
        "Why do you think it stopped working?",
        "What did the error message say exactly?",
        "How can we make this right for you?",
        "Walk me through the steps you took.",
        "What made you decide to call today?",
        "How are you using the service at the moment?",
        "Tell me what happened next.",
        "What's been going on with the account?",
        "How would you like us to handle it?",
    ]),
    "closed_question": (("E.closed_question",), [
        "Can I take {fact}, please?",
        "Could you confirm {fact} for me?",
        "Is that the account ending in four two?",
        "Did you get an email from us about it?",
        "Have you tried turning it off and on again?",
        "Are you calling from the number on the account?",
        "Is it just the one item?",
        "When did this start?",
        "Which address should we send it to?",
        "Do you have {fact} handy?",
        "Was that on the fifth or the sixth?",
        "How many times has it happened?",
        "Would you like me to send a copy by email?",
        "Is the light on the router green or red?",
        "Do you still have the box it came in?",
        "Are you the main account holder?",
        "May I have {fact}?",
        "Is this the best number to reach you on?",
        "What's {fact}?",
        "How long has it been like this?",
        "Did the payment go out of your account?",
        "Shall I book that in for you?",
        "Please can you tell me {fact}?",
        "Who is the policy in the name of?",
    ]),
    "paraphrase": (("S.paraphrase",), [
        "So if I understand correctly, {para}.",
        "So what you're saying is {para}.",
        "Okay, so {para}.",
        "Let me make sure I have this right: {para}.",
        "So basically {para}.",
        "Right, so {para}, and that's why you're calling.",
        "It sounds like {para}.",
        "So in other words {para}.",
        "If I've got that right, {para}.",
        "So from what you're telling me, {para}.",
        "Okay, just so I'm clear, {para}.",
        "What I'm hearing is that {para}.",
    ]),
    "summary": (("S.summary",), [
        "So to recap, I've {fix_done} and {next}.",
        "Just to sum up: I've {fix_done}, and {next}.",
        "Okay, let me go over what we've done: I've {fix_done}, and {next}.",
        "So to summarise today's call, I've {fix_done} and {next}.",
        "Let me recap everything: first I've {fix_done}, then {next}.",
        "To wrap up, we've {fix_done} and {next}.",
        "Right, so overall I've {fix_done}, and {next}.",
    ]),
    "check": (("S.check",), [
        "Does that make sense to you?",
        "Is that clear?",
        "Did I explain that okay?",
        "Have I got that right?",
        "Does that all sound okay to you?",
        "Is that making sense so far?",
        "Did that answer your question?",
        "Am I understanding you correctly?",
        "Is everything clear so far?",
        "Would you like me to go over that again?",
        "Does that help?",
        "Is that what you were asking?",
    ]),
    "ownership": (("O.ownership",), [
        "I'll {fix} for you right now.",
        "Let me {fix} for you.",
        "Leave it with me, I'll {fix}.",
        "I'm going to {fix} myself, so you don't have to chase it.",
        "I will personally {fix}.",
        "I'll take care of this: I'm going to {fix}.",
        "Okay, I'll sort this out for you, I'm going to {fix}.",
        "I can {fix} for you now.",
        "Let me take ownership of this and {fix}.",
        "I'm on it, I'll {fix}.",
        "I'll make sure it gets done: I'll {fix}.",
        "I will handle this for you and {fix}.",
    ]),
    "expectation": (("M.expectation",), [
        "{Next}.",
        "Once that's done, {next}.",
        "What happens next is {next}.",
        "You should see it {when}.",
        "It normally takes {when}, and {next}.",
        "The next step is that {next}.",
        "{Next}, and I'll send you a confirmation email straight after this call.",
        "You'll get a text from us {when}.",
        "Expect an email {when} with the details.",
        "The team will call you back {when}.",
        "It should be fixed {when}.",
        "We'll write to you {when} with the outcome.",
    ]),
    "answer": (("M.answer",), [
        "{answer}",
        "Good question. {answer}",
        "Okay, so, {answer}",
        "Let me check. {answer}",
        "{answer} That's in the terms too.",
        "Sure. {answer}",
        "So the answer is, {answer}",
    ]),
    "generic_answer": (("M.answer",), [
        "Yes, it's included in your plan at no extra cost.",
        "No, there's no fee for changing the date.",
        "Your balance right now is one hundred and four pounds.",
        "The branch on the high street is open until five thirty on weekdays.",
        "Your contract ends on the thirtieth of June.",
        "Yes, you can do that yourself in the app under settings.",
        "The limit on the card is two thousand pounds.",
        "It's forty dollars a month after the promotion ends.",
        "No, the warranty covers it for two years from purchase.",
        "Yes, the policy covers accidental damage.",
        "The parcel was delivered on Tuesday at two fifteen and signed for by a neighbour.",
        "Your excess on the policy is two hundred and fifty pounds.",
        "It comes to thirty five pounds including tax.",
        "You have twelve gigabytes of data left this month.",
        "The minimum term is twelve months.",
        "Yes, the pharmacy can deliver it to your home.",
        "The next available slot is on Friday morning.",
        "The fee is waived for members, so it's free for you.",
        "Your password must be at least twelve characters.",
        "The annual plan works out at ninety pounds for the year.",
    ]),
    "positive": (("M.positive",), [
        "What I can do is {alt_v}.",
        "The good news is {good}.",
        "What I can offer you is {alt}.",
        "Luckily, {good}.",
        "Here's what I'm able to do: {alt_v}.",
        "The best option for you would be {alt}.",
        "I'm happy to {alt_v}.",
        "Fortunately {good}, so we can get this moving.",
    ]),
    "objection": (("O.objection",), [
        "I understand that, and what I can do is {alt_v}.",
        "I hear you. Instead, how about {alt}?",
        "That's a fair point. Would it help if I {alt_v_past}?",
        "I get why you feel that way. Before you decide, I could {alt_v}.",
        "I know it's not ideal. As an alternative, I can {alt_v}.",
        "I appreciate that. One option is {alt}, which would save you money.",
        "That's completely understandable, so let me offer you {alt}.",
        "I see where you're coming from. If it helps, we could {alt_v}.",
        "Okay, I understand the concern. What I could do is {alt_v}.",
        "Fair enough. Rather than that, I can {alt_v} today.",
        "I understand, and I don't want to lose you as a customer, so I can {alt_v}.",
        "Sure, I get it. Have you thought about {alt}? It would work out cheaper.",
    ]),
    "objection_value": (("O.objection",), [
        "I understand the price is a concern. It does include the repair cover, which on its own is worth more than that.",
        "I hear you on the cost. Over the year it works out about a pound a day, and you'd lose the loyalty discount if you left.",
        "That's a valid concern. Everything I've said is in writing on your account, and I'll email you the reference number.",
        "I understand you'd like it sooner. The fastest I can get is Tuesday, but I can put you on the cancellation list for earlier.",
        "I get that you want a full refund. What I can do is refund the delivery and give you a credit for the rest.",
        "No pressure at all, take your time. I can hold this price for you until the end of the week.",
        "I understand you're thinking of leaving. Before you go, you're due an upgrade that would lower your bill.",
        "I completely understand your doubt after last time. This time the engineer's visit is confirmed and I'll call you the day before.",
        "Totally fair. If you cancel now there's an early exit fee, but if you wait until June it's free, and I can switch you to the smaller plan meanwhile.",
        "I see. Other providers may look cheaper, but ours includes the international calls, so compared with them you'd actually save.",
    ]),
    "further_help": (("E.further_help",), [
        "Is there anything else I can help you with at all today?",
        "Anything else I can do for you?",
        "Is there something else you need help with?",
        "Can I help with anything else while I have you?",
        "Was there anything else?",
        "Is there anything more I can assist you with?",
        "Before you go, is there anything else you'd like me to look at?",
        "Anything else at all today?",
    ]),
    "close": (("E.close",), [
        "Thanks for calling, have a great day.",
        "Take care, goodbye.",
        "Thank you for your patience today, enjoy the rest of your evening.",
        "It was a pleasure helping you, bye now.",
        "Thanks so much for calling {company}, have a lovely weekend.",
        "Alright, all the best, bye.",
        "Thank you, have a nice day, goodbye.",
        "Okay, thanks for your time, take care.",
        "Thank you for choosing {company}, have a good one.",
    ]),
    "neutral": ((), [
        "Bear with me a moment while I pull up the account.",
        "Okay, one second please.",
        "Let me just bring up your details.",
        "Thanks, I've got the account open now.",
        "Okay, that's all updated on the system.",
        "Right, I'm just reading through the notes.",
        "Sorry, could you repeat that last part?",
        "Sorry, the line broke up a little there.",
        "Great, thank you.",
        "Okay, thank you for that.",
        "I'm just going to put you on a short hold.",
        "The system is a bit slow today.",
        "Okay, perfect.",
        "Sorry, I didn't catch that, can you say it again?",
        "Lovely, thanks.",
        "Just a moment, it's loading.",
    ]),
    "dont_know": ((), [
        "I don't know, to be fair.",
        "I'm not sure about that one, sorry.",
        "No idea, I'm afraid.",
        "I couldn't tell you, that's not my department.",
        "Honestly I don't know why it does that.",
    ]),
    "blame": ((), [
        "Well, you should have read the terms before signing.",
        "That's the courier's fault, not ours.",
        "You must have entered the wrong details.",
        "If you'd checked your emails you would have seen it.",
        "That's the other department's problem, not mine.",
    ]),
}
FLAGS = {"dont_know": ("missed.dont_know",), "blame": ("missed.blame",)}

CUSTOMER: dict[str, tuple[tuple[str, ...], list[str]]] = {
    "frustration": (("frustration",), [
        "This is the third time I've called about this.",
        "I've been on hold for forty minutes.",
        "Honestly I'm so fed up with this.",
        "This is ridiculous, nobody ever calls me back.",
        "I've already explained all of this to your colleague.",
        "I'm really annoyed, I've wasted my whole morning on this.",
        "Why is it so hard to get anything done with you?",
        "It's unacceptable, I keep getting passed around.",
        "I'm getting really frustrated now.",
        "This has been going on for weeks and it's still not fixed.",
        "Every time I call I get told something different.",
        "I'm sick of chasing you people.",
        "You keep promising and nothing ever happens.",
        "I'm at the end of my rope here.",
        "Nobody seems to care, honestly.",
        "I'm so angry about this.",
        "Look, I just want someone to actually fix it this time.",
        "It's a joke, I've called five times.",
    ]),
    "confusion": (("confusion",), [
        "Sorry, I don't understand what that means.",
        "I'm confused, which one do I pay?",
        "What do you mean by pro-rated?",
        "You've lost me there.",
        "I'm not sure I follow.",
        "Wait, so do I need to do anything or not?",
        "That doesn't make sense to me.",
        "I don't get why there are two charges.",
        "Can you explain that again in simple terms?",
        "Hold on, I'm lost, what's the difference?",
        "I don't really understand the letter.",
        "Sorry, I'm not sure what you're asking me.",
        "What does that mean for me exactly?",
        "I'm a bit confused about the dates.",
    ]),
    "objection.price": (("objection.price",), [
        "That's way too expensive for me.",
        "I can't afford that every month.",
        "I can get the same thing cheaper elsewhere.",
        "Honestly it's not worth that much money.",
        "That's a lot more than I pay now.",
        "The price keeps going up every year.",
        "That's out of my budget.",
        "Forty a month is too much for what I use.",
        "It's a bit steep, to be honest.",
        "Your competitor offered me half the price.",
        "Why should I pay more for the same service?",
        "I can't justify paying that.",
        "That seems really expensive.",
        "My bill has gone up by twenty pounds.",
    ]),
    "objection.cancel": (("objection.cancel",), [
        "I want to cancel my contract.",
        "I'm thinking of leaving you.",
        "Can you just close my account?",
        "I'd like to cancel the subscription, please.",
        "I'm going to switch to another provider.",
        "I don't want to renew.",
        "I want to end my membership.",
        "Just cancel it, I'm done.",
        "I've decided to move to a different bank.",
        "I'd like to terminate the policy.",
        "Please stop the service at the end of the month.",
        "I'm going to take my business elsewhere.",
    ]),
    "objection.refund": (("objection.refund",), [
        "I want my money back.",
        "I'd like a full refund, please.",
        "Can I get a refund for the days it didn't work?",
        "I expect to be compensated for this.",
        "Just refund the charge.",
        "I want the payment reversed.",
        "I think I'm owed a refund.",
        "Can you refund me for the delivery at least?",
        "I'm asking for my money back, that's all.",
        "I'd like to be reimbursed for the taxi.",
    ]),
    "objection.trust": (("objection.trust",), [
        "I don't believe you, that's what they said last time.",
        "How do I know it won't happen again?",
        "I've heard that before.",
        "I don't trust that this will actually get done.",
        "Sounds like a scam to me.",
        "Are there hidden fees I'm not seeing?",
        "You lied to me last time.",
        "I'm not convinced, to be honest.",
        "Can you put that in writing?",
        "Why should I trust you this time?",
        "The last person promised the same thing.",
    ]),
    "objection.timing": (("objection.timing",), [
        "Two weeks is far too long, I need it sooner.",
        "I can't wait that long.",
        "I need to think about it.",
        "Now's not a good time, can you call me back next week?",
        "I'll have to talk to my husband first.",
        "Let me sleep on it.",
        "Maybe next month, not right now.",
        "I'm not ready to decide yet.",
        "That's too late, I'm travelling on Friday.",
        "I need it fixed today, not next week.",
        "Can I decide later?",
        "I want to wait until my contract ends.",
    ]),
    "purchase_intent": (("purchase_intent",), [
        "I'd like to upgrade to {product}.",
        "Can I add another line to my account?",
        "I'm interested in {product}.",
        "How do I sign up for that?",
        "Okay, I'll take it.",
        "Let's go ahead with {product}.",
        "I want to buy the extended warranty as well.",
        "Sign me up, that sounds good.",
        "Can I get {product} too?",
        "I'm looking to switch to the premium plan.",
        "How much would it be to add my daughter?",
        "I'd like to book the extra night.",
    ]),
    "satisfaction": (("satisfaction",), [
        "That's brilliant, thank you.",
        "Perfect, that's exactly what I needed.",
        "Thank you so much, you've been really helpful.",
        "Oh, that's a relief.",
        "Great, that works for me.",
        "Lovely, thanks for sorting it.",
        "Amazing, I really appreciate it.",
        "That's great news.",
        "You've been a star, thanks.",
        "Excellent, much appreciated.",
        "Okay, I'm happy with that.",
        "Wonderful, thank you.",
    ]),
    "neutral": ((), [
        "Yes.", "Okay.", "Yeah, that's right.", "No, I haven't.", "It's on the email.", "Sure, one second.",
        "Uh, let me find it.", "Yes, that's me.", "It's four seven two nine.", "It was last Tuesday I think.",
        "No, just the one.", "Okay, thanks.", "Yeah, I tried that already.", "Right.", "Mm-hm.",
        "It's the one ending in six.", "I think so, yes.", "No, that's all for today, thanks.", "Okay, go ahead.",
        "Sorry, can you hold on a sec?", "It says error three four.", "I'm at home now.",
        "I don't think I got one, no.", "The payment was forty two pounds.", "My daughter set it up for me.",
    ]),
    "question": ((), [
        "How long will that take?",
        "Can I do it online instead?",
        "What's the cheapest plan you have?",
        "Is there a fee for that?",
        "When will the engineer come?",
        "What time do you close today?",
        "Do I need to send anything back?",
        "Will it show on my statement?",
    ]),
}
PRODUCTS = ["the unlimited plan", "the family bundle", "fibre five hundred", "the premium tier", "the annual plan",
            "the travel add-on", "breakdown cover", "the business package", "a second line", "the sea view room"]

# --- Whisper-like noise -----------------------------------------------------------------

FILLERS = ["um", "uh", "erm", "like", "you know", "so", "uh so", "um yeah", "i mean"]
MISHEARD = {"your": "you're", "there": "their", "to": "too", "then": "than", "we'll": "will", "i'll": "all",
            "they're": "there", "its": "it's", "four": "for", "two": "to", "right": "write", "know": "no",
            "here": "hear", "bill": "build", "account": "count", "refund": "re fund", "postcode": "post code"}
NON_NATIVE = [("I'll", "I will"), ("you're", "you are"), ("I'm", "I am"), ("can't", "cannot"),
              ("don't", "do not"), ("the ", ""), ("a ", ""), ("have you", "you have"), ("Is that", "That is")]


def whisperise(text: str, rng: random.Random) -> str:
    """Text as a speech recogniser might give it: case, punctuation, fillers, repeats, slips."""
    if rng.random() < 0.5:
        text = text.lower()
    r = rng.random()
    if r < 0.35:
        text = "".join(ch for ch in text if ch not in ".,?!;:")
    elif r < 0.55:
        text = text.replace("?", ".")
    elif r < 0.65:
        text = text.replace("?", "")
    words = text.split()
    out: list[str] = []
    for w in words:
        if rng.random() < 0.06:
            out.append(rng.choice(FILLERS) + ("," if rng.random() < 0.3 else ""))
        if rng.random() < 0.04:
            out.append(w)  # stutter
        low = w.lower().strip(".,?!")
        if low in MISHEARD and rng.random() < 0.08:
            w = MISHEARD[low]
        out.append(w)
    if rng.random() < 0.15 and out:
        out.insert(0, rng.choice(["um", "uh", "so", "okay so", "yeah", "right"]))
    return " ".join(out)


def non_native(text: str, rng: random.Random) -> str:
    for a, b in rng.sample(NON_NATIVE, 3):
        text = text.replace(a, b, 1)
    return text


# --- conversations -------------------------------------------------------------------------


class Conversation:
    def __init__(self, cid: str, rng: random.Random, dev: bool) -> None:
        self.cid, self.rng, self.dev = cid, rng, dev
        self.rows: list[dict] = []
        scenarios = slots.SCENARIOS + EXTRA_SCENARIOS
        dev_scen = scenarios[::5]
        scen = dict(rng.choice(dev_scen if dev else [x for x in scenarios if x not in dev_scen]))
        scen.setdefault("para", scen["ack"])
        scen.setdefault("good", scen.get("alt", "we can fix it today"))
        alt_v = scen.get("alt_v", "look at other options")
        self.fill = dict(scen, company=rng.choice(COMPANIES), agent=rng.choice(AGENTS),
                         Next=scen["next"][0].upper() + scen["next"][1:], alt_v=alt_v,
                         alt_v_past=alt_v.replace("give", "gave").replace("move", "moved").replace(
                             "set up", "set up").replace("send", "sent").replace("put", "put"),
                         product=rng.choice(PRODUCTS), fix_done=scen.get("fix_done", "fixed it"),
                         when=rng.choice(["within forty-eight hours", "by Friday", "in three to five working days",
                                          "later today", "within the hour", "tomorrow morning", "next week",
                                          "in about ten days"]))
        self.customer_name = rng.choice(CUSTOMERS)
        self.noise = rng.random() < 0.6
        self.register = rng.choice(["plain", "plain", "formal", "non_native", "casual"])

    def pick(self, options: list[str]) -> str:
        """Dev conversations only use every 5th template; training ones never do."""
        dev = options[::5]
        train = [o for i, o in enumerate(options) if i % 5]
        return self.rng.choice(dev if self.dev or not train else train)

    def _text(self, template: str) -> str:
        return template.format(**self.fill, fact=self.rng.choice(FACTS))

    def _finish(self, text: str, speaker: str) -> str:
        if self.register == "non_native" and speaker == "agent" and self.rng.random() < 0.5:
            text = non_native(text, self.rng)
        if self.noise:
            text = whisperise(text, self.rng)
        return text

    def agent(self, *moves: str, name_p: float = 0.0) -> None:
        texts, skills, flags = [], [], []
        for move in moves:
            labels, templates = AGENT[move]
            texts.append(self._text(self.pick(templates)))
            skills.extend(labels)
            flags.extend(FLAGS.get(move, ()))
        text = " ".join(texts)
        if self.rng.random() < name_p and moves[-1] not in ("encourage", "neutral", "dont_know", "blame"):
            name = self.customer_name
            text = f"{text[:-1]}, {name}{text[-1]}" if text[-1] in ".?!" else f"Okay {name}, {text}"
            skills.append("W.personalize")
        self._add("agent", text, skills, [], flags)

    def customer(self, *moves: str, text: str | None = None, signals: list | None = None) -> None:
        texts, found = ([text] if text else []), list(signals or [])
        for move in moves:
            labels, templates = CUSTOMER[move]
            texts.append(self._text(self.pick(templates)))
            found.extend(labels)
        self._add("customer", " ".join(texts), [], found, [])

    def _add(self, speaker: str, text: str, skills: list, signals: list, flags: list) -> None:
        row = {"conversation": self.cid, "speaker": speaker, "text": self._finish(text, speaker),
               "skills": sorted(set(skills)), "signals": sorted(set(signals))}
        if flags:
            row["flags"] = sorted(set(flags))
        self.rows.append(row)


def build_conversation(cid: str, rng: random.Random, dev: bool) -> list[dict]:
    c = Conversation(cid, rng, dev)
    p, pick = rng.random, rng.choice
    if p() < 0.85:
        c.agent("greeting")
    angry = p() < 0.3
    c.customer(*(["frustration"] if angry else []), text=c.fill["c_issue"],
               signals=c.fill.get("issue_signals", "").split())
    first = pick([("acknowledge",), ("empathy",), ("apology",), ("acknowledge", "open_question"),
                  ("empathy", "apology") if angry else ("acknowledge", "ownership"),
                  ("empathy", "acknowledge") if angry else ("encourage",),
                  ("apology", "acknowledge"), ("paraphrase",)])
    c.agent(*first, name_p=0.2)
    if p() < 0.6:
        c.customer(text=c.fill["c_detail"])
        c.agent(*pick([("encourage",), ("paraphrase",), ("open_question",), ("acknowledge",),
                       ("paraphrase", "check"), ("acknowledge", "closed_question")]))
        c.customer(*pick([("neutral",), ("frustration",), ("neutral",)]))
    for _ in range(pick([0, 1, 1, 2, 3])):
        c.agent(*pick([("closed_question",), ("closed_question",), ("neutral", "closed_question"),
                       ("open_question",)]), name_p=0.1)
        c.customer("neutral")
    if p() < 0.5:
        c.agent("neutral")
    if p() < 0.2:
        c.customer(text=c.fill["c_question"])
        c.agent(pick(["dont_know", "blame"]))
        c.customer(*pick([("frustration",), ("neutral",), ("confusion",)]))
    c.agent(*pick([("ownership",), ("ownership", "expectation"), ("positive",), ("positive", "expectation"),
                   ("apology", "ownership"), ("expectation",)]), name_p=0.1)
    if p() < 0.3:
        c.customer("confusion")
        c.agent(*pick([("answer",), ("expectation", "check"), ("generic_answer",), ("paraphrase",)]))
    c.customer(*pick([(), (), ("question",)]), text=c.fill["c_question"] if p() < 0.7 else None)
    c.agent(*pick([("answer",), ("generic_answer",), ("answer", "check"), ("answer", "expectation"),
                   ("generic_answer", "further_help")]), name_p=0.1)
    if p() < 0.75:
        kind = pick(["price", "cancel", "refund", "trust", "timing"])
        c.customer(*(["frustration"] if p() < 0.2 else []), f"objection.{kind}")
        c.agent(*pick([("objection",), ("objection",), ("objection_value",), ("empathy", "objection"),
                       ("acknowledge", "objection_value")]))
        r = p()
        if r < 0.3:
            c.customer("purchase_intent")
            c.agent(*pick([("generic_answer",), ("ownership",), ("expectation",)]))
        elif r < 0.6:
            c.customer("satisfaction")
        elif r < 0.75:
            c.customer("confusion")
            c.agent(*pick([("answer",), ("generic_answer", "check")]))
    if p() < 0.2:
        c.agent("personal")
    if p() < 0.6:
        c.agent(pick(["summary", "summary", "expectation"]))
        if p() < 0.3:
            c.agent("check")
        c.customer(pick(["satisfaction", "neutral"]))
    if p() < 0.8:
        c.agent("further_help", name_p=0.1)
        c.customer(pick(["neutral", "purchase_intent", "neutral", "satisfaction"]))
    if p() < 0.85:
        c.agent("close", name_p=0.15)
    return c.rows


def build(n: int = N_CONVERSATIONS) -> list[dict]:
    from microskills.dataset import is_heldout

    rng = random.Random(SEED)
    rows: list[dict] = []
    for i in range(1, n + 1):
        cid = f"v{i:04d}"
        rows.extend(build_conversation(cid, rng, is_heldout(cid)))
    return rows
