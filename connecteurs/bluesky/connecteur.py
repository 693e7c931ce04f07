"""Bluesky (AT Protocol) connector: polls the account's notifications and acts through XRPC.

One instance serves one account, named by its DID. It logs in lazily with the handle and an
app password (``com.atproto.server.createSession`` is limited to 30 per 5 minutes per
account, so the session is created once and reused), refreshes it once when the PDS answers
``ExpiredToken``, and turns XRPC errors (``{"error", "message"}``) into the typed errors of
:mod:`connecteurs.errors`.

Inbound: ``app.bsky.notification.listNotifications`` filtered to mentions, replies and quotes;
the account's own replies, which the AppView never notifies it of, come from its author feed
(``app.bsky.feed.getAuthorFeed``) as ``answered`` thread events, never as interactions.
Outbound: replies (``app.bsky.feed.post`` records with ``reply.root``/``reply.parent`` strong
refs), blocks (``app.bsky.graph.block``), hiding replies in the account's own threads
(``hiddenReplies`` of the root post's ``app.bsky.feed.threadgate``) and DMs through the chat
service (``chat.bsky.convo.*`` proxied by the PDS).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Literal, TypeVar

import httpx
import structlog
from pydantic import BaseModel, Field, ValidationError

from connecteurs.base import (
    AccountContext,
    Capability,
    ConnecteurOptions,
    Manifest,
    PollResult,
)
from connecteurs.bluesky.payloads import (
    BLOCK,
    MESSAGE_VIEW,
    POST,
    THREADGATE,
    AtUri,
    AuthorFeedPage,
    ConvoOutput,
    FeedViewPost,
    MessagesPage,
    MessageView,
    Notification,
    NotificationPage,
    PostRecord,
    RecordRef,
    Session,
    SessionInfo,
    StoredRecord,
    StrongRef,
    XrpcError,
)
from connecteurs.bluesky.tid import deterministic_tid
from connecteurs.errors import (
    AuthError,
    ConnecteurError,
    InvalidRequest,
    MalformedPayload,
    NotFound,
    RateLimited,
    TransientError,
)
from connecteurs.http import HttpConnecteur, describe, retry_after
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

log = structlog.get_logger(__name__)

M = TypeVar("M", bound=BaseModel)

#: Notification reasons that are someone talking to or about the account.
Reason = Literal["mention", "reply", "quote"]
INTERACTION_REASONS: tuple[Reason, ...] = ("mention", "reply", "quote")
#: XRPC error names (atproto.com/specs/xrpc, the lexicons' ``errors``) by what they mean.
AUTH_ERRORS = frozenset(
    {"AuthMissing", "AuthenticationRequired", "InvalidToken", "AccountTakedown"}
)
NOT_FOUND_ERRORS = frozenset({"RecordNotFound", "NotFound", "RepoNotFound", "RecipientNotFound"})
#: ``putRecord``'s swapRecord lost a race: reading again and retrying is the fix.
RETRYABLE_ERRORS = frozenset({"InvalidSwap"})
#: How many record keys a write tries when a record under its key is not its own.
KEY_ATTEMPTS = 3
#: Clock skew allowed when matching an earlier DM against the interaction's arrival.
DM_LOOKBACK = timedelta(minutes=5)
#: Recent messages read back before sending a DM again.
DM_LOOKUP_DEPTH = 30
#: ``hiddenReplies`` holds at most 300 at-uris (app.bsky.feed.threadgate lexicon).
MAX_HIDDEN_REPLIES = 300
SEEN_LIMIT = 500
#: The ``scope`` claim of a session's access JWT (bluesky-social/atproto,
#: ``packages/pds/src/auth-scope.ts``): an app password gives ``appPass``, or
#: ``appPassPrivileged`` when created with "Allow access to your direct messages"; the
#: account's main password gives ``access``. The chat service refuses ``appPass``.
SCOPE_APP_PASS = "com.atproto.appPass"
SCOPE_PRIVILEGED = "com.atproto.appPassPrivileged"


class BlueskyOptions(ConnecteurOptions):
    reasons: tuple[Reason, ...] = Field(
        default=INTERACTION_REASONS,
        description="Notification reasons polled (subset of mention, reply, quote).",
    )
    page_size: int = Field(default=50, ge=1, le=100, description="listNotifications limit.")
    max_pages: int = Field(
        default=10, ge=1, le=50, description="Pages read per poll while catching up."
    )
    overlap_seconds: int = Field(
        default=600,
        ge=0,
        le=86_400,
        description="Window re-read behind the newest notification seen, for late indexing.",
    )
    own_replies: bool = Field(
        default=True,
        description="Also read the account's own feed (app.bsky.feed.getAuthorFeed, "
        "posts_with_replies, one call a poll) for the replies it posted from Bluesky, which "
        "the AppView never notifies it of.",
    )
    appview_service: str = Field(
        default="did:web:api.bsky.app#bsky_appview",
        description="atproto-proxy target of app.bsky.* calls.",
    )
    chat_service: str = Field(
        default="did:web:api.bsky.chat#bsky_chat",
        description="atproto-proxy target of chat.bsky.* calls (DMs).",
    )


class TokenExpired(AuthError):
    """The access token expired (HTTP 400 ``ExpiredToken``): refresh once, then retry.

    An :class:`AuthError` so that, if it escapes (the retry after a refresh expired too),
    it still means what it says.
    """


# -- inbound -------------------------------------------------------------------------------


def read_page(body: bytes) -> NotificationPage:
    """A ``listNotifications`` response body, or :class:`MalformedPayload` saying why not."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as err:
        raise MalformedPayload(f"listNotifications: body is not JSON ({err})") from None
    if not isinstance(data, dict):
        raise MalformedPayload(
            f"listNotifications: expected a JSON object, got {type(data).__name__}"
        )
    return _validated(NotificationPage, data, "listNotifications", MalformedPayload)


