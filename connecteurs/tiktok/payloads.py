"""The shapes TikTok sends and answers, as pydantic models (no dict digging elsewhere).

Webhook (TikTok API for Business, "Subscribe to comment updates", event ``comment.update``)::

    {"client_key": APP_ID, "event": "comment.update", "create_time": 1615338610,
     "user_openid": BUSINESS_ID, "content": "<serialized JSON>"}

``content`` is a JSON *string* that must be parsed again; for ``comment.update`` it holds
``comment_id, video_id, parent_comment_id?, comment_type?, comment_action, text?,
unique_identifier?, timestamp``. The docs type the ids as numbers (they exceed 2^53), so
ids are accepted as JSON numbers or strings and always kept as strings.

REST answers all have the envelope ``{"code": 0, "message": "OK", "request_id", "data"}``,
with HTTP 200 even for errors (``code`` says what happened).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


def _id_to_str(value: Any) -> Any:
    """Ids arrive as JSON numbers (docs) or strings (some deliveries); keep strings."""
    if isinstance(value, bool):
        # bool is an int subclass: ``true`` is never an id.
        raise ValueError("an id cannot be a boolean")
    if isinstance(value, int):
        return str(value)
    return value


def _optional_parent(value: Any) -> Any:
    """``parent_comment_id`` is absent, null, 0 or "0" on top-level comments."""
    value = _id_to_str(value)
    if value in (None, "", "0"):
        return None
    return value


CommentId = Annotated[str, BeforeValidator(_id_to_str), Field(min_length=1)]
ParentId = Annotated[str | None, BeforeValidator(_optional_parent)]


class _Lenient(BaseModel):
    """TikTok adds fields over versions: unknown keys are ignored, known ones are typed."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class WebhookEnvelope(_Lenient):
    client_key: str = ""
    event: str = Field(min_length=1)
    create_time: int
    user_openid: str = Field(min_length=1)
    # A serialized JSON document, parsed again by the connector.
    content: str


class CommentUpdate(_Lenient):
    """The parsed ``content`` of a ``comment.update`` event."""

    comment_id: CommentId
    video_id: CommentId
    parent_comment_id: ParentId = None
    comment_type: str | None = None
    comment_action: str = Field(min_length=1)
    text: str | None = None
    unique_identifier: str | None = None
    # Documented as a Unix time; observed in milliseconds. See connecteur._moment.
    timestamp: int | None = None


class ApiComment(_Lenient):
    """One comment or reply as ``/business/comment/list/`` and ``/reply/list/`` return it."""

    comment_id: CommentId
    video_id: str | None = None
    user_id: str | None = None
    unique_identifier: str | None = None
    create_time: int | None = None
    text: str = ""
    owner: bool = False
    status: str | None = None
    username: str | None = None
    display_name: str | None = None
    parent_comment_id: ParentId = None


class CommentPage(_Lenient):
    comments: list[ApiComment] = Field(default_factory=list)
    cursor: int = 0
    has_more: bool = False


class ApiResponse(_Lenient):
    """Every Business API answer; ``code`` 0 is success."""

    code: int
    message: str = ""
    request_id: str = ""
    data: Any = None


# -- channel health ---------------------------------------------------------------------------


class TokenInfo(_Lenient):
    """``data`` of ``POST /tt_user/token_info/get/`` ({app_id, access_token} in the body):
    the app, the account (``creator_id``) and the comma-separated ``scope`` the token holds
    (https://business-api.tiktok.com/portal/docs?id=1765927978092545)."""

    app_id: str = ""
    creator_id: str = ""
    scope: str = ""

    def scopes(self) -> list[str]:
        return [s.strip() for s in self.scope.split(",") if s.strip()]


class WebhookConfig(_Lenient):
    """``data`` of ``GET /business/webhook/list/``: the app's callback for an event type;
    no ``callback_url`` when none is configured."""

    app_id: str = ""
    event_type: str = ""
    callback_url: str | None = None
