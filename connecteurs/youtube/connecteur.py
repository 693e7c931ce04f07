"""YouTube connector: polls a channel's comments, replies to them and moderates them.

YouTube has no webhook for comments, so the connector polls ``commentThreads.list`` with
``allThreadsRelatedToChannelId`` (every thread on the channel's videos), newest first. The
API has no "since" parameter: the cursor is this connector's own JSON, the newest
``publishedAt`` seen plus digests of the comment ids recently returned, so a poll never
returns a comment twice and never returns the channel's own comments.

What the same listing shows about comments already returned comes back as thread events
(``PollResult.events``), never as interactions: a reply the channel posted from YouTube
itself (``answered``), a comment whose ``updatedAt`` moved past its ``publishedAt``
(``edited``), and a ``moderationStatus`` other than ``published`` (``hidden``; ``rejected``:
``removed``), or back to ``published`` (``unhidden``). No extra call is made for them.

Docs:
- https://developers.google.com/youtube/v3/docs/commentThreads/list
- https://developers.google.com/youtube/v3/docs/comments/list
- https://developers.google.com/youtube/v3/docs/comments/insert
- https://developers.google.com/youtube/v3/docs/comments/setModerationStatus
- https://developers.google.com/youtube/v3/docs/errors
- https://developers.google.com/youtube/v3/determine_quota_cost
- https://developers.google.com/youtube/v3/docs/channels/list
- https://googleapis.github.io/google-api-python-client/docs/dyn/oauth2_v2.html (tokeninfo)
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any, ClassVar, TypeVar
from zoneinfo import ZoneInfo

import httpx
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from connecteurs.base import AccountContext, Capability, ConnecteurOptions, Manifest, PollResult
from connecteurs.errors import (
    AuthError,
    ConnecteurError,
    InvalidRequest,
    MalformedPayload,
    RateLimited,
)
from connecteurs.http import (
    MAX_RETRY_AFTER,
    MIN_RETRY_AFTER,
    HttpConnecteur,
    describe,
    error_for_status,
    retry_after,
)
from connecteurs.models import (
    ActionResult,
    Author,
    ChannelCheck,
    Interaction,
    InteractionKind,
    Platform,
    ThreadEvent,
    ThreadEventKind,
    body_sha256,
)
from connecteurs.youtube.payloads import (
    ChannelList,
    Comment,
    CommentList,
    CommentSnippet,
    CommentThread,
    CommentThreadList,
    GoogleError,
    GoogleErrorDetail,
    TokenInfo,
)

DEFAULT_BASE_URL = "https://www.googleapis.com/youtube/v3"

#: The daily quota resets at midnight Pacific time (docs: getting-started#quota).
QUOTA_TIMEZONE = ZoneInfo("America/Los_Angeles")

#: Reasons of the errors page that mean "slow down" rather than "out of quota for today".
SHORT_RATE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
QUOTA_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded"})
#: 403 reasons that are not about the token (commentThreads.list: comments disabled).
FORBIDDEN_NOT_AUTH = frozenset({"commentsDisabled"})

MODERATION_PATH = "/comments/setModerationStatus"
#: Google's OAuth 2.0 token introspection: the token's scopes and expiry, no quota cost.
#: Asked with POST and the token in the Authorization header, as Google's own client
#: library does (google-auth-library ``OAuth2Client.getTokenInfo``): never in a URL.
TOKENINFO_URL = "https://oauth2.googleapis.com/tokeninfo"
#: The one scope every capability needs: commentThreads.list, comments.insert and
#: comments.setModerationStatus all list ``youtube.force-ssl`` under "Authorization".
FORCE_SSL = "https://www.googleapis.com/auth/youtube.force-ssl"
REQUIRED_SCOPES = (FORCE_SSL,)
#: OAuth error codes (RFC 6750 §3.1) that mean the token itself is refused; tokeninfo
#: answers ``400 {"error": "invalid_token"}`` for an expired or revoked token.
OAUTH_TOKEN_ERRORS = frozenset({"invalid_token"})
#: Google's messages link to help pages; errors carry no URL at all (DESIGN: no full URLs).
_URL = re.compile(r"https?://\S+")
#: ``snippet.moderationStatus`` values (docs: comments#snippet.moderationStatus) that keep a
#: comment from public display, and the one that removes it.
HELD_STATUSES = frozenset({"heldForReview", "likelySpam"})
REJECTED = "rejected"
PUBLISHED = "published"

M = TypeVar("M", bound=BaseModel)


def seconds_until_quota_reset(now: datetime) -> float:
    """Seconds from ``now`` to the next midnight in America/Los_Angeles, when the daily
    quota of the YouTube Data API resets (DST-aware through zoneinfo)."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    local = now.astimezone(QUOTA_TIMEZONE)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=QUOTA_TIMEZONE)
    # Compare in UTC: subtracting two datetimes sharing one tzinfo ignores DST offsets.
    seconds = (midnight.astimezone(UTC) - now.astimezone(UTC)).total_seconds()
    return min(max(seconds, MIN_RETRY_AFTER), MAX_RETRY_AFTER)