def notification_of(raw: Mapping[str, Any]) -> Notification:
    """One notification; its ids (uri, cid, author did) are required by the lexicon."""
    note = _validated(Notification, raw, "notification", MalformedPayload)
    try:
        AtUri.parse(note.uri)
    except ValueError as err:
        raise MalformedPayload(f"notification: {err}") from None
    return note


def interaction_of(
    note: Notification, raw: Mapping[str, Any], account: str, received_at: datetime
) -> Interaction | None:
    """The interaction a notification is, or ``None`` for one that is not (a like, a
    follow, the account's own post, a record that is not a post)."""
    if note.reason not in INTERACTION_REASONS or note.author.did == account:
        return None
    if note.record.get("$type") != POST:
        return None
    try:
        post = PostRecord.model_validate(note.record)
    except ValidationError:
        log.warning("bluesky.skipped_invalid_post", uri=note.uri)
        return None
    uri = AtUri.parse(note.uri)
    root = post.reply.root if post.reply else StrongRef(uri=note.uri, cid=note.cid)
    return Interaction(
        id=Interaction.make_id(Platform.BLUESKY, account, note.uri),
        platform=Platform.BLUESKY,
        account=account,
        external_id=note.uri,
        kind=InteractionKind.REPLY if note.reason == "reply" else InteractionKind.MENTION,
        author=Author(
            id=note.author.did,
            handle=note.author.handle,
            display_name=note.author.display_name or "",
            profile_url=f"https://bsky.app/profile/{note.author.handle}",
        ),
        text=post.text,
        language=post.langs[0] if post.langs else None,
        # Follow-ups group under the thread's root post (its at-uri is that interaction's
        # external id when someone else started the thread).
        thread_id=root.uri,
        parent_id=post.reply.parent.uri if post.reply else None,
        post_id=root.uri if post.reply else note.reason_subject,
        url=f"https://bsky.app/profile/{uri.did}/post/{uri.rkey}",
        created_at=_created_at(post.created_at, note.indexed_at),
        received_at=received_at,
        raw_sha256=body_sha256(_canonical(raw)),
        # What a reply needs to build its strong refs without reading the post again.
        reply_context={
            "uri": note.uri,
            "cid": note.cid,
            "root_uri": root.uri,
            "root_cid": root.cid,
            "reason": note.reason,
        },
    )


def parse_notifications(
    body: bytes, account: str, *, received_at: datetime | None = None
) -> list[Interaction]:
    """Interactions in one ``listNotifications`` page, in the page's (newest-first) order."""
    now = received_at or datetime.now(UTC)
    found: list[Interaction] = []
    for raw in read_page(body).notifications:
        interaction = interaction_of(notification_of(raw), raw, account, now)
        if interaction is not None:
            found.append(interaction)
    return found


