"""The shapes LinkedIn sends and answers, as pydantic models.

Webhook body (Organization Social Action Notifications)::

    {"type": "ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS",
     "notifications": [{"notificationId": 5603453321,
                        "organizationalEntity": "urn:li:organization:…",
                        "action": "COMMENT", "sourcePost": "urn:li:activity:…",
                        "generatedActivity": "urn:li:comment:(urn:li:activity:…,…)",
                        "decoratedGeneratedActivity": {"comment": {…}},
                        "lastModifiedAt": 1691574506310,
                        "subscriber": "urn:li:person:…"}]}

The pull finder (``organizationalEntityNotifications?q=criteria``) answers the same
notification objects under ``elements``; the Comments API answers comment objects
(``actor``, ``object``, ``message.text``, ``created.time``, ``parentComment``).
Unknown keys are ignored: LinkedIn adds fields between monthly versions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

NOTIFICATION_TYPE = "ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS"


class LinkedinModel(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class Message(LinkedinModel):
    text: str = ""


class AuditStamp(LinkedinModel):
    """``created`` / ``lastModified``: who and when (epoch milliseconds)."""

    time: int | None = None
    actor: str | None = None


class DecoratedComment(LinkedinModel):
    """``decoratedGeneratedActivity.comment``. Deliveries seen in the wild carry the text
    as ``text``; the Comments API spells it ``message.text``: both are read."""

    entity: str | None = None
    owner: str | None = None
    object: str | None = None
    text: str | None = None
    message: Message | None = None
    parent_comment: str | None = Field(default=None, alias="parentComment")

    def body(self) -> str | None:
        if self.text is not None:
            return self.text
        return self.message.text if self.message is not None else None


class DecoratedShare(LinkedinModel):
    """``decoratedGeneratedActivity.share`` (the post that mentions the organization)."""

    entity: str | None = None
    owner: str | None = None
    text: str | None = None


class DecoratedActivity(LinkedinModel):
    comment: DecoratedComment | None = None
    share: DecoratedShare | None = None


class Notification(LinkedinModel):
    notification_id: int = Field(alias="notificationId")
    organizational_entity: str = Field(alias="organizationalEntity")
    action: str
    source_post: str | None = Field(default=None, alias="sourcePost")
    generated_activity: str | None = Field(default=None, alias="generatedActivity")
    decorated_generated_activity: DecoratedActivity | None = Field(
        default=None, alias="decoratedGeneratedActivity"
    )
    last_modified_at: int | None = Field(default=None, alias="lastModifiedAt")
    subscriber: str | None = None


class Envelope(LinkedinModel):
    """What every LinkedIn webhook body has: its event family."""

    type: str


class NotificationEvents(LinkedinModel):
    """One webhook delivery (notifications are batched by event type, up to 10)."""

    type: str
    notifications: list[Notification]


class Paging(LinkedinModel):
    start: int = 0
    count: int = 10
    total: int | None = None


class NotificationPage(LinkedinModel):
    elements: list[Notification]
    paging: Paging | None = None


class Comment(LinkedinModel):
    """A comment as the Comments API returns it."""

    id: str | None = None
    comment_urn: str | None = Field(default=None, alias="commentUrn")
    actor: str
    object: str | None = None
    message: Message = Message()
    created: AuditStamp | None = None
    parent_comment: str | None = Field(default=None, alias="parentComment")


class CommentPage(LinkedinModel):
    elements: list[Comment]
    paging: Paging | None = None


class Post(LinkedinModel):
    """The few fields of a Posts API post a mention needs."""

    author: str
    commentary: str = ""
    created_at: int | None = Field(default=None, alias="createdAt")
    published_at: int | None = Field(default=None, alias="publishedAt")


class ApiError(LinkedinModel):
    """``{"status": 401, "serviceErrorCode": 65601, "code": "EXPIRED_ACCESS_TOKEN",
    "message": "…"}`` (error-handling page; ``code`` is not always present)."""

    status: int | None = None
    service_error_code: int | None = Field(default=None, alias="serviceErrorCode")
    code: str | None = None
    message: str | None = None


# -- URNs ---------------------------------------------------------------------------------

_COMMENT_URN = re.compile(r"^urn:li:comment:\((?P<object>[^()]+),(?P<id>\d+)\)$")


class Introspection(LinkedinModel):
    """``POST https://www.linkedin.com/oauth/v2/introspectToken`` answer: ``active``,
    ``status`` (active | expired | revoked), ``scope`` (comma-separated, 3-legged tokens
    only), ``expires_at`` (epoch seconds)
    (https://learn.microsoft.com/en-us/linkedin/shared/authentication/token-introspection)."""

    active: bool
    status: str | None = None
    scope: str | None = None
    expires_at: int | None = None
    client_id: str | None = None
    auth_type: str | None = None

    def scopes(self) -> list[str] | None:
        if self.scope is None:
            return None
        return [s.strip() for s in self.scope.split(",") if s.strip()]


@dataclass(frozen=True)
class CommentRef:
    """``urn:li:comment:(<object urn>,<comment id>)``: the activity a comment sits on and
    its numeric id, the two halves the Comments API paths take apart."""

    object: str
    id: str

    @property
    def urn(self) -> str:
        return f"urn:li:comment:({self.object},{self.id})"


def parse_comment_urn(value: str | None) -> CommentRef | None:
    """The parts of a comment URN, or ``None`` when ``value`` is not one.

    Some deliveries shorten the object to ``activity:123`` inside ``generatedActivity``
    while ``decoratedGeneratedActivity.comment.entity`` spells ``urn:li:activity:123``: both
    give the same reference, so ids stay stable whichever field a delivery carries.
    """
    if not value:
        return None
    match = _COMMENT_URN.fullmatch(value.strip())
    if match is None:
        return None
    obj = match["object"].strip()
    if not obj.startswith("urn:"):
        obj = "urn:li:" + obj
    return CommentRef(object=obj, id=match["id"])