def id_digest(comment_id: str) -> str:
    """A short stable digest of a comment id, so the cursor's seen-set stays small."""
    return hashlib.sha256(comment_id.encode("utf-8")).hexdigest()[:12]


def fact_digest(comment_id: str, fact: str) -> str:
    """A short digest of one thing already reported about a comment (its edit at a given
    ``updatedAt``, its being held), so a later poll does not report it again."""
    return id_digest(f"{comment_id}|{fact}")


def raw_sha256(raw: Any) -> str:
    """Hash of one comment resource as the API sent it (canonical JSON)."""
    canonical = json.dumps(raw, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return body_sha256(canonical.encode("utf-8"))


class YoutubeOptions(ConnecteurOptions):
    max_pages: int = Field(
        default=3,
        ge=1,
        le=10,
        description="commentThreads pages (100 threads, 1 quota unit each) read per poll.",
    )
    lookback_seconds: int = Field(
        default=300,
        ge=0,
        le=86_400,
        description=(
            "Comments up to this much older than the newest one seen are still considered "
            "(late indexing); the seen-set keeps them from being returned twice."
        ),
    )
    seen_limit: int = Field(
        default=500, ge=50, le=2_000, description="Comment ids remembered in the cursor."
    )


class PollCursor(BaseModel):
    """The cursor: ``w`` newest ``publishedAt`` seen, ``s`` digests of recent ids (comments
    returned and the channel's own replies reported), ``m`` digests of the edits and
    moderation states already reported (see :func:`fact_digest`)."""

    model_config = ConfigDict(extra="ignore")

    v: int = 1
    w: AwareDatetime | None = None
    s: list[str] = Field(default_factory=list)
    m: list[str] = Field(default_factory=list)

    @classmethod
    def load(cls, raw: str | None) -> PollCursor:
        # An unreadable cursor restarts from the current page: interactions already
        # returned keep their ids, so the workflows they started dedupe them.
        if not raw:
            return cls()
        try:
            return cls.model_validate_json(raw)
        except ValidationError:
            return cls()

    def dump(self) -> str:
        when = self.w.astimezone(UTC).isoformat().replace("+00:00", "Z") if self.w else None
        document: dict[str, Any] = {"v": self.v, "w": when, "s": self.s}
        if self.m:  # absent until something was reported: the cursor stays small
            document["m"] = self.m
        return json.dumps(document, separators=(",", ":"))


class YoutubeConnecteur(HttpConnecteur):
    """One YouTube channel (the account is its channel id, ``UC…``).

    Capabilities:
        poll: ``commentThreads.list`` (1 unit a page). Top-level comments become
            ``comment`` interactions, replies included in ``replies.comments`` become
            ``reply`` interactions under their top-level comment. A thread lists only some
            of its replies, and threads are ordered by time: a new reply deep in an old
            thread may be seen late or not at all (a known limit of the API). The same
            listing gives the thread events of :meth:`poll`.
        reply: ``comments.insert`` with ``snippet.parentId`` (50 units). YouTube threads are
            one level deep, so a reply to a reply is posted under the top-level comment.
        hide / unhide: ``comments.setModerationStatus`` ``heldForReview`` / ``published``
            (50 units). YouTube refuses to publish again a comment that was rejected.
        delete: ``setModerationStatus`` ``rejected``. ``comments.delete`` only works for the
            comment's own author; a channel removes other people's comments by rejecting
            them, which also hides their replies.
        block: ``rejected`` with ``banAuthor=true``: the comment is removed and every later
            comment of its author on the channel is rejected automatically.

    There is no direct message in the YouTube Data API.
    """

    manifest: ClassVar[Manifest] = Manifest(
        name="youtube",
        platform=Platform.YOUTUBE,
        version="0.1.0",
        capabilities=frozenset(
            {
                Capability.POLL,
                Capability.REPLY,
                Capability.HIDE,
                Capability.UNHIDE,
                Capability.DELETE,
                Capability.BLOCK,
            }
        ),
        options_model=YoutubeOptions,
        secrets=("access_token",),
        reply_lookup=True,
        documentation=(
            "https://developers.google.com/youtube/v3/docs/commentThreads/list",
            "https://developers.google.com/youtube/v3/docs/comments/list",
            "https://developers.google.com/youtube/v3/docs/comments/insert",
            "https://developers.google.com/youtube/v3/docs/comments/setModerationStatus",
            "https://developers.google.com/youtube/v3/docs/errors",
            "https://developers.google.com/youtube/v3/determine_quota_cost",
            "https://developers.google.com/youtube/v3/docs/channels/list",
            "https://googleapis.github.io/google-api-python-client/docs/dyn/oauth2_v2.html",
            "https://cloud.google.com/nodejs/docs/reference/google-auth-library/latest/google-auth-library/tokeninfo",
        ),
        reauthorize=(
            "Renew the secret access_token: an OAuth 2.0 access token of the Google account "
            "that owns the channel, granted the scope "
            "https://www.googleapis.com/auth/youtube.force-ssl (polling, replies and "
            "moderation all need it). Google Cloud console → APIs & Services → Credentials → "
            "your OAuth client (YouTube Data API v3 enabled), then authorize again with that "
            "scope (OAuth 2.0 Playground or your consent flow) signed in as the channel. "
            "Google access tokens live about an hour: whatever refreshes access_token must "
            "keep running, and a revoked grant (Google Account → Security → Third-party "
            "access) needs a new consent."
        ),
    )
    default_base_url: ClassVar[str] = DEFAULT_BASE_URL

    def __init__(
        self,
        context: AccountContext,
        *,
        http: httpx.AsyncClient | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(context, http=http)
        options = context.options
        self.options = options if isinstance(options, YoutubeOptions) else YoutubeOptions()
        #: "now" for the quota reset and ``received_at``; tests pin it.
        self.clock: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))

    @property
    def channel_id(self) -> str:
        return self.context.account

    def auth_headers(self) -> dict[str, str]:
        try:
            token = self.context.secret("access_token")
        except KeyError as err:
            raise AuthError(str(err.args[0])) from None
        return {"Authorization": f"Bearer {token}"}

    # -- errors --------------------------------------------------------------------------

    def error_for(self, response: httpx.Response) -> ConnecteurError | None:
        """Google's error body: ``{"error": {"code", "message", "errors": [{"domain",
        "reason"}]}}``; the reason says more than the status (quota is a 403)."""
        if response.is_success:
            return None
        error = _google_error(response)
        reasons = {item.reason for item in error.errors if item.reason} if error else set()
        domains = {item.domain for item in error.errors if item.domain} if error else set()
        detail = ", ".join(sorted(reasons))
        if error is not None and error.message:
            text = _URL.sub("<url>", error.message)[:160]
            detail = f"{detail}: {text}" if detail else text
        message = describe(response) + (f": {detail}" if detail else "")
        status = response.status_code
        # Short-window throttling first: its error may also carry the youtube.quota domain.
        if reasons & SHORT_RATE_REASONS or status == 429:
            return RateLimited(retry_after(response.headers), message)
        if reasons & QUOTA_REASONS or "youtube.quota" in domains:
            return RateLimited(seconds_until_quota_reset(self.clock()), message)
        oauth = _oauth_error(response) if error is None else None
        if oauth in OAUTH_TOKEN_ERRORS:
            return AuthError(f"{describe(response)}: {oauth}")
        if status == 401:
            return AuthError(message)
        if status == 403 and reasons & FORBIDDEN_NOT_AUTH:
            return InvalidRequest(message)
        # 403 forbidden/insufficientPermissions → AuthError, 404 → NotFound, 5xx →
        # TransientError, other 4xx → InvalidRequest: plain HTTP semantics.
        return error_for_status(response, detail)

    # -- health --------------------------------------------------------------------------

    async def check_health(self) -> ChannelCheck:
        """The token's validity, expiry and scopes from Google's ``tokeninfo`` (no quota
        cost), then ``channels.list?mine=true`` (1 unit) to check the token is the channel's.

        YouTube has no webhook for comments, so there is no subscription to report
        (``subscription_active`` stays ``None``).

        Raises:
            AuthError: tokeninfo refused the token (``invalid_token``: expired or revoked).
            RateLimited: throttled, or the Data API's daily quota is spent.
        """
        response = await self.request("POST", "/tokeninfo", url=TOKENINFO_URL)
        info = _validate(TokenInfo, _json(response), response)
        expires = info.expires_at(self.clock())
        missing = tuple(scope for scope in REQUIRED_SCOPES if scope not in info.scopes)
        if missing:
            # channels.list may need the very scope that is missing: the operator must
            # authorize again anyway, which is what this check reports.
            return ChannelCheck(
                token_valid=True,
                token_expires_at=expires,
                scopes_missing=missing,
                detail="the token lacks youtube.force-ssl: polling, replies and moderation "
                "are refused",
            )
        channel = await self._own_channel()
        if channel != self.channel_id:
            return ChannelCheck(
                token_valid=False,
                token_expires_at=expires,
                detail=f"the access token is for channel {channel or 'none'}, "
                f"not {self.channel_id}",
            )
        return ChannelCheck(
            token_valid=True,
            token_expires_at=expires,
            detail="tokeninfo and channels.list?mine=true answered for this channel",
        )

    async def _own_channel(self) -> str | None:
        """The id of the channel the token belongs to (``None``: the account has none)."""
        response = await self.request(
            "GET", "/channels", params={"part": "id", "mine": "true", "maxResults": 1}
        )
        page = _validate(ChannelList, _json(response), response)
        return page.items[0].id if page.items else None

    # -- poll ----------------------------------------------------------------------------

    async def poll(self, cursor: str | None) -> PollResult:
        """New comments and replies on the channel since ``cursor``, and in ``events`` what
        the same pages show happened to comments already returned.

        The first poll (``cursor`` None) returns the first page; later polls read up to
        ``max_pages`` pages and stop at the first page that brings nothing new. Page tokens
        shift as comments arrive, so they are not kept across polls: a burst of more than
        ``max_pages`` times 100 new threads between two polls is only partly returned (poll
        more often or raise ``max_pages``).

        Events (never interactions):

        - ``answered``: a reply by the channel itself (posted from YouTube Studio or the
          app, or by Passerelle: ``ref`` is then the ``platform_ref`` of its reply). YouTube
          threads are one level deep, so the message answered is the top-level comment
          (``snippet.parentId``), whichever reply the channel meant.
        - ``edited``: a comment returned by an earlier poll whose ``updatedAt`` is later
          than its ``publishedAt``, with its current text; reported once per ``updatedAt``.
        - ``hidden`` / ``removed`` / ``unhidden``: ``snippet.moderationStatus`` of a
          comment returned by this or an earlier poll is ``heldForReview`` or
          ``likelySpam`` / ``rejected`` / back to ``published`` after being reported held.
          The default listing holds published threads only, and the docs say rejected
          comments cannot be listed: a comment held or removed from the top level simply
          stops appearing, which tells nothing (it may only have scrolled past the pages
          read), so that is not reported.
        """
        state = PollCursor.load(cursor)
        pages = 1 if cursor is None else self.options.max_pages
        horizon = state.w - timedelta(seconds=self.options.lookback_seconds) if state.w else None
        returned = frozenset(state.s)  # comments returned by earlier polls
        seen = set(state.s)
        reported = dict.fromkeys(state.m)  # ordered: the oldest facts are trimmed first
        fresh: list[Interaction] = []
        events: list[ThreadEvent] = []
        remembered: list[tuple[datetime, str]] = []
        newest = state.w
        token: str | None = None
        for _ in range(pages):
            page, raw_items = await self._thread_page(token)
            added = 0
            for thread, raw in zip(page.items, raw_items, strict=True):
                for comment, raw_comment in _comments_of(thread, raw):
                    snippet = comment.snippet
                    published = snippet.publishedAt
                    digest = id_digest(comment.id)
                    is_new = digest not in seen and (horizon is None or published >= horizon)
                    if snippet.author_channel == self.channel_id:
                        # The channel's own comments and replies: never interactions.
                        if is_new and comment.id != thread.snippet.topLevelComment.id:
                            seen.add(digest)
                            remembered.append((published, digest))
                            events.append(self._answered(thread, comment))
                            added += 1
                        continue
                    newest = published if newest is None else max(newest, published)
                    if is_new:
                        seen.add(digest)
                        remembered.append((published, digest))
                        fresh.append(self._interaction(thread, comment, raw_comment))
                        added += 1
                    elif digest in returned:
                        events.extend(self._edit(thread, comment, reported))
                    if digest in returned or is_new:
                        events.extend(self._moderation(thread, comment, reported))
            token = page.nextPageToken
            if not token or added == 0:
                break
        fresh.sort(key=lambda i: (i.created_at, i.external_id))
        events.sort(key=lambda e: (e.at, e.subject_id, e.kind.value))
        # Oldest first, so trimming the seen-set forgets the oldest comments.
        remembered.sort()
        state.s.extend(digest for _, digest in remembered)
        state.s = state.s[-self.options.seen_limit :]
        state.m = list(reported)[-self.options.seen_limit :]
        state.w = newest
        return PollResult(interactions=tuple(fresh), cursor=state.dump(), events=tuple(events))

    async def _thread_page(self, token: str | None) -> tuple[CommentThreadList, list[Any]]:
        params: dict[str, str | int] = {
            "part": "snippet,replies",
            "allThreadsRelatedToChannelId": self.channel_id,
            "order": "time",
            "maxResults": 100,
            "textFormat": "plainText",
        }
        if token:
            params["pageToken"] = token
        response = await self.request("GET", "/commentThreads", params=params)
        raw = _json(response)
        page = _validate(CommentThreadList, raw, response)
        return page, list(raw["items"])

    def _interaction(self, thread: CommentThread, comment: Comment, raw: Any) -> Interaction:
        snippet = comment.snippet
        top_id = thread.snippet.topLevelComment.id
        is_reply = comment.id != top_id
        video = thread.snippet.videoId or snippet.videoId
        return Interaction(
            id=Interaction.make_id(Platform.YOUTUBE, self.channel_id, comment.id),
            platform=Platform.YOUTUBE,
            account=self.channel_id,
            external_id=comment.id,
            kind=InteractionKind.REPLY if is_reply else InteractionKind.COMMENT,
            author=_author(snippet),
            text=snippet.text,
            thread_id=top_id,
            parent_id=(snippet.parentId or top_id) if is_reply else None,
            post_id=video,
            url=_comment_url(video, comment.id),
            created_at=snippet.publishedAt,
            received_at=self.clock(),
            raw_sha256=raw_sha256(raw),
            reply_context={"video_id": video} if video else {},
        )

    # -- thread events -------------------------------------------------------------------

    def _event(
        self,
        kind: ThreadEventKind,
        thread: CommentThread,
        subject: str,
        *,
        at: datetime,
        detail: str,
        ref: str | None = None,
        author: Author | None = None,
        text: str = "",
    ) -> ThreadEvent:
        # thread_id is the top-level comment, as every interaction of the thread has it.
        return ThreadEvent(
            kind=kind,
            platform=Platform.YOUTUBE,
            account=self.channel_id,
            subject_id=subject,
            thread_id=thread.snippet.topLevelComment.id,
            ref=ref,
            author=author,
            text=text,
            at=at,
            detail=detail,
        )

    def _answered(self, thread: CommentThread, comment: Comment) -> ThreadEvent:
        snippet = comment.snippet
        top_id = thread.snippet.topLevelComment.id
        return self._event(
            ThreadEventKind.ANSWERED,
            thread,
            snippet.parentId or top_id,
            ref=comment.id,
            author=_author(snippet, self.channel_id),
            text=snippet.text,
            at=snippet.publishedAt,
            detail="commentThreads.list: a reply by the channel",
        )

    def _edit(
        self, thread: CommentThread, comment: Comment, reported: dict[str, None]
    ) -> list[ThreadEvent]:
        snippet = comment.snippet
        edited = snippet.updatedAt
        if edited is None or edited <= snippet.publishedAt:
            return []
        fact = fact_digest(comment.id, "edit:" + edited.astimezone(UTC).isoformat())
        if fact in reported:
            return []
        reported[fact] = None
        return [
            self._event(
                ThreadEventKind.EDITED,
                thread,
                comment.id,
                author=_author(snippet),
                text=snippet.text,
                at=edited,
                detail="commentThreads.list: updatedAt after publishedAt",
            )
        ]

    def _moderation(
        self, thread: CommentThread, comment: Comment, reported: dict[str, None]
    ) -> list[ThreadEvent]:
        snippet = comment.snippet
        status = snippet.moderationStatus
        held = fact_digest(comment.id, "held")
        kind: ThreadEventKind | None = None
        if status in HELD_STATUSES and held not in reported:
            reported[held] = None
            kind = ThreadEventKind.HIDDEN
        elif status == REJECTED:
            removed = fact_digest(comment.id, REJECTED)
            if removed not in reported:
                reported[removed] = None
                kind = ThreadEventKind.REMOVED
        elif status == PUBLISHED and held in reported:
            del reported[held]
            kind = ThreadEventKind.UNHIDDEN
        if kind is None:
            return []
        # No moderation time in the resource: updatedAt (or publishedAt) keeps the event's
        # key the same when a retried poll reports it again.
        return [
            self._event(
                kind,
                thread,
                comment.id,
                at=snippet.updatedAt or snippet.publishedAt,
                detail=f"commentThreads.list: moderationStatus={status}",
            )
        ]

    # -- reply ---------------------------------------------------------------------------

    async def reply(
        self, interaction: Interaction, text: str, *, idempotency_key: str
    ) -> ActionResult:
        """Reply under the interaction's top-level comment.

        A retried reply first lists the replies under that comment (``comments.list``,
        1 unit) and returns the channel's own reply with the same text instead of posting
        a second one (50 units).
        """
        parent = interaction.thread_id or interaction.parent_id or interaction.external_id
        earlier = await self._own_reply(parent, text)
        if earlier is not None:
            return self._done("reply", earlier)
        response = await self.request(
            "POST",
            "/comments",
            params={"part": "snippet"},
            json={"snippet": {"parentId": parent, "textOriginal": text}},
        )
        created = _validate(Comment, _json(response), response)
        return self._done("reply", created.id)

    async def _own_reply(self, parent: str, text: str) -> str | None:
        wanted = text.strip()
        token: str | None = None
        for _ in range(self.options.max_pages):
            params: dict[str, str | int] = {
                "part": "snippet",
                "parentId": parent,
                "maxResults": 100,
                "textFormat": "plainText",
            }
            if token:
                params["pageToken"] = token
            response = await self.request("GET", "/comments", params=params)
            page = _validate(CommentList, _json(response), response)
            for comment in page.items:
                snippet = comment.snippet
                if snippet.author_channel == self.channel_id and snippet.text.strip() == wanted:
                    return comment.id
            token = page.nextPageToken
            if not token:
                break
        return None

    # -- moderation ----------------------------------------------------------------------

    async def hide(self, interaction: Interaction, *, idempotency_key: str) -> ActionResult:
        return await self._moderate("hide", interaction, "heldForReview")

    async def unhide(self, interaction: Interaction, *, idempotency_key: str) -> ActionResult:
        return await self._moderate("unhide", interaction, "published")

    async def delete(self, interaction: Interaction, *, idempotency_key: str) -> ActionResult:
        # comments.delete is for the comment's own author only; a channel removes others'
        # comments by rejecting them (docs: comments/setModerationStatus).
        return await self._moderate("delete", interaction, "rejected")

    async def block(self, interaction: Interaction, *, idempotency_key: str) -> ActionResult:
        return await self._moderate("block", interaction, "rejected", ban_author=True)

    async def _moderate(
        self, action: str, interaction: Interaction, status: str, *, ban_author: bool = False
    ) -> ActionResult:
        # Setting a status is idempotent on YouTube's side: a retry sets it again.
        params: dict[str, str] = {"id": interaction.external_id, "moderationStatus": status}
        if ban_author:
            params["banAuthor"] = "true"
        await self.request("POST", MODERATION_PATH, params=params)
        return self._done(action, interaction.external_id)

    def _done(self, action: str, ref: str) -> ActionResult:
        return ActionResult(action=action, ok=True, platform_ref=ref, at=self.clock())


