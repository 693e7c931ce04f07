"""The data model every package shares (DESIGN §2).

All models are frozen pydantic v2 models. They cross the Temporal boundary through
``temporalio.contrib.pydantic.pydantic_data_converter``; nothing here does I/O, so the
module is safe to pass through the workflow sandbox.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class Frozen(BaseModel):
    """Base for immutable models; unknown keys are refused so typos fail loudly."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Platform(StrEnum):
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    X = "x"
    TIKTOK = "tiktok"
    LINKEDIN = "linkedin"
    YOUTUBE = "youtube"
    MASTODON = "mastodon"
    BLUESKY = "bluesky"
    EMAIL = "email"
    WEBHOOK = "webhook"
    JSONL = "jsonl"


class InteractionKind(StrEnum):
    COMMENT = "comment"
    REPLY = "reply"
    MENTION = "mention"
    DIRECT_MESSAGE = "direct_message"
    REVIEW = "review"
    EMAIL = "email"


class Category(StrEnum):
    QUESTION = "question"
    COMPLAINT = "complaint"
    PRAISE = "praise"
    REQUEST = "request"
    SPAM = "spam"
    ABUSE = "abuse"
    HARASSMENT = "harassment"
    HATE = "hate"
    CRISIS = "crisis"
    MEDICAL = "medical"
    MISINFORMATION = "misinformation"
    PRESS = "press"
    OTHER = "other"


class SentimentLabel(StrEnum):
    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"


class Risk(StrEnum):
    NONE = "none"
    LOW = "low"
    HIGH = "high"
    CRITICAL = "critical"


class Route(StrEnum):
    AUTO_ANSWER = "auto_answer"
    HUMAN = "human"
    ESCALATE = "escalate"
    MODERATE = "moderate"
    IGNORE = "ignore"


class Priority(StrEnum):
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"

    @property
    def rank(self) -> int:
        """1 is the most urgent."""
        return int(self.value[1])


class ModerationAction(StrEnum):
    HIDE = "hide"
    UNHIDE = "unhide"
    DELETE = "delete"
    BLOCK = "block"


class Author(Frozen):
    id: str
    handle: str
    display_name: str = ""
    profile_url: str | None = None
    locale: str | None = None


class Attachment(Frozen):
    kind: str
    url: str | None = None
    mime_type: str | None = None


class Interaction(Frozen):
    """One thing someone said to the account: a comment, mention, DM, review or e-mail."""

    id: str
    platform: Platform
    account: str
    external_id: str
    kind: InteractionKind
    author: Author
    text: str
    language: str | None = None
    thread_id: str | None = None
    parent_id: str | None = None
    post_id: str | None = None
    url: str | None = None
    created_at: AwareDatetime
    received_at: AwareDatetime
    attachments: tuple[Attachment, ...] = ()
    raw_sha256: str | None = None
    raw_archive: str | None = None
    # What the connector needs later to act on this interaction and that the ids alone do
    # not carry (Bluesky's cid, an e-mail's Message-ID and subject, TikTok's video id).
    # Short strings only: it travels in every history.
    reply_context: dict[str, str] = Field(default_factory=dict)

    @classmethod
    def make_id(cls, platform: Platform | str, account: str, external_id: str) -> str:
        return f"{Platform(platform).value}:{account}:{external_id}"

    @property
    def workflow_id(self) -> str:
        return workflow_id_for(self.platform, self.account, self.external_id)

    @property
    def root_external_id(self) -> str:
        """The external id of the interaction that opened this thread."""
        return self.thread_id or self.parent_id or self.external_id

    @property
    def is_follow_up(self) -> bool:
        return self.root_external_id != self.external_id


class ThreadEventKind(StrEnum):
    """What happened on the platform itself to a message Passerelle tracks."""

    ANSWERED = "answered"  # the account replied from the platform's own app
    EDITED = "edited"  # the author changed the text
    DELETED = "deleted"  # the author removed it
    HIDDEN = "hidden"  # hidden on the platform (by the page's team or the platform)
    UNHIDDEN = "unhidden"
    REMOVED = "removed"  # removed by the platform's moderation (YouTube ``rejected``…)


