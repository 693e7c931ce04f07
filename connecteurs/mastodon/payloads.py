"""The shapes of the Mastodon REST entities and admin-webhook bodies the connector reads.

Only the fields Passerelle uses are declared; Mastodon sends many more (and adds fields
between versions), so unknown keys are ignored rather than refused. Ids are strings in the
Mastodon API ("cast from an integer, but not guaranteed to be a number"): an integer id is
a wrong shape, not something to coerce.

Sources:
    https://docs.joinmastodon.org/entities/Status/
    https://docs.joinmastodon.org/entities/Notification/
    https://docs.joinmastodon.org/entities/Context/
    https://docs.joinmastodon.org/admin/webhooks/
    https://docs.joinmastodon.org/methods/accounts/#verify_credentials
    https://docs.joinmastodon.org/entities/Application/
"""

from __future__ import annotations

from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class _Entity(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class MastodonAccount(_Entity):
    """``Account``: ``acct`` is ``user`` for local accounts, ``user@domain`` for remote ones."""

    id: str = Field(min_length=1)
    username: str = ""
    acct: str = Field(min_length=1)
    display_name: str = ""
    url: str | None = None


class MastodonApplication(_Entity):
    """``Application`` as ``GET /api/v1/apps/verify_credentials`` returns it. ``scopes`` (the
    app's registered scopes, split on whitespace) exists since Mastodon 4.3.0: ``None`` on
    older instances."""

    name: str = ""
    scopes: list[str] | None = None


class MastodonMention(_Entity):
    id: str = Field(min_length=1)
    username: str = ""
    acct: str = ""
    url: str | None = None


class MastodonAttachment(_Entity):
    id: str = ""
    type: str = "unknown"
    url: str | None = None


class MastodonStatus(_Entity):
    """``Status``. ``content`` is HTML; ``visibility`` is public, unlisted, private or direct
    (kept a plain string: forks such as glitch-soc add values like ``local``)."""

    id: str = Field(min_length=1)
    created_at: AwareDatetime
    in_reply_to_id: str | None = None
    in_reply_to_account_id: str | None = None
    visibility: str = "public"
    language: str | None = None
    spoiler_text: str = ""
    content: str = ""
    # When the status was last edited (since 3.5.0); null for a status never edited.
    edited_at: AwareDatetime | None = None
    uri: str | None = None
    url: str | None = None
    account: MastodonAccount
    mentions: tuple[MastodonMention, ...] = ()
    media_attachments: tuple[MastodonAttachment, ...] = ()
    # A boost carries the boosted status here; it is not something said to the account.
    reblog: dict[str, Any] | None = None


class MastodonNotification(_Entity):
    """``Notification``: ``status`` is set for ``mention`` (and other status types)."""

    id: str = Field(min_length=1)
    type: str = Field(min_length=1)
    created_at: AwareDatetime
    account: MastodonAccount | None = None
    status: MastodonStatus | None = None


class MastodonContext(_Entity):
    """``Context``: ``ancestors`` are ordered from the thread's root down to the parent."""

    ancestors: tuple[MastodonStatus, ...] = ()
    descendants: tuple[MastodonStatus, ...] = ()


class MastodonWebhookEvent(_Entity):
    """An admin webhook delivery: ``{"event", "created_at", "object"}``; ``object`` is the
    record serialized as the REST API does (a Status for ``status.*``, an admin Report for
    ``report.*``, an admin Account for ``account.*``)."""

    event: str = Field(min_length=1)
    created_at: AwareDatetime
    object: dict[str, Any]