def _comments_of(thread: CommentThread, raw: Any) -> Iterator[tuple[Comment, Any]]:
    """The thread's top-level comment, then the replies the list included, each with its
    raw JSON (for ``raw_sha256``)."""
    yield thread.snippet.topLevelComment, raw["snippet"]["topLevelComment"]
    if thread.replies is not None:
        raw_replies = raw["replies"]["comments"]
        yield from zip(thread.replies.comments, raw_replies, strict=True)


def _author(snippet: CommentSnippet, fallback: str | None = None) -> Author:
    author_id = (
        snippet.author_channel or snippet.authorChannelUrl or snippet.authorDisplayName or fallback
    )
    return Author(
        id=author_id or "unknown",
        handle=snippet.authorDisplayName or author_id or "unknown",
        display_name=snippet.authorDisplayName,
        profile_url=snippet.authorChannelUrl,
    )


def _comment_url(video: str | None, comment_id: str) -> str | None:
    if not video:
        return None
    return f"https://www.youtube.com/watch?v={video}&lc={comment_id}"


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        raise MalformedPayload(f"{describe(response)}: the body is not JSON") from None


def _validate(model: type[M], raw: Any, response: httpx.Response) -> M:
    try:
        return model.model_validate(raw)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        raise MalformedPayload(
            f"{describe(response)}: not a {model.__name__}: {where}: {first['msg']}"
        ) from None


def _oauth_error(response: httpx.Response) -> str | None:
    """The ``error`` code of an OAuth error body (``{"error": "invalid_token",
    "error_description": …}``), which Google's OAuth endpoints answer instead of the API
    error object."""
    try:
        body = response.json()
    except ValueError:
        return None
    code = body.get("error") if isinstance(body, dict) else None
    return code if isinstance(code, str) else None


def _google_error(response: httpx.Response) -> GoogleErrorDetail | None:
    """The ``error`` object of a Google error body, or ``None`` when there is none."""
    try:
        return GoogleError.model_validate(response.json()).error
    except (ValueError, ValidationError):
        return None


__all__ = [
    "PollCursor",
    "YoutubeConnecteur",
    "YoutubeOptions",
    "fact_digest",
    "id_digest",
    "seconds_until_quota_reset",
]