class ThreadEvent(Frozen):
    """An event about a message, not a new message: it never starts an interaction.

    Attributes:
        subject_id: the platform id of the message concerned (for ``answered``: the
            message the account replied to).
        thread_id: the external id of the message that opened the thread, where the
            platform says; the event goes to that interaction's workflow.
        ref: the platform id of the event's own object (the account's reply), if any.
        author: who did it (the account itself for ``answered``).
        text: the new text (``edited``) or the reply (``answered``).
        detail: how the platform said it (``feed verb=edited``), for the audit.
        fallback: the message to start as a new interaction when no tracked one takes the
            event (X: a Post edited to *add* the mention, whose original never arrived), so
            an event that might be news is never dropped.
    """

    kind: ThreadEventKind
    platform: Platform
    account: str
    subject_id: str
    thread_id: str | None = None
    ref: str | None = None
    author: Author | None = None
    text: str = ""
    at: AwareDatetime
    detail: str = ""
    fallback: Interaction | None = None

    @property
    def root_external_id(self) -> str:
        return self.thread_id or self.subject_id

    @property
    def workflow_id(self) -> str:
        return workflow_id_for(self.platform, self.account, self.root_external_id)

    @property
    def key(self) -> str:
        """The same event delivered twice has the same key (a redelivery is ignored)."""
        key = f"{self.kind.value}:{self.subject_id}:{self.ref or ''}:{self.at.isoformat()}"
        if self.kind is ThreadEventKind.EDITED:
            # Platforms may stamp an edit with the comment's own time: two edits differ by text.
            key += ":" + hashlib.sha256(self.text.encode()).hexdigest()[:16]
        return key


def workflow_id_for(platform: Platform | str, account: str, external_id: str) -> str:
    """``interaction/{platform}/{account}/{external_id}`` (DESIGN §1)."""
    return f"interaction/{Platform(platform).value}/{account}/{external_id}"


def workflow_id_from_reference(reference: str) -> str:
    """Accept a workflow id or an interaction id (``platform:account:external_id``)."""
    if reference.startswith("interaction/"):
        return reference
    platform, _, rest = reference.partition(":")
    # Bluesky accounts are DIDs (did:plc:…) and its ids at-uris: both hold colons, so the
    # at-uri is found by its scheme rather than by the next colon.
    account, marker, uri = rest.partition(":at://")
    parts = [platform, account, "at://" + uri] if marker else [platform, *rest.split(":", 1)]
    if len(parts) != 3 or not all(parts):
        raise ValueError(
            f"{reference!r} is neither a workflow id (interaction/...) nor an interaction id "
            "(platform:account:external_id)"
        )
    return workflow_id_for(parts[0], parts[1], parts[2])


def body_sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


class Sentiment(Frozen):
    label: SentimentLabel
    score: Annotated[float, Field(ge=-1.0, le=1.0)] = 0.0


class Classification(Frozen):
    language: str
    sentiment: Sentiment
    categories: frozenset[Category]
    risk: Risk
    confidence: Annotated[float, Field(ge=0.0, le=1.0)]
    classifier: str  # name@version, so an audit can tell which model decided
    reasons: tuple[str, ...] = ()


class Decision(Frozen):
    route: Route
    priority: Priority
    rule_id: str
    first_response_deadline: AwareDatetime | None = None
    resolution_deadline: AwareDatetime | None = None
    template_id: str | None = None
    target: str | None = None
    assignee: str | None = None
    moderation: tuple[ModerationAction, ...] = ()
    reasons: tuple[str, ...] = ()


class ActionResult(Frozen):
    action: str
    ok: bool
    platform_ref: str | None = None
    error: str | None = None
    at: datetime | None = None


class ChannelCheck(Frozen):
    """What a platform says about one account's channel (:meth:`Connecteur.check_health`).

    Every field is optional: a connector fills in what its platform tells and leaves the
    rest ``None`` ("not known"), never a guess. Whether the channel is healthy is decided
    from these facts by Passerelle's health policy, not by the connector.

    Attributes:
        token_valid: the platform accepted the credentials just now.
        token_expires_at: when the access token stops working, where the platform says
            (Graph ``debug_token`` ``expires_at``, an OAuth introspection's ``exp``).
        scopes_missing: permissions the connector needs and the token lacks.
        subscription_active: the platform still delivers webhooks to us (``False``: it
            disabled or never had the subscription).
        detail: one line of context for the operator (no secret, no full URL).
    """

    token_valid: bool | None = None
    token_expires_at: AwareDatetime | None = None
    scopes_missing: tuple[str, ...] = ()
    subscription_active: bool | None = None
    detail: str = ""
