"""Mastodon: mentions, replies and private mentions of one account on one instance.

Interactions arrive by polling the account's ``mention`` notifications (any instance, any
token with ``read:notifications``) and, optionally, through the instance's admin webhooks
(``status.created``), which only an instance admin can set up and which Mastodon only fires
for statuses written on that instance. Outbound: a reply and a private mention are statuses
(``POST /api/v1/statuses``), a block is ``POST /api/v1/accounts/:id/block``. Mastodon has no
way to hide someone else's reply (a report is not a hide) and deletes only the account's own
statuses, so neither is declared.

What happens on Mastodon itself to a tracked thread comes back as thread events: a reply the
account posted from Mastodon (the poll reads the account's own statuses; an admin webhook
``status.created`` by the account) is ``answered``; an admin webhook ``status.updated`` with
``edited_at`` is ``edited``. The account's own statuses never become interactions.

There is no global Mastodon: the instance URL is per account (``base_url``, or the
``instance`` option), and a call without one fails with :class:`InstanceNotConfigured`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal, TypeVar
from urllib.parse import quote

import httpx
import structlog
from pydantic import BaseModel, Field, ValidationError

from connecteurs.base import (
    Capability,
    ConnecteurOptions,
    Manifest,
    PollResult,
    WebhookRequest,
)
from connecteurs.errors import (
    AuthError,
    ConnecteurError,
    InvalidRequest,
    InvalidSignature,
    MalformedPayload,
    NotFound,
    RateLimited,
    TransientError,
)
from connecteurs.http import HttpConnecteur, describe, error_for_status, retry_after
from connecteurs.mastodon.payloads import (
    MastodonAccount,
    MastodonApplication,
    MastodonContext,
    MastodonNotification,
    MastodonStatus,
    MastodonWebhookEvent,
)
from connecteurs.mastodon.texte import html_to_text, without_leading_mentions
from connecteurs.models import (
    ActionResult,
    Attachment,
    Author,
    ChannelCheck,
    Interaction,
    InteractionKind,
    Platform,
    ThreadEvent,
    ThreadEventKind,
    body_sha256,
)
from connecteurs.signatures import check_prefixed, hmac_sha256_hex

log = structlog.get_logger("passerelle.connecteurs.mastodon")

E = TypeVar("E", bound=BaseModel)

#: The documented default page size of GET /api/v1/notifications (max 80 since 4.1).
PAGE_SIZE = 40
#: Pages read back (``max_id``) when more than a page of mentions arrived since the cursor;
#: beyond that the oldest of the gap are left out rather than stalling the poller.
MAX_PAGES = 5
#: Mastodon's rate-limit reset header, an ISO 8601 time (docs /api/rate-limits).
RESET_HEADER = "x-ratelimit-reset"
SIGNATURE_HEADER = "X-Hub-Signature"
#: Visibilities a reply may keep as they are; ``public`` follows the option, anything else
#: (a fork's ``local``, a future value) becomes ``direct``: never widen an unknown audience.
KEPT_VISIBILITIES = frozenset({"unlisted", "private", "direct"})
#: The scopes the connector's calls need (api/oauth-scopes): polling notifications, reading
#: threads, posting replies and private mentions, blocking.
NEEDED_SCOPES = ("read:notifications", "read:statuses", "write:statuses", "write:blocks")
#: check_health reads the account with ``profile`` (4.3+) or ``read:accounts``.
PROFILE_SCOPE = "profile"
#: The deprecated ``follow`` scope grants these (api/oauth-scopes, "Granular scopes").
FOLLOW_GRANTS = frozenset(
    {"read:blocks", "read:follows", "read:mutes", "write:blocks", "write:follows", "write:mutes"}
)
#: The 403 body of a call the token's scopes do not cover (methods/accounts, methods/oauth).
OUTSIDE_SCOPES = "outside the authorized scopes"
#: The 422 body when the token is an app token, not a user's (methods/accounts).
NOT_A_USER_TOKEN = "requires an authenticated user"


class MastodonOptions(ConnecteurOptions):
    instance: str | None = Field(
        default=None,
        description="Instance URL (https://mastodon.example), used when the account has no "
        "base_url. Mastodon has no global default: one of the two is required.",
    )
    public_reply_visibility: Literal["public", "unlisted"] = Field(
        default="public",
        description="Visibility of a reply to a public status (replies to unlisted, "
        "followers-only and direct statuses keep the original's visibility).",
    )
    resolve_thread_root: bool = Field(
        default=True,
        description="When polling, read each reply's context (one GET) so thread_id is the "
        "conversation's root status rather than the direct parent.",
    )
    own_replies: bool = Field(
        default=True,
        description="When polling, also read the account's own statuses (GET "
        "/api/v1/accounts/:id/statuses, one call a poll) so a reply posted from Mastodon "
        "itself reaches the thread's interaction as an answer.",
    )


class InstanceNotConfigured(InvalidRequest):
    """The account names no Mastodon instance: a configuration error, never retried."""


class ScopeRefused(AuthError):
    """403 "This action is outside the authorized scopes": the token works but was not
    granted the scope this call needs (still an :class:`AuthError`: the operator must
    authorize again)."""


def scope_granted(scope: str, granted: Iterable[str]) -> bool:
    """Whether ``granted`` covers ``scope``: itself, its top-level ``read``/``write``, or
    the deprecated ``follow`` for the relationship scopes (api/oauth-scopes)."""
    held = set(granted)
    if scope in held or scope.split(":", 1)[0] in held & {"read", "write"}:
        return True
    return scope in FOLLOW_GRANTS and "follow" in held


class _Created(BaseModel):
    """The only field of a created Status the connector needs."""

    id: str = Field(min_length=1)


def _id_order(value: str) -> tuple[int, str]:
    """Mastodon ids are decimal strings of varying length: order by length, then text."""
    return (len(value), value)


def _now() -> datetime:
    return datetime.now(UTC)


class PollCursor(BaseModel):
    """The poll cursor: ``n`` the newest notification id seen, ``s`` the newest status of
    the account's own seen. An older cursor (a bare notification id) still loads."""

    n: str | None = None
    s: str | None = None

    @classmethod
    def load(cls, raw: str | None) -> PollCursor:
        if not raw:
            return cls()
        if not raw.startswith("{"):
            return cls(n=raw)  # the bare notification id of earlier versions
        try:
            return cls.model_validate_json(raw)
        except ValidationError:
            log.warning("mastodon.unreadable_cursor")
            return cls()

    def dump(self) -> str:
        return self.model_dump_json(exclude_none=True)


