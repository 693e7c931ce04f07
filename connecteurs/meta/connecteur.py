"""Meta Graph API connector: Facebook Pages (comments, Messenger) and Instagram professional
accounts (comments, mentions, messages) behind one app webhook.

One instance serves one account: a page id (``platform = "facebook"``) or an Instagram
professional account id (``platform = "instagram"``). Meta sends the events of every page
and account of an app to one URL; :meth:`MetaConnecteur.accounts_in` reads ``entry[].id`` so
the gateway can pick the account, and :meth:`MetaConnecteur.parse` keeps only the entries
whose id is this account's.

Every call authenticates with ``Authorization: Bearer <access token>`` (a page token, which
also serves the Instagram account linked to the page), never with ``access_token`` in the
URL. Graph errors are read from the body (see :mod:`connecteurs.meta.erreurs`).

Block is a Facebook page feature (``POST /{page-id}/blocked``); Instagram has no block API,
so ``block`` raises :class:`~connecteurs.errors.UnsupportedAction` for an Instagram account
although the manifest (shared by both platforms) declares it.
"""

from __future__ import annotations

import contextlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, Field, ValidationError

from connecteurs.base import (
    Capability,
    ConnecteurOptions,
    Manifest,
    WebhookRequest,
    WebhookResponse,
)
from connecteurs.errors import (
    ConnecteurError,
    HandshakeRefused,
    InvalidRequest,
    MalformedPayload,
    NotFound,
    TransientError,
    UnsupportedAction,
)
from connecteurs.http import HttpConnecteur, describe, error_for_status
from connecteurs.meta import sante
from connecteurs.meta.erreurs import error_for_graph, graph_error
from connecteurs.meta.payloads import (
    Change,
    Entry,
    FeedComment,
    FeedCommentChange,
    FeedValue,
    IgComment,
    IgMention,
    MessagingEvent,
    Notification,
)
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
from connecteurs.redaction import redact_query_parameters
from connecteurs.signatures import check_prefixed, hmac_sha256_hex

M = TypeVar("M", bound=BaseModel)

# debug_token takes the inspected token in the query string: keep it out of httpx's log.
redact_query_parameters("input_token")

SIGNATURE_HEADER = "X-Hub-Signature-256"
#: Webhook ``object`` per platform of the account.
OBJECT_OF = {Platform.FACEBOOK: "page", Platform.INSTAGRAM: "instagram"}
#: Lookups read one page of the latest replies; a retry comes minutes after its first try.
LOOKUP_LIMIT = 100
UNKNOWN_AUTHOR = "unknown"
#: Page ``feed`` verbs about a comment already posted, and what they are to its thread
#: (the Page reference documents both spellings of edit and of removal).
FEED_EVENTS = {
    "edited": ThreadEventKind.EDITED,
    "edit": ThreadEventKind.EDITED,
    "remove": ThreadEventKind.DELETED,
    "delete": ThreadEventKind.DELETED,
    "hide": ThreadEventKind.HIDDEN,
    "unhide": ThreadEventKind.UNHIDDEN,
}

DOCUMENTATION = (
    "https://developers.facebook.com/docs/graph-api/webhooks/getting-started",
    "https://developers.facebook.com/docs/graph-api/webhooks/reference/page/#feed",
    "https://developers.facebook.com/docs/messenger-platform/webhooks",
    "https://developers.facebook.com/docs/instagram-platform/webhooks",
    "https://developers.facebook.com/docs/graph-api/guides/error-handling",
    "https://developers.facebook.com/docs/graph-api/overview/rate-limiting",
    "https://developers.facebook.com/docs/graph-api/reference/comment",
    "https://developers.facebook.com/docs/graph-api/reference/page/blocked/",
    "https://developers.facebook.com/docs/messenger-platform/send-api-reference",
    "https://developers.facebook.com/docs/messenger-platform/discovery/private-replies",
    "https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-comment/replies",
    "https://developers.facebook.com/docs/instagram-platform/comment-moderation",
    "https://developers.facebook.com/docs/instagram-platform/instagram-api-with-facebook-login/mentions",
    "https://developers.facebook.com/docs/facebook-login/access-tokens/debugging-and-error-handling",
    "https://developers.facebook.com/docs/graph-api/reference/debug_token",
    "https://developers.facebook.com/docs/graph-api/reference/page/subscribed_apps/",
    "https://developers.facebook.com/docs/graph-api/webhooks/getting-started/webhooks-for-instagram",
    "https://developers.facebook.com/docs/pages/overview/permissions-features",
    "note: block is for Facebook pages only (POST /{page-id}/blocked); Instagram has no block "
    "API, so block raises UnsupportedAction for an Instagram account",
)


