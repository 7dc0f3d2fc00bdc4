"""Microskill tagger: lexical rules plus a small linear model (see ``core``)."""

from microskills.tagger.core import (
    TAGGER_VERSION,
    TagResult,
    conversation_flags,
    tag_conversation,
    tag_utterance,
    tag_utterances,
)

__all__ = ["TAGGER_VERSION", "TagResult", "conversation_flags", "tag_conversation", "tag_utterance",
           "tag_utterances"]