def _canonical(item: Any) -> bytes:
    """Stable bytes for one element of a JSON array, so its ``raw_sha256`` is reproducible."""
    return json.dumps(item, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


class MastodonConnecteur(HttpConnecteur):
    manifest: ClassVar[Manifest] = Manifest(
        name="mastodon",
        platform=Platform.MASTODON,
        version="0.1.0",
        capabilities=frozenset(
            {
                Capability.POLL,
                Capability.WEBHOOK,
                Capability.REPLY,
                Capability.DIRECT_MESSAGE,
                Capability.BLOCK,
            }
        ),
        options_model=MastodonOptions,
        secrets=("access_token", "webhook_secret"),
        reply_lookup=True,
        reply_lookup_note=(
            "A reply carries the Idempotency-Key header (Mastodon returns the same status for a "
            "repeated key, kept up to 1 hour); before posting, the connector also reads the "
            "target's context and returns the account's own reply with the same text, which "
            "covers retries after that hour."
        ),
        documentation=(
            "https://docs.joinmastodon.org/methods/accounts/#verify_credentials",
            "https://docs.joinmastodon.org/methods/apps/#verify_credentials",
            "https://docs.joinmastodon.org/entities/Application/",
            "https://docs.joinmastodon.org/api/oauth-scopes/",
            "https://docs.joinmastodon.org/api/oauth-tokens/",
            "https://docs.joinmastodon.org/methods/notifications/#get",
            "https://docs.joinmastodon.org/methods/accounts/#statuses",
            "https://docs.joinmastodon.org/methods/statuses/#create",
            "https://docs.joinmastodon.org/methods/statuses/#context",
            "https://docs.joinmastodon.org/methods/accounts/#block",
            "https://docs.joinmastodon.org/api/rate-limits/",
            "https://docs.joinmastodon.org/entities/Error/",
            "https://docs.joinmastodon.org/entities/Status/",
            "https://docs.joinmastodon.org/admin/webhooks/",
        ),
        reauthorize=(
            "Renew the secret access_token: on the account's instance, Preferences → "
            "Development → your application (or New application), with the scopes profile, "
            "read:notifications, read:statuses, write:statuses and write:blocks, then copy "
            '"Your access token" while signed in as the account Passerelle answers for. '
            "Mastodon tokens do not expire; one stops working when the user or an admin "
            "revokes it (Preferences → Account → Authorized apps) or the account is "
            "disabled. For admin webhooks, the secret webhook_secret is the one shown in "
            "Administration → Webhooks (an admin role with Manage Webhooks)."
        ),
    )
    # Never used: base_url is overridden so that a missing instance fails loudly instead of
    # reaching some default server with this account's token.
    default_base_url: ClassVar[str] = "https://instance-not-configured.invalid"

    # -- configuration -------------------------------------------------------------------

    @property
    def options(self) -> MastodonOptions:
        options = self.context.options
        return options if isinstance(options, MastodonOptions) else MastodonOptions()

    @property
    def base_url(self) -> str:
        url = self.context.base_url or self.options.instance
        if not url or not url.strip():
            raise InstanceNotConfigured(
                f"mastodon account {self.context.account}: no instance URL; set the account's "
                "base_url or the option 'instance' (e.g. https://mastodon.social)"
            )
        return url.strip().rstrip("/")

    def auth_headers(self) -> dict[str, str]:
        try:
            token = self.context.secret("access_token")
        except KeyError as err:
            raise AuthError(str(err.args[0])) from None
        return {"Authorization": f"Bearer {token}"}

    def error_for(self, response: httpx.Response) -> ConnecteurError | None:
        """Mastodon follows HTTP semantics (entities/Error: "the most important part of an
        error response is the HTTP status code"); 429 says when to come back in
        ``X-RateLimit-Reset`` as an ISO 8601 time, not in ``Retry-After``."""
        if response.is_success:
            return None
        detail = _error_text(response)
        message = describe(response) + (f": {detail}" if detail else "")
        if response.status_code == 429:
            return RateLimited(retry_after(response.headers, RESET_HEADER), message)
        if response.status_code == 403 and OUTSIDE_SCOPES in detail:
            return ScopeRefused(message)
        if response.status_code == 422 and NOT_A_USER_TOKEN in detail:
            # An app token (client credentials) where a user's token is needed.
            return AuthError(message)
        return error_for_status(response, detail)

    # -- health --------------------------------------------------------------------------

    async def check_health(self) -> ChannelCheck:
        """``GET /api/v1/accounts/verify_credentials`` (the token works, and is this
        account's) and ``GET /api/v1/apps/verify_credentials`` (the app's scopes, 4.3+).

        Mastodon tokens never expire (api/oauth-tokens), so ``token_expires_at`` stays
        ``None``; admin webhooks have no API to ask whether they are enabled, so
        ``subscription_active`` stays ``None`` too. ``scopes_missing`` comes from the app's
        registered scopes: a token can hold fewer, which the calls themselves then refuse
        (403, :class:`ScopeRefused`).

        Raises:
            AuthError: the token is invalid or revoked (401), the login is disabled (403).
        """
        missing: list[str] = []
        notes: list[str] = []
        try:
            response = await self.request("GET", "/api/v1/accounts/verify_credentials")
        except ScopeRefused:
            account = None
            missing.append(PROFILE_SCOPE)
        else:
            account = _entity(MastodonAccount, response, "an Account")
            if account.id != self.context.account:
                return ChannelCheck(
                    token_valid=False,
                    detail=f"the access token is @{account.acct}'s (id {account.id}), "
                    f"not account {self.context.account}'s",
                )
        try:
            response = await self.request("GET", "/api/v1/apps/verify_credentials")
        except ScopeRefused:
            # Before 4.3 this call needed ``read``; the granted scopes stay unknown.
            notes.append("the app's scopes could not be read")
        else:
            app = _entity(MastodonApplication, response, "an Application")
            if app.scopes is None:
                notes.append("the instance does not report the app's scopes (before 4.3)")
            else:
                missing.extend(s for s in NEEDED_SCOPES if not scope_granted(s, app.scopes))
                if account is None and PROFILE_SCOPE in app.scopes:
                    notes.append("the token holds fewer scopes than its app")
        who = f"@{account.acct}" if account is not None else f"account {self.context.account}"
        detail = "; ".join([f"the token works for {who}; Mastodon tokens do not expire", *notes])
        return ChannelCheck(token_valid=True, scopes_missing=tuple(missing), detail=detail)

    # -- inbound: admin webhooks ---------------------------------------------------------

    async def verify(self, request: WebhookRequest) -> None:
        """``X-Hub-Signature: sha256=<hex HMAC-SHA256(webhook secret, raw body)>``."""
        try:
            secret = self.context.secret("webhook_secret")
        except KeyError:
            raise InvalidSignature(
                f"{SIGNATURE_HEADER} cannot be checked: no webhook_secret for this account"
            ) from None
        received = request.header(SIGNATURE_HEADER)
        # Mastodon sends lower-case hex (OpenSSL hexdigest); accept either case.
        received = received.lower() if received is not None else None
        check_prefixed(received, SIGNATURE_HEADER, "sha256=", hmac_sha256_hex(secret, request.body))

    async def parse(self, request: WebhookRequest) -> list[Interaction]:
        """A ``status.created`` delivery that mentions or answers the account becomes one
        interaction; other events (edits, reports, accounts) and statuses that do not
        concern the account are skipped. The payload does not name the thread's root, and
        parsing makes no API call, so ``thread_id`` is the direct parent here."""
        event = _webhook_event(request)
        if event.event != "status.created":
            return []
        status = _webhook_status(event)
        if not self._concerns_account(status):
            return []
        received = _now()
        return [
            self._interaction(
                status, raw=request.body, thread_id=status.in_reply_to_id, received_at=received
            )
        ]

    async def parse_events(self, request: WebhookRequest) -> list[ThreadEvent]:
        """Thread events in an admin webhook delivery:

        - ``status.created`` of a status by the account that replies to someone else's:
          ``answered`` (the account answered from Mastodon); ``subject_id`` is the status
          answered, and ``thread_id`` its id too, as :meth:`parse` sets a reply's
          ``thread_id`` to its direct parent (a webhook names no thread root).
        - ``status.updated`` of a status that concerns the account, with ``edited_at`` set:
          ``edited`` with the new text (Mastodon fires ``status.updated`` on any change of
          the record; one without ``edited_at`` is no edit).

        A deletion sends no webhook: Mastodon's worker no longer finds the deleted status
        (``TriggerWebhookWorker`` rescues ``RecordNotFound``), so it is not reported.
        """
        event = _webhook_event(request)
        if event.event not in ("status.created", "status.updated"):
            return []
        status = _webhook_status(event)
        account = self.context.account
        if status.reblog is not None:
            return []
        if event.event == "status.created":
            if status.account.id != account:
                return []
            answered = self._answered(status, thread_id=status.in_reply_to_id)
            return [answered] if answered is not None else []
        if not self._concerns_account(status) or status.edited_at is None:
            return []
        return [
            ThreadEvent(
                kind=ThreadEventKind.EDITED,
                platform=self.platform,
                account=account,
                subject_id=status.id,
                thread_id=status.in_reply_to_id,
                author=_author(status),
                text=_status_text(status),
                at=status.edited_at,
                detail="admin webhook status.updated (edited_at set)",
            )
        ]

    # -- inbound: polling ----------------------------------------------------------------

    async def poll(self, cursor: str | None) -> PollResult:
        """Mentions newer than the cursor's newest notification, oldest first; and, unless
        the ``own_replies`` option is off, ``answered`` events for the replies the account
        posted since the cursor's newest own status.

        The first poll (no cursor) returns the newest page. When a full page comes back,
        older pages are read with ``max_id`` (down to the cursor) so a burst of mentions
        between two polls is not skipped. An own reply's ``thread_id`` is resolved the way
        its thread's mentions are (the conversation's root, one context GET per parent), so
        the event reaches the interaction of the status it answers.
        """
        state = PollCursor.load(cursor)
        found = await self._notifications_since(state.n)
        newest = max((n.id for n, _ in found), key=_id_order, default=state.n)
        received = _now()
        roots: dict[str, str] = {}
        interactions: list[Interaction] = []
        for notification, raw in sorted(found, key=lambda pair: _id_order(pair[0].id)):
            status = notification.status
            if notification.type != "mention" or status is None:
                continue
            if status.account.id == self.context.account or status.reblog is not None:
                continue
            thread = await self._thread_root(status, roots)
            interactions.append(
                self._interaction(status, raw=raw, thread_id=thread, received_at=received)
            )
        events: list[ThreadEvent] = []
        own_newest = state.s
        if self.options.own_replies:
            own = await self._own_statuses_since(state.s)
            own_newest = max((o.id for o in own), key=_id_order, default=state.s)
            for status in sorted(own, key=lambda o: _id_order(o.id)):
                if not self._is_answer(status):
                    continue
                answered = self._answered(status, thread_id=await self._thread_root(status, roots))
                if answered is not None:
                    events.append(answered)
        return PollResult(
            interactions=tuple(interactions),
            cursor=PollCursor(n=newest, s=own_newest).dump(),
            events=tuple(events),
        )

    async def _notifications_since(
        self, since_id: str | None
    ) -> list[tuple[MastodonNotification, bytes]]:
        found: list[tuple[MastodonNotification, bytes]] = []
        max_id: str | None = None
        for _ in range(MAX_PAGES):
            params: dict[str, Any] = {"types[]": ["mention"], "limit": PAGE_SIZE}
            if since_id is not None:
                params["since_id"] = since_id
            if max_id is not None:
                params["max_id"] = max_id
            response = await self.request("GET", "/api/v1/notifications", params=params)
            page = _notification_page(response)
            found.extend(page)
            # Without a cursor the newest page is enough; a short page is the last one.
            if since_id is None or len(page) < PAGE_SIZE:
                break
            max_id = min((n.id for n, _ in page), key=_id_order)
        return found

    async def _own_statuses_since(self, since_id: str | None) -> list[MastodonStatus]:
        """The account's own statuses newer than ``since_id`` (reblogs excluded), read back
        with ``max_id`` like the notifications; without ``since_id``, the newest page."""
        found: list[MastodonStatus] = []
        max_id: str | None = None
        path = f"/api/v1/accounts/{_segment(self.context.account)}/statuses"
        for _ in range(MAX_PAGES):
            params: dict[str, Any] = {"limit": PAGE_SIZE, "exclude_reblogs": "true"}
            if since_id is not None:
                params["since_id"] = since_id
            if max_id is not None:
                params["max_id"] = max_id
            response = await self.request("GET", path, params=params)
            page = _status_page(response)
            found.extend(page)
            if since_id is None or len(page) < PAGE_SIZE:
                break
            max_id = min((s.id for s in page), key=_id_order)
        return found

    async def _thread_root(self, status: MastodonStatus, roots: dict[str, str]) -> str | None:
        """The conversation's root status id: the first ancestor in the status's context
        (one GET per parent, cached for the poll), or the parent when that is not wanted or
        the context is gone."""
        parent = status.in_reply_to_id
        if parent is None or not self.options.resolve_thread_root:
            return parent
        if parent not in roots:
            try:
                context = await self._context(status.id)
            except NotFound:
                roots[parent] = parent
            else:
                roots[parent] = context.ancestors[0].id if context.ancestors else parent
        return roots[parent]

    # -- outbound ------------------------------------------------------------------------

    async def reply(
        self, interaction: Interaction, text: str, *, idempotency_key: str
    ) -> ActionResult:
        """Answer the status with the author mentioned, in the original's visibility."""
        target = interaction.external_id
        status_text = _addressed(interaction, text)
        earlier = await self._earlier_reply(target, status_text)
        if earlier is not None:
            log.info("mastodon.reply.found_earlier", status=earlier, target=target)
            return ActionResult(action="reply", ok=True, platform_ref=earlier, at=_now())
        visibility = await self._reply_visibility(interaction)
        created = await self._post_status(
            {"status": status_text, "in_reply_to_id": target, "visibility": visibility},
            idempotency_key,
        )
        return ActionResult(action="reply", ok=True, platform_ref=created, at=_now())

    async def send_direct_message(
        self, interaction: Interaction, text: str, *, idempotency_key: str
    ) -> ActionResult:
        """A private mention (``visibility=direct``) of the author. A retry within the hour
        returns the same status through Idempotency-Key; private mentions are not looked up
        (they are not in any public thread to search)."""
        created = await self._post_status(
            {"status": _addressed(interaction, text), "visibility": "direct"}, idempotency_key
        )
        return ActionResult(action="direct_message", ok=True, platform_ref=created, at=_now())

    async def block(self, interaction: Interaction, *, idempotency_key: str) -> ActionResult:
        """Blocking an already blocked account succeeds (docs: "or account was already
        blocked"), so a retry needs no lookup."""
        author = interaction.author.id
        await self.request("POST", f"/api/v1/accounts/{_segment(author)}/block")
        return ActionResult(action="block", ok=True, platform_ref=author, at=_now())

    async def _post_status(self, form: Mapping[str, str], idempotency_key: str) -> str:
        response = await self.request(
            "POST",
            "/api/v1/statuses",
            data=form,
            headers={"Idempotency-Key": idempotency_key},
        )
        try:
            return _Created.model_validate_json(response.content).id
        except ValidationError:
            raise TransientError(f"{describe(response)}: answer is not a Status") from None

    async def _earlier_reply(self, target: str, status_text: str) -> str | None:
        """The account's own reply to ``target`` with the same words, if one exists."""
        wanted = without_leading_mentions(status_text)
        context = await self._context(target)
        for status in context.descendants:
            if (
                status.account.id == self.context.account
                and status.in_reply_to_id == target
                and without_leading_mentions(html_to_text(status.content)) == wanted
            ):
                return status.id
        return None

    async def _reply_visibility(self, interaction: Interaction) -> str:
        original = interaction.reply_context.get("visibility")
        if original is None:
            if interaction.kind is InteractionKind.DIRECT_MESSAGE:
                original = "direct"
            else:
                # An interaction built elsewhere: read the status rather than guess wider.
                original = (await self._status(interaction.external_id)).visibility
        if original == "public":
            return self.options.public_reply_visibility
        return original if original in KEPT_VISIBILITIES else "direct"

    # -- reading the API -----------------------------------------------------------------

    async def _context(self, status_id: str) -> MastodonContext:
        response = await self.request("GET", f"/api/v1/statuses/{_segment(status_id)}/context")
        try:
            return MastodonContext.model_validate_json(response.content)
        except ValidationError as err:
            raise TransientError(
                f"{describe(response)}: not a Context ({_first_error(err)})"
            ) from None

    async def _status(self, status_id: str) -> MastodonStatus:
        response = await self.request("GET", f"/api/v1/statuses/{_segment(status_id)}")
        try:
            return MastodonStatus.model_validate_json(response.content)
        except ValidationError as err:
            raise TransientError(
                f"{describe(response)}: not a Status ({_first_error(err)})"
            ) from None

    # -- building interactions -----------------------------------------------------------

    def _concerns_account(self, status: MastodonStatus) -> bool:
        """A status someone else wrote that mentions the account or answers one of its
        statuses (an admin webhook sees every local status of the instance)."""
        account = self.context.account
        if status.account.id == account or status.reblog is not None:
            return False
        mentioned = any(m.id == account for m in status.mentions)
        return mentioned or status.in_reply_to_account_id == account

    def _is_answer(self, status: MastodonStatus) -> bool:
        """The account's own status answering someone else (not a boost, not the next
        post of its own thread)."""
        account = self.context.account
        return (
            status.account.id == account
            and status.reblog is None
            and status.in_reply_to_id is not None
            and status.in_reply_to_account_id != account
        )

    def _answered(self, status: MastodonStatus, *, thread_id: str | None) -> ThreadEvent | None:
        if not self._is_answer(status) or status.in_reply_to_id is None:
            return None
        return ThreadEvent(
            kind=ThreadEventKind.ANSWERED,
            platform=self.platform,
            account=self.context.account,
            subject_id=status.in_reply_to_id,
            thread_id=thread_id,
            ref=status.id,
            author=_author(status),
            text=_status_text(status),
            at=status.created_at,
            detail=f"a reply by @{status.account.acct} on Mastodon ({status.visibility})",
        )

    def _interaction(
        self,
        status: MastodonStatus,
        *,
        raw: bytes,
        thread_id: str | None,
        received_at: datetime,
    ) -> Interaction:
        if status.visibility == "direct":
            kind = InteractionKind.DIRECT_MESSAGE
        elif status.in_reply_to_id is not None:
            kind = InteractionKind.REPLY
        else:
            kind = InteractionKind.MENTION
        return Interaction(
            id=Interaction.make_id(self.platform, self.context.account, status.id),
            platform=self.platform,
            account=self.context.account,
            external_id=status.id,
            kind=kind,
            author=_author(status),
            text=_status_text(status),
            language=status.language,
            thread_id=thread_id,
            parent_id=status.in_reply_to_id,
            post_id=thread_id,
            url=status.url or status.uri,
            created_at=status.created_at,
            received_at=received_at,
            attachments=tuple(
                Attachment(kind=media.type, url=media.url) for media in status.media_attachments
            ),
            raw_sha256=body_sha256(raw),
            # What a reply needs later: who to mention and which audience to keep.
            reply_context={"visibility": status.visibility, "acct": status.account.acct},
        )


# -- helpers -------------------------------------------------------------------------------


def _segment(value: str) -> str:
    """An id as one URL path segment (ids come from payloads: never let them add a path)."""
    return quote(value, safe="")


def _addressed(interaction: Interaction, text: str) -> str:
    """``@acct text``: Mastodon delivers a reply or private mention only to those it
    mentions, so the author is always named first (once)."""
    acct = (interaction.reply_context.get("acct") or interaction.author.handle).lstrip("@")
    mention = f"@{acct}"
    stripped = text.lstrip()
    if stripped == mention or stripped.startswith(mention + " ") or not acct:
        return stripped
    return f"{mention} {stripped}"


def _author(status: MastodonStatus) -> Author:
    account = status.account
    return Author(
        id=account.id,
        handle=account.acct,
        display_name=account.display_name,
        profile_url=account.url,
    )


def _webhook_event(request: WebhookRequest) -> MastodonWebhookEvent:
    try:
        return MastodonWebhookEvent.model_validate_json(request.body)
    except ValidationError as err:
        raise MalformedPayload(f"not a Mastodon webhook body: {_first_error(err)}") from None


def _webhook_status(event: MastodonWebhookEvent) -> MastodonStatus:
    try:
        return MastodonStatus.model_validate(event.object)
    except ValidationError as err:
        raise MalformedPayload(f"{event.event} object: {_first_error(err)}") from None


def _status_text(status: MastodonStatus) -> str:
    """The content as text, after its content warning when there is one."""
    text = html_to_text(status.content)
    warning = status.spoiler_text.strip()
    if warning:
        return f"{warning}\n\n{text}" if text else warning
    return text


def _notification_page(response: httpx.Response) -> list[tuple[MastodonNotification, bytes]]:
    """The notifications of one page with their canonical bytes. One entry that is not a
    Notification is skipped with a warning (retrying would fetch it again forever); a body
    that is not a JSON array is a transient fault (a proxy page, a cut answer)."""
    try:
        items = response.json()
    except ValueError:
        raise TransientError(f"{describe(response)}: answer is not JSON") from None
    if not isinstance(items, list):
        raise TransientError(f"{describe(response)}: answer is not a list of notifications")
    page: list[tuple[MastodonNotification, bytes]] = []
    for item in items:
        try:
            page.append((MastodonNotification.model_validate(item), _canonical(item)))
        except ValidationError as err:
            ident = item.get("id") if isinstance(item, dict) else None
            log.warning("mastodon.notification.unreadable", id=ident, error=_first_error(err))
    return page


def _status_page(response: httpx.Response) -> list[MastodonStatus]:
    """The statuses of one page of an account's statuses; like :func:`_notification_page`,
    one unreadable entry is skipped with a warning and a body that is not a list is
    transient."""
    try:
        items = response.json()
    except ValueError:
        raise TransientError(f"{describe(response)}: answer is not JSON") from None
    if not isinstance(items, list):
        raise TransientError(f"{describe(response)}: answer is not a list of statuses")
    page: list[MastodonStatus] = []
    for item in items:
        try:
            page.append(MastodonStatus.model_validate(item))
        except ValidationError as err:
            ident = item.get("id") if isinstance(item, dict) else None
            log.warning("mastodon.status.unreadable", id=ident, error=_first_error(err))
    return page


def _error_text(response: httpx.Response) -> str:
    """``error`` (and ``error_description``) of Mastodon's Error entity, shortened."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    parts: Iterable[Any] = (body.get("error"), body.get("error_description"))
    return " — ".join(p for p in parts if isinstance(p, str) and p)[:200]


def _entity(model: type[E], response: httpx.Response, what: str) -> E:
    try:
        return model.model_validate_json(response.content)
    except ValidationError as err:
        raise TransientError(f"{describe(response)}: not {what} ({_first_error(err)})") from None


def _first_error(err: ValidationError) -> str:
    first = err.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "body"
    return f"{where}: {first['msg']}"
