"""Inputs of the interaction activities: one model in, one model out."""

from __future__ import annotations

from typing import Any

from connecteurs.models import Frozen, Interaction, ModerationAction, Platform


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
