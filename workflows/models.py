"""Inputs, outputs, Updates and queries of :class:`InteractionWorkflow`."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import AwareDatetime, Field, JsonValue

from connecteurs.models import (
    ActionResult,
    Category,
    Frozen,
    Interaction,
    Platform,
    Priority,
    Route,
)
from workflows.policy import Policy


class State(StrEnum):
    RECEIVED = "received"
    CLASSIFIED = "classified"
    AWAITING_RESPONSE = "awaiting_response"
    ESCALATED = "escalated"
    ANSWERED = "answered"
    CLOSED = "closed"


class InteractionStart(Frozen):
    """The workflow input: the first message and the policy in force when it arrived."""

    interaction: Interaction
    policy: Policy


class AnswerRequest(Frozen):
    text: str = Field(min_length=1)
    actor: str = Field(min_length=1, description="Who answers, as the audit should show it.")
    direct_message: bool = False


class EscalateRequest(Frozen):
    target: str = Field(min_length=1)
    reason: str = ""
    actor: str = Field(min_length=1)


class AssignRequest(Frozen):
    assignee: str = Field(min_length=1)
    actor: str = Field(min_length=1)


class CloseRequest(Frozen):
    resolution: str = "resolved"
    actor: str = Field(min_length=1)


class ApproveRequest(Frozen):
    draft_id: str = Field(min_length=1)
    actor: str = Field(min_length=1)
    text: str | None = Field(default=None, description="An edited text to send instead.")


class AcknowledgeRequest(Frozen):
    """A human takes the interaction in hand: the escalation chain stops paging."""

    actor: str = Field(min_length=1)
    note: str = ""


class Draft(Frozen):
    """A reply prepared by policy that a human must approve before it is sent."""

    draft_id: str
    kind: str  # "template" or "crisis_support"
    text: str
    direct: bool
    reply_to: Interaction
    template_id: str | None = None


class TimelineEntry(Frozen):
    """One decision or event, with who made it and why (the audit trail)."""

    at: AwareDatetime
    event: str
    actor: str
    summary: str
    data: dict[str, JsonValue] = Field(default_factory=dict)


TIMELINE_MEMO_PREFIX = "timeline."


def timeline_key(position: int) -> str:
    """Memo key of the ``position``-th timeline entry (1-based, sortable)."""
    return f"{TIMELINE_MEMO_PREFIX}{position:05d}"


class Timeline(Frozen):
    workflow_id: str
    entries: list[TimelineEntry]


class InteractionStatus(Frozen):
    id: str
    workflow_id: str
    platform: Platform
    account: str
    state: State
    priority: Priority | None = None
    categories: tuple[Category, ...] = ()
    route: Route | None = None
    rule_id: str | None = None
    classifier: str | None = None
    assignee: str | None = None
    breached: bool = False
    acknowledged: bool = False
    sla_deadline: datetime | None = None
    resolution_deadline: datetime | None = None
    escalation_level: int = 0
    resolution: str | None = None
    messages: int = 1
    actions: tuple[ActionResult, ...] = ()
    parked: tuple[str, ...] = ()
    drafts: tuple[Draft, ...] = ()
    busy: bool = False


class PollerStart(Frozen):
    """One account's poller: where it left off and how often it looks."""

    platform: Platform
    account: str
    every: timedelta = timedelta(seconds=60)
    cursor: str | None = None
    # A permanent failure (revoked token) is retried this much later, forever: a poller
    # never gives up on an account, it shows it is stuck.
    parked_retry: timedelta = timedelta(minutes=15)
    polls_per_run: int = Field(default=500, ge=1)
    found_before: int = 0


class PollerStatus(Frozen):
    platform: Platform
    account: str
    cursor: str | None
    polls: int
    found: int
    last_poll_at: AwareDatetime | None = None
    parked: str | None = None