REAUTHORIZE = (
    "Renew the secret access_token with a new page access token: in Graph API Explorer (or "
    "Meta Business Suite → Settings → System users → Generate token) pick the app, the page "
    "and grant pages_show_list, pages_manage_metadata, pages_read_engagement, "
    "pages_read_user_content, pages_manage_engagement, pages_messaging (Facebook) or "
    "instagram_basic, instagram_manage_comments, instagram_manage_messages with "
    "pages_show_list, pages_manage_metadata, pages_read_engagement (Instagram); exchange it for "
    "a long-lived token and check it in the Access Token Debugger. If webhooks stopped, "
    "re-subscribe the page (POST /{page-id}/subscribed_apps with feed,messages) and check "
    "Meta for Developers → your app → Webhooks; app_secret (App settings → Basic) and "
    "verify_token must match what that page shows."
)


class MetaOptions(ConnecteurOptions):
    api_version: str = Field(
        default="v21.0",
        pattern=r"^v\d+\.\d+$",
        description="Graph API version every path starts with.",
    )
    page_id: str | None = Field(
        default=None,
        pattern=r"^\d+$",
        description=(
            "Instagram accounts only: the Facebook page the account is connected to. Its "
            "webhook subscription (GET /{page-id}/subscribed_apps) is what delivers the "
            "Instagram events; without it check_health cannot tell whether they still arrive."
        ),
    )
    page_webhook_fields: tuple[str, ...] = Field(
        default=("feed", "messages"),
        description=(
            "Facebook pages only: the page webhook fields the app must be subscribed to "
            "(feed: comments; messages: Messenger). check_health reports the subscription "
            "down when one is missing."
        ),
    )


