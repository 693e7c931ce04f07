"""Thin async activities: all of Passerelle's I/O happens here."""

from activites.interaction import InteractionActivities
from activites.models import (
    InteractionRecord,
    MessageRequest,
    ModerationRequest,
    PollOutcome,
    PollRequest,
)
from activites.polling import PollingActivities
from activites.runtime import Runtime

__all__ = [
    "InteractionActivities",
    "InteractionRecord",
    "MessageRequest",
    "ModerationRequest",
    "PollOutcome",
    "PollRequest",
    "PollingActivities",
    "Runtime",
]
