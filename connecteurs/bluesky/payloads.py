"""The AT Protocol shapes the connector reads, as pydantic models.

Written from the lexicons (``lexicons/`` of github.com/bluesky-social/atproto) and the API
pages of docs.bsky.app. Models ignore unknown keys: lexicons grow new optional fields, and a
new field must not break polling.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, SecretStr

POST = "app.bsky.feed.post"
BLOCK = "app.bsky.graph.block"
THREADGATE = "app.bsky.feed.threadgate"
MESSAGE_VIEW = "chat.bsky.convo.defs#messageView"


class Shape(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class XrpcError(Shape):
    """``{"error": "ExpiredToken", "message": "Token has expired"}`` (atproto.com/specs/xrpc)."""

    error: str = ""
    message: str = ""


class Session(Shape):
    """``com.atproto.server.createSession`` / ``refreshSession`` output. Tokens are
    ``SecretStr`` so that no repr, log line or error can show them."""

    access_jwt: SecretStr = Field(alias="accessJwt")
    refresh_jwt: SecretStr = Field(alias="refreshJwt")
    did: str = Field(min_length=1)
    handle: str = ""


class SessionInfo(Shape):
    """``com.atproto.server.getSession`` output (lexicon: ``handle`` and ``did`` required;
    ``active`` false with an optional ``status``: takendown, suspended, deactivated)."""

    did: str = Field(min_length=1)
    handle: str = ""
    active: bool | None = None
    status: str | None = None


class StrongRef(Shape):
    """``com.atproto.repo.strongRef``: a record's at-uri and the CID of its exact version."""

    uri: str = Field(min_length=1)
    cid: str = Field(min_length=1)


class ReplyRef(Shape):
    root: StrongRef
    parent: StrongRef


class PostRecord(Shape):
    """``app.bsky.feed.post`` (required: ``text``, ``createdAt``)."""

    type: str = Field(alias="$type")
    text: str
    created_at: str = Field(alias="createdAt")
    reply: ReplyRef | None = None
    langs: list[str] = Field(default_factory=list)


class ProfileView(Shape):
    """``app.bsky.actor.defs#profileView`` (required: ``did``, ``handle``)."""

    did: str = Field(min_length=1)
    handle: str = Field(min_length=1)
    display_name: str | None = Field(default=None, alias="displayName")


class Notification(Shape):
    """``app.bsky.notification.listNotifications#notification``."""

    uri: str = Field(min_length=1)
    cid: str = Field(min_length=1)
    author: ProfileView
    reason: str
    reason_subject: str | None = Field(default=None, alias="reasonSubject")
    record: dict[str, Any]
    is_read: bool = Field(alias="isRead")
    indexed_at: AwareDatetime = Field(alias="indexedAt")


class NotificationPage(Shape):
    cursor: str | None = None
    notifications: list[dict[str, Any]]


class PostView(Shape):
    """``app.bsky.feed.defs#postView`` (required: ``uri``, ``cid``, ``author``, ``record``,
    ``indexedAt``)."""

    uri: str = Field(min_length=1)
    cid: str = Field(min_length=1)
    author: ProfileView
    record: dict[str, Any]
    indexed_at: AwareDatetime = Field(alias="indexedAt")


class FeedViewPost(Shape):
    """``app.bsky.feed.defs#feedViewPost``: ``reason`` is set for a repost (or a pin)
    shown in the feed, whose ``post`` is then someone else's or an older one."""

    post: PostView
    reason: dict[str, Any] | None = None


class AuthorFeedPage(Shape):
    """``app.bsky.feed.getAuthorFeed`` output (required: ``feed``), newest first."""

    cursor: str | None = None
    feed: list[dict[str, Any]]


class RecordRef(Shape):
    """``createRecord`` / ``putRecord`` output."""

    uri: str = Field(min_length=1)
    cid: str = Field(min_length=1)


class StoredRecord(Shape):
    """``com.atproto.repo.getRecord`` output."""

    uri: str = Field(min_length=1)
    cid: str | None = None
    value: dict[str, Any]


class ConvoView(Shape):
    id: str = Field(min_length=1)


class ConvoOutput(Shape):
    convo: ConvoView


class MessageSender(Shape):
    did: str


class MessageView(Shape):
    """``chat.bsky.convo.defs#messageView`` (the fields the DM lookup compares)."""

    id: str = Field(min_length=1)
    text: str
    sender: MessageSender
    sent_at: AwareDatetime = Field(alias="sentAt")


class MessagesPage(Shape):
    messages: list[dict[str, Any]]


@dataclass(frozen=True)
class AtUri:
    """``at://<did>/<collection>/<rkey>`` (atproto.com/specs/at-uri-scheme), record form only."""

    did: str
    collection: str
    rkey: str

    @classmethod
    def parse(cls, uri: str) -> AtUri:
        if not uri.startswith("at://"):
            raise ValueError(f"not an at-uri: {uri!r}")
        parts = uri[len("at://") :].split("/")
        if len(parts) != 3 or not all(parts):
            raise ValueError(f"not a record at-uri (at://did/collection/rkey): {uri!r}")
        return cls(*parts)

    def __str__(self) -> str:
        return f"at://{self.did}/{self.collection}/{self.rkey}"
