"""Thin async activities: all of Passerelle's I/O happens here."""

from activites.channel import ChannelActivities
from activites.interaction import InteractionActivities
from activites.models import (
    ChannelActivity,
    ChannelFacts,
    ChannelFailure,
    ChannelProbe,
    InteractionRecord,
    MessageRequest,
    ModerationRequest,
    PollOutcome,
    PollRequest,
)
from activites.polling import PollingActivities
from activites.runtime import Runtime

__all__ = [
    "ChannelActivities",
    "ChannelActivity",
    "ChannelFacts",
    "ChannelFailure",
    "ChannelProbe",
    "InteractionActivities",
    "InteractionRecord",
    "MessageRequest",
    "ModerationRequest",
    "PollOutcome",
    "PollRequest",
    "PollingActivities",
    "Runtime",
]
