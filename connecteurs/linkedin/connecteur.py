"""LinkedIn Community Management connector: an organization's (Company Page's) comments and
mentions in, replies and comment deletions out.

Inbound, LinkedIn pushes ``ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS`` to a validated webhook
(GET ``challengeCode`` handshake, POST deliveries signed with ``X-LI-Signature``), and keeps
the same notifications 60 days for the pull finder, which :meth:`LinkedinConnecteur.poll`
uses as a backfill. Outbound, the Comments API creates and deletes comments as the
organization. LinkedIn has no hide, block or direct message for organizations: those are
not declared.

Docs (read 2026-11):
- https://learn.microsoft.com/en-us/linkedin/shared/api-guide/webhook-validation
- https://learn.microsoft.com/en-us/linkedin/marketing/community-management/organizations/organization-social-action-notifications
- https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/comments-api
- https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/error-handling
- https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/rate-limits
- https://learn.microsoft.com/en-us/linkedin/shared/authentication/token-introspection
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, Field, ValidationError

from connecteurs.base import (
    AccountContext,
    Capability,
    ConnecteurOptions,
    Manifest,
    PollResult,
    WebhookRequest,
    WebhookResponse,
)
from connecteurs.errors import (
    AuthError,
    ConnecteurError,
    HandshakeRefused,
    InvalidRequest,
    InvalidSignature,
    MalformedPayload,
    NotFound,
    RateLimited,
)
from connecteurs.http import (
    MAX_RETRY_AFTER,
    MIN_RETRY_AFTER,
    HttpConnecteur,
    describe,
    error_for_status,
    parse_reset,
)
from connecteurs.linkedin.payloads import (
    NOTIFICATION_TYPE,
    ApiError,
    Comment,
    CommentPage,
    CommentRef,
    DecoratedComment,
    Envelope,
    Introspection,
    Notification,
    NotificationEvents,
    NotificationPage,
    Paging,
    Post,
    parse_comment_urn,
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
from connecteurs.signatures import check_equal, hmac_sha256_hex, require_header

SIGNATURE_HEADER = "X-LI-Signature"
#: The literal LinkedIn prefixes to the body before signing it (webhook-validation page).
SIGNATURE_PREFIX = b"hmacsha256="
#: Notification actions that are someone talking to or about the organization. LIKE and
#: SHARE carry no words; ADMIN_COMMENT is the organization's own; COMMENT_EDIT and
#: COMMENT_DELETE change a comment already received.
INTERACTION_ACTIONS = ("COMMENT", "SHARE_MENTION")
#: Notification actions that answer or change a comment already received (thread events).
EVENT_ACTIONS = ("ADMIN_COMMENT", "COMMENT_EDIT", "COMMENT_DELETE")
#: What a poll asks the pull finder for.
POLLED_ACTIONS = INTERACTION_ACTIONS + EVENT_ACTIONS
#: challengeCode is "a randomly generated type-4 UUID": anything else is refused, so the
#: handshake cannot be used to have arbitrary strings (e.g. "hmacsha256=" + a forged body)
#: signed with the client secret.
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
#: The Comments API's short-term creation throttle (one minute), from its error table.
_CREATION_THROTTLE = "comment create throttled"
CREATION_THROTTLE_SECONDS = 60.0
#: Pages read per lookup or poll, so one call can never loop on a huge thread.
MAX_PAGES = 10
PAGE_SIZE = 100
#: A poll re-reads this much before its last window (notifications can be indexed late);
#: the cursor's seen-set drops what was already returned.
POLL_OVERLAP = timedelta(minutes=10)
SEEN_LIMIT = 500
PULL_RETENTION = timedelta(days=60)
#: What the connector needs: the notifications finder and event subscriptions
#: (rw_organization_admin), reading comments and posts (r_organization_social), replying and
#: deleting as the organization (w_organization_social).
SCOPES = ("rw_organization_admin", "r_organization_social", "w_organization_social")
#: The health probe reads one notification of the last minute: just enough to prove access.
HEALTH_WINDOW = timedelta(minutes=1)
OAUTH_BASE_URL = "https://www.linkedin.com"

REAUTHORIZE = (
    "Renew the secret access_token: an administrator of the LinkedIn Page signs in to the app "
    "again (3-legged OAuth) granting rw_organization_admin, r_organization_social and "
    "w_organization_social; LinkedIn access tokens last 60 days, and the Token Inspector "
    "(LinkedIn Developer Portal → your app → Auth → OAuth 2.0 tools) shows the current one's "
    "expiry and scopes. client_secret (same Auth tab) signs the webhooks; if notifications "
    "stopped, check the app's Webhooks tab (the endpoint is blocked after three failed "
    "validations) and the member's event subscription for the organization."
)

M = TypeVar("M", bound=BaseModel)


class LinkedinOptions(ConnecteurOptions):
    linkedin_version: str = Field(
        default="202609",
        pattern=r"^\d{6}(\.\d{2})?$",
        description=(
            "The LinkedIn-Version header (YYYYMM) sent on every REST call; a version is "
            "supported for at least one year."
        ),
    )
    client_id: str | None = Field(
        default=None,
        description=(
            "The app's client id (Developer Portal → Auth). With it check_health asks "
            "LinkedIn's token introspection for the token's expiry and scopes."
        ),
    )
    developer_application_id: str | None = Field(
        default=None,
        pattern=r"^\d+$",
        description=(
            "The developer application id of the webhook's event subscription (with "
            "subscriber_person_id, check_health reads that subscription)."
        ),
    )
    subscriber_person_id: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_-]+$",
        description=(
            "The person id (urn:li:person:<id>) of the administrator who subscribed the "
            "organization's notifications to the webhook."
        ),
    )
    backfill_hours: int = Field(
        default=24,
        ge=1,
        le=int(PULL_RETENTION.total_seconds() // 3600),
        description="How far back the first poll reads (LinkedIn keeps notifications 60 days).",
    )


class PollCursor(BaseModel):
    """``since``: end of the last window read (epoch ms); ``seen``: notification ids already
    handled, newest last, bounded."""

    since: int
    seen: list[int] = []


class LinkedinConnecteur(HttpConnecteur):
    manifest: ClassVar[Manifest] = Manifest(
        name="linkedin",
        platform=Platform.LINKEDIN,
        version="0.1.0",
        capabilities=frozenset(
            {Capability.WEBHOOK, Capability.POLL, Capability.REPLY, Capability.DELETE}
        ),
        options_model=LinkedinOptions,
        secrets=("client_secret", "access_token"),
        reply_lookup=True,
        documentation=(
            "https://learn.microsoft.com/en-us/linkedin/shared/api-guide/webhook-validation",
            "https://learn.microsoft.com/en-us/linkedin/marketing/community-management/"
            "organizations/organization-social-action-notifications",
            "https://learn.microsoft.com/en-us/linkedin/marketing/community-management/"
            "shares/comments-api",
            "https://learn.microsoft.com/en-us/linkedin/marketing/community-management/"
            "shares/posts-api",
            "https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/error-handling",
            "https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/rate-limits",
            "https://learn.microsoft.com/en-us/linkedin/shared/authentication/token-introspection",
            "https://learn.microsoft.com/en-us/linkedin/marketing/community-management/"
            "shares/network-update-social-actions",
        ),
        reauthorize=REAUTHORIZE,
    )
    default_base_url: ClassVar[str] = "https://api.linkedin.com"

    def __init__(
        self,
        context: AccountContext,
        *,
        http: httpx.AsyncClient | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(context, http=http)
        options = context.options
        self.options = options if isinstance(options, LinkedinOptions) else LinkedinOptions()
        # Injected in tests: the rate-limit reset and the poll windows depend on "now".
        self.clock = clock or (lambda: datetime.now(UTC))

    @property
    def org_urn(self) -> str:
        """The account is the organization id; a full URN is accepted as well."""
        account = self.context.account.strip()
        return account if account.startswith("urn:") else f"urn:li:organization:{account}"

    # -- HTTP ----------------------------------------------------------------------------

    def auth_headers(self) -> dict[str, str]:
        try:
            token = self.context.secret("access_token")
        except KeyError as err:
            raise AuthError(str(err.args[0])) from None
        return {
            "Authorization": f"Bearer {token}",
            "LinkedIn-Version": self.options.linkedin_version,
            "X-Restli-Protocol-Version": "2.0.0",
        }

    def error_for(self, response: httpx.Response) -> ConnecteurError | None:
        if response.is_success:
            return None
        error = _api_error(response)
        detail = self._scrub(
            " ".join(part for part in (error.code, (error.message or "")[:200]) if part)
        )
        if response.status_code == 429:
            message = describe(response) + (f": {detail}" if detail else "")
            return RateLimited(self._retry_after(response, error), message)
        # 401 (REVOKED/EXPIRED_ACCESS_TOKEN) and 403 (no longer an administrator) are
        # AuthError, 404 NotFound, 5xx TransientError, other 4xx InvalidRequest.
        return error_for_status(response, detail)

    def _retry_after(self, response: httpx.Response, error: ApiError) -> float:
        """Retry-After when sent; one minute for the comment-creation throttle; otherwise the
        daily limits, which "reset at midnight UTC every day" (rate-limits page)."""
        header = parse_reset(response.headers.get("retry-after"), now=self.clock())
        if header is not None:
            return header
        if _CREATION_THROTTLE in (error.message or "").lower():
            return CREATION_THROTTLE_SECONDS
        now = self.clock()
        midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), UTC)
        return min(max((midnight - now).total_seconds(), MIN_RETRY_AFTER), MAX_RETRY_AFTER)

    def _scrub(self, text: str) -> str:
        """Platform messages are echoed into errors: never let a secret through."""
        for value in self.context.secrets.values():
            if value and len(value) >= 4:
                text = text.replace(value, "[redacted]")
        return text

    # -- inbound -------------------------------------------------------------------------

    @classmethod
    def accounts_in(cls, request: WebhookRequest) -> tuple[str, ...]:
        """Organization ids named by a delivery, read without trusting it (one webhook URL
        can serve every organization subscribed by the application)."""
        try:
            events = NotificationEvents.model_validate_json(request.body)
        except ValidationError:
            return ()
        prefix = "urn:li:organization:"
        ids = {
            n.organizational_entity.removeprefix(prefix)
            for n in events.notifications
            if n.organizational_entity.startswith(prefix)
        }
        return tuple(sorted(ids))

    def _client_secret(self, refuse: type[Exception]) -> str:
        try:
            return self.context.secret("client_secret")
        except KeyError as err:
            raise refuse(str(err.args[0])) from None

    async def verify(self, request: WebhookRequest) -> None:
        """``X-LI-Signature`` = hex HMAC-SHA256 keyed with the client secret over
        ``"hmacsha256=" + body`` (webhook-validation, "Requirements for Processing
        Notifications"). The header carries the digest alone; a ``hmacsha256=`` prefix on
        the header value is tolerated since it changes nothing about the check."""
        received = require_header(request.header(SIGNATURE_HEADER), SIGNATURE_HEADER).lower()
        received = received.removeprefix(SIGNATURE_PREFIX.decode())
        secret = self._client_secret(InvalidSignature)
        expected = hmac_sha256_hex(secret, SIGNATURE_PREFIX + request.body)
        check_equal(received, expected, SIGNATURE_HEADER)

    async def handshake(self, request: WebhookRequest) -> WebhookResponse | None:
        """``GET ?challengeCode=<uuid>`` → 200 JSON ``{challengeCode, challengeResponse}``
        with ``challengeResponse`` = hex HMAC-SHA256(client secret, challengeCode). LinkedIn
        re-validates every 2 hours and blocks the endpoint after 3 failures in a row."""
        if request.method != "GET":
            return None
        code = request.query.get("challengeCode", "").strip()
        if not code:
            raise HandshakeRefused("GET without challengeCode is not a LinkedIn validation")
        if not _UUID.fullmatch(code):
            raise HandshakeRefused("challengeCode is not a UUID as LinkedIn sends")
        secret = self._client_secret(HandshakeRefused)
        answer = {
            "challengeCode": code,
            "challengeResponse": hmac_sha256_hex(secret, code.encode()),
        }
        return WebhookResponse(
            status=200,
            content_type="application/json",
            body=json.dumps(answer, separators=(",", ":")).encode(),
        )

    async def parse(self, request: WebhookRequest) -> list[Interaction]:
        """Comments and mentions in a delivery. The notification names the comment but its
        text is read from ``decoratedGeneratedActivity`` when present, else fetched from the
        Comments (or Posts) API — so parse may call LinkedIn and raise its typed errors; a
        comment deleted before it could be read is skipped."""
        try:
            envelope = Envelope.model_validate_json(request.body)
            if envelope.type != NOTIFICATION_TYPE:
                return []  # another event family (e.g. LEAD_ACTION): not interactions
            events = NotificationEvents.model_validate_json(request.body)
        except ValidationError as err:
            raise MalformedPayload(_first_error(err)) from None
        received_at = self.clock()
        digest = body_sha256(request.body)
        return await self._interactions(events.notifications, received_at, lambda _: digest)

    async def parse_events(self, request: WebhookRequest) -> list[ThreadEvent]:
        """What a delivery says happened to comments already received:

        * ADMIN_COMMENT (or a COMMENT the decoration says the organization wrote) that is a
          reply (``parentComment``): ANSWERED, under the comment it answers;
        * COMMENT_EDIT: EDITED, with the new text;
        * COMMENT_DELETE: DELETED (LinkedIn does not say by whom).

        The text and the parent comment are read from ``decoratedGeneratedActivity`` when it
        has them, else from the Comments API (one GET, as parse does for a comment); a
        comment gone before it could be read is skipped. The organization's own comments
        edited or deleted are not news.

        Raises:
            MalformedPayload: the body is not a notification delivery.
        """
        try:
            envelope = Envelope.model_validate_json(request.body)
            if envelope.type != NOTIFICATION_TYPE:
                return []
            events = NotificationEvents.model_validate_json(request.body)
        except ValidationError as err:
            raise MalformedPayload(_first_error(err)) from None
        return await self._thread_events(events.notifications)

    async def _thread_events(self, notifications: list[Notification]) -> list[ThreadEvent]:
        found: dict[str, ThreadEvent] = {}
        for notification in notifications:
            if notification.organizational_entity != self.org_urn:
                continue
            try:
                event = await self._thread_event(notification)
            except NotFound:
                continue  # gone before it could be read
            if event is not None:
                found.setdefault(event.key, event)
        return list(found.values())

    async def _thread_event(self, notification: Notification) -> ThreadEvent | None:
        action = notification.action
        decorated = _decorated_comment(notification)
        if action == "ADMIN_COMMENT" or (
            action == "COMMENT" and decorated is not None and decorated.owner == self.org_urn
        ):
            return await self._org_reply(notification)
        if action == "COMMENT_EDIT":
            return await self._comment_edited(notification)
        if action == "COMMENT_DELETE":
            return self._comment_deleted(notification)
        return None

    async def _org_reply(self, notification: Notification) -> ThreadEvent | None:
        ref = _ref_of(notification)
        decorated = _decorated_comment(notification)
        said = decorated.body() if decorated is not None else None
        created_ms: int | None = None
        author: str
        text: str
        parent: str | None
        if (
            decorated is not None
            and decorated.owner
            and said is not None
            and decorated.parent_comment
        ):
            author, text, parent = decorated.owner, said, decorated.parent_comment
        else:
            # Whether it answers a comment is only sure from the comment itself.
            comment = await self._get_comment(ref)
            author, text, parent = comment.actor, comment.message.text, comment.parent_comment
            created_ms = comment.created.time if comment.created else None
        parent_ref = parse_comment_urn(parent)
        if author != self.org_urn or parent_ref is None:
            return None  # not the organization's, or a comment on a post rather than a reply
        return self._thread_event_of(
            notification,
            ThreadEventKind.ANSWERED,
            # Comments nest one level: the comment answered is its thread's root, the
            # parent_id parse gives the replies under it.
            subject=parent_ref.urn,
            thread=parent_ref.urn,
            ref=ref.urn,
            author=self.org_urn,
            text=text,
            fallback_ms=created_ms,
        )

    async def _comment_edited(self, notification: Notification) -> ThreadEvent | None:
        ref = _ref_of(notification)
        decorated = _decorated_comment(notification)
        text = decorated.body() if decorated is not None else None
        if decorated is not None and decorated.owner and text is not None:
            author, parent = decorated.owner, decorated.parent_comment
        else:
            comment = await self._get_comment(ref)
            author, text, parent = comment.actor, comment.message.text, comment.parent_comment
        if author == self.org_urn:
            return None  # the organization editing its own comment
        parent_ref = parse_comment_urn(parent)
        return self._thread_event_of(
            notification,
            ThreadEventKind.EDITED,
            subject=ref.urn,
            thread=parent_ref.urn if parent_ref else None,
            author=author,
            text=text,
        )

    def _comment_deleted(self, notification: Notification) -> ThreadEvent | None:
        ref = _ref_of(notification)
        decorated = _decorated_comment(notification)
        author = decorated.owner if decorated is not None else None
        if author == self.org_urn:
            return None  # the organization deleting its own comment
        parent_ref = parse_comment_urn(decorated.parent_comment if decorated else None)
        return self._thread_event_of(
            notification,
            ThreadEventKind.DELETED,
            subject=ref.urn,
            thread=parent_ref.urn if parent_ref else None,
            author=author,
        )

    def _thread_event_of(
        self,
        notification: Notification,
        kind: ThreadEventKind,
        *,
        subject: str,
        thread: str | None,
        author: str | None,
        ref: str | None = None,
        text: str = "",
        fallback_ms: int | None = None,
    ) -> ThreadEvent:
        moment = notification.last_modified_at or fallback_ms
        if moment is None:
            raise MalformedPayload(
                f"notification {notification.notification_id}: no lastModifiedAt"
            )
        return ThreadEvent(
            kind=kind,
            platform=self.platform,
            account=self.context.account,
            subject_id=subject,
            thread_id=thread,
            ref=ref,
            author=Author(id=author, handle=author.rsplit(":", 1)[-1]) if author else None,
            text=text,
            at=datetime.fromtimestamp(moment / 1000, UTC),
            detail=f"notification action={notification.action}",
        )

    async def _interactions(
        self,
        notifications: list[Notification],
        received_at: datetime,
        digest: Callable[[Notification], str],
    ) -> list[Interaction]:
        found: dict[str, Interaction] = {}
        for notification in notifications:
            item = await self._interaction(notification, received_at, digest(notification))
            # A batch (or a pull window) can name the same comment twice.
            if item is not None and item.external_id not in found:
                found[item.external_id] = item
        return list(found.values())

    async def _interaction(
        self, notification: Notification, received_at: datetime, digest: str
    ) -> Interaction | None:
        if notification.organizational_entity != self.org_urn:
            return None  # another organization's notification on a shared URL
        try:
            if notification.action == "COMMENT":
                return await self._from_comment(notification, received_at, digest)
            if notification.action == "SHARE_MENTION":
                return await self._from_mention(notification, received_at, digest)
        except NotFound:
            return None  # deleted between the notification and our read: nothing to answer
        return None

    async def _from_comment(
        self, notification: Notification, received_at: datetime, digest: str
    ) -> Interaction | None:
        decorated = (
            notification.decorated_generated_activity.comment
            if notification.decorated_generated_activity is not None
            else None
        )
        ref = parse_comment_urn(decorated.entity if decorated else None) or parse_comment_urn(
            notification.generated_activity
        )
        if ref is None:
            raise MalformedPayload(
                f"notification {notification.notification_id}: COMMENT without a comment URN "
                "in generatedActivity"
            )
        inline = decorated.body() if decorated else None
        if decorated is not None and decorated.owner and inline is not None:
            author, text, parent = decorated.owner, inline, decorated.parent_comment
            created_ms = notification.last_modified_at
        else:
            comment = await self._get_comment(ref)
            author, text, parent = comment.actor, comment.message.text, comment.parent_comment
            created_ms = (comment.created.time if comment.created else None) or (
                notification.last_modified_at
            )
        if author == self.org_urn:
            return None  # the organization's own comment
        parent_ref = parse_comment_urn(parent)
        return self._make(
            external_id=ref.urn,
            kind=InteractionKind.REPLY if parent_ref else InteractionKind.COMMENT,
            author=author,
            text=text,
            created_ms=created_ms,
            notification=notification,
            received_at=received_at,
            digest=digest,
            post_id=ref.object,
            # Comments nest one level: a reply's parent is also its thread's root.
            parent_id=parent_ref.urn if parent_ref else None,
            reply_context={"object": ref.object, "comment_id": ref.id},
        )

    async def _from_mention(
        self, notification: Notification, received_at: datetime, digest: str
    ) -> Interaction | None:
        post_urn = notification.generated_activity
        if not post_urn:
            raise MalformedPayload(
                f"notification {notification.notification_id}: SHARE_MENTION without "
                "generatedActivity"
            )
        share = (
            notification.decorated_generated_activity.share
            if notification.decorated_generated_activity is not None
            else None
        )
        if share is not None and share.owner and share.text is not None:
            author, text, created_ms = share.owner, share.text, notification.last_modified_at
        else:
            post = await self._get_post(post_urn)
            author, text = post.author, post.commentary
            created_ms = post.published_at or post.created_at or notification.last_modified_at
        if author == self.org_urn:
            return None  # the organization mentioning itself
        return self._make(
            external_id=post_urn,
            kind=InteractionKind.MENTION,
            author=author,
            text=text,
            created_ms=created_ms,
            notification=notification,
            received_at=received_at,
            digest=digest,
            post_id=post_urn,
            parent_id=None,
            reply_context={"object": post_urn},
        )

    def _make(
        self,
        *,
        external_id: str,
        kind: InteractionKind,
        author: str,
        text: str,
        created_ms: int | None,
        notification: Notification,
        received_at: datetime,
        digest: str,
        post_id: str,
        parent_id: str | None,
        reply_context: dict[str, str],
    ) -> Interaction:
        if created_ms is None:
            raise MalformedPayload(
                f"notification {notification.notification_id}: no lastModifiedAt"
            )
        return Interaction(
            id=Interaction.make_id(self.platform, self.context.account, external_id),
            platform=self.platform,
            account=self.context.account,
            external_id=external_id,
            kind=kind,
            # Profile lookups are a separate permission and 24-hour-cache data: the URN is
            # the author's identity here, its last segment the handle.
            author=Author(id=author, handle=author.rsplit(":", 1)[-1]),
            text=text,
            thread_id=parent_id,
            parent_id=parent_id,
            post_id=post_id,
            url=f"https://www.linkedin.com/feed/update/{post_id}/",
            created_at=datetime.fromtimestamp(created_ms / 1000, UTC),
            received_at=received_at,
            raw_sha256=digest,
            reply_context=reply_context,
        )

    async def _get_comment(self, ref: CommentRef) -> Comment:
        response = await self.request(
            "GET", f"/rest/socialActions/{_enc(ref.object)}/comments/{ref.id}"
        )
        return _model(Comment, response)

    async def _get_post(self, urn: str) -> Post:
        response = await self.request("GET", f"/rest/posts/{_enc(urn)}")
        return _model(Post, response)

    # -- poll ----------------------------------------------------------------------------

    async def poll(self, cursor: str | None) -> PollResult:
        """Backfill from the pull finder: comments and mentions whose notification is newer
        than the cursor's window, minus those already returned (seen notification ids); the
        same read's ADMIN_COMMENT, COMMENT_EDIT and COMMENT_DELETE notifications are the
        poll's thread events."""
        now = self.clock()
        end = _ms(now)
        state = _load_cursor(cursor)
        if state is None:
            start = _ms(now - timedelta(hours=self.options.backfill_hours))
            seen: list[int] = []
        else:
            start = max(state.since - _ms_delta(POLL_OVERLAP), end - _ms_delta(PULL_RETENTION))
            seen = list(state.seen)
        already = set(seen)
        fresh = [n for n in await self._pull(start, end) if n.notification_id not in already]
        fresh.sort(key=lambda n: (n.last_modified_at or 0, n.notification_id))
        interactions = await self._interactions(fresh, now, _notification_digest)
        events = await self._thread_events(fresh)
        seen.extend(n.notification_id for n in fresh)
        next_cursor = PollCursor(since=end, seen=seen[-SEEN_LIMIT:])
        return PollResult(
            interactions=tuple(interactions),
            cursor=next_cursor.model_dump_json(),
            events=tuple(events),
        )

    def _criteria(self, start: int, end: int) -> str:
        # Rest.li 2.0: List(...) and (start:…,end:…) are structure and stay unescaped;
        # the URN value is percent-encoded.
        return (
            "/rest/organizationalEntityNotifications?q=criteria"
            f"&organizationalEntity={_enc(self.org_urn)}"
            f"&actions=List({','.join(POLLED_ACTIONS)})"
            f"&timeRange=(start:{start},end:{end})"
        )

    async def _pull(self, start: int, end: int) -> list[Notification]:
        base = self._criteria(start, end)
        found: list[Notification] = []
        for page in range(MAX_PAGES):
            response = await self.request(
                "GET", f"{base}&start={page * PAGE_SIZE}&count={PAGE_SIZE}"
            )
            batch = _model(NotificationPage, response)
            found.extend(batch.elements)
            if _last_page(batch.paging, len(batch.elements), page):
                break
        return found

    # -- outbound ------------------------------------------------------------------------

    async def reply(
        self, interaction: Interaction, text: str, *, idempotency_key: str
    ) -> ActionResult:
        """A comment as the organization under the interaction's comment (or on the post
        that mentions it). A retried reply first lists the replies under that target and
        returns the organization's own comment with the same text instead of posting again
        (LinkedIn takes no client idempotency key)."""
        text = text.strip()
        if not text:
            raise InvalidRequest("a LinkedIn comment needs text")
        target, body = self._reply_target(interaction, text)
        earlier = await self._find_own_comment(target, text)
        if earlier is not None:
            return ActionResult(action="reply", ok=True, platform_ref=earlier, at=self.clock())
        response = await self.request(
            "POST", f"/rest/socialActions/{_enc(target)}/comments", json=body
        )
        ref = _created_ref(response, str(body["object"])) or await self._find_own_comment(
            target, text
        )
        return ActionResult(action="reply", ok=True, platform_ref=ref, at=self.clock())

    def _reply_target(self, interaction: Interaction, text: str) -> tuple[str, dict[str, Any]]:
        """The URN the comment is created under and the request body."""
        body: dict[str, Any] = {"actor": self.org_urn, "message": {"text": text}}
        if interaction.kind is InteractionKind.MENTION:
            post = interaction.reply_context.get("object") or interaction.external_id
            return post, {**body, "object": post}
        # Comments nest one level: answering a reply answers its thread's root comment.
        root = interaction.thread_id or interaction.external_id
        ref = parse_comment_urn(root)
        if ref is None:
            raise InvalidRequest(f"{interaction.id}: not a LinkedIn comment URN")
        post = interaction.reply_context.get("object") or ref.object
        return ref.urn, {**body, "object": post, "parentComment": ref.urn}

    async def _find_own_comment(self, target: str, text: str) -> str | None:
        """The URN of a comment the organization already wrote under ``target`` with
        ``text``, reading at most :data:`MAX_PAGES` pages."""
        for page in range(MAX_PAGES):
            response = await self.request(
                "GET",
                f"/rest/socialActions/{_enc(target)}/comments"
                f"?start={page * PAGE_SIZE}&count={PAGE_SIZE}",
            )
            comments = _model(CommentPage, response)
            for comment in comments.elements:
                if comment.actor == self.org_urn and comment.message.text.strip() == text:
                    return _comment_urn(comment, target)
            if _last_page(comments.paging, len(comments.elements), page):
                return None
        return None

    async def delete(self, interaction: Interaction, *, idempotency_key: str) -> ActionResult:
        """Deletes a comment as the organization (``?actor=`` the organization URN). A
        mention is another member's post, which LinkedIn lets no one else delete. A retry
        after a success meets 404 and raises NotFound: the comment is gone either way."""
        if interaction.kind is InteractionKind.MENTION:
            raise InvalidRequest(
                "a mention is another member's post: LinkedIn lets an organization delete "
                "comments only"
            )
        ref = parse_comment_urn(interaction.external_id)
        if ref is None:
            raise InvalidRequest(f"{interaction.id}: not a LinkedIn comment URN")
        # A nested comment lives under its parent comment, a top-level one under its post.
        parent = parse_comment_urn(interaction.parent_id)
        container = parent.urn if parent else ref.object
        await self.request(
            "DELETE",
            f"/rest/socialActions/{_enc(container)}/comments/{ref.id}?actor={_enc(self.org_urn)}",
        )
        return ActionResult(action="delete", ok=True, platform_ref=ref.urn, at=self.clock())

    # -- health --------------------------------------------------------------------------

    async def check_health(self) -> ChannelCheck:
        """Reads only:

        1. one notification of the last minute from the pull finder, with the token: a 401
           (expired or revoked token) or a 403 (rw_organization_admin missing, or the member
           is no longer an administrator of the page) is an AuthError;
        2. with ``options.client_id``, the token introspection (expiry, status, scopes);
           the token travels in the form body, never in the URL;
        3. with ``options.developer_application_id`` and ``subscriber_person_id``, the
           organization's event subscription for the webhook.
        """
        now = self.clock()
        await self.request(
            "GET", self._criteria(_ms(now - HEALTH_WINDOW), _ms(now)) + "&start=0&count=1"
        )
        notes: list[str] = []
        expires: datetime | None = None
        lacking: tuple[str, ...] = ()
        if self.options.client_id:
            info = await self._introspect(self.options.client_id)
            if info.expires_at:
                expires = datetime.fromtimestamp(info.expires_at, UTC)
            if not info.active:
                # LinkedIn described the token instead of refusing it: report, not raise.
                return ChannelCheck(
                    token_valid=False,
                    token_expires_at=expires,
                    detail=f"introspectToken: token {info.status or 'inactive'}",
                )
            granted = info.scopes()
            if granted is None:
                notes.append("introspectToken listed no scopes")
            else:
                lacking = tuple(scope for scope in SCOPES if scope not in granted)
        else:
            notes.append("set options.client_id to read the token's expiry and scopes")
        subscribed = await self._event_subscription(notes)
        return ChannelCheck(
            token_valid=True,
            token_expires_at=expires,
            scopes_missing=lacking,
            subscription_active=subscribed,
            detail="; ".join(notes),
        )

    @property
    def oauth_base_url(self) -> str:
        """www.linkedin.com, or the account's base_url when one is set (a fake, a proxy)."""
        return (self.context.base_url or OAUTH_BASE_URL).rstrip("/")

    async def _introspect(self, client_id: str) -> Introspection:
        response = await self.request(
            "POST",
            "/oauth/v2/introspectToken",
            url=f"{self.oauth_base_url}/oauth/v2/introspectToken",
            data={
                "client_id": client_id,
                "client_secret": self._client_secret(AuthError),
                "token": self.context.secret("access_token"),
            },
        )
        return _model(Introspection, response)

    async def _event_subscription(self, notes: list[str]) -> bool | None:
        application = self.options.developer_application_id
        person = self.options.subscriber_person_id
        if not application or not person:
            return None
        key = (
            f"(developerApplication:{_enc(f'urn:li:developerApplication:{application}')},"
            f"user:{_enc(f'urn:li:person:{person}')},"
            f"entity:{_enc(self.org_urn)},"
            f"eventType:{NOTIFICATION_TYPE})"
        )
        try:
            await self.request("GET", f"/rest/eventSubscriptions/{key}")
        except NotFound:
            notes.append("no event subscription for this organization's notifications")
            return False
        return True


# -- helpers ------------------------------------------------------------------------------


def _enc(urn: str) -> str:
    """Rest.li 2.0: "All URNs must be URL encoded" in paths and query values."""
    return quote(urn, safe="")


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _ms_delta(delta: timedelta) -> int:
    return int(delta.total_seconds() * 1000)


def _first_error(err: ValidationError) -> str:
    first = err.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "body"
    return f"not a LinkedIn notification delivery: {where}: {first['msg']}"


def _api_error(response: httpx.Response) -> ApiError:
    try:
        return ApiError.model_validate_json(response.content)
    except ValidationError:
        return ApiError()


def _model(model: type[M], response: httpx.Response) -> M:
    """A success body in the documented shape; anything else is the platform's fault."""
    try:
        return model.model_validate_json(response.content)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        raise InvalidRequest(
            f"{describe(response)}: unexpected {model.__name__} shape at {where}"
        ) from None


def _last_page(paging: Paging | None, received: int, page: int) -> bool:
    """Whether a page is the last: short, empty, or the documented ``paging.total`` reached."""
    count = paging.count if paging is not None else PAGE_SIZE
    total = paging.total if paging is not None else None
    if received == 0 or received < min(count, PAGE_SIZE):
        return True
    return total is not None and (page + 1) * PAGE_SIZE >= total


def _comment_urn(comment: Comment, target: str) -> str:
    if comment.comment_urn:
        return comment.comment_urn
    obj = comment.object or target
    return CommentRef(object=obj, id=comment.id or "").urn


def _created_ref(response: httpx.Response, obj: str) -> str | None:
    """The new comment's URN: ``commentUrn`` in the body, else built from the
    ``x-restli-id`` header (the comment id)."""
    try:
        payload = response.json()
    except ValueError:
        payload = None
    if isinstance(payload, dict) and isinstance(payload.get("commentUrn"), str):
        return str(payload["commentUrn"])
    restli_id = str(response.headers.get("x-restli-id") or "").strip()
    if restli_id.startswith("urn:"):
        return restli_id
    return CommentRef(object=obj, id=restli_id).urn if restli_id.isdigit() else None


def _load_cursor(cursor: str | None) -> PollCursor | None:
    """An unreadable cursor restarts from the backfill window instead of parking the poller."""
    if not cursor:
        return None
    try:
        return PollCursor.model_validate_json(cursor)
    except ValidationError:
        return None


def _decorated_comment(notification: Notification) -> DecoratedComment | None:
    decorated = notification.decorated_generated_activity
    return decorated.comment if decorated is not None else None


def _ref_of(notification: Notification) -> CommentRef:
    """The comment a notification is about: the decoration's entity, else
    ``generatedActivity``."""
    decorated = _decorated_comment(notification)
    ref = parse_comment_urn(decorated.entity if decorated else None) or parse_comment_urn(
        notification.generated_activity
    )
    if ref is None:
        raise MalformedPayload(
            f"notification {notification.notification_id}: {notification.action} without a "
            "comment URN in generatedActivity"
        )
    return ref


def _notification_digest(notification: Notification) -> str:
    raw = notification.model_dump_json(by_alias=True, exclude_none=True)
    return body_sha256(raw.encode())
