"""The shapes of Meta's webhook notifications (Facebook Pages, Messenger, Instagram).

Only the fields the connector reads are declared; Meta adds fields over time, so unknown
keys are allowed. Ids are strings in Meta's payloads, but a few samples (and some SDKs) send
numbers, so numbers are accepted and turned into strings.

Sources:
- https://developers.facebook.com/docs/graph-api/webhooks/getting-started
- https://developers.facebook.com/docs/graph-api/webhooks/reference/page/#feed
- https://developers.facebook.com/docs/messenger-platform/webhooks
- https://developers.facebook.com/docs/instagram-platform/webhooks
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Shape(BaseModel):
    """Base of the payload models: unknown keys kept out, numbers accepted as ids."""

    model_config = ConfigDict(extra="ignore", frozen=True, coerce_numbers_to_str=True)


class IdOnly(Shape):
    id: str = Field(min_length=1)


class Change(Shape):
    """``entry[].changes[]``: one changed field of the page or Instagram account."""

    field: str
    # Read per field: a field the connector does not handle may have any value.
    value: Any = None


class Entry(Shape):
    """``entry[]``: the changes for one page or Instagram account (``id``)."""

    id: str = Field(min_length=1)
    time: float | None = None
    changes: tuple[Change, ...] = ()
    messaging: tuple[dict[str, Any], ...] = ()

    @field_validator("time", mode="before")
    @classmethod
    def _no_bool_time(cls, value: Any) -> Any:
        # bool is an int to Python; a ``true`` time is junk, not 1970.
        if isinstance(value, bool):
            raise ValueError("time must be a number")
        return value


class Notification(Shape):
    """The whole delivery body: ``{"object": "page"|"instagram", "entry": [...]}``."""

    object: str
    entry: tuple[Entry, ...]


class FeedFrom(Shape):
    id: str = Field(min_length=1)
    name: str = ""


class FeedValue(Shape):
    """``changes[].value`` of the page ``feed`` field (comments, posts, reactions…)."""

    item: str | None = None
    verb: str | None = None
    from_: FeedFrom | None = Field(default=None, alias="from")
    post_id: str | None = None
    comment_id: str | None = None
    parent_id: str | None = None
    created_time: float | str | None = None
    message: str = ""


class FeedComment(FeedValue):
    """A feed change that is a comment: its ids are required."""

    from_: FeedFrom = Field(alias="from")
    comment_id: str = Field(min_length=1)
    post_id: str = Field(min_length=1)


class FeedCommentChange(FeedValue):
    """A feed change about a comment already posted (``verb`` edited, remove, hide, unhide…):
    the comment's id is required, the rest is read when present."""

    comment_id: str = Field(min_length=1)


class IgFrom(Shape):
    id: str = Field(min_length=1)
    username: str = ""


class IgMedia(Shape):
    id: str = Field(min_length=1)
    media_product_type: str | None = None


class IgComment(Shape):
    """``changes[].value`` of the Instagram ``comments`` / ``live_comments`` fields."""

    id: str = Field(min_length=1)
    from_: IgFrom = Field(alias="from")
    text: str = ""
    media: IgMedia | None = None
    parent_id: str | None = None


class IgMention(Shape):
    """``changes[].value`` of the Instagram ``mentions`` field: ids only, no text."""

    media_id: str = Field(min_length=1)
    comment_id: str | None = None


class ReplyTo(Shape):
    mid: str | None = None


class MessageAttachmentPayload(Shape):
    url: str | None = None


class MessageAttachment(Shape):
    type: str = "file"
    payload: MessageAttachmentPayload | None = None


class Message(Shape):
    mid: str = Field(min_length=1)
    text: str = ""
    is_echo: bool = False
    reply_to: ReplyTo | None = None
    attachments: tuple[MessageAttachment, ...] = ()


class MessageEdit(Shape):
    """``message_edit`` of a Messenger ``message_edits`` event: the edited message's id and
    its new text (https://developers.facebook.com/documentation/business-messaging/
    messenger-platform/webhooks/webhook-events/message-edits)."""

    mid: str = Field(min_length=1)
    text: str = ""
    num_edit: int | str | None = None


class MessagingEvent(Shape):
    """``entry[].messaging[]``: a Messenger or Instagram messaging event. Only events with
    a ``message`` are messages; reads, deliveries, reactions and postbacks have none; a
    ``message_edit`` is a customer's edit of an earlier message."""

    sender: IdOnly
    recipient: IdOnly
    timestamp: float | None = None
    message: Message | None = None
    message_edit: MessageEdit | None = None
