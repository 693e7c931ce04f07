"""Inputs of the interaction activities: one model in, one model out."""

from __future__ import annotations

from typing import Any

from pydantic import AwareDatetime

from connecteurs.models import ChannelCheck, Frozen, Interaction, ModerationAction, Platform


class MessageRequest(Frozen):
    """A reply or a direct message to the author of ``interaction``."""

    interaction: Interaction
    text: str
    idempotency_key: str


class ModerationRequest(Frozen):
    interaction: Interaction
    action: ModerationAction
    idempotency_key: str


class InteractionRecord(Frozen):
    """The closing summary of an interaction, for reports and metrics."""

    interaction_id: str
    workflow_id: str
    summary: dict[str, Any]


class PollRequest(Frozen):
    """Poll one account once, from ``cursor``."""

    platform: Platform
    account: str
    cursor: str | None = None


class PollOutcome(Frozen):
    """What one poll found; ``cursor`` only moves once every interaction was delivered."""

    cursor: str | None
    found: int
    interaction_ids: tuple[str, ...] = ()


class ChannelProbe(Frozen):
    """Check one account's channel now."""

    platform: Platform
    account: str


class ChannelActivity(Frozen):
    """What Temporal itself knows of a channel's traffic (the shell reads it from the
    cluster's visibility store and the account's poller)."""

    last_event_at: AwareDatetime | None = None  # newest interaction started for the account
    polled: bool = False
    last_poll_at: AwareDatetime | None = None
    poll_error: str | None = None  # the poller is parked on this error


class ChannelFacts(Frozen):
    """Everything one health check learned; the workflow's pure policy judges it."""

    check: ChannelCheck | None = None  # None: the platform could not be asked
    error_code: str | None = None  # the connector error's code: auth, rate_limited, transient…
    error: str | None = None  # its message (connectors keep secrets out of it)
    reauthorize: str = ""  # the connector's guidance, from its manifest
    activity: ChannelActivity = ChannelActivity()


class ChannelFailure(Frozen):
    """An action on a channel failed for good (an interaction parked it): the channel's
    health workflow hears of it at once, without waiting for its next check."""

    platform: Platform
    account: str
    code: str  # auth, not_found, invalid_request…
    message: str
    action: str
    workflow_id: str  # the interaction to resume when the channel works again
    at: AwareDatetime
