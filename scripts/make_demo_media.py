"""Write the demo calls: coachlab/demo/media/<slug>.ogg and coachlab/demo/calls.json.

Each call is a short scripted dual-channel conversation spoken by espeak-ng (agent on the
left channel, customer on the right). Run from the repository root:

    .venv/bin/python scripts/make_demo_media.py
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a plain script from a checkout

from coachlab.demo.synth import synthesize_call  # noqa: E402

DEMO_DIR = ROOT / "coachlab" / "demo"

CALLS = [
    {
        "slug": "billing-double-charge",
        "title": "Double charge on the monthly bill",
        "direction": "inbound",
        "nps": 9,
        "csat": 5,
        "resolved": True,
        "disposition": "refund_issued",
        "tags": ["billing", "refund", "empathy", "ownership"],
        "voices": ("en-us", "en-gb"),
        "turns": [
            ("agent", "Thank you for calling Northwind Energy, this is Sam. "
                      "How can I help you today?"),
            ("customer", "Hi Sam. I have just looked at my bank statement and you have taken "
                         "my payment twice this month."),
            ("agent", "I am really sorry about that, being charged twice is stressful. "
                      "Let me pull up your account and sort it out for you."),
            ("customer", "Thank you. It is the payment of sixty two pounds on the third."),
            ("agent", "I can see it. The direct debit ran twice because of a system error on "
                      "our side. That is our mistake, not yours."),
            ("customer", "Okay, so when do I get the money back?"),
            ("agent", "I have issued the refund now. It will be back in your account within "
                      "three working days, and I will email you a confirmation."),
            ("customer", "Brilliant, that is a relief. Thanks for being so quick."),
            ("agent", "You are welcome. Is there anything else I can help with today?"),
            ("customer", "No, that is everything. Bye."),
        ],
    },
    {
        "slug": "cancellation-price-objection",
        "title": "Cancellation because of a price rise",
        "direction": "inbound",
        "nps": 6,
        "csat": 4,
        "resolved": True,
        "disposition": "retained_discount",
        "tags": ["cancellation", "retention", "price_objection"],
        "voices": ("en-us+f3", "en-gb-scotland"),
        "turns": [
            ("agent", "Good morning, you are through to Streamline Broadband, my name is Alex."),
            ("customer", "Hello. I want to cancel my contract. The price has gone up again "
                         "and it is just too expensive now."),
            ("agent", "I understand, nobody likes a price rise. Can I ask what you are paying "
                      "at the moment?"),
            ("customer", "Forty five pounds a month, and I saw a deal elsewhere for thirty."),
            ("agent", "Thanks for telling me. What do you mostly use the connection for?"),
            ("customer", "Just streaming and working from home two days a week."),
            ("agent", "Then you do not need the top speed. I can move you to our standard "
                      "plan for thirty two pounds a month with no exit fee."),
            ("customer", "Thirty two is still more than thirty, but I would rather not switch."),
            ("agent", "That is fair. I can also add three months at half price as a thank "
                      "you for staying with us."),
            ("customer", "Okay, that works for me. Let us do that."),
        ],
    },
    {
        "slug": "delivery-complaint-escalation",
        "title": "Late delivery complaint, escalated",
        "direction": "inbound",
        "nps": 2,
        "csat": 1,
        "resolved": False,
        "disposition": "escalated",
        "tags": ["delivery", "complaint", "escalation", "frustration", "knowledge_gap"],
        "voices": ("en-gb-x-rp", "en-us"),
        "turns": [
            ("agent", "Hello, Parcel Express customer service, Jordan speaking."),
            ("customer", "This is the third time I am calling. My sofa was supposed to arrive "
                         "last Tuesday and it still is not here."),
            ("agent", "Can I have the order number please?"),
            ("customer", "It is seven four nine two. I took two days off work for this. "
                         "Nobody turned up and nobody called."),
            ("agent", "It says the delivery was attempted."),
            ("customer", "That is not true. I was at home the whole day. Where is my sofa?"),
            ("agent", "I don't know where it is right now. The tracking has not updated."),
            ("customer", "That is not good enough. I want to speak to a manager."),
            ("agent", "Okay. I will pass this to my team leader and they will call you back."),
            ("customer", "When? I have heard that before."),
            ("agent", "I am not sure, hopefully tomorrow."),
        ],
    },
    {
        "slug": "password-reset",
        "title": "Quick password reset",
        "direction": "inbound",
        "nps": 10,
        "csat": 5,
        "resolved": True,
        "disposition": "resolved_first_contact",
        "tags": ["account", "password", "quick_win"],
        "voices": ("en-us", "en-gb"),
        "turns": [
            ("agent", "Hi, thanks for calling Brightbank, my name is Priya. How can I help?"),
            ("customer", "Hi, I am locked out of the app. I forgot my password."),
            ("agent", "No problem, I can help with that. Can you confirm your date of birth "
                      "and the postcode on the account?"),
            ("customer", "The fourteenth of March, nineteen eighty eight, and the postcode is "
                         "L S one four A B."),
            ("agent", "Thank you, you are verified. I have sent a reset link to your email "
                      "address now."),
            ("customer", "Got it. Okay, I am back in. That was easy."),
            ("agent", "Great. Anything else I can do for you today?"),
            ("customer", "No, that is all, thank you."),
        ],
    },
]


def make_call(call: dict, media_dir: Path) -> dict:
    agent_voice, customer_voice = call["voices"]
    out = media_dir / f"{call['slug']}.ogg"
    timeline = synthesize_call(call["turns"], out, agent_voice=agent_voice,
                               customer_voice=customer_voice)
    record = {k: v for k, v in call.items() if k not in ("voices", "turns")}
    record["media"] = f"media/{out.name}"
    record["agent_channel"] = "left"
    record["duration"] = timeline[-1]["end"] + 0.3
    record["turns"] = timeline
    print(f"{out.relative_to(ROOT)}: {record['duration']:.1f} s, "
          f"{out.stat().st_size / 1024:.0f} KiB")
    return record


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    media_dir = DEMO_DIR / "media"
    records = [make_call(call, media_dir) for call in CALLS]
    (DEMO_DIR / "calls.json").write_text(json.dumps(records, indent=2) + "\n")
    print(f"wrote {DEMO_DIR / 'calls.json'} ({len(records)} calls)")


if __name__ == "__main__":
    main()