class MetaConnecteur(HttpConnecteur):
    """Facebook Pages and Instagram professional accounts through the Graph API."""

    default_base_url: ClassVar[str] = "https://graph.facebook.com"

    manifest: ClassVar[Manifest] = Manifest(
        name="meta",
        platform=Platform.FACEBOOK,
        also_platforms=frozenset({Platform.INSTAGRAM}),
        version="0.1.0",
        capabilities=frozenset(
            {
                Capability.WEBHOOK,
                Capability.REPLY,
                Capability.DIRECT_MESSAGE,
                Capability.HIDE,
                Capability.UNHIDE,
                Capability.DELETE,
                Capability.BLOCK,
            }
        ),
        options_model=MetaOptions,
        secrets=("app_secret", "verify_token", "access_token"),
        reply_lookup=True,
        documentation=DOCUMENTATION,
        reauthorize=REAUTHORIZE,
    )

    # -- plumbing ------------------------------------------------------------------------

    @property
    def api_version(self) -> str:
        options = self.context.options
        return options.api_version if isinstance(options, MetaOptions) else "v21.0"

    @property
    def options(self) -> MetaOptions:
        options = self.context.options
        return options if isinstance(options, MetaOptions) else MetaOptions()

    @property
    def account(self) -> str:
        return self.context.account

    @property
    def is_instagram(self) -> bool:
        return self.platform is Platform.INSTAGRAM

    def path(self, *parts: str) -> str:
        """``/v21.0/<id>/<edge>`` with each id escaped (ids come from payloads)."""
        return "/" + "/".join([self.api_version, *(quote(p, safe="") for p in parts)])

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.context.secret('access_token')}"}

    def error_for(self, response: httpx.Response) -> ConnecteurError | None:
        # Graph says what went wrong in the body, whatever the status (throttling and
        # expired tokens both come back as 400).
        error = graph_error(response)
        if error is not None:
            secrets = tuple(v for v in self.context.secrets.values() if v)
            return error_for_graph(response, error, secrets)
        if response.is_success:
            return None
        return error_for_status(response)

    # -- inbound -------------------------------------------------------------------------

    @classmethod
    def accounts_in(cls, request: WebhookRequest) -> tuple[str, ...]:
        """``entry[].id`` of a delivery (page or Instagram account ids), unverified."""
        try:
            body = json.loads(request.body)
        except ValueError:
            return ()
        entries = body.get("entry") if isinstance(body, dict) else None
        if not isinstance(entries, list):
            return ()
        ids: list[str] = []
        for entry in entries:
            value = entry.get("id") if isinstance(entry, dict) else None
            if isinstance(value, bool):
                continue
            if isinstance(value, int) or (isinstance(value, str) and value):
                ids.append(str(value))
        return tuple(dict.fromkeys(ids))

    async def verify(self, request: WebhookRequest) -> None:
        """``X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>``."""
        expected = hmac_sha256_hex(self.context.secret("app_secret"), request.body)
        received = request.header(SIGNATURE_HEADER)
        # Hex digits may come in either case; the comparison itself is constant time.
        check_prefixed(
            received.strip().lower() if received is not None else None,
            SIGNATURE_HEADER,
            "sha256=",
            expected,
        )

    async def handshake(self, request: WebhookRequest) -> WebhookResponse | None:
        """Echo ``hub.challenge`` when ``hub.verify_token`` is this account's token."""
        query = request.query
        if query.get("hub.mode") != "subscribe" or "hub.challenge" not in query:
            raise HandshakeRefused("not a subscription verification (hub.mode=subscribe)")
        token = query.get("hub.verify_token", "")
        expected = self.context.secret("verify_token")
        if not hmac.compare_digest(token.encode(), expected.encode()):
            raise HandshakeRefused("hub.verify_token does not match this account's token")
        return WebhookResponse(
            status=200, content_type="text/plain", body=query["hub.challenge"].encode()
        )

    def _notification(self, request: WebhookRequest) -> tuple[Any, Notification] | None:
        """The delivery's JSON and its shape; ``None`` for the other product of the same app
        (a page's Instagram account), which is not this account's."""
        try:
            data = json.loads(request.body)
        except ValueError as err:
            raise MalformedPayload(f"body is not JSON: {type(err).__name__}") from None
        notification = _validate(Notification, data, "body")
        if notification.object != OBJECT_OF.get(self.platform):
            return None
        return data, notification

    async def parse(self, request: WebhookRequest) -> list[Interaction]:
        read = self._notification(request)
        if read is None:
            return []
        data, notification = read
        now = datetime.now(UTC)
        found: list[Interaction] = []
        raw_entries = data["entry"]
        for index, entry in enumerate(notification.entry):
            if entry.id != self.account:
                continue
            raw_entry = raw_entries[index]
            for number, change in enumerate(entry.changes):
                item = self._from_change(entry, change, raw_entry["changes"][number], now)
                if item is not None:
                    found.append(item)
            for number, event in enumerate(entry.messaging):
                where = f"entry[{index}].messaging[{number}]"
                item = self._from_messaging(entry, event, where, now)
                if item is not None:
                    found.append(item)
        return found

    async def parse_events(self, request: WebhookRequest) -> list[ThreadEvent]:
        """What a delivery says happened to messages already received.

        * Facebook ``feed``, ``item: comment``: the page's own reply (``verb: add`` with
          ``from.id`` the page id, under a comment) is ANSWERED; ``edited`` (and ``edit``) is
          EDITED with the new ``message``; ``remove`` (and ``delete``) is DELETED; ``hide`` and
          ``unhide`` are HIDDEN and UNHIDDEN. The page's own comments edited, removed or hidden
          are not news.
        * Instagram ``comments`` / ``live_comments``: the account's own reply (``from.id`` the
          account id, with ``parent_id``) is ANSWERED. Instagram documents no edit, deletion
          or hide notification for comments.
        * Messenger ``message_edit``: the customer's edit of a message is EDITED.

        Raises:
            MalformedPayload: the body is not Meta's documented shape.
        """
        read = self._notification(request)
        if read is None:
            return []
        _, notification = read
        found: list[ThreadEvent] = []
        for index, entry in enumerate(notification.entry):
            if entry.id != self.account:
                continue
            for change in entry.changes:
                event = self._event_from_change(entry, change)
                if event is not None:
                    found.append(event)
            for number, raw in enumerate(entry.messaging):
                where = f"entry[{index}].messaging[{number}]"
                event = self._event_from_messaging(entry, raw, where)
                if event is not None:
                    found.append(event)
        return found

    def _event_from_change(self, entry: Entry, change: Change) -> ThreadEvent | None:
        if self.is_instagram:
            if change.field in ("comments", "live_comments"):
                return self._ig_own_reply(entry, change)
            return None
        if change.field != "feed":
            return None
        value = _validate(FeedValue, change.value, "feed value")
        if value.item != "comment":
            return None  # posts, reactions, shares…: not a message of a tracked thread
        if value.verb == "add":
            return self._fb_own_reply(entry, change)
        kind = FEED_EVENTS.get(value.verb or "")
        if kind is None:
            return None  # block, follow, mute, update…: not about the comment's words
        comment = _validate(FeedCommentChange, change.value, "feed comment")
        if comment.from_ is not None and comment.from_.id == self.account:
            return None  # the page's own comment: not a message anyone tracks
        author = None
        if comment.from_ is not None:
            name = comment.from_.name
            author = Author(id=comment.from_.id, handle=name or comment.from_.id, display_name=name)
        return self.thread_event(
            kind,
            subject=comment.comment_id,
            thread=_feed_thread(comment),
            author=author,
            text=comment.message if kind is ThreadEventKind.EDITED else "",
            at=_moment(comment.created_time) or _moment(entry.time),
            detail=f"feed item=comment verb={comment.verb}",
        )

    def _fb_own_reply(self, entry: Entry, change: Change) -> ThreadEvent | None:
        comment = _validate(FeedComment, change.value, "feed comment")
        thread = _feed_thread(comment)
        if comment.from_.id != self.account or thread is None:
            # Someone else's comment (parse's business), or the page commenting on a post
            # rather than answering a comment.
            return None
        name = comment.from_.name
        return self.thread_event(
            ThreadEventKind.ANSWERED,
            # Graph keeps Facebook threads two levels deep: the comment answered is the
            # thread's root, whichever of its replies the page meant.
            subject=thread,
            thread=thread,
            ref=comment.comment_id,
            author=Author(id=self.account, handle=name or self.account, display_name=name),
            text=comment.message,
            at=_moment(comment.created_time) or _moment(entry.time),
            detail="feed item=comment verb=add by the page",
        )

    def _ig_own_reply(self, entry: Entry, change: Change) -> ThreadEvent | None:
        comment = _validate(IgComment, change.value, f"{change.field} value")
        if comment.from_.id != self.account or not comment.parent_id:
            return None  # someone else's comment, or the account commenting on its media
        return self.thread_event(
            ThreadEventKind.ANSWERED,
            # Instagram threads are two levels deep: parent_id is the top-level comment.
            subject=comment.parent_id,
            thread=comment.parent_id,
            ref=comment.id,
            author=Author(id=self.account, handle=comment.from_.username or self.account),
            text=comment.text,
            # The comments payload has no timestamp: entry.time is when Meta sent it.
            at=_moment(entry.time),
            detail=f"{change.field} by the account",
        )

    def _event_from_messaging(
        self, entry: Entry, raw: dict[str, Any], where: str
    ) -> ThreadEvent | None:
        event = _validate(MessagingEvent, raw, where)
        edit = event.message_edit
        if edit is None or event.sender.id == self.account:
            # Messages are parse's; the page's own echoes name no message they answer, so
            # they cannot be tied to one conversation's interaction.
            return None
        return self.thread_event(
            ThreadEventKind.EDITED,
            subject=edit.mid,
            author=Author(id=event.sender.id, handle=event.sender.id),
            text=edit.text,
            at=_moment(event.timestamp) or _moment(entry.time),
            detail=f"messaging message_edit num_edit={edit.num_edit}",
        )

    def _from_change(
        self, entry: Entry, change: Change, raw: Any, now: datetime
    ) -> Interaction | None:
        if self.is_instagram:
            if change.field in ("comments", "live_comments"):
                return self._ig_comment(entry, change, raw, now)
            if change.field == "mentions":
                return self._ig_mention(entry, change, raw, now)
            return None
        if change.field == "feed":
            return self._feed_comment(entry, change, raw, now)
        return None

    def _feed_comment(
        self, entry: Entry, change: Change, raw: Any, now: datetime
    ) -> Interaction | None:
        value = _validate(FeedValue, change.value, "feed value")
        # Only new comments are interactions: edits, removals, hides, posts and reactions
        # are other feed items or verbs.
        if value.item != "comment" or value.verb != "add":
            return None
        comment = _validate(FeedComment, change.value, "feed comment")
        if comment.from_.id == self.account:
            return None  # the page's own comment (its replies come back through the feed)
        parent = _feed_thread(comment)
        top_level = parent is None
        return self._interaction(
            external_id=comment.comment_id,
            kind=InteractionKind.COMMENT if top_level else InteractionKind.REPLY,
            author=Author(
                id=comment.from_.id,
                handle=comment.from_.name or comment.from_.id,
                display_name=comment.from_.name,
            ),
            text=comment.message,
            parent=parent,
            post_id=comment.post_id,
            created_at=_moment(comment.created_time) or _moment(entry.time) or now,
            received_at=now,
            raw=raw,
        )

    def _ig_comment(
        self, entry: Entry, change: Change, raw: Any, now: datetime
    ) -> Interaction | None:
        comment = _validate(IgComment, change.value, f"{change.field} value")
        if comment.from_.id == self.account:
            return None  # the account's own comment or reply
        # Instagram threads are two levels deep: parent_id is always the top-level comment.
        parent = comment.parent_id or None
        return self._interaction(
            external_id=comment.id,
            kind=InteractionKind.REPLY if parent else InteractionKind.COMMENT,
            author=Author(id=comment.from_.id, handle=comment.from_.username or comment.from_.id),
            text=comment.text,
            parent=parent,
            post_id=comment.media.id if comment.media else None,
            # The comments payload has no timestamp: entry.time is when Meta sent it.
            created_at=_moment(entry.time) or now,
            received_at=now,
            raw=raw,
        )

    def _ig_mention(self, entry: Entry, change: Change, raw: Any, now: datetime) -> Interaction:
        mention = _validate(IgMention, change.value, "mentions value")
        context = {"media_id": mention.media_id}
        if mention.comment_id:
            context["comment_id"] = mention.comment_id
        # The notification carries ids only (no author, no text): the comment can be read
        # with GET /{ig-user-id}?fields=mentioned_comment.comment_id(...). parse stays
        # offline so accepting a delivery never depends on Graph being reachable.
        return self._interaction(
            external_id=mention.comment_id or mention.media_id,
            kind=InteractionKind.MENTION,
            author=Author(id=UNKNOWN_AUTHOR, handle=UNKNOWN_AUTHOR),
            text="",
            parent=None,
            post_id=mention.media_id,
            created_at=_moment(entry.time) or now,
            received_at=now,
            raw=raw,
            reply_context=context,
        )

    def _from_messaging(
        self, entry: Entry, raw: dict[str, Any], where: str, now: datetime
    ) -> Interaction | None:
        event = _validate(MessagingEvent, raw, where)
        message = event.message
        # Reads, deliveries, reactions and postbacks have no message; echoes are the
        # account's own messages.
        if message is None or message.is_echo or event.sender.id == self.account:
            return None
        parent = message.reply_to.mid if message.reply_to and message.reply_to.mid else None
        return self._interaction(
            external_id=message.mid,
            kind=InteractionKind.DIRECT_MESSAGE,
            author=Author(id=event.sender.id, handle=event.sender.id),
            text=message.text,
            parent=parent,
            post_id=None,
            created_at=_moment(event.timestamp) or _moment(entry.time) or now,
            received_at=now,
            raw=raw,
            attachments=tuple(
                Attachment(kind=a.type, url=a.payload.url if a.payload else None)
                for a in message.attachments
            ),
        )

    def _interaction(
        self,
        *,
        external_id: str,
        kind: InteractionKind,
        author: Author,
        text: str,
        parent: str | None,
        post_id: str | None,
        created_at: datetime,
        received_at: datetime,
        raw: Any,
        attachments: tuple[Attachment, ...] = (),
        reply_context: dict[str, str] | None = None,
    ) -> Interaction:
        return Interaction(
            id=Interaction.make_id(self.platform, self.account, external_id),
            platform=self.platform,
            account=self.account,
            external_id=external_id,
            kind=kind,
            author=author,
            text=text,
            thread_id=parent,
            parent_id=parent,
            post_id=post_id,
            created_at=created_at,
            received_at=received_at,
            attachments=attachments,
            raw_sha256=_event_sha256(raw),
            reply_context=reply_context or {},
        )

    # -- outbound ------------------------------------------------------------------------

    async def reply(
        self, interaction: Interaction, text: str, *, idempotency_key: str
    ) -> ActionResult:
        """A public reply under a comment, or a message back for a direct message.

        A retry first looks for the account's own reply with the same text under the same
        comment (or, for a direct message, in the conversation since the message) and
        returns it instead of posting again. Replies to Instagram mentions go through
        ``POST /{ig-user-id}/mentions`` and are not looked up (Graph has no documented read
        of the replies under another account's comment).
        """
        self._check(interaction, text)
        if interaction.kind is InteractionKind.DIRECT_MESSAGE:
            ref = await self._message_back(interaction, text)
        elif interaction.kind is InteractionKind.MENTION:
            ref = await self._reply_to_mention(interaction, text)
        else:
            ref = await self._reply_to_comment(interaction, text)
        return _done("reply", ref)

    async def send_direct_message(
        self, interaction: Interaction, text: str, *, idempotency_key: str
    ) -> ActionResult:
        """A private message: through the conversation for a direct message, else a private
        reply to the comment (``recipient: {comment_id}``; Meta allows one, within 7 days,
        so a retried private reply cannot be sent twice)."""
        self._check(interaction, text)
        if interaction.kind is InteractionKind.DIRECT_MESSAGE:
            return _done("direct_message", await self._message_back(interaction, text))
        if interaction.kind is InteractionKind.MENTION:
            raise InvalidRequest(
                "private replies are for comments on the account's own media, not mentions"
            )
        ref = await self._send({"comment_id": interaction.external_id}, text)
        return _done("direct_message", ref)

    async def hide(self, interaction: Interaction, *, idempotency_key: str) -> ActionResult:
        return await self._set_hidden(interaction, hidden=True)

    async def unhide(self, interaction: Interaction, *, idempotency_key: str) -> ActionResult:
        return await self._set_hidden(interaction, hidden=False)

    async def delete(self, interaction: Interaction, *, idempotency_key: str) -> ActionResult:
        """``DELETE /{comment-id}``; a comment already gone counts as deleted, so a retry
        after a lost answer does not park the step."""
        self._check_comment(interaction, "delete")
        with contextlib.suppress(NotFound):
            await self.request("DELETE", self.path(interaction.external_id))
        return _done("delete", interaction.external_id)

    async def block(self, interaction: Interaction, *, idempotency_key: str) -> ActionResult:
        """Ban the author from the page: ``POST /{page-id}/blocked`` with ``user`` (a
        commenter) or ``psid`` (a Messenger sender), as list parameters."""
        if self.is_instagram:
            raise UnsupportedAction(
                "Instagram has no API to block an account (block works for Facebook pages "
                "only); hide or delete the comment instead"
            )
        self._check(interaction)
        author = interaction.author.id
        if not author or author == UNKNOWN_AUTHOR:
            raise InvalidRequest("the interaction has no author id to block")
        field = "psid" if interaction.kind is InteractionKind.DIRECT_MESSAGE else "user"
        response = await self.request(
            "POST", self.path(self.account, "blocked"), data={field: json.dumps([author])}
        )
        answer = _json(response)
        if answer.get(author) is not True:
            raise InvalidRequest(f"{self.path(self.account, 'blocked')}: the page did not block")
        return _done("block", author)

    # -- action helpers ------------------------------------------------------------------

    def _check(self, interaction: Interaction, text: str | None = None) -> None:
        if interaction.account != self.account or interaction.platform is not self.platform:
            raise InvalidRequest(
                f"interaction {interaction.id} is not for {self.platform.value} account "
                f"{self.account}"
            )
        if text is not None and not text.strip():
            raise InvalidRequest("the text is empty")

    def _check_comment(self, interaction: Interaction, action: str) -> None:
        self._check(interaction)
        if interaction.kind is InteractionKind.DIRECT_MESSAGE:
            raise InvalidRequest(f"a direct message cannot be {action}d; only comments can")
        if interaction.kind is InteractionKind.MENTION:
            raise InvalidRequest(f"a mention is on another account's media: it cannot be {action}d")

    async def _reply_to_comment(self, interaction: Interaction, text: str) -> str:
        # Reply under the thread's root: Instagram only accepts replies to top-level
        # comments, and Graph keeps Facebook threads two levels deep too.
        root = interaction.thread_id or interaction.external_id
        edge = "replies" if self.is_instagram else "comments"
        earlier = await self._own_reply(root, edge, text)
        if earlier is not None:
            return earlier
        response = await self.request("POST", self.path(root, edge), data={"message": text})
        return _id_of(response, "id")

    async def _own_reply(self, root: str, edge: str, text: str) -> str | None:
        """The account's reply with ``text`` already under ``root``, if any."""
        params: dict[str, Any] = {"limit": LOOKUP_LIMIT}
        if self.is_instagram:
            params["fields"] = "id,from,text"
        else:
            params["fields"] = "id,from,message"
            params["order"] = "reverse_chronological"
        response = await self.request("GET", self.path(root, edge), params=params)
        for item in _data(response):
            author = item.get("from")
            said = item.get("text" if self.is_instagram else "message")
            if (
                isinstance(author, dict)
                and author.get("id") == self.account
                and isinstance(said, str)
                and said.strip() == text.strip()
                and isinstance(item.get("id"), str)
            ):
                return str(item["id"])
        return None

    async def _reply_to_mention(self, interaction: Interaction, text: str) -> str:
        media_id = interaction.reply_context.get("media_id") or interaction.post_id
        if not media_id:
            raise InvalidRequest("a mention reply needs the media id (reply_context.media_id)")
        data = {"media_id": media_id, "message": text}
        comment_id = interaction.reply_context.get("comment_id")
        if comment_id:
            data["comment_id"] = comment_id
        response = await self.request("POST", self.path(self.account, "mentions"), data=data)
        return _id_of(response, "id")

    async def _message_back(self, interaction: Interaction, text: str) -> str:
        """Answer a direct message through the Send API, unless a retry finds it sent."""
        earlier = await self._own_message(interaction, text)
        if earlier is not None:
            return earlier
        return await self._send({"id": interaction.author.id}, text)

    async def _own_message(self, interaction: Interaction, text: str) -> str | None:
        """The account's message with ``text`` in the conversation with the author, sent
        after the interaction (an older identical answer is another reply)."""
        params = {
            "platform": "instagram" if self.is_instagram else "messenger",
            "user_id": interaction.author.id,
            "fields": "messages.limit(25){id,message,from,created_time}",
        }
        response = await self.request(
            "GET", self.path(self.account, "conversations"), params=params
        )
        for conversation in _data(response):
            messages = conversation.get("messages")
            items = messages.get("data") if isinstance(messages, dict) else None
            for item in items if isinstance(items, list) else ():
                if not isinstance(item, dict):
                    continue
                author = item.get("from")
                sent = _moment(item.get("created_time"))
                if (
                    isinstance(author, dict)
                    and author.get("id") == self.account
                    and item.get("message") == text
                    and sent is not None
                    and sent >= interaction.created_at
                    and isinstance(item.get("id"), str)
                ):
                    return str(item["id"])
        return None

    async def _send(self, recipient: dict[str, str], text: str) -> str:
        """``POST /{page-id|ig-user-id}/messages`` (Send API, ``messaging_type=RESPONSE``)."""
        response = await self.request(
            "POST",
            self.path(self.account, "messages"),
            json={
                "recipient": recipient,
                "messaging_type": "RESPONSE",
                "message": {"text": text},
            },
        )
        return _id_of(response, "message_id")

    async def _set_hidden(self, interaction: Interaction, *, hidden: bool) -> ActionResult:
        action = "hide" if hidden else "unhide"
        self._check_comment(interaction, "hide")
        # Facebook comments take is_hidden, Instagram comments take hide.
        field = "hide" if self.is_instagram else "is_hidden"
        response = await self.request(
            "POST",
            self.path(interaction.external_id),
            data={field: "true" if hidden else "false"},
        )
        if _json(response).get("success") is not True:
            raise InvalidRequest(f"{action}: Graph did not confirm the change")
        return _done(action, interaction.external_id)

    # -- health --------------------------------------------------------------------------

    async def check_health(self) -> ChannelCheck:
        """Two reads: ``GET /debug_token`` (the page token inspecting itself: validity,
        expiry, permissions, app id) and ``GET /{page-id}/subscribed_apps`` (is this app
        still subscribed to the page's webhooks, with the fields the connector needs). For an
        Instagram account the page is ``options.page_id``, the page it is connected to.

        Raises:
            AuthError: Graph refused the token (code 190: expired, revoked, password
                changed) or a permission the reads need (codes 10, 200-299).
            RateLimited, TransientError: Graph could not be asked now.
        """
        token = self.context.secret("access_token")
        response = await self.request(
            "GET", self.path("debug_token"), params={"input_token": token}
        )
        info = sante.read_token_info(_json(response))
        if info is None:
            raise TransientError(f"{describe(response)}: not a debug_token answer")
        expires = sante.moment(info.expires_at)
        notes: list[str] = []
        data_access = sante.moment(info.data_access_expires_at)
        if data_access is not None:
            notes.append(f"data access expires {data_access:%Y-%m-%d}")
        if not info.is_valid:
            # Graph described the token instead of refusing the call: report, do not raise.
            reason = info.error.message if info.error is not None else "token is not valid"
            return ChannelCheck(
                token_valid=False,
                token_expires_at=expires,
                detail=self._scrub(f"debug_token: {reason}"),
            )
        needed = sante.INSTAGRAM_SCOPES if self.is_instagram else sante.FACEBOOK_SCOPES
        lacking = sante.missing_scopes(info.scopes, needed)
        active, note = await self._subscription(info.app_id, lacking)
        if note:
            notes.insert(0, note)
        return ChannelCheck(
            token_valid=True,
            token_expires_at=expires,
            scopes_missing=lacking,
            subscription_active=active,
            detail="; ".join(notes),
        )

    async def _subscription(self, app_id: str, lacking: tuple[str, ...]) -> tuple[bool | None, str]:
        """Whether the app still receives the page's webhooks (``None``: cannot tell)."""
        page = self.options.page_id if self.is_instagram else self.account
        if page is None:
            return None, "set options.page_id (the connected page) to check Instagram webhooks"
        blocked = [scope for scope in sante.SUBSCRIPTION_SCOPES if scope in lacking]
        if blocked:
            return None, f"webhooks not checked: reading them needs {', '.join(blocked)}"
        response = await self.request("GET", self.path(page, "subscribed_apps"))
        apps = sante.read_subscribed_apps(_json(response))
        if apps is None:
            raise TransientError(f"{describe(response)}: not a subscribed_apps answer")
        # Instagram events need the connected page subscribed to any field.
        wanted = () if self.is_instagram else self.options.page_webhook_fields
        return sante.subscription_state(apps, app_id, wanted)

    def _scrub(self, text: str) -> str:
        for secret in self.context.secrets.values():
            if secret:
                text = text.replace(secret, "***")
        return text[:300]


