"""The audio rules run through the registry, as the pipeline runs them, on one measurement."""

from analyzer.rules import check_audio
from analyzer.types import Measures, Transcript

NO_WORDS = Transcript(segments=(), language="en", engine="test", model="test", duration=0.0)


def delivery_findings(delivery, config=None):
    """Findings of every audio rule on a Delivery alone (no recording, no call)."""
    return check_audio(Measures(NO_WORDS, delivery=delivery), config)


def conversation_findings(conversation, config=None):
    """Findings of every audio rule on a Conversation alone."""
    return check_audio(Measures(NO_WORDS, conversation=conversation), config)
