"""Thin async activities: all of Passerelle's I/O happens here."""

from activites.interaction import InteractionActivities
from activites.models import InteractionRecord, MessageRequest, ModerationRequest
from activites.runtime import Runtime

__all__ = [
    "InteractionActivities",
    "InteractionRecord",
    "MessageRequest",
    "ModerationRequest",
    "Runtime",
]
