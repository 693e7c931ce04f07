"""What the Graph API says about a page token and the page's webhook subscription.

- ``GET /debug_token?input_token=<token>``: ``data.is_valid``, ``data.expires_at`` (Unix
  seconds, ``0`` for a token that never expires, as long-lived page tokens do),
  ``data.data_access_expires_at``, ``data.scopes``, ``data.app_id``. The token may inspect
  itself: "Replace {access-token} with a valid access token. The tokens must be from the same
  app." (https://developers.facebook.com/docs/facebook-login/access-tokens/debugging-and-error-handling,
  reference: https://developers.facebook.com/docs/graph-api/reference/debug_token).
- ``GET /{page-id}/subscribed_apps``: ``data[]`` of the apps subscribed to the page's
  webhooks, each with its ``id`` and ``subscribed_fields``; needs ``pages_manage_metadata``
  and ``pages_show_list``. "Only fields with subscriptions at both the page and app levels
  will get Webhooks" (https://developers.facebook.com/docs/graph-api/reference/page/subscribed_apps/).
  Instagram webhooks need the *connected page* subscribed to "any Page field"
  (https://developers.facebook.com/docs/graph-api/webhooks/getting-started/webhooks-for-instagram).

Permissions per product: https://developers.facebook.com/docs/pages/overview/permissions-features
(pages_*), https://developers.facebook.com/docs/instagram-platform/instagram-api-with-facebook-login/comment-moderation
(instagram_basic, instagram_manage_comments, pages_read_engagement) and the Instagram webhooks
page (instagram_manage_messages for messages).
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationError

#: What a Facebook page needs: read and moderate comments, Messenger, webhooks.
FACEBOOK_SCOPES = (
    "pages_show_list",
    "pages_manage_metadata",
    "pages_read_engagement",
    "pages_read_user_content",
    "pages_manage_engagement",
    "pages_messaging",
)
#: What an Instagram professional account needs through its connected page.
INSTAGRAM_SCOPES = (
    "pages_show_list",
    "pages_manage_metadata",
    "pages_read_engagement",
    "instagram_basic",
    "instagram_manage_comments",
    "instagram_manage_messages",
)
#: Reading ``subscribed_apps`` needs these; without them the read is not attempted.
SUBSCRIPTION_SCOPES = ("pages_manage_metadata", "pages_show_list")


class _Shape(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, coerce_numbers_to_str=True)


class TokenError(_Shape):
    """``data.error`` of an invalid token (``code``, ``subcode``, ``message``)."""

    code: int | None = None
    subcode: int | None = None
    message: str = ""


class TokenInfo(_Shape):
    """``data`` of a ``debug_token`` answer (fields the connector reads)."""

    app_id: str = ""
    type: str = ""
    is_valid: bool
    expires_at: int | None = None
    data_access_expires_at: int | None = None
    scopes: list[str] | None = None
    error: TokenError | None = None


class DebugTokenBody(_Shape):
    data: TokenInfo


class SubscribedApp(_Shape):
    id: str = ""
    name: str = ""
    subscribed_fields: list[str] = Field(default_factory=list)


class SubscribedAppsBody(_Shape):
    data: list[SubscribedApp] = Field(default_factory=list)


def read_token_info(body: object) -> TokenInfo | None:
    try:
        return DebugTokenBody.model_validate(body).data
    except ValidationError:
        return None


def read_subscribed_apps(body: object) -> list[SubscribedApp] | None:
    try:
        return SubscribedAppsBody.model_validate(body).data
    except ValidationError:
        return None


def moment(unix_seconds: int | None) -> datetime | None:
    """A Graph time in Unix seconds; ``0`` or absent means "never"."""
    if not unix_seconds or unix_seconds <= 0:
        return None
    try:
        return datetime.fromtimestamp(unix_seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def missing_scopes(granted: list[str] | None, needed: tuple[str, ...]) -> tuple[str, ...]:
    """The needed permissions the token lacks (``()`` when Graph listed none at all)."""
    if granted is None:
        return ()
    have = set(granted)
    return tuple(scope for scope in needed if scope not in have)


def subscription_state(
    apps: list[SubscribedApp], app_id: str, wanted_fields: tuple[str, ...]
) -> tuple[bool, str]:
    """Whether ``app_id`` is subscribed to the page with every wanted field (any field when
    none is wanted), and a line saying what is missing."""
    ours = next((app for app in apps if app.id == app_id), None) if app_id else None
    if ours is None:
        return False, "the app is not subscribed to the page's webhooks"
    if not wanted_fields:
        if ours.subscribed_fields:
            return True, ""
        return False, "the app is subscribed to the page without any field"
    lacking = [f for f in wanted_fields if f not in ours.subscribed_fields]
    if lacking:
        return False, f"the page's webhook subscription lacks {', '.join(lacking)}"
    return True, ""
