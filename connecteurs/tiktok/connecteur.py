"""TikTok connector: organic comments on an owned TikTok account (TikTok API for Business,
Accounts API, v1.3).

One instance serves one TikTok account, identified by its ``business_id`` (the ``open_id``
the account's OAuth token comes with). Inbound, the ``comment.update`` webhook; outbound,
a public reply, hide and unhide. Not offered, so not declared:

- delete: ``/business/comment/delete/`` only deletes the account's *own* comments; other
  people's comments can only be hidden.
- block, direct messages: the Accounts API has no block; Business Messaging is a separate,
  region-restricted API that forbids starting a conversation.
- poll: ``/business/comment/list/`` needs a ``video_id`` (one call per video, 40 requests
  per minute per endpoint and account), so TikTok recommends the webhook.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar

import httpx
from pydantic import BaseModel, Field, ValidationError

from connecteurs.base import (
    AccountContext,
    Capability,
    ConnecteurOptions,
    Manifest,
    WebhookRequest,
)
from connecteurs.errors import (
    ConnecteurError,
    InvalidRequest,
    MalformedPayload,
    NotFound,
    TransientError,
)
from connecteurs.http import HttpConnecteur, describe, error_for_status
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
from connecteurs.redaction import redact_query_parameters
from connecteurs.tiktok import codes, signature
from connecteurs.tiktok.payloads import (
    ApiComment,
    ApiResponse,
    CommentPage,
    CommentUpdate,
    TokenInfo,
    WebhookConfig,
    WebhookEnvelope,
)

M = TypeVar("M", bound=BaseModel)

COMMENT_EVENT = "comment.update"
#: The only ``comment_action`` that is something said to the account; ``delete``,
#: ``set_to_hidden``, ``set_to_friends_only`` and ``set_to_public`` are state changes.
INSERT = "insert"
#: The state changes, as what they are to the comment's thread.
COMMENT_EVENTS = {
    "delete": ThreadEventKind.DELETED,
    "set_to_hidden": ThreadEventKind.HIDDEN,
    "set_to_friends_only": ThreadEventKind.HIDDEN,
    "set_to_public": ThreadEventKind.UNHIDDEN,
}
#: Comment-list reads kept so parse and parse_events of one delivery share one.
READS_KEPT = 64
#: Replies are listed 30 at a time; a thread longer than this is not searched further.
LOOKUP_PAGES = 10
PAGE_SIZE = 30
#: Author id when neither the event nor the comment list names the commenter.
UNKNOWN_AUTHOR = "unknown"

DOCS = (
    "https://business-api.tiktok.com/portal/docs?id=1738373164380162",  # Accounts API
    "https://business-api.tiktok.com/portal/docs/api-reference/v1.3",  # endpoint list
    "https://business-api.tiktok.com/portal/docs?id=1737172488964097",  # return codes
    "https://developers.tiktok.com/doc/webhooks-events",  # envelope, content string
    "https://developers.tiktok.com/doc/webhooks-verification",  # TikTok-Signature
    "https://business-api.tiktok.com/portal/docs?id=1765927978092545",  # token_info/get
)

#: Comment read (``/business/comment/list/``, ``/reply/list/``) and manage (reply, hide).
SCOPES = ("comment.list", "comment.list.manage")
#: The webhook event type of ``comment.update`` in ``/business/webhook/list/``.
WEBHOOK_EVENT_TYPE = "COMMENT"

REAUTHORIZE = (
    "Renew the secret access_token: the TikTok account owner authorizes the app again "
    "(TikTok API for Business → My Apps → your app → authorization URL) granting the comment "
    "scopes comment.list and comment.list.manage, and the new token (business_id = its "
    "open_id) replaces the old one; TikTok access tokens last 24 hours and are renewed with "
    "the refresh token (/tt_user/oauth2/refresh_token/, valid one year). client_secret is the "
    "app secret of My Apps → App Detail → Basic Information; if comment webhooks stopped, set "
    "the COMMENT callback again with /business/webhook/update/."
)

# /business/webhook/list/ takes the app secret in its query string: keep it out of the logs.
redact_query_parameters("secret")


class TiktokOptions(ConnecteurOptions):
    own_unique_identifier: str | None = Field(
        default=None,
        description=(
            "The account's own unique_identifier: comment.update events carrying it are the "
            "account's own comments and replies (its replies are answers, never interactions). "
            "Unset, the connector reads the comment list once per new comment for TikTok's "
            "owner flag until it has seen one of the account's comments, and learns it then."
        ),
    )
    app_id: str | None = Field(
        default=None,
        description=(
            "The developer app's id (My Apps → App Detail). With it check_health reads the "
            "token's scopes (/tt_user/token_info/get/) and the app's COMMENT webhook "
            "(/business/webhook/list/)."
        ),
    )
    signature_tolerance: float = Field(
        default=signature.TOLERANCE_SECONDS,
        ge=1.0,
        le=3600.0,
        description="Largest accepted age of a webhook's TikTok-Signature timestamp, seconds.",
    )


class TiktokConnecteur(HttpConnecteur):
    default_base_url: ClassVar[str] = "https://business-api.tiktok.com/open_api/v1.3"

    manifest: ClassVar[Manifest] = Manifest(
        name="tiktok",
        platform=Platform.TIKTOK,
        version="0.1.0",
        capabilities=frozenset(
            {Capability.WEBHOOK, Capability.REPLY, Capability.HIDE, Capability.UNHIDE}
        ),
        options_model=TiktokOptions,
        secrets=("client_secret", "access_token"),
        reply_lookup=True,
        reply_lookup_note=(
            "A retried reply lists the replies under the top-level comment "
            "(/business/comment/reply/list/) and returns the account's own reply "
            "(owner=true) with the same text posted since the interaction; TikTok replies "
            "carry no idempotency key, so two identical replies in one thread are seen as one."
        ),
        documentation=DOCS,
        reauthorize=REAUTHORIZE,
    )

    def __init__(
        self,
        context: AccountContext,
        *,
        http: httpx.AsyncClient | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        super().__init__(context, http=http)
        # Injectable so tests can move the signature's replay window.
        self.clock = clock or time.time
        options = context.options
        self.options = options if isinstance(options, TiktokOptions) else TiktokOptions()
        # The account's own unique_identifier: configured, else learned from the first
        # listed comment TikTok marks owner=true (kept in memory only).
        self._own_uid: str | None = self.options.own_unique_identifier
        # Comment-list reads of the last deliveries, so parse and parse_events share one.
        self._reads: dict[tuple[str, str], _Insert] = {}

    # -- HTTP ------------------------------------------------------------------------------

    def auth_headers(self) -> dict[str, str]:
        # The Business API takes the token in its own header, never Authorization/query.
        return {"Access-Token": self.context.secret("access_token")}

    def error_for(self, response: httpx.Response) -> ConnecteurError | None:
        """TikTok answers HTTP 200 with a ``code``; anything but 0 is an error."""
        envelope = _envelope_of(response)
        redact = (self.context.secrets.get("access_token", ""),)
        if envelope is not None and envelope.code != codes.OK:
            return codes.error_for_code(response, envelope.code, envelope.message, redact=redact)
        if not response.is_success:
            detail = envelope.message if envelope is not None else ""
            return error_for_status(response, codes.clean(detail, redact))
        if envelope is None:
            # A 200 that is not the API's envelope (a proxy's page): try again later.
            return TransientError(f"{describe(response)}: not a TikTok API answer")
        return None

    async def _call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Mapping[str, Any] | None = None,
    ) -> Any:
        """The ``data`` of a successful call (errors are raised by ``request``)."""
        response = await self.request(method, path, params=params, json=json_body)
        envelope = _envelope_of(response)
        return envelope.data if envelope is not None else None

    # -- inbound ---------------------------------------------------------------------------

    @classmethod
    def accounts_in(cls, request: WebhookRequest) -> tuple[str, ...]:
        """One callback URL serves every account of the app: ``user_openid`` says which
        (read without trusting it; ``verify`` still checks the signature)."""
        try:
            body = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            return ()
        openid = body.get("user_openid") if isinstance(body, dict) else None
        return (openid,) if isinstance(openid, str) and openid else ()

    async def verify(self, request: WebhookRequest) -> None:
        signature.check(
            request.header(signature.HEADER),
            request.body,
            self.context.secret("client_secret"),
            now=self.clock(),
            tolerance=self.options.signature_tolerance,
        )

    def _comment_update(
        self, request: WebhookRequest
    ) -> tuple[WebhookEnvelope, CommentUpdate] | None:
        """The delivery's ``comment.update`` for this account, or ``None`` for another event
        (``authorization.removed``, ``post.publish.*``…) or another account of the app."""
        envelope = _parse_model(WebhookEnvelope, _json_object(request.body, "body"), "body")
        if envelope.event != COMMENT_EVENT:
            return None
        if envelope.user_openid != self.context.account:
            return None
        event = _parse_model(CommentUpdate, _json_object(envelope.content, "content"), "content")
        return envelope, event

    async def parse(self, request: WebhookRequest) -> list[Interaction]:
        read = self._comment_update(request)
        if read is None:
            return []
        envelope, event = read
        if event.comment_action != INSERT:
            return []  # deletions and visibility changes: parse_events
        insert = await self._insert(event, request.body)
        if insert is None or insert.own:
            return []  # gone already, or the account's own comment: never an interaction
        return [self._interaction(envelope, event, insert.listed, request.body)]

    async def parse_events(self, request: WebhookRequest) -> list[ThreadEvent]:
        """What a ``comment.update`` says happened to comments already received:

        * ``insert`` of the account's own reply: ANSWERED, under the top-level comment;
        * ``delete``: DELETED (TikTok does not say by whom);
        * ``set_to_hidden`` and ``set_to_friends_only``: HIDDEN (the second leaves the comment
          visible to its author's friends only); ``set_to_public``: UNHIDDEN.

        Changes to the account's own comments, when it is known, are not news.

        Raises:
            MalformedPayload: the body is not TikTok's documented shape.
        """
        read = self._comment_update(request)
        if read is None:
            return []
        envelope, event = read
        at = _moment(event.timestamp, envelope.create_time)
        thread = _thread_of(event)
        action = event.comment_action
        if action == INSERT:
            if thread is None:
                return []  # a new comment (parse's) or the account commenting on its video
            insert = await self._insert(event, request.body)
            if insert is None or not insert.own:
                return []
            return [
                self.thread_event(
                    ThreadEventKind.ANSWERED,
                    # TikTok threads are flat: a reply's parent is the top-level comment,
                    # the thread's root, whichever reply the account meant.
                    subject=thread,
                    thread=thread,
                    ref=event.comment_id,
                    author=_author(event, insert.listed),
                    text=_text(event, insert.listed),
                    at=at,
                    detail="comment_action=insert by the account",
                )
            ]
        kind = COMMENT_EVENTS.get(action)
        if kind is None or self._is_own(event.unique_identifier):
            return []
        author = _author(event, None) if event.unique_identifier else None
        return [
            self.thread_event(
                kind,
                subject=event.comment_id,
                thread=thread,
                author=author,
                at=at,
                detail=f"comment_action={action}",
            )
        ]

    async def _insert(self, event: CommentUpdate, raw: bytes) -> _Insert | None:
        """Whose a new comment is, and its listed copy when the delivery lacked the text or
        the author (``None``: such a comment is gone already).

        The webhook has no owner flag: the account's own comments are told by
        ``own_unique_identifier`` (configured, or learned from a listed comment marked
        ``owner``). While neither is known, the comment list is read once per new comment for
        its ``owner`` flag; if that read fails the comment is taken for someone else's (it is
        never dropped). parse and parse_events of one delivery share the read.
        """
        if self._is_own(event.unique_identifier):
            return _Insert(own=True, listed=None)
        needed = event.text is None or event.unique_identifier is None
        if not needed and self._own_uid is not None:
            return _Insert(own=False, listed=None)  # the author is known and is not the account
        cached = self._reads.get((event.comment_id, body_sha256(raw)))
        if cached is not None:
            return cached
        try:
            listed = await self._fetch_comment(event.video_id, event.comment_id)
        except ConnecteurError:
            if needed:
                raise
            listed = None  # cannot tell: someone else's, as before
        if listed is not None:
            self._learn(listed)
        own = listed is not None and (listed.owner or self._is_own(listed.unique_identifier))
        result = None if needed and listed is None else _Insert(own, listed if needed else None)
        self._remember((event.comment_id, body_sha256(raw)), result)
        return result

    def _remember(self, key: tuple[str, str], result: _Insert | None) -> None:
        if result is None:
            return
        self._reads[key] = result
        while len(self._reads) > READS_KEPT:
            self._reads.pop(next(iter(self._reads)))

    def _is_own(self, unique_identifier: str | None) -> bool:
        own = self._own_uid
        return own is not None and unique_identifier == own

    def _interaction(
        self,
        envelope: WebhookEnvelope,
        event: CommentUpdate,
        listed: ApiComment | None,
        raw: bytes,
    ) -> Interaction:
        parent = _thread_of(event)
        account = self.context.account
        return Interaction(
            id=Interaction.make_id(Platform.TIKTOK, account, event.comment_id),
            platform=Platform.TIKTOK,
            account=account,
            external_id=event.comment_id,
            kind=InteractionKind.REPLY if parent else InteractionKind.COMMENT,
            author=_author(event, listed),
            text=_text(event, listed),
            # TikTok threads have two levels: a reply's parent is always the top-level
            # comment, which is also the thread's root.
            thread_id=parent,
            parent_id=parent,
            post_id=event.video_id,
            created_at=_moment(event.timestamp, envelope.create_time),
            received_at=datetime.fromtimestamp(self.clock(), UTC),
            raw_sha256=body_sha256(raw),
            reply_context={"video_id": event.video_id},
        )

    async def _fetch_comment(self, video_id: str, comment_id: str) -> ApiComment | None:
        """One comment from ``/business/comment/list/`` (``None``: deleted or not listed)."""
        params = {
            "business_id": self.context.account,
            "video_id": video_id,
            "comment_ids": json.dumps([comment_id]),
        }
        try:
            data = await self._call("GET", "/business/comment/list/", params=params)
        except NotFound:
            return None
        page = _page(data, "GET /business/comment/list/")
        return next((c for c in page.comments if c.comment_id == comment_id), None)

    # -- outbound --------------------------------------------------------------------------

    async def reply(
        self, interaction: Interaction, text: str, *, idempotency_key: str
    ) -> ActionResult:
        """Reply under the interaction's top-level comment (TikTok threads are flat).

        A retried activity first looks for the reply it may already have posted, so a
        timeout after TikTok created the reply does not post it twice.
        """
        video_id = _video_id(interaction)
        root = interaction.root_external_id
        since = int(interaction.created_at.timestamp())
        earlier = await self._find_own_reply(video_id, root, text, since)
        if earlier is not None:
            return _done("reply", earlier)
        data = await self._call(
            "POST",
            "/business/comment/reply/create/",
            json_body={
                "business_id": self.context.account,
                "video_id": video_id,
                "comment_id": root,
                "text": text,
            },
        )
        created = _comment_or_none(data)
        if created is not None:
            self._learn(created)
        ref = created.comment_id if created is not None else None
        if ref is None:
            # The answer did not name the reply: find it the way a retry would.
            ref = await self._find_own_reply(video_id, root, text, since)
        return _done("reply", ref)

    async def hide(self, interaction: Interaction, *, idempotency_key: str) -> ActionResult:
        return await self._set_hidden(interaction, "HIDE", "hide")

    async def unhide(self, interaction: Interaction, *, idempotency_key: str) -> ActionResult:
        return await self._set_hidden(interaction, "UNHIDE", "unhide")

    async def _set_hidden(self, interaction: Interaction, verb: str, action: str) -> ActionResult:
        # Hiding is a state, not an append: a retried call changes nothing more.
        await self._call(
            "POST",
            "/business/comment/hide/",
            json_body={
                "business_id": self.context.account,
                "video_id": _video_id(interaction),
                "comment_id": interaction.external_id,
                "action": verb,
            },
        )
        return _done(action, interaction.external_id)

    def _learn(self, comment: ApiComment) -> None:
        """Remember the account's own unique_identifier from a comment TikTok marks owner."""
        if self._own_uid is None and comment.owner and comment.unique_identifier:
            self._own_uid = comment.unique_identifier

    async def _find_own_reply(self, video_id: str, root: str, text: str, since: int) -> str | None:
        """The id of the account's reply under ``root`` with ``text``, posted since
        ``since`` (Unix seconds), or ``None``."""
        wanted = text.strip()
        cursor = 0
        for _ in range(LOOKUP_PAGES):
            params: dict[str, Any] = {
                "business_id": self.context.account,
                "video_id": video_id,
                "comment_id": root,
                "max_count": PAGE_SIZE,
            }
            if cursor:
                params["cursor"] = cursor
            data = await self._call("GET", "/business/comment/reply/list/", params=params)
            page = _page(data, "GET /business/comment/reply/list/")
            for item in page.comments:
                self._learn(item)
                recent = item.create_time is None or item.create_time >= since
                if item.owner and recent and item.text.strip() == wanted:
                    return item.comment_id
            # TikTok may return a short page with has_more true: only has_more ends it.
            if not page.has_more or page.cursor == cursor:
                return None
            cursor = page.cursor
        return None

    # -- health ----------------------------------------------------------------------------

    async def check_health(self) -> ChannelCheck:
        """Reads only. With ``options.app_id``: ``POST /tt_user/token_info/get/`` (the token
        in the JSON body: is it valid, is it this account's, which scopes) and ``GET
        /business/webhook/list/?event_type=COMMENT`` (does the app still have a comment
        callback). Without it, ``GET /business/get/`` tells only whether the token works.

        TikTok has no endpoint that tells a token's expiry (tokens last 24 hours and are
        refreshed): ``token_expires_at`` stays unknown. Errors come as ``code`` in HTTP 200
        answers: 40102/40105 are AuthError, 40100 RateLimited.
        """
        app_id = self.options.app_id
        account = self.context.account
        if not app_id:
            await self._call("GET", "/business/get/", params={"business_id": account})
            return ChannelCheck(
                token_valid=True,
                detail="set options.app_id to check the token's scopes and the comment webhook",
            )
        data = await self._call(
            "POST",
            "/tt_user/token_info/get/",
            json_body={"app_id": app_id, "access_token": self.context.secret("access_token")},
        )
        info = _health_model(TokenInfo, data, "POST /tt_user/token_info/get/")
        if info.creator_id and info.creator_id != account:
            return ChannelCheck(
                token_valid=False,
                detail=f"the token is for TikTok account {info.creator_id}, not {account}",
            )
        granted = info.scopes()
        lacking = tuple(scope for scope in SCOPES if scope not in granted)
        hook = _health_model(
            WebhookConfig,
            await self._call(
                "GET",
                "/business/webhook/list/",
                params={
                    "app_id": app_id,
                    "secret": self.context.secret("client_secret"),
                    "event_type": WEBHOOK_EVENT_TYPE,
                },
            ),
            "GET /business/webhook/list/",
        )
        active = bool(hook.callback_url)
        return ChannelCheck(
            token_valid=True,
            scopes_missing=lacking,
            subscription_active=active,
            detail="" if active else "the app has no COMMENT webhook callback",
        )


