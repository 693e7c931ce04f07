"""The X (Twitter) connector: Account Activity API webhooks or mention polling in, API v2 out.

Inbound:
    * webhook (Account Activity API, Pro/Enterprise): the CRC handshake, the
      ``x-twitter-webhooks-signature`` check and ``tweet_create_events`` (mentions and replies)
      plus ``direct_message_events`` (DMs received);
    * poll (any paid tier): ``GET /2/users/:id/mentions`` with ``since_id``; the cursor is the
      newest Post id seen.

Outbound (OAuth 2.0 user-context bearer token of the account): reply (``POST /2/tweets``),
hide/unhide a reply (``PUT /2/tweets/:id/hidden``), block (``POST /2/users/:id/blocking``,
Enterprise only, or muting with ``block_mode = "mute"``) and direct messages
(``POST /2/dm_conversations/with/:participant_id/messages``). Deleting is not offered: X only
lets an account delete its own Posts.
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal, TypeVar

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
    MalformedPayload,
    NotFound,
    TransientError,
)
from connecteurs.http import HttpConnecteur, describe
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
from connecteurs.signatures import check_prefixed, hmac_sha256_b64
from connecteurs.x import erreurs
from connecteurs.x.payloads import (
    ActivityPayload,
    CreatedDmBody,
    CreatedTweetBody,
    DmEvent,
    DmEventPage,
    DmUser,
    MeBody,
    SubscriptionBody,
    TweetPage,
    V1Tweet,
    V2Tweet,
    V2User,
    WebhookList,
)
from connecteurs.x.texte import same_text

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)

API_BASE = "https://api.x.com"
SIGNATURE_HEADER = "x-twitter-webhooks-signature"
SIGNATURE_PREFIX = "sha256="
#: ``created_at`` of the v1.1 objects the Account Activity API delivers.
V1_TIME_FORMAT = "%a %b %d %H:%M:%S %z %Y"
#: Fields the poll asks for (the brief's list, plus ``lang`` for the classifier).
MENTION_FIELDS = "created_at,conversation_id,in_reply_to_user_id,referenced_tweets,author_id,lang"
PAGE_SIZE = 100

DOCUMENTATION = (
    "https://docs.x.com/x-api/webhooks/introduction",
    "https://developer.x.com/en/docs/x-api/enterprise/account-activity-api/guides/securing-webhooks",
    "https://docs.x.com/x-api/account-activity/introduction",
    "https://docs.x.com/x-api/posts/manage-tweets/integrate",
    "https://docs.x.com/x-api/posts/hide-replies/quickstart",
    "https://docs.x.com/x-api/posts/timelines/quickstart/user-mention-quickstart",
    "https://docs.x.com/x-api/direct-messages/manage/quickstart",
    "https://docs.x.com/x-api/direct-messages/lookup/integrate",
    "https://docs.x.com/x-api/users/blocks/introduction",
    "https://docs.x.com/x-api/users/mutes/quickstart/manage-mutes-quickstart",
    "https://docs.x.com/x-api/fundamentals/response-codes-and-errors",
    "https://docs.x.com/x-api/fundamentals/rate-limits",
    "https://docs.x.com/x-api/users/user-lookup-me",
    "https://docs.x.com/x-api/account-activity/validate-subscription",
    "https://docs.x.com/x-api/webhooks/introduction",
    "https://docs.x.com/x-api/direct-messages/lookup/integrate",
)

#: OAuth 2.0 scopes of the user token, per action (``block.write`` or ``mute.write`` as
#: ``block_mode`` says).
SCOPES = (
    "tweet.read",
    "users.read",
    "tweet.write",
    "tweet.moderate.write",
    "dm.read",
    "dm.write",
)

REAUTHORIZE = (
    "Renew the secret access_token: have the account authorize the app again (OAuth 2.0 "
    "Authorization Code with PKCE) with the scopes tweet.read, users.read, tweet.write, "
    "tweet.moderate.write, dm.read, dm.write and block.write (or mute.write with "
    "block_mode = mute); user tokens last two hours unless offline.access lets them be "
    "refreshed. consumer_secret (webhook signatures and CRC) and the app-only bearer_token "
    "are under X Developer Portal → Projects & Apps → your app → Keys and tokens; if the "
    "webhook was marked invalid, re-validate it (PUT /2/webhooks/:id) and subscribe the "
    "account again (POST /2/account_activity/webhooks/:id/subscriptions/all)."
)


class XOptions(ConnecteurOptions):
    block_mode: Literal["block", "mute"] = Field(
        default="block",
        description=(
            "'block' calls POST /2/users/:id/blocking, which X reserves to the Enterprise plan; "
            "'mute' calls POST /2/users/:id/muting, available on every plan (the author can "
            "still see and answer the account, the account no longer sees them)."
        ),
    )
    reply_lookup: bool = Field(
        default=True,
        description=(
            "Before replying or sending a DM, read the account's recent Posts (or the DM "
            "conversation) for the same text, so a retried step does not post twice. Costs "
            "one read per action."
        ),
    )
    webhook_id: str | None = Field(
        default=None,
        pattern=r"^[0-9]{1,19}$",
        description=(
            "The Account Activity webhook config this account is subscribed to (the id POST "
            "/2/webhooks answered, or GET /2/webhooks lists). check_health then checks the "
            "account's subscription and, with the bearer_token secret, that X still marks "
            "the webhook valid. Leave unset for an account that only polls."
        ),
    )
    poll_max_pages: int = Field(
        default=5,
        ge=1,
        le=50,
        description="Pages of 100 mentions read per poll when more arrived since the last one.",
    )


def crc_response_token(consumer_secret: str, crc_token: str) -> str:
    """``sha256=<base64 HMAC-SHA256(consumer secret, crc_token)>`` (Securing webhooks)."""
    return SIGNATURE_PREFIX + hmac_sha256_b64(consumer_secret, crc_token.encode())


def sign_body(consumer_secret: str, body: bytes) -> str:
    """The ``x-twitter-webhooks-signature`` X sends with ``body``."""
    return SIGNATURE_PREFIX + hmac_sha256_b64(consumer_secret, body)


def crc_answer(consumer_secret: str, crc_token: str) -> bytes:
    return json.dumps({"response_token": crc_response_token(consumer_secret, crc_token)}).encode()


def _first_error(err: ValidationError) -> str:
    first = err.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "body"
    return f"{where}: {first['msg']}"


def _canonical(raw: Any) -> bytes:
    return json.dumps(raw, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _v1_author(tweet: V1Tweet) -> Author:
    handle = tweet.user.screen_name or tweet.user.id_str
    return Author(
        id=tweet.user.id_str,
        handle=handle,
        display_name=tweet.user.name,
        profile_url=f"https://x.com/{handle}" if tweet.user.screen_name else None,
    )


def _v1_time(tweet: V1Tweet) -> datetime:
    """``created_at`` of a v1.1 Post (``Wed Oct 10 20:19:24 +0000 2018``)."""
    try:
        return datetime.strptime(tweet.created_at, V1_TIME_FORMAT)
    except ValueError:
        raise MalformedPayload(
            f"tweet {tweet.id_str}: created_at {tweet.created_at[:40]!r} is not X's format"
        ) from None


def _language(lang: str | None) -> str | None:
    # X says "und" when it cannot tell, and "qme"/"zxx" for media-only Posts.
    return None if lang in (None, "", "und", "qme", "qht", "zxx") else lang


def dm_conversation_id(user_a: str, user_b: str) -> str:
    """A one-to-one DM conversation's id: ``{smaller_user_id}-{larger_user_id}``."""
    low, high = sorted((user_a, user_b), key=int)
    return f"{low}-{high}"


