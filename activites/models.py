"""Inputs of the interaction activities: one model in, one model out."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from connecteurs.models import Interaction, ModerationAction


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class MessageRequest(_Model):
    """A reply or a direct message to the author of ``interaction``."""

    interaction: Interaction
    text: str
    idempotency_key: str


class ModerationRequest(_Model):
    interaction: Interaction
    action: ModerationAction
    idempotency_key: str


class InteractionRecord(_Model):
    """The closing summary of an interaction, for reports and metrics."""

    interaction_id: str
    workflow_id: str
    summary: dict[str, Any]
