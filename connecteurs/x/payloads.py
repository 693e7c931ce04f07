"""The shapes the X connector reads, as pydantic models.

Two families meet here: the Account Activity API delivers **v1.1-style** objects (``id_str``,
``user.screen_name``, ``in_reply_to_status_id_str``, ``created_at`` as ``Wed Oct 10 20:19:24
+0000 2018``), while every REST call the connector makes is **v2** (``id``, ``author_id``,
``conversation_id``, ISO ``created_at``, RFC 7807 problem bodies). Unknown keys are ignored:
X adds fields over time and a new one must not fail a delivery.

Sources:
    https://docs.x.com/x-api/account-activity/introduction (payload examples)
    https://docs.x.com/x-api/fundamentals/data-dictionary (v2 Post, User objects)
    https://docs.x.com/x-api/fundamentals/response-codes-and-errors (problem bodies)
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

#: X ids are 64-bit integers sent as strings.
ID_PATTERN = r"^[0-9]{1,19}$"


def _digits(value: Any) -> Any:
    """Ids and millisecond times come as strings in X's examples, as numbers in some
    deliveries; keep strings (a boolean is never one)."""
    if isinstance(value, bool):
        raise ValueError("a boolean is not an id or a time")
    return str(value) if isinstance(value, int) else value


Digits = Annotated[str, BeforeValidator(_digits), Field(pattern=ID_PATTERN)]


class Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


# -- Account Activity API (webhook) ----------------------------------------------------------


class V1User(Lenient):
    id_str: str = Field(pattern=ID_PATTERN)
    screen_name: str = ""
    name: str = ""
    lang: str | None = None


class ExtendedTweet(Lenient):
    full_text: str


class EditHistory(Lenient):
    """``edit_history`` of a v1.1 Post: every version's id, starting with the original
    (https://developer.x.com/en/docs/x-api/enterprise/edit-tweets)."""

    initial_tweet_id: Digits
    edit_tweet_ids: list[Digits] = Field(default_factory=list)


class V1Tweet(Lenient):
    """A Post as the Account Activity API delivers it in ``tweet_create_events``."""

    id_str: str = Field(pattern=ID_PATTERN)
    created_at: str
    text: str = ""
    full_text: str | None = None
    truncated: bool = False
    extended_tweet: ExtendedTweet | None = None
    user: V1User
    in_reply_to_status_id_str: str | None = None
    in_reply_to_user_id_str: str | None = None
    in_reply_to_screen_name: str | None = None
    retweeted_status: dict[str, Any] | None = None
    is_quote_status: bool = False
    quoted_status_id_str: str | None = None
    lang: str | None = None
    edit_history: EditHistory | None = None

    @property
    def edited_from(self) -> str | None:
        """The original Post's id when this is an edited version of it (each edit is a new
        Post with a new id), else ``None``."""
        history = self.edit_history
        if history is None or history.initial_tweet_id == self.id_str:
            return None
        return history.initial_tweet_id

    @property
    def body(self) -> str:
        """The whole text: long posts carry it in ``extended_tweet.full_text``."""
        if self.extended_tweet is not None:
            return self.extended_tweet.full_text
        return self.full_text if self.full_text is not None else self.text


class DmTarget(Lenient):
    recipient_id: str = Field(pattern=ID_PATTERN)


class DmData(Lenient):
    text: str = ""


class MessageCreate(Lenient):
    target: DmTarget
    sender_id: str = Field(pattern=ID_PATTERN)
    message_data: DmData


class DmEvent(Lenient):
    type: str
    id: str = Field(pattern=ID_PATTERN)
    created_timestamp: str = Field(pattern=r"^[0-9]{1,16}$")
    message_create: MessageCreate | None = None


class DmUser(Lenient):
    id: str
    screen_name: str = ""
    name: str = ""


class DeletedStatus(Lenient):
    id: Digits
    user_id: Digits


class TweetDelete(Lenient):
    """One ``tweet_delete_events`` item: ``{"status": {"id", "user_id"}, "timestamp_ms"}``
    (https://twittercommunity.com/t/adding-delete-events-to-the-account-activity-api/106783)."""

    status: DeletedStatus
    timestamp_ms: Annotated[str, BeforeValidator(_digits), Field(pattern=r"^[0-9]{1,16}$")]


class ActivityPayload(Lenient):
    """One Account Activity delivery; only the lists about Posts and DMs are read."""

    for_user_id: str | None = None
    tweet_create_events: list[V1Tweet] = Field(default_factory=list)
    tweet_delete_events: list[TweetDelete] = Field(default_factory=list)
    direct_message_events: list[DmEvent] = Field(default_factory=list)
    users: dict[str, DmUser] = Field(default_factory=dict)


# -- API v2 (poll, lookups, writes) ----------------------------------------------------------


class Problem(Lenient):
    """An RFC 7807 problem, top level or in ``errors[]`` (v1.1 bodies carry ``code``)."""

    title: str = ""
    detail: str = ""
    type: str = ""
    status: int | None = None
    message: str = ""
    code: int | None = None
    resource_type: str | None = None
    reason: str | None = None


class ProblemBody(Problem):
    errors: list[Problem] = Field(default_factory=list)
    data: Any = None


class V2User(Lenient):
    id: str
    username: str = ""
    name: str = ""


class ReferencedTweet(Lenient):
    type: str
    id: str


class V2Tweet(Lenient):
    id: str = Field(pattern=ID_PATTERN)
    text: str = ""
    author_id: str | None = None
    created_at: datetime | None = None
    conversation_id: str | None = None
    in_reply_to_user_id: str | None = None
    referenced_tweets: list[ReferencedTweet] = Field(default_factory=list)
    lang: str | None = None
    # A default field of every v2 Post: the original's id first, then each edit's.
    edit_history_tweet_ids: list[str] = Field(default_factory=list)

    def referenced(self, kind: str) -> str | None:
        return next((r.id for r in self.referenced_tweets if r.type == kind), None)

    @property
    def edited_from(self) -> str | None:
        """The original Post's id when this is an edited version of it, else ``None``."""
        history = self.edit_history_tweet_ids
        if not history or history[0] == self.id:
            return None
        return history[0]


class Includes(Lenient):
    users: list[V2User] = Field(default_factory=list)


class Meta(Lenient):
    newest_id: str | None = None
    oldest_id: str | None = None
    result_count: int = 0
    next_token: str | None = None


class TweetPage(Lenient):
    """A timeline page (``GET /2/users/:id/mentions``, ``/tweets``)."""

    data: list[V2Tweet] = Field(default_factory=list)
    includes: Includes = Field(default_factory=Includes)
    meta: Meta = Field(default_factory=Meta)


class CreatedTweet(Lenient):
    id: str
    text: str = ""


class CreatedTweetBody(Lenient):
    data: CreatedTweet


class V2DmEvent(Lenient):
    id: str
    event_type: str = ""
    text: str = ""
    sender_id: str | None = None
    created_at: datetime | None = None


class DmEventPage(Lenient):
    data: list[V2DmEvent] = Field(default_factory=list)
    meta: Meta = Field(default_factory=Meta)


class CreatedDm(Lenient):
    dm_conversation_id: str
    dm_event_id: str


class CreatedDmBody(Lenient):
    data: CreatedDm


# -- channel health ---------------------------------------------------------------------------


class MeBody(Lenient):
    """``GET /2/users/me`` (https://docs.x.com/x-api/users/user-lookup-me)."""

    data: V2User


class Subscribed(Lenient):
    subscribed: bool


class SubscriptionBody(Lenient):
    """``GET /2/account_activity/webhooks/:webhook_id/subscriptions/all``
    (https://docs.x.com/x-api/account-activity/validate-subscription)."""

    data: Subscribed


class WebhookConfig(Lenient):
    id: str
    url: str = ""
    valid: bool | None = None
    created_at: str | None = None


class WebhookList(Lenient):
    """``GET /2/webhooks``: the app's webhook configs, each with X's ``valid`` flag
    (https://docs.x.com/x-api/webhooks/introduction)."""

    data: list[WebhookConfig] = Field(default_factory=list)
