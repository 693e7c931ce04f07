"""The JSON a sender POSTs to ``/webhooks/webhook/{account}``: one item, or a batch
``{"events": [...]}``.

An item is an interaction (:class:`InboundEvent`), or, when it has a ``thread_event`` key, a
thread event (:class:`InboundThreadEvent`): what happened on the sender's side to a message
Passerelle tracks (the team answered it there, its author edited or deleted it, it was
hidden). A batch may mix both.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from connecteurs.models import Author, InteractionKind, ThreadEventKind

#: The key that makes an item a thread event rather than an interaction.
THREAD_EVENT_KEY = "thread_event"


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


class InboundThreadEvent(BaseModel):
    """``{"thread_event": "answered"|"edited"|"deleted"|"hidden"|"unhidden"|"removed",
    "subject_id", "thread_id"?, "ref"?, "author"?, "text"?, "at", "detail"?}``.

    ``subject_id`` is the ``external_id`` of the message concerned (for ``answered``: the
    message answered); ``thread_id`` that of the thread's first message, as the sender gave
    it to that thread's interactions. ``at`` is required: with ``kind``, ``subject_id`` and
    ``ref`` it identifies the event, so the same event sent twice counts once.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    thread_event: ThreadEventKind
    subject_id: str = Field(min_length=1, max_length=512)
    thread_id: str | None = Field(default=None, min_length=1, max_length=512)
    ref: str | None = Field(default=None, min_length=1, max_length=512)
    author: Author | None = None
    text: str = ""
    at: datetime
    detail: str = Field(default="", max_length=500)


class InboundBatch(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # Interactions and thread events; each item is read by read_body.
    events: list[Any] = Field(min_length=1, max_length=1000)