CRC_TOKEN = re.compile(r"[A-Za-z0-9+/=_-]{1,256}")


class XConnecteur(HttpConnecteur):
    manifest: ClassVar[Manifest] = Manifest(
        name="x",
        platform=Platform.X,
        version="0.1.0",
        capabilities=frozenset(
            {
                Capability.WEBHOOK,
                Capability.POLL,
                Capability.REPLY,
                Capability.HIDE,
                Capability.UNHIDE,
                Capability.BLOCK,
                Capability.DIRECT_MESSAGE,
            }
        ),
        options_model=XOptions,
        secrets=("consumer_secret", "access_token", "bearer_token"),
        reply_lookup=True,
        documentation=DOCUMENTATION,
        reauthorize=REAUTHORIZE,
    )
    default_base_url: ClassVar[str] = API_BASE

    def __init__(self, context: AccountContext, *, http: httpx.AsyncClient | None = None) -> None:
        super().__init__(context, http=http)
        options = context.options
        self.options = options if isinstance(options, XOptions) else XOptions()

    @property
    def account(self) -> str:
        return self.context.account

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.context.secret('access_token')}"}

    def error_for(self, response: httpx.Response) -> ConnecteurError | None:
        return erreurs.error_for(response)

    # -- inbound: webhook ----------------------------------------------------------------

    @classmethod
    def accounts_in(cls, request: WebhookRequest) -> tuple[str, ...]:
        """One webhook serves every subscribed account; ``for_user_id`` says which."""
        try:
            raw = json.loads(request.body)
        except ValueError:
            return ()
        user = raw.get("for_user_id") if isinstance(raw, dict) else None
        return (user,) if isinstance(user, str) and user else ()

    async def handshake(self, request: WebhookRequest) -> WebhookResponse | None:
        """The Challenge-Response Check: X GETs ``?crc_token=…`` at registration and then
        regularly; the answer must be the JSON ``response_token`` within 3 seconds."""
        if request.method != "GET":
            return None
        crc_token = request.query.get("crc_token")
        if not crc_token:
            raise HandshakeRefused("GET without crc_token is not an X Challenge-Response Check")
        # The CRC answer is the HMAC the deliveries are signed with: answering for any text
        # would sign forged bodies. X's tokens are short opaque strings; a JSON body is not.
        if not CRC_TOKEN.fullmatch(crc_token):
            raise HandshakeRefused("crc_token is not an opaque token X would send")
        body = crc_answer(self.context.secret("consumer_secret"), crc_token)
        return WebhookResponse(status=200, content_type="application/json", body=body)

    async def verify(self, request: WebhookRequest) -> None:
        expected = sign_body(self.context.secret("consumer_secret"), request.body)
        check_prefixed(
            request.header(SIGNATURE_HEADER),
            SIGNATURE_HEADER,
            SIGNATURE_PREFIX,
            expected[len(SIGNATURE_PREFIX) :],
        )

    async def parse(self, request: WebhookRequest) -> list[Interaction]:
        payload = self._activity(request.body)
        if not payload.tweet_create_events and not payload.direct_message_events:
            return []  # likes, follows, typing, deletions, revokes: not interactions
        if payload.for_user_id is None:
            raise MalformedPayload("account activity events without for_user_id")
        if payload.for_user_id != self.account:
            # The same webhook serves every subscribed account; this copy is another's.
            return []
        now = datetime.now(UTC)
        digest = body_sha256(request.body)
        found: list[Interaction] = []
        for tweet in payload.tweet_create_events:
            item = self._from_activity_tweet(tweet, now, digest)
            if item is not None:
                found.append(item)
        for event in payload.direct_message_events:
            dm = self._from_dm_event(event, payload.users, now, digest)
            if dm is not None:
                found.append(dm)
        return found

    def _activity(self, body: bytes) -> ActivityPayload:
        try:
            raw = json.loads(body)
        except ValueError as err:  # JSONDecodeError and UnicodeDecodeError
            raise MalformedPayload(f"body is not JSON: {type(err).__name__}") from None
        if not isinstance(raw, dict):
            raise MalformedPayload(f"body must be a JSON object, got {type(raw).__name__}")
        try:
            return ActivityPayload.model_validate(raw)
        except ValidationError as err:
            raise MalformedPayload(
                f"not an Account Activity payload: {_first_error(err)}"
            ) from None

    async def parse_events(self, request: WebhookRequest) -> list[ThreadEvent]:
        """What an Account Activity delivery says happened to Posts already received.

        * ``tweet_create_events``: the account's own reply (``user.id_str`` = ``for_user_id``,
          with ``in_reply_to_status_id_str``) is ANSWERED; an edited version of someone's Post
          (``edit_history.initial_tweet_id`` is not its own id: each edit is a new Post) is
          EDITED on the original, with the new text.
        * ``tweet_delete_events``: someone's Post deleted is DELETED (the account's own
          deletions are not news).

        Raises:
            MalformedPayload: the body is not an Account Activity payload.
        """
        payload = self._activity(request.body)
        if not payload.tweet_create_events and not payload.tweet_delete_events:
            return []
        if payload.for_user_id is None:
            raise MalformedPayload("account activity events without for_user_id")
        if payload.for_user_id != self.account:
            return []
        found: list[ThreadEvent] = []
        now, digest = datetime.now(UTC), body_sha256(request.body)
        for tweet in payload.tweet_create_events:
            event = self._event_from_activity_tweet(tweet, now, digest)
            if event is not None:
                found.append(event)
        for deletion in payload.tweet_delete_events:
            if deletion.status.user_id == self.account:
                continue  # the account deleting its own Post
            found.append(
                self.thread_event(
                    ThreadEventKind.DELETED,
                    subject=deletion.status.id,
                    at=datetime.fromtimestamp(int(deletion.timestamp_ms) / 1000, UTC),
                    detail="tweet_delete_events",
                )
            )
        return found

    def _event_from_activity_tweet(
        self, tweet: V1Tweet, now: datetime, digest: str
    ) -> ThreadEvent | None:
        if tweet.retweeted_status is not None:
            return None  # a repost carries no words of its own
        at = _v1_time(tweet)  # read first: a Post in X's shape has one, whoever wrote it
        parent = tweet.in_reply_to_status_id_str or None
        original = tweet.edited_from
        if tweet.user.id_str == self.account:
            if parent is None or original is not None:
                return None  # a Post of its own, or an edit of its earlier answer
            if tweet.in_reply_to_user_id_str == self.account:
                return None  # the account continuing its own thread
            # parse gives a reply the Post it answers as thread_id (the v1.1 objects carry
            # no conversation id), so the answered Post is both subject and thread.
            return self.thread_event(
                ThreadEventKind.ANSWERED,
                subject=parent,
                thread=parent,
                ref=tweet.id_str,
                author=_v1_author(tweet),
                text=html.unescape(tweet.body),
                at=at,
                detail="tweet_create_events by the account",
            )
        if original is None:
            return None  # a new Post: parse's business
        return self.thread_event(
            ThreadEventKind.EDITED,
            subject=original,
            thread=parent,
            ref=tweet.id_str,
            author=_v1_author(tweet),
            text=html.unescape(tweet.body),
            at=at,
            detail=f"tweet_create_events edit_history.initial_tweet_id={original}",
            # Edited to add the mention, the original never reached us: then it is news.
            fallback=self._from_activity_tweet(tweet, now, digest, edited=True),
        )

    def _from_activity_tweet(
        self, tweet: V1Tweet, now: datetime, digest: str, *, edited: bool = False
    ) -> Interaction | None:
        if tweet.user.id_str == self.account:
            return None  # the account's own Post, or the echo of our reply
        if tweet.retweeted_status is not None:
            return None  # a repost carries no words of its own
        if tweet.edited_from is not None and not edited:
            return None  # an edit of a Post already received: an EDITED thread event
        created = _v1_time(tweet)
        parent = tweet.in_reply_to_status_id_str or None
        author = _v1_author(tweet)
        return Interaction(
            id=Interaction.make_id(self.platform, self.account, tweet.id_str),
            platform=self.platform,
            account=self.account,
            external_id=tweet.id_str,
            kind=self._tweet_kind(tweet.in_reply_to_user_id_str),
            author=author,
            # X escapes &, < and > in Post text.
            text=html.unescape(tweet.body),
            language=_language(tweet.lang),
            # The v1.1 objects carry no conversation_id: the direct parent is the best root
            # the delivery knows (polling sees the real conversation id).
            thread_id=parent,
            parent_id=parent,
            post_id=parent,
            url=f"https://x.com/{author.handle}/status/{tweet.id_str}",
            created_at=created,
            received_at=now,
            raw_sha256=digest,
        )

    def _tweet_kind(self, in_reply_to_user: str | None) -> InteractionKind:
        return (
            InteractionKind.REPLY if in_reply_to_user == self.account else InteractionKind.MENTION
        )

    def _from_dm_event(
        self, event: DmEvent, users: Mapping[str, DmUser], now: datetime, digest: str
    ) -> Interaction | None:
        message = event.message_create
        if event.type != "message_create" or message is None:
            return None
        if message.sender_id == self.account or message.target.recipient_id != self.account:
            return None  # sent by the account (our own DMs are delivered too)
        sender = message.sender_id
        user = users.get(sender)
        handle = (user.screen_name if user else "") or sender
        conversation = dm_conversation_id(sender, self.account)
        return Interaction(
            id=Interaction.make_id(self.platform, self.account, event.id),
            platform=self.platform,
            account=self.account,
            external_id=event.id,
            kind=InteractionKind.DIRECT_MESSAGE,
            author=Author(
                id=sender,
                handle=handle,
                display_name=user.name if user else "",
                profile_url=f"https://x.com/{handle}" if user and user.screen_name else None,
            ),
            text=message.message_data.text,
            created_at=datetime.fromtimestamp(int(event.created_timestamp) / 1000, UTC),
            received_at=now,
            raw_sha256=digest,
            reply_context={"dm_conversation_id": conversation},
        )

    # -- inbound: poll -------------------------------------------------------------------

    async def poll(self, cursor: str | None) -> PollResult:
        """Mentions newer than ``cursor`` (the newest Post id seen); the first poll returns
        the latest page. With a ``since_id`` X pages back to it, up to ``poll_max_pages``."""
        if cursor is not None and not _is_id(cursor):
            raise InvalidRequest(f"poll cursor {cursor[:30]!r} is not a Post id")
        params: dict[str, str] = {
            "tweet.fields": MENTION_FIELDS,
            "expansions": "author_id",
            "user.fields": "username,name",
            "max_results": str(PAGE_SIZE),
        }
        if cursor is not None:
            params["since_id"] = cursor
        pages = 1 if cursor is None else self.options.poll_max_pages
        now = datetime.now(UTC)
        newest: str | None = None
        found: dict[str, Interaction] = {}
        edits: dict[str, ThreadEvent] = {}
        for _ in range(pages):
            raw, page = await self._timeline(f"/2/users/{self.account}/mentions", params)
            newest = newest or page.meta.newest_id
            users = {u.id: u for u in page.includes.users}
            for raw_tweet, tweet in zip(raw, page.data, strict=True):
                edit = self._edit_from_v2_tweet(tweet, users, now, _canonical(raw_tweet))
                if edit is not None:
                    edits[edit.key] = edit
                    continue
                item = self._from_v2_tweet(tweet, users, now, _canonical(raw_tweet))
                if item is not None:
                    found[item.external_id] = item
            if not page.meta.next_token or cursor is None:
                break
            params["pagination_token"] = page.meta.next_token
        else:
            log.warning(
                "x poll of account %s stopped after %d pages; older mentions were skipped",
                self.account,
                pages,
            )
        ordered = sorted(found.values(), key=lambda i: int(i.external_id))
        changes = sorted(edits.values(), key=lambda e: int(e.ref or 0))
        return PollResult(
            interactions=tuple(ordered), cursor=newest or cursor, events=tuple(changes)
        )

    async def _timeline(self, path: str, params: Mapping[str, str]) -> tuple[list[Any], TweetPage]:
        response = await self.request("GET", path, params=params)
        body = self._json(response)
        page = self._model(TweetPage, body, response)
        raw = body.get("data") if isinstance(body, dict) else None
        return (raw if isinstance(raw, list) else []), page

    def _edit_from_v2_tweet(
        self, tweet: V2Tweet, users: Mapping[str, V2User], now: datetime, raw: bytes
    ) -> ThreadEvent | None:
        """An edited version of someone's mention (``edit_history_tweet_ids`` starts with
        another id): EDITED on the original, which polling returned as the interaction."""
        original = tweet.edited_from
        if original is None or tweet.author_id is None or tweet.author_id == self.account:
            return None
        if tweet.referenced("retweeted") is not None:
            return None
        user = users.get(tweet.author_id)
        handle = (user.username if user else "") or tweet.author_id
        conversation = tweet.conversation_id
        thread = conversation if conversation not in (None, tweet.id, original) else None
        return self.thread_event(
            ThreadEventKind.EDITED,
            subject=original,
            thread=thread,
            ref=tweet.id,
            author=Author(
                id=tweet.author_id,
                handle=handle,
                display_name=user.name if user else "",
                profile_url=f"https://x.com/{handle}" if user and user.username else None,
            ),
            text=html.unescape(tweet.text),
            at=tweet.created_at or now,
            detail=f"mentions edit_history_tweet_ids[0]={original}",
            fallback=self._from_v2_tweet(tweet, users, now, raw),
        )

    def _from_v2_tweet(
        self, tweet: V2Tweet, users: Mapping[str, V2User], now: datetime, raw: bytes
    ) -> Interaction | None:
        if tweet.author_id is None or tweet.author_id == self.account:
            return None
        if tweet.referenced("retweeted") is not None:
            return None
        user = users.get(tweet.author_id)
        handle = (user.username if user else "") or tweet.author_id
        conversation = tweet.conversation_id
        thread = conversation if conversation and conversation != tweet.id else None
        return Interaction(
            id=Interaction.make_id(self.platform, self.account, tweet.id),
            platform=self.platform,
            account=self.account,
            external_id=tweet.id,
            kind=self._tweet_kind(tweet.in_reply_to_user_id),
            author=Author(
                id=tweet.author_id,
                handle=handle,
                display_name=user.name if user else "",
                profile_url=f"https://x.com/{handle}" if user and user.username else None,
            ),
            text=html.unescape(tweet.text),
            language=_language(tweet.lang),
            thread_id=thread,
            parent_id=tweet.referenced("replied_to"),
            post_id=thread,
            url=f"https://x.com/{handle}/status/{tweet.id}",
            created_at=tweet.created_at or now,
            received_at=now,
            raw_sha256=body_sha256(raw),
        )

    # -- outbound ------------------------------------------------------------------------

    async def reply(
        self, interaction: Interaction, text: str, *, idempotency_key: str
    ) -> ActionResult:
        """A reply Post under the interaction; a DM is answered by DM.

        A retried step first reads the account's Posts newer than the target
        (``GET /2/users/:id/tweets?since_id=<target>``) for one that replies to it with the same
        text, and returns it instead of posting again. Limits: X has no client key or hidden
        marker on a Post, so the match is on text (normalised: leading @handles, HTML escapes,
        t.co links); only the newest 100 Posts since the target are read; a Post made a moment
        ago may not be in the timeline yet; the same text sent twice on purpose to the same
        Post is posted once. ``reply_lookup = false`` turns the read off (and its cost on
        pay-per-use plans).
        """
        if interaction.kind is InteractionKind.DIRECT_MESSAGE:
            return await self.send_direct_message(
                interaction, text, idempotency_key=idempotency_key
            )
        target = self._tweet_id(interaction)
        if self.options.reply_lookup:
            earlier = await self._earlier_reply(target, text)
            if earlier is not None:
                return ActionResult(action="reply", ok=True, platform_ref=earlier)
        response = await self.request(
            "POST", "/2/tweets", json={"text": text, "reply": {"in_reply_to_tweet_id": target}}
        )
        created = self._model(CreatedTweetBody, self._json(response), response)
        return ActionResult(action="reply", ok=True, platform_ref=created.data.id)

    async def _earlier_reply(self, target: str, text: str) -> str | None:
        params = {
            "since_id": target,
            "max_results": str(PAGE_SIZE),
            "tweet.fields": "referenced_tweets,created_at",
            "exclude": "retweets",
        }
        _, page = await self._timeline(f"/2/users/{self.account}/tweets", params)
        for tweet in page.data:
            if tweet.referenced("replied_to") == target and same_text(tweet.text, text):
                return tweet.id
        return None

    async def send_direct_message(
        self, interaction: Interaction, text: str, *, idempotency_key: str
    ) -> ActionResult:
        """A one-to-one DM to the interaction's author; a retried step first reads the
        conversation for a message the account sent with the same text since the interaction."""
        participant = interaction.author.id
        if not _is_id(participant):
            raise InvalidRequest(f"author id {participant[:30]!r} is not an X user id")
        path = f"/2/dm_conversations/with/{participant}"
        if self.options.reply_lookup:
            earlier = await self._earlier_dm(path, interaction.created_at, text)
            if earlier is not None:
                return ActionResult(action="direct_message", ok=True, platform_ref=earlier)
        response = await self.request("POST", f"{path}/messages", json={"text": text})
        created = self._model(CreatedDmBody, self._json(response), response)
        return ActionResult(action="direct_message", ok=True, platform_ref=created.data.dm_event_id)

    async def _earlier_dm(self, path: str, since: datetime, text: str) -> str | None:
        params = {
            "dm_event.fields": "id,text,sender_id,created_at",
            "event_types": "MessageCreate",
            "max_results": str(PAGE_SIZE),
        }
        response = await self.request("GET", f"{path}/dm_events", params=params)
        page = self._model(DmEventPage, self._json(response), response)
        for event in page.data:
            if (
                event.sender_id == self.account
                and (event.created_at is None or event.created_at >= since)
                and same_text(event.text, text)
            ):
                return event.id
        return None

    async def hide(self, interaction: Interaction, *, idempotency_key: str) -> ActionResult:
        return await self._set_hidden(interaction, hidden=True)

    async def unhide(self, interaction: Interaction, *, idempotency_key: str) -> ActionResult:
        return await self._set_hidden(interaction, hidden=False)

    async def _set_hidden(self, interaction: Interaction, *, hidden: bool) -> ActionResult:
        """Only replies in a conversation the account started can be hidden; setting the
        same flag twice is harmless, so a retry needs no lookup."""
        action = "hide" if hidden else "unhide"
        if interaction.kind is InteractionKind.DIRECT_MESSAGE:
            raise InvalidRequest(f"X cannot {action} a direct message")
        target = self._tweet_id(interaction)
        response = await self.request("PUT", f"/2/tweets/{target}/hidden", json={"hidden": hidden})
        self._model(_HiddenBody, self._json(response), response)
        return ActionResult(action=action, ok=True, platform_ref=target)

    async def block(self, interaction: Interaction, *, idempotency_key: str) -> ActionResult:
        """Block (Enterprise plan) or mute the author, as ``block_mode`` says; both are
        idempotent on X's side."""
        author = interaction.author.id
        if not _is_id(author):
            raise InvalidRequest(f"author id {author[:30]!r} is not an X user id")
        verb = "blocking" if self.options.block_mode == "block" else "muting"
        response = await self.request(
            "POST", f"/2/users/{self.account}/{verb}", json={"target_user_id": author}
        )
        self._json(response)
        return ActionResult(action="block", ok=True, platform_ref=f"{verb}:{author}")

    # -- health --------------------------------------------------------------------------

    async def check_health(self) -> ChannelCheck:
        """Reads only, with the account's token unless said otherwise:

        * ``GET /2/users/me``: the token works and is this account's (a 401 is an
          AuthError; a 403 means it lacks ``tweet.read``/``users.read``, also an AuthError);
        * ``GET /2/dm_events?max_results=1``: a 403 means ``dm.read`` is missing (DM
          answers look up the conversation first), reported in ``scopes_missing``;
        * with ``options.webhook_id``: ``GET /2/account_activity/webhooks/:id/subscriptions/
          all`` (is the account still subscribed) and, with the ``bearer_token`` secret
          (app-only), ``GET /2/webhooks`` (does X still mark the webhook ``valid``: it stops
          delivering after failed CRC checks).

        X has no token introspection: ``token_expires_at`` stays unknown and only the scopes
        a read can reveal are reported.
        """
        notes: list[str] = []
        response = await self._health_get("/2/users/me")
        if response.status_code == 403:
            # A plain "Forbidden" is a missing scope; client-forbidden and the like name
            # the app's access (project, plan) instead.
            plain = not erreurs.problem_kinds(response) & erreurs.AUTH_KINDS
            hint = "; the token lacks tweet.read or users.read" if plain else ""
            raise AuthError(f"{describe(response)}: {self._problem_text(response)}{hint}")
        me = self._model(MeBody, self._json(response), response).data
        if me.id != self.account:
            return ChannelCheck(
                token_valid=False,
                detail=f"the token is user {me.id} (@{me.username}), not account {self.account}",
            )
        missing: list[str] = []
        probe = await self._health_get(
            "/2/dm_events", {"max_results": "1", "event_types": "MessageCreate"}
        )
        if probe.status_code == 403:
            kinds = erreurs.problem_kinds(probe)
            if kinds & erreurs.AUTH_KINDS:
                notes.append(f"direct messages unavailable: {self._problem_text(probe)}")
            else:
                missing.append("dm.read")
        subscribed = await self._subscription(notes)
        return ChannelCheck(
            token_valid=True,
            scopes_missing=tuple(missing),
            subscription_active=subscribed,
            detail="; ".join(notes),
        )

    async def _subscription(self, notes: list[str]) -> bool | None:
        webhook = self.options.webhook_id
        if webhook is None:
            return None
        path = f"/2/account_activity/webhooks/{webhook}/subscriptions/all"
        try:
            response = await self.request("GET", path)
        except NotFound:
            notes.append(f"webhook {webhook} is unknown to X")
            return False
        subscribed = self._model(SubscriptionBody, self._json(response), response).data.subscribed
        if not subscribed:
            notes.append(f"the account is not subscribed to webhook {webhook}")
        app_token = self.context.secrets.get("bearer_token")
        if not app_token:
            return subscribed
        listing = await self.request(
            "GET",
            "/2/webhooks",
            params={"webhook_config.fields": "id,url,valid"},
            headers={"Authorization": f"Bearer {app_token}"},
        )
        configs = self._model(WebhookList, self._json(listing), listing).data
        config = next((c for c in configs if c.id == webhook), None)
        if config is None:
            notes.append(f"webhook {webhook} is not among the app's webhooks")
            return False
        if config.valid is False:
            notes.append(f"X marks webhook {webhook} invalid (failed CRC checks)")
            return False
        return subscribed

    async def _health_get(
        self, path: str, params: Mapping[str, str] | None = None
    ) -> httpx.Response:
        """A GET whose 403 is returned for the caller to read; other failures raise."""
        try:
            response = await self.http.request(
                "GET", f"{self.base_url}{path}", params=params, headers=self.auth_headers()
            )
        except httpx.TimeoutException:
            raise TransientError(f"GET {path}: timed out") from None
        except httpx.TransportError as err:
            raise TransientError(f"GET {path}: {type(err).__name__}") from None
        if response.status_code == 403:
            return response
        error = self.error_for(response)
        if error is not None:
            raise error
        return response

    @staticmethod
    def _problem_text(response: httpx.Response) -> str:
        return erreurs.detail_of(response) or "Forbidden"

    # -- helpers -------------------------------------------------------------------------

    def _tweet_id(self, interaction: Interaction) -> str:
        if not _is_id(interaction.external_id):
            raise InvalidRequest(f"{interaction.id} does not name an X Post")
        return interaction.external_id

    @staticmethod
    def _json(response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            raise InvalidRequest(f"{describe(response)}: answer is not JSON") from None

    @staticmethod
    def _model(model: type[M], body: Any, response: httpx.Response) -> M:
        try:
            return model.model_validate(body)
        except ValidationError as err:
            raise InvalidRequest(
                f"{describe(response)}: unexpected answer ({_first_error(err)})"
            ) from None


class _HiddenBody(BaseModel):
    data: dict[str, bool]


def _is_id(value: str) -> bool:
    return value.isascii() and value.isdigit() and 0 < len(value) <= len("18446744073709551615")


__all__ = [
    "XConnecteur",
    "XOptions",
    "crc_answer",
    "crc_response_token",
    "sign_body",
]
