"""The YouTube Data API v3 shapes the connector reads, as pydantic models.

Field names follow the API's own camelCase so each model can be read against the
resource pages:

- comment: https://developers.google.com/youtube/v3/docs/comments#resource
- commentThread: https://developers.google.com/youtube/v3/docs/commentThreads#resource
- error body: https://developers.google.com/youtube/v3/docs/errors
- channels.list: https://developers.google.com/youtube/v3/docs/channels/list
- tokeninfo: https://googleapis.github.io/google-api-python-client/docs/dyn/oauth2_v2.html

Unknown keys are ignored (Google adds fields over time); missing ids or wrong types are
refused, so a body that is not the documented shape fails loudly.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class _Shape(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class ChannelRef(_Shape):
    """``authorChannelId`` is an object ``{"value": "UC…"}``, not a bare string."""

    value: str = Field(min_length=1)


class CommentSnippet(_Shape):
    authorDisplayName: str = ""
    authorProfileImageUrl: str | None = None
    authorChannelUrl: str | None = None
    authorChannelId: ChannelRef | None = None
    channelId: str | None = None
    videoId: str | None = None
    # Plain text when the list asks ``textFormat=plainText``; HTML otherwise.
    textDisplay: str = ""
    # Only guaranteed for the comment's own author (docs: comments#snippet.textOriginal).
    textOriginal: str | None = None
    parentId: str | None = None
    moderationStatus: str | None = None
    likeCount: int | None = None
    publishedAt: AwareDatetime
    updatedAt: AwareDatetime | None = None

    @property
    def text(self) -> str:
        return self.textOriginal if self.textOriginal is not None else self.textDisplay

    @property
    def author_channel(self) -> str | None:
        return self.authorChannelId.value if self.authorChannelId is not None else None


class Comment(_Shape):
    kind: str | None = None
    id: str = Field(min_length=1)
    snippet: CommentSnippet


class ThreadSnippet(_Shape):
    channelId: str | None = None
    videoId: str | None = None
    topLevelComment: Comment
    canReply: bool | None = None
    totalReplyCount: int = 0
    isPublic: bool | None = None


class ThreadReplies(_Shape):
    comments: list[Comment] = Field(default_factory=list)


class CommentThread(_Shape):
    kind: str | None = None
    id: str = Field(min_length=1)
    snippet: ThreadSnippet
    replies: ThreadReplies | None = None


class CommentThreadList(_Shape):
    """``commentThreads.list`` response (``youtube#commentThreadListResponse``)."""

    kind: str | None = None
    nextPageToken: str | None = None
    items: list[CommentThread]


class CommentList(_Shape):
    """``comments.list`` response (``youtube#commentListResponse``)."""

    kind: str | None = None
    nextPageToken: str | None = None
    items: list[Comment]


class GoogleErrorItem(_Shape):
    domain: str | None = None
    reason: str | None = None
    message: str | None = None


class GoogleErrorDetail(_Shape):
    code: int | None = None
    message: str | None = None
    status: str | None = None
    errors: list[GoogleErrorItem] = Field(default_factory=list)


class GoogleError(_Shape):
    """``{"error": {"code", "message", "errors": [{"domain", "reason", "message"}]}}``."""

    error: GoogleErrorDetail


class ChannelItem(_Shape):
    id: str = Field(min_length=1)


class ChannelList(_Shape):
    """``channels.list`` response (``youtube#channelListResponse``); with ``mine=true`` it
    holds the channel of the token's account, or no item when that account has none."""

    kind: str | None = None
    items: list[ChannelItem] = Field(default_factory=list)


class TokenInfo(_Shape):
    """Google's ``tokeninfo`` answer for an access token: ``scope`` space-separated,
    ``exp`` (Unix seconds) and ``expires_in`` (seconds left), both sent as strings."""

    aud: str | None = None
    azp: str | None = None
    scope: str = ""
    exp: int | None = None
    expires_in: int | None = None

    @property
    def scopes(self) -> frozenset[str]:
        return frozenset(self.scope.split())

    def expires_at(self, now: datetime) -> datetime | None:
        """``exp`` when given, else ``now + expires_in``; ``None`` when neither is."""
        if self.exp is not None:
            return datetime.fromtimestamp(self.exp, UTC)
        if self.expires_in is not None:
            return now + timedelta(seconds=self.expires_in)
        return None