def read_feed(body: bytes) -> AuthorFeedPage:
    """A ``getAuthorFeed`` response body, or :class:`MalformedPayload` saying why not."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as err:
        raise MalformedPayload(f"getAuthorFeed: body is not JSON ({err})") from None
    if not isinstance(data, dict):
        raise MalformedPayload(f"getAuthorFeed: expected a JSON object, got {type(data).__name__}")
    return _validated(AuthorFeedPage, data, "getAuthorFeed", MalformedPayload)


def answered_of(item: FeedViewPost, account: str) -> ThreadEvent | None:
    """The ``answered`` event an item of the account's own feed is: a post by the account
    replying to someone else's. ``None`` for a repost or pin (``reason``), a post that
    replies to nobody or to the account itself (the next post of its own thread), or a
    record that is not a readable post.

    ``subject_id`` is the parent post and ``thread_id`` the thread's root, the at-uris that
    :func:`interaction_of` gives a reply's ``parent_id`` and ``thread_id``.
    """
    post = item.post
    if item.reason is not None or post.author.did != account:
        return None
    if post.record.get("$type") != POST:
        return None
    try:
        record = PostRecord.model_validate(post.record)
    except ValidationError:
        log.warning("bluesky.skipped_invalid_own_post", uri=post.uri)
        return None
    if record.reply is None or record.reply.parent.uri.startswith(f"at://{account}/"):
        return None
    return ThreadEvent(
        kind=ThreadEventKind.ANSWERED,
        platform=Platform.BLUESKY,
        account=account,
        subject_id=record.reply.parent.uri,
        thread_id=record.reply.root.uri,
        ref=post.uri,
        author=Author(
            id=post.author.did,
            handle=post.author.handle,
            display_name=post.author.display_name or "",
            profile_url=f"https://bsky.app/profile/{post.author.handle}",
        ),
        text=record.text,
        at=_created_at(record.created_at, post.indexed_at),
        detail="app.bsky.feed.getAuthorFeed: a reply by the account",
    )


class PollCursor(BaseModel):
    """The poll cursor: the newest ``indexedAt`` seen and the uris seen since the overlap
    window before it (``[uri, epoch seconds]``, at most 500). listNotifications' own cursor
    pages backwards in time, so it cannot say "what is new since". ``own_since`` and
    ``own_seen`` are the same for the account's own feed."""

    since: datetime | None = None
    seen: list[tuple[str, int]] = Field(default_factory=list)
    #: Set when ``seen`` overflowed: notifications older than this are not read again, so
    #: the uris dropped from ``seen`` cannot come back.
    floor: datetime | None = None
    own_since: datetime | None = None
    own_seen: list[tuple[str, int]] = Field(default_factory=list)

    @classmethod
    def load(cls, cursor: str | None) -> PollCursor:
        if not cursor:
            return cls()
        try:
            return cls.model_validate_json(cursor)
        except ValidationError:
            # A cursor we cannot read restarts from the current page; redeliveries are
            # deduped by interaction id downstream.
            log.warning("bluesky.unreadable_cursor")
            return cls()

    def dump(self) -> str:
        return self.model_dump_json()


# -- the connector -------------------------------------------------------------------------