# -- helpers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Insert:
    """A new comment: whether the account wrote it, and its listed copy when the delivery
    lacked the text or the author."""

    own: bool
    listed: ApiComment | None


def _thread_of(event: CommentUpdate) -> str | None:
    """The thread root as parse gives it: a reply's parent (the top-level comment)."""
    parent = event.parent_comment_id
    return parent if parent and parent != event.comment_id else None


def _text(event: CommentUpdate, listed: ApiComment | None) -> str:
    if event.text is not None:
        return event.text
    return listed.text if listed is not None else ""


def _json_object(raw: bytes | str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except UnicodeDecodeError:
        raise MalformedPayload(f"{what} is not UTF-8") from None
    except json.JSONDecodeError as err:
        raise MalformedPayload(f"{what} is not JSON: {err.msg}") from None
    if not isinstance(value, dict):
        raise MalformedPayload(f"{what} must be a JSON object, got {type(value).__name__}")
    return value


def _parse_model(model: type[M], value: dict[str, Any], what: str) -> M:
    try:
        return model.model_validate(value)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or what
        raise MalformedPayload(f"{what}: {where}: {first['msg']}") from None


def _envelope_of(response: httpx.Response) -> ApiResponse | None:
    try:
        return ApiResponse.model_validate(response.json())
    except (ValueError, ValidationError):
        return None


def _page(data: Any, where: str) -> CommentPage:
    try:
        return CommentPage.model_validate(data if data is not None else {})
    except ValidationError:
        raise TransientError(f"{where}: unexpected answer shape") from None


def _health_model(model: type[M], data: Any, where: str) -> M:
    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError:
        raise TransientError(f"{where}: unexpected answer shape") from None


def _comment_or_none(data: Any) -> ApiComment | None:
    try:
        return ApiComment.model_validate(data)
    except ValidationError:
        return None


def _author(event: CommentUpdate, listed: ApiComment | None) -> Author:
    """The commenter. ``user_openid`` in the envelope is the *account's* id, not the
    author's: the author is the event's ``unique_identifier`` (stable across TikTok's APIs),
    completed by the comment list when it had to be fetched."""
    uid = event.unique_identifier or (
        (listed.unique_identifier or listed.user_id) if listed is not None else None
    )
    uid = uid or UNKNOWN_AUTHOR
    handle = (listed.username if listed is not None else None) or uid
    display = (listed.display_name if listed is not None else None) or ""
    return Author(id=uid, handle=handle, display_name=display)


def _moment(timestamp: int | None, fallback_seconds: int) -> datetime:
    """The comment's time: ``timestamp`` is documented as Unix time but sent in
    milliseconds; values past year 5138 in seconds can only be milliseconds."""
    value = float(timestamp) if timestamp else float(fallback_seconds)
    if value > 1e11:
        value /= 1000.0
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        raise MalformedPayload("content: timestamp is not a time") from None


def _video_id(interaction: Interaction) -> str:
    video_id = interaction.reply_context.get("video_id") or interaction.post_id
    if not video_id:
        raise InvalidRequest(f"{interaction.id}: no video_id to act on the comment with")
    return video_id


def _done(action: str, ref: str | None) -> ActionResult:
    return ActionResult(action=action, ok=True, platform_ref=ref, at=datetime.now(UTC))
