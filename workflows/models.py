"""Inputs, outputs, Updates and queries of :class:`InteractionWorkflow`."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, JsonValue

from connecteurs.models import (
    ActionResult,
    Category,
    Interaction,
    Platform,
    Priority,
    Route,
)
from workflows.policy import Policy


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class State(StrEnum):
    RECEIVED = "received"
    CLASSIFIED = "classified"
    AWAITING_RESPONSE = "awaiting_response"
    ESCALATED = "escalated"
    ANSWERED = "answered"
    CLOSED = "closed"


class InteractionStart(_Model):
    """The workflow input: the first message and the policy in force when it arrived."""

    interaction: Interaction
    policy: Policy


class AnswerRequest(_Model):
    text: str = Field(min_length=1)
    actor: str = Field(min_length=1, description="Who answers, as the audit should show it.")
    direct_message: bool = False


class EscalateRequest(_Model):
    target: str = Field(min_length=1)
    reason: str = ""
    actor: str = Field(min_length=1)


class AssignRequest(_Model):
    assignee: str = Field(min_length=1)
    actor: str = Field(min_length=1)


class CloseRequest(_Model):
    resolution: str = "resolved"
    actor: str = Field(min_length=1)


class TimelineEntry(_Model):
    """One decision or event, with who made it and why (the audit trail)."""

    at: AwareDatetime
    event: str
    actor: str
    summary: str
    data: dict[str, JsonValue] = {}


class Timeline(_Model):
    workflow_id: str
    entries: list[TimelineEntry]


class InteractionStatus(_Model):
    id: str
    workflow_id: str
    platform: Platform
    account: str
    state: State
    priority: Priority | None = None
    categories: list[Category] = []
    route: Route | None = None
    rule_id: str | None = None
    classifier: str | None = None
    assignee: str | None = None
    breached: bool = False
    sla_deadline: datetime | None = None
    escalation_level: int = 0
    resolution: str | None = None
    messages: int = 1
    actions: list[ActionResult] = []
    parked: list[str] = []
    busy: bool = False