# -- helpers -------------------------------------------------------------------------------


def _feed_thread(comment: FeedValue) -> str | None:
    """The thread root of a feed comment: ``None`` for a top-level comment, whose parent is
    the post; for a reply, the comment it answers, which Graph keeps two levels deep, so
    that comment is the thread's root."""
    parent = comment.parent_id
    if not parent or parent == comment.post_id or parent == comment.comment_id:
        return None
    return parent


def _validate(model: type[M], data: Any, where: str) -> M:
    """``model`` from ``data``; a shape error is a MalformedPayload naming the field."""
    try:
        return model.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        location = ".".join(str(p) for p in first["loc"]) or "value"
        raise MalformedPayload(f"{where}: {location}: {first['msg']}") from None


def _moment(value: object) -> datetime | None:
    """A payload time: Unix seconds, Unix milliseconds (Messenger) or an ISO 8601 string
    (Graph's ``2025-11-06T12:00:00+0000``)."""
    if isinstance(value, str):
        text = value
        try:
            value = float(text)
        except ValueError:
            return _iso_moment(text)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return None
    seconds = value / 1000 if value > 1e11 else value
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _iso_moment(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _event_sha256(raw: Any) -> str:
    """Hash of one event (a change or a messaging item) in a canonical JSON form, so a
    redelivery batched differently still hashes the same."""
    canonical = json.dumps(raw, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return body_sha256(canonical.encode("utf-8"))


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise TransientError(f"{response.request.method} {response.request.url.path}: not JSON")
    return body


def _data(response: httpx.Response) -> list[dict[str, Any]]:
    items = _json(response).get("data")
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _id_of(response: httpx.Response, key: str) -> str:
    value = _json(response).get(key)
    if not isinstance(value, str) or not value:
        # The write may have happened: a retry looks it up before writing again.
        raise TransientError(f"{response.request.method} {response.request.url.path}: no {key}")
    return value


def _done(action: str, ref: str) -> ActionResult:
    return ActionResult(action=action, ok=True, platform_ref=ref, at=datetime.now(UTC))
