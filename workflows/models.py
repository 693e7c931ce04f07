"""Inputs, outputs, Updates and queries of the workflows (interactions, pollers, channels)."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import AwareDatetime, Field, JsonValue

from activites.models import ChannelFacts, ChannelFailure, MessageRequest, ModerationRequest
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
    waiting_for_channel: int = 0  # actions parked until the channel works again


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


# ---------------------------------------------------------------------- channel health


class HealthStatus(StrEnum):
    UNKNOWN = "unknown"  # not checked yet
    HEALTHY = "healthy"
    DEGRADED = "degraded"  # works, but something will break or looks wrong
    DOWN = "down"  # messages are being missed or actions refused


class HealthProblem(Frozen):
    """One finding: ``code`` is stable (alerts fire once per new code), ``reason`` says what
    is wrong and ``fix`` what the operator does about it. Neither holds a secret."""

    code: str
    status: HealthStatus
    reason: str
    fix: str = ""


class ChannelSettings(Frozen):
    """How one account's channel is watched (the ``[channels]`` table, per-account overrides)."""

    every: timedelta = timedelta(minutes=15)
    warn_before_expiry: timedelta = timedelta(days=7)
    quiet_period: timedelta | None = None  # None: silence is never reported
    notify: tuple[str, ...] = ()
    # The platform unreachable for this many checks in a row is worth a word.
    unreachable_after: int = Field(default=2, ge=1)
    # Permanent action failures other than auth: this many within ``failure_window``.
    failures_degraded: int = Field(default=3, ge=1)
    failure_window: timedelta = timedelta(hours=1)


class ChannelHealth(Frozen):
    platform: Platform
    account: str
    status: HealthStatus = HealthStatus.UNKNOWN
    problems: tuple[HealthProblem, ...] = ()
    since: AwareDatetime | None = None  # when the current status began
    checked_at: AwareDatetime | None = None
    checks: int = 0
    token_expires_at: AwareDatetime | None = None
    last_event_at: AwareDatetime | None = None
    last_error: str | None = None
    last_error_at: AwareDatetime | None = None
    waiting_interactions: int = 0  # parked until the channel works again
    notices: int = 0


class ChannelStart(Frozen):
    platform: Platform
    account: str
    settings: ChannelSettings = ChannelSettings()
    checks_per_run: int = Field(default=200, ge=1)
    carry: ChannelCarry | None = None


class ChannelCarry(Frozen):
    """What a health workflow hands to its next run (``continue_as_new``)."""

    health: ChannelHealth
    auth_failure: ChannelFailure | None = None
    failures: tuple[AwareDatetime, ...] = ()
    waiting: tuple[str, ...] = ()
    unreachable: int = 0
    notified: tuple[str, ...] = ()
    started_at: AwareDatetime | None = None
    facts: ChannelFacts | None = None  # the last check, to tell a fixed token from a new one


class RecheckRequest(Frozen):
    actor: str = Field(min_length=1, description="Who says the channel was fixed.")


class ParkedAction(Frozen):
    """A connector action the platform refused for auth: retried once the channel works."""

    action: str
    request: MessageRequest | ModerationRequest
    purpose: str  # "answer", "support" (crisis) or "moderation"
    actor: str
    template: str | None = None
    parked_at: AwareDatetime
