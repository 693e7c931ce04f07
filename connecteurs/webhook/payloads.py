"""The JSON a sender POSTs to ``/webhooks/webhook/{account}``: one event, or a batch."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from connecteurs.models import Author, InteractionKind


class InboundEvent(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    external_id: str = Field(min_length=1, max_length=512)
    text: str
    author: Author
    kind: InteractionKind = InteractionKind.COMMENT
    thread_id: str | None = None
    parent_id: str | None = None
    post_id: str | None = None
    url: str | None = None
    language: str | None = None
    created_at: datetime | None = None


class InboundBatch(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    events: list[InboundEvent] = Field(min_length=1, max_length=1000)