class BlueskyConnecteur(HttpConnecteur):
    manifest: ClassVar[Manifest] = Manifest(
        name="bluesky",
        platform=Platform.BLUESKY,
        version="0.1.0",
        capabilities=frozenset(
            {
                Capability.POLL,
                Capability.REPLY,
                Capability.HIDE,
                Capability.UNHIDE,
                Capability.BLOCK,
                Capability.DIRECT_MESSAGE,
            }
        ),
        options_model=BlueskyOptions,
        secrets=("identifier", "app_password"),
        reply_lookup=True,
        reply_lookup_note=(
            "A reply is created under a record key derived from its idempotency key (a valid "
            "TID, see connecteurs/bluesky/tid.py); a retry first reads that key with "
            "com.atproto.repo.getRecord and returns the existing post if it is a reply to the "
            "same parent. Blocks use the same scheme; a retried DM returns a message with the "
            "same text the account sent in the conversation since the interaction arrived."
        ),
        documentation=(
            "https://docs.bsky.app/docs/advanced-guides/posts",
            "https://docs.bsky.app/docs/tutorials/creating-a-post",
            "https://docs.bsky.app/docs/api/app-bsky-notification-list-notifications",
            "https://docs.bsky.app/docs/api/app-bsky-feed-get-author-feed",
            "https://docs.bsky.app/docs/api/com-atproto-repo-create-record",
            "https://docs.bsky.app/docs/api/com-atproto-repo-get-record",
            "https://docs.bsky.app/docs/api/com-atproto-repo-put-record",
            "https://docs.bsky.app/docs/api/com-atproto-server-create-session",
            "https://docs.bsky.app/docs/api/com-atproto-server-refresh-session",
            "https://docs.bsky.app/docs/api/com-atproto-server-get-session",
            "https://github.com/bluesky-social/atproto/blob/main/lexicons/com/atproto/server/getSession.json",
            "https://github.com/bluesky-social/atproto/blob/main/packages/pds/src/account-manager/helpers/auth.ts",
            "https://docs.bsky.app/docs/advanced-guides/rate-limits",
            "https://docs.bsky.app/docs/tutorials/blocking",
            "https://docs.bsky.app/docs/tutorials/thread-gates",
            "https://docs.bsky.app/docs/advanced-guides/api-directory",
            "https://docs.bsky.app/docs/api/chat-bsky-convo-get-convo-for-members",
            "https://docs.bsky.app/docs/api/chat-bsky-convo-send-message",
            "https://docs.bsky.app/docs/api/chat-bsky-convo-get-messages",
            "https://atproto.com/specs/xrpc",
            "https://atproto.com/specs/record-key",
            "https://atproto.com/specs/tid",
        ),
        reauthorize=(
            "Renew the secret app_password (with identifier, the account's handle or DID): "
            "on bsky.app signed in as the account, Settings → Privacy and security → App "
            'passwords → Add App Password, and tick "Allow access to your direct messages" '
            "(the scope com.atproto.appPassPrivileged; without it DMs are refused). App "
            "passwords do not expire: one stops working when it is deleted there, or when the "
            "account is deactivated, suspended or taken down. "
            "Never use the account's main password."
        ),
    )
    default_base_url: ClassVar[str] = "https://bsky.social"

    def __init__(self, context: AccountContext, *, http: httpx.AsyncClient | None = None) -> None:
        super().__init__(context, http=http)
        options = context.options
        self.options = options if isinstance(options, BlueskyOptions) else BlueskyOptions()
        self._session: Session | None = None
        self._session_lock = asyncio.Lock()

    @property
    def did(self) -> str:
        return self.context.account

    # -- errors ----------------------------------------------------------------------------

    def error_for(self, response: httpx.Response) -> ConnecteurError | None:
        """XRPC errors are ``{"error": Name, "message": text}`` with an HTTP status; the
        name says more than the status (``ExpiredToken`` and ``RecordNotFound`` are 400s)."""
        if response.is_success:
            return None
        body = _xrpc_error(response)
        detail = ": ".join(part for part in (body.error, body.message) if part)[:200]
        message = describe(response) + (f": {detail}" if detail else "")
        status = response.status_code
        if status == 429:
            # Retry-After on recent PDS versions, RateLimit-Reset (Unix seconds) on all.
            return RateLimited(retry_after(response.headers, "ratelimit-reset"), message)
        if body.error == "ExpiredToken":
            return TokenExpired(message)
        if body.error in AUTH_ERRORS or status in (401, 403):
            return AuthError(message)
        if body.error in NOT_FOUND_ERRORS or status in (404, 410):
            return NotFound(message)
        if body.error in RETRYABLE_ERRORS or status >= 500 or status in (408, 425):
            return TransientError(message)
        return InvalidRequest(message)

    # -- session ---------------------------------------------------------------------------

    async def _ensure_session(self) -> Session:
        async with self._session_lock:
            if self._session is None:
                self._session = await self._create_session()
            return self._session

    async def _create_session(self) -> Session:
        try:
            credentials = {
                "identifier": self.context.secret("identifier"),
                "password": self.context.secret("app_password"),
            }
        except KeyError as err:
            raise AuthError(str(err.args[0])) from None
        response = await self.request(
            "POST", "/xrpc/com.atproto.server.createSession", json=credentials
        )
        session = _validated(Session, _json(response), "createSession", AuthError)
        if session.did != self.did:
            raise AuthError(
                f"the credentials log in to {session.did}, not to the account {self.did}"
            )
        return session

    async def _refresh(self, stale: Session) -> Session:
        async with self._session_lock:
            if self._session is not None and self._session is not stale:
                return self._session  # another call refreshed it meanwhile
            token = stale.refresh_jwt.get_secret_value()
            try:
                response = await self.request(
                    "POST",
                    "/xrpc/com.atproto.server.refreshSession",
                    headers={"Authorization": f"Bearer {token}"},
                )
            except (AuthError, InvalidRequest, NotFound) as err:
                self._session = None  # the next call logs in again (new app password)
                raise AuthError(f"the session expired and could not be refreshed ({err})") from None
            self._session = _validated(Session, _json(response), "refreshSession", AuthError)
            return self._session

    async def _call(
        self,
        method: str,
        nsid: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        service: str | None = None,
    ) -> httpx.Response:
        """One authenticated XRPC call; an expired access token is refreshed once."""
        session = await self._ensure_session()
        try:
            return await self._send(method, nsid, session, params, body, service)
        except TokenExpired:
            session = await self._refresh(session)
            return await self._send(method, nsid, session, params, body, service)

    async def _send(
        self,
        method: str,
        nsid: str,
        session: Session,
        params: Mapping[str, Any] | None,
        body: Any,
        service: str | None,
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {session.access_jwt.get_secret_value()}"}
        if service:
            headers["atproto-proxy"] = service
        return await self.request(
            method, f"/xrpc/{nsid}", params=params, json=body, headers=headers
        )

    # -- health ----------------------------------------------------------------------------

    async def check_health(self) -> ChannelCheck:
        """``com.atproto.server.getSession`` with the connector's session (logging in, or
        refreshing it once, as any call would), then the claims of the session's access JWT.

        ``token_expires_at`` stays ``None``: the access JWT lives minutes (120 on the
        reference PDS) and the connector renews it itself, and app passwords do not expire;
        the JWT's ``exp`` is given in ``detail`` only. ``scopes_missing`` names
        ``com.atproto.appPassPrivileged`` when the app password cannot read or send DMs.
        Bluesky is polled: there is no subscription (``subscription_active`` is ``None``).

        Raises:
            AuthError: the app password is refused or revoked, or the session could not be
                refreshed.
        """
        response = await self._call("GET", "com.atproto.server.getSession")
        info = _validated(SessionInfo, _json(response), "getSession", TransientError)
        if info.did != self.did:
            return ChannelCheck(
                token_valid=False,
                detail=f"the session is {info.did}'s, not the account {self.did}'s",
            )
        if info.active is False:
            return ChannelCheck(
                token_valid=False,
                detail=f"the account is not active on its PDS ({info.status or 'no reason'})",
            )
        claims = _jwt_claims(self._session.access_jwt.get_secret_value() if self._session else "")
        scope = claims.get("scope")
        missing: tuple[str, ...] = ()
        if scope == SCOPE_APP_PASS and Capability.DIRECT_MESSAGE in self.manifest.capabilities:
            missing = (SCOPE_PRIVILEGED,)
        detail = f"getSession answered for @{info.handle or self.did}"
        exp = claims.get("exp")
        if isinstance(exp, int | float):
            until = datetime.fromtimestamp(exp, UTC).isoformat(timespec="seconds")
            detail += f"; the session's access token is valid until {until} and is renewed"
            detail += " by the connector"
        detail += "; app passwords do not expire"
        return ChannelCheck(token_valid=True, scopes_missing=missing, detail=detail)

    # -- poll ------------------------------------------------------------------------------

    async def poll(self, cursor: str | None) -> PollResult:
        """New mentions, replies and quotes, oldest first.

        The first poll returns the current page. Later polls page back (newest first) until
        they pass the newest ``indexedAt`` of the previous poll minus the overlap window,
        skipping the uris already returned.
        """
        state = PollCursor.load(cursor)
        now = datetime.now(UTC)
        overlap = timedelta(seconds=self.options.overlap_seconds)
        floor = state.since - overlap if state.since else None
        if floor is not None and state.floor is not None:
            floor = max(floor, state.floor)
        seen = dict(state.seen)
        newest = state.since
        fresh: list[Interaction] = []
        page_cursor: str | None = None
        for _ in range(self.options.max_pages):
            page = read_page(await self._list_notifications(page_cursor))
            passed_floor = False
            for raw in page.notifications:
                try:
                    note = notification_of(raw)
                except MalformedPayload as err:
                    # One bad entry must not stall the poller forever; the page shape
                    # itself is still checked by read_page.
                    log.warning("bluesky.skipped_malformed_notification", reason=str(err))
                    continue
                if floor is not None and note.indexed_at < floor:
                    passed_floor = True
                    continue
                newest = max(newest, note.indexed_at) if newest else note.indexed_at
                if note.uri in seen:
                    continue
                seen[note.uri] = int(note.indexed_at.timestamp())
                interaction = interaction_of(note, raw, self.did, now)
                if interaction is not None:
                    fresh.append(interaction)
            if floor is None or passed_floor or not page.cursor or not page.notifications:
                break
            page_cursor = page.cursor
        fresh.reverse()
        following = PollCursor.load(_next_cursor(newest, seen, overlap, state.floor))
        events: list[ThreadEvent] = []
        if self.options.own_replies:
            events, own_since, own_seen = await self._own_replies(state, overlap)
            following = following.model_copy(update={"own_since": own_since, "own_seen": own_seen})
        return PollResult(interactions=tuple(fresh), cursor=following.dump(), events=tuple(events))

    async def _own_replies(
        self, state: PollCursor, overlap: timedelta
    ) -> tuple[list[ThreadEvent], datetime | None, list[tuple[str, int]]]:
        """``answered`` events for the account's replies since the cursor, oldest first,
        read from its author feed the way notifications are read (newest first, paging back
        until the overlap window before the newest post seen, skipping uris seen)."""
        floor = state.own_since - overlap if state.own_since else None
        seen = dict(state.own_seen)
        newest = state.own_since
        found: list[ThreadEvent] = []
        page_cursor: str | None = None
        for _ in range(self.options.max_pages):
            page = read_feed(await self._author_feed(page_cursor))
            passed_floor = False
            for raw in page.feed:
                try:
                    item = FeedViewPost.model_validate(raw)
                except ValidationError:
                    log.warning("bluesky.skipped_malformed_feed_item")
                    continue
                post = item.post
                if floor is not None and post.indexed_at < floor:
                    passed_floor = True
                    continue
                if item.reason is not None or post.author.did != self.did:
                    continue  # a repost or a pin: not something the account just posted
                newest = max(newest, post.indexed_at) if newest else post.indexed_at
                if post.uri in seen:
                    continue
                seen[post.uri] = int(post.indexed_at.timestamp())
                event = answered_of(item, self.did)
                if event is not None:
                    found.append(event)
            if floor is None or passed_floor or not page.cursor or not page.feed:
                break
            page_cursor = page.cursor
        found.reverse()
        if newest is None:
            return found, None, []
        horizon = int((newest - overlap).timestamp())
        kept = sorted(((u, at) for u, at in seen.items() if at >= horizon), key=lambda x: -x[1])
        return found, newest, kept[:SEEN_LIMIT]

    async def _author_feed(self, page_cursor: str | None) -> bytes:
        params: dict[str, Any] = {
            "actor": self.did,
            "filter": "posts_with_replies",
            "limit": self.options.page_size,
        }
        if page_cursor:
            params["cursor"] = page_cursor
        response = await self._call(
            "GET",
            "app.bsky.feed.getAuthorFeed",
            params=params,
            service=self.options.appview_service,
        )
        return response.content

    async def _list_notifications(self, page_cursor: str | None) -> bytes:
        params: dict[str, Any] = {
            "limit": self.options.page_size,
            "reasons": list(self.options.reasons),
        }
        if page_cursor:
            params["cursor"] = page_cursor
        response = await self._call(
            "GET",
            "app.bsky.notification.listNotifications",
            params=params,
            service=self.options.appview_service,
        )
        return response.content

    # -- actions ---------------------------------------------------------------------------

    async def reply(
        self, interaction: Interaction, text: str, *, idempotency_key: str
    ) -> ActionResult:
        """Post a reply with ``reply.root``/``reply.parent`` strong refs (root = parent when
        the target opened its thread). The target is read first: the PDS would accept a
        reply to a deleted post, and the read gives the refs when the context lacks them."""
        parent_uri = interaction.reply_context.get("uri") or interaction.external_id
        current = await self._get_record(_at_uri(parent_uri))
        if current is None:
            raise NotFound(f"the post {parent_uri} was deleted")
        cid = interaction.reply_context.get("cid") or current.cid
        if not cid:
            raise InvalidRequest(f"no CID for {parent_uri}: cannot build a strong ref")
        parent = StrongRef(uri=parent_uri, cid=cid)
        root = _root_ref(interaction, parent, current.value)
        record = {
            "$type": POST,
            "text": text,
            "createdAt": _now_iso(),
            "reply": {"root": root.model_dump(), "parent": parent.model_dump()},
        }
        ref = await self._create_once(
            POST, record, idempotency_key, interaction, lambda v: _replies_to(v, parent.uri)
        )
        return _done("reply", ref.uri)

    async def block(self, interaction: Interaction, *, idempotency_key: str) -> ActionResult:
        subject = interaction.author.id
        if not subject.startswith("did:"):
            raise InvalidRequest(f"cannot block {subject!r}: a block's subject is a DID")
        record = {"$type": BLOCK, "subject": subject, "createdAt": _now_iso()}
        ref = await self._create_once(
            BLOCK, record, idempotency_key, interaction, lambda v: v.get("subject") == subject
        )
        return _done("block", ref.uri)

    async def hide(self, interaction: Interaction, *, idempotency_key: str) -> ActionResult:
        return await self._set_hidden(interaction, hidden=True)

    async def unhide(self, interaction: Interaction, *, idempotency_key: str) -> ActionResult:
        return await self._set_hidden(interaction, hidden=False)

    async def send_direct_message(
        self, interaction: Interaction, text: str, *, idempotency_key: str
    ) -> ActionResult:
        """DM the author through the chat service (``atproto-proxy`` header; the app
        password must allow DMs). A retry returns a message with the same text that the
        account sent in that conversation since the interaction arrived."""
        recipient = interaction.author.id
        if not recipient.startswith("did:"):
            raise InvalidRequest(f"cannot message {recipient!r}: chat members are DIDs")
        service = self.options.chat_service
        convo = _validated(
            ConvoOutput,
            _json(
                await self._call(
                    "GET",
                    "chat.bsky.convo.getConvoForMembers",
                    params={"members": [recipient]},
                    service=service,
                )
            ),
            "getConvoForMembers",
            TransientError,
        ).convo
        earlier = await self._earlier_message(convo.id, text, interaction.received_at)
        if earlier is not None:
            return _done("send_direct_message", earlier)
        sent = await self._call(
            "POST",
            "chat.bsky.convo.sendMessage",
            body={"convoId": convo.id, "message": {"text": text}},
            service=service,
        )
        message = _validated(MessageView, _json(sent), "sendMessage", TransientError)
        return _done("send_direct_message", message.id)

    # -- helpers of the actions ------------------------------------------------------------

    async def _get_record(self, uri: AtUri) -> StoredRecord | None:
        """A record by at-uri (the PDS reads other repos through the AppView), or ``None``
        when it does not exist (``RecordNotFound``)."""
        try:
            response = await self._call(
                "GET",
                "com.atproto.repo.getRecord",
                params={"repo": uri.did, "collection": uri.collection, "rkey": uri.rkey},
            )
        except NotFound:
            return None
        return _validated(StoredRecord, _json(response), "getRecord", TransientError)

    async def _create_once(
        self,
        collection: str,
        record: dict[str, Any],
        idempotency_key: str,
        interaction: Interaction,
        is_ours: Callable[[Mapping[str, Any]], bool],
    ) -> RecordRef:
        """Create ``record`` under a key derived from ``idempotency_key`` unless a record
        that ``is_ours`` already sits there (an earlier attempt of the same step)."""
        for attempt in range(KEY_ATTEMPTS):
            rkey = deterministic_tid(idempotency_key, interaction.received_at, attempt)
            existing = await self._get_record(AtUri(self.did, collection, rkey))
            if existing is None:
                response = await self._call(
                    "POST",
                    "com.atproto.repo.createRecord",
                    body={
                        "repo": self.did,
                        "collection": collection,
                        "rkey": rkey,
                        "record": record,
                    },
                )
                return _validated(RecordRef, _json(response), "createRecord", TransientError)
            if is_ours(existing.value):
                log.info("bluesky.found_earlier_record", collection=collection, rkey=rkey)
                return RecordRef(uri=existing.uri, cid=existing.cid or "")
        raise InvalidRequest(f"no free record key for this {collection} write")

    async def _set_hidden(self, interaction: Interaction, *, hidden: bool) -> ActionResult:
        """Add or remove the reply in ``hiddenReplies`` of the thread's threadgate (rkey =
        the root post's). Only the root post's author may gate a thread, so this works in
        threads the account started. Read-modify-write with ``swapRecord``: a concurrent
        change makes the PDS answer ``InvalidSwap`` and the retried step reads again."""
        action = "hide" if hidden else "unhide"
        uri = interaction.reply_context.get("uri") or interaction.external_id
        root = _at_uri(interaction.reply_context.get("root_uri") or interaction.thread_id or uri)
        if root.did != self.did or str(root) == uri:
            raise InvalidRequest(
                f"cannot {action} {uri}: Bluesky hides replies through the threadgate of the "
                "thread's root post, which only its author writes; this thread was started by "
                f"{root.did}"
            )
        gate_uri = AtUri(self.did, THREADGATE, root.rkey)
        gate = await self._get_record(gate_uri)
        current: list[str] = list(gate.value.get("hiddenReplies") or []) if gate else []
        if (uri in current) == hidden:
            return _done(action, str(gate_uri))  # already so: nothing to write
        updated = [*current, uri] if hidden else [u for u in current if u != uri]
        if len(updated) > MAX_HIDDEN_REPLIES:
            raise InvalidRequest(f"the thread already hides {MAX_HIDDEN_REPLIES} replies")
        value = dict(gate.value) if gate else _new_threadgate(str(root))
        value["hiddenReplies"] = updated
        write: dict[str, Any] = {
            "repo": self.did,
            "collection": THREADGATE,
            "rkey": root.rkey,
            "record": value,
        }
        if gate is None:
            await self._call("POST", "com.atproto.repo.createRecord", body=write)
        else:
            write["swapRecord"] = gate.cid
            await self._call("POST", "com.atproto.repo.putRecord", body=write)
        return _done(action, str(gate_uri))

    async def _earlier_message(self, convo_id: str, text: str, since: datetime) -> str | None:
        response = await self._call(
            "GET",
            "chat.bsky.convo.getMessages",
            params={"convoId": convo_id, "limit": DM_LOOKUP_DEPTH},
            service=self.options.chat_service,
        )
        page = _validated(MessagesPage, _json(response), "getMessages", TransientError)
        for raw in page.messages:
            if raw.get("$type", MESSAGE_VIEW) != MESSAGE_VIEW:
                continue  # deleted and system messages
            try:
                message = MessageView.model_validate(raw)
            except ValidationError:
                continue
            if (
                message.sender.did == self.did
                and message.text == text
                and message.sent_at >= since - DM_LOOKBACK
            ):
                return message.id
        return None


# -- small helpers -------------------------------------------------------------------------


def _validated(model: type[M], data: Any, what: str, error: type[ConnecteurError]) -> M:
    """``data`` as ``model``; a shape the lexicon does not allow raises ``error`` naming the
    first problem (never the value: it could be a token)."""
    try:
        return model.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise error(f"{what}: unexpected shape at {where}: {first['msg']}") from None


def _jwt_claims(token: str) -> dict[str, Any]:
    """The claims of a JWT, read without checking its signature (the PDS checks it; this
    only reports what the token says). ``{}`` for anything that is not a JWT, and never the
    token in an error."""
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (ValueError, binascii.Error):
        return {}
    return claims if isinstance(claims, dict) else {}


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        raise TransientError(f"{describe(response)}: the body is not JSON") from None


def _xrpc_error(response: httpx.Response) -> XrpcError:
    try:
        data = response.json()
    except ValueError:
        return XrpcError()
    if not isinstance(data, dict):
        return XrpcError()
    try:
        return XrpcError.model_validate(data)
    except ValidationError:
        return XrpcError()


def _at_uri(uri: str) -> AtUri:
    try:
        return AtUri.parse(uri)
    except ValueError as err:
        raise InvalidRequest(str(err)) from None


def _root_ref(
    interaction: Interaction, parent: StrongRef, parent_record: Mapping[str, Any]
) -> StrongRef:
    """The thread's root: from the interaction's context, else from the parent post's own
    ``reply.root``, else the parent itself (it opened its thread)."""
    root_uri = interaction.reply_context.get("root_uri")
    root_cid = interaction.reply_context.get("root_cid")
    if root_uri and root_cid:
        return StrongRef(uri=root_uri, cid=root_cid)
    try:
        post = PostRecord.model_validate(parent_record)
    except ValidationError:
        return parent
    return post.reply.root if post.reply else parent


def _replies_to(value: Mapping[str, Any], parent_uri: str) -> bool:
    reply = value.get("reply")
    if not isinstance(reply, dict):
        return False
    parent = reply.get("parent")
    return isinstance(parent, dict) and parent.get("uri") == parent_uri


def _new_threadgate(root_uri: str) -> dict[str, Any]:
    # No ``allow`` key: "If value is undefined, anyone can reply" — hiding a reply must not
    # close the thread.
    return {"$type": THREADGATE, "post": root_uri, "createdAt": _now_iso()}


def _next_cursor(
    newest: datetime | None,
    seen: Mapping[str, int],
    overlap: timedelta,
    floor: datetime | None = None,
) -> str:
    if newest is None:
        return PollCursor().dump()
    horizon = int((newest - overlap).timestamp())
    recent = sorted(((uri, at) for uri, at in seen.items() if at >= horizon), key=lambda x: -x[1])
    if len(recent) > SEEN_LIMIT:
        # Everything up to the newest dropped second stays behind the floor.
        dropped = datetime.fromtimestamp(recent[SEEN_LIMIT][1] + 1, UTC)
        floor = max(floor, dropped) if floor else dropped
    if floor is not None and floor <= newest - overlap:
        floor = None  # the overlap window has moved past it
    return PollCursor(since=newest, seen=recent[:SEEN_LIMIT], floor=floor).dump()


def _created_at(value: str, fallback: datetime) -> datetime:
    """The post's ``createdAt``; the lexicon requires a timezone, but clients write what
    they like, so an unreadable or naive value falls back to ``indexedAt``."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return fallback
    return moment if moment.tzinfo is not None else fallback


def _canonical(raw: Mapping[str, Any]) -> bytes:
    """One notification's bytes for ``raw_sha256``, stable across polls."""
    return json.dumps(raw, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _now_iso() -> str:
    # "Using a trailing Z is preferred over the +00:00 format" (docs.bsky.app, Posts).
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def _done(action: str, ref: str) -> ActionResult:
    return ActionResult(action=action, ok=True, platform_ref=ref, at=datetime.now(UTC))
