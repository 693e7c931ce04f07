"""A connector for JSON Lines files: interactions in, replies and moderation out.

It needs no network, so the demo and the tests run anywhere. It behaves like a platform
where it matters: each outgoing action gets a platform reference, and a retried action is
found by its idempotency key in the outbox instead of being written twice.

A line with a ``thread_event`` key is a thread event, not an interaction (the generic
webhook's shape, README "The generic webhook connector"): the team answered a message on
the platform itself, its author edited or deleted it, it was hidden. :meth:`parse_events`
and ``passerelle ingest`` deliver those to the thread's open interaction.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import httpx
from pydantic import Field, ValidationError

from connecteurs.base import (
    AccountContext,
    Capability,
    Connecteur,
    ConnecteurOptions,
    Manifest,
    WebhookRequest,
)
from connecteurs.errors import InvalidRequest, InvalidSignature, MalformedPayload
from connecteurs.jsonl.store import JsonlStore
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
from connecteurs.signatures import SIGNATURE_HEADER, require_header, verify_signature


class JsonlOptions(ConnecteurOptions):
    outbox: Path = Field(
        default=Path(".passerelle/outbox.jsonl"),
        description="File the connector appends replies, DMs and moderation actions to.",
    )


class JsonlEvent(ConnecteurOptions):
    """One line of an inbox file."""

    external_id: str = Field(min_length=1)
    text: str
    author: Author
    kind: InteractionKind = InteractionKind.COMMENT
    account: str | None = None
    thread_id: str | None = None
    parent_id: str | None = None
    post_id: str | None = None
    url: str | None = None
    language: str | None = None
    created_at: datetime | None = None


class JsonlThreadEvent(ConnecteurOptions):
    """One thread-event line: ``{"thread_event", "subject_id", "at", …}`` (``at`` is required:
    it is part of the event's identity, so the same line ingested twice counts once)."""

    thread_event: ThreadEventKind
    subject_id: str = Field(min_length=1)
    account: str | None = None
    thread_id: str | None = None
    ref: str | None = None
    author: Author | None = None
    text: str = ""
    at: datetime
    detail: str = ""


#: The key that makes a line a thread event rather than an interaction.
THREAD_EVENT_KEY = "thread_event"


def read_lines(
    body: bytes, account: str, *, received_at: datetime | None = None
) -> tuple[list[Interaction], list[ThreadEvent]]:
    """The interactions and the thread events of a JSONL body; a bad line raises
    :class:`InvalidRequest` naming its number."""
    now = received_at or datetime.now(UTC)
    interactions: list[Interaction] = []
    events: list[ThreadEvent] = []
    for number, line in enumerate(body.decode("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            if _is_thread_event(line):
                events.append(_thread_event(JsonlThreadEvent.model_validate_json(line), account))
            else:
                event = JsonlEvent.model_validate_json(line)
                interactions.append(_interaction(event, line, account, now))
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "line"
            raise InvalidRequest(f"line {number}: {where}: {first['msg']}") from err
    return interactions, events


def parse_lines(
    body: bytes, account: str, *, received_at: datetime | None = None
) -> list[Interaction]:
    """The interactions of a JSONL body (thread-event lines are :func:`parse_event_lines`');
    a bad line raises :class:`InvalidRequest` naming its number."""
    return read_lines(body, account, received_at=received_at)[0]


def parse_event_lines(body: bytes, account: str) -> list[ThreadEvent]:
    """The thread events of a JSONL body, in file order."""
    return read_lines(body, account)[1]


def _is_thread_event(line: str) -> bool:
    try:
        document = json.loads(line)
    except ValueError:
        return False  # the interaction model names the problem
    return isinstance(document, dict) and THREAD_EVENT_KEY in document


def _interaction(event: JsonlEvent, line: str, account: str, now: datetime) -> Interaction:
    acct = event.account or account
    created = event.created_at or now
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    return Interaction(
        id=Interaction.make_id(Platform.JSONL, acct, event.external_id),
        platform=Platform.JSONL,
        account=acct,
        external_id=event.external_id,
        kind=event.kind,
        author=event.author,
        text=event.text,
        language=event.language,
        thread_id=event.thread_id,
        parent_id=event.parent_id,
        post_id=event.post_id,
        url=event.url,
        created_at=created,
        received_at=now,
        raw_sha256=body_sha256(line.encode("utf-8")),
    )


def _thread_event(line: JsonlThreadEvent, account: str) -> ThreadEvent:
    at = line.at if line.at.tzinfo is not None else line.at.replace(tzinfo=UTC)
    return ThreadEvent(
        kind=line.thread_event,
        platform=Platform.JSONL,
        account=line.account or account,
        subject_id=line.subject_id,
        thread_id=line.thread_id,
        ref=line.ref,
        author=line.author,
        text=line.text,
        at=at,
        detail=line.detail or f"jsonl line ({line.thread_event.value})",
    )


class JsonlConnecteur(Connecteur):
    manifest: ClassVar[Manifest] = Manifest(
        name="jsonl",
        platform=Platform.JSONL,
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
        options_model=JsonlOptions,
        secrets=("signing_secret",),
        content_types=("application/x-ndjson", "application/jsonl", "application/json"),
        reply_lookup=True,
        documentation=("docs: README 'The jsonl connector'",),
        reauthorize=(
            "Renew the secret signing_secret on both sides at once: in Passerelle's secrets "
            "for this account and in whatever POSTs signed JSON Lines to "
            "/webhooks/jsonl/{account} (passerelle ingest reads files and needs none). For "
            "replies and moderation, the worker's user needs write permission on the "
            "folder of the outbox option; no token or platform permission exists."
        ),
    )

    def __init__(self, context: AccountContext, *, http: httpx.AsyncClient | None = None) -> None:
        super().__init__(context, http=http)
        options = context.options
        self.outbox = options.outbox if isinstance(options, JsonlOptions) else JsonlOptions().outbox
        self.store = JsonlStore(self.outbox)

    async def verify(self, request: WebhookRequest) -> None:
        """Over HTTP, a JSONL body must carry Passerelle's signature (``X-Passerelle-Signature``,
        secret ``signing_secret``); ``passerelle ingest`` reads files and needs none."""
        secret = self.context.secrets.get("signing_secret")
        if not secret:
            raise InvalidSignature("jsonl deliveries need the account secret 'signing_secret'")
        header = require_header(request.header(SIGNATURE_HEADER), SIGNATURE_HEADER)
        if not verify_signature(secret, header, request.body, time.time()):
            raise InvalidSignature(f"{SIGNATURE_HEADER} does not match the body or is too old")

    async def parse(self, request: WebhookRequest) -> list[Interaction]:
        return self._read(request)[0]

    async def parse_events(self, request: WebhookRequest) -> list[ThreadEvent]:
        return self._read(request)[1]

    def _read(self, request: WebhookRequest) -> tuple[list[Interaction], list[ThreadEvent]]:
        try:
            interactions, events = read_lines(request.body, self.context.account)
        except (InvalidRequest, UnicodeDecodeError) as err:
            raise MalformedPayload(str(err)) from err
        if not interactions and not events:
            raise MalformedPayload("the delivery holds no event line")
        return interactions, events

    async def check_health(self) -> ChannelCheck:
        """Whether the outbox can be written, which is where every reply and moderation
        action goes: a folder that cannot be made or written is reported as the missing
        permission ``write:<folder>``. A local file has no token to expire and nothing
        delivers to it that could be asked: the other fields stay ``None``."""
        problem = await asyncio.to_thread(self.store.unwritable)
        if problem is not None:
            return ChannelCheck(
                scopes_missing=(f"write:{self.outbox.parent}",),
                detail=f"the outbox {self.outbox} cannot be written ({problem})",
            )
        return ChannelCheck(detail=f"the outbox {self.outbox} can be written")

    async def reply(
        self, interaction: Interaction, text: str, *, idempotency_key: str
    ) -> ActionResult:
        return await self._emit("reply", interaction, idempotency_key, text=text)

    async def send_direct_message(
        self, interaction: Interaction, text: str, *, idempotency_key: str
    ) -> ActionResult:
        return await self._emit("direct_message", interaction, idempotency_key, text=text)

    async def hide(self, interaction: Interaction, *, idempotency_key: str) -> ActionResult:
        return await self._emit("hide", interaction, idempotency_key)

    async def unhide(self, interaction: Interaction, *, idempotency_key: str) -> ActionResult:
        return await self._emit("unhide", interaction, idempotency_key)

    async def delete(self, interaction: Interaction, *, idempotency_key: str) -> ActionResult:
        return await self._emit("delete", interaction, idempotency_key)

    async def block(self, interaction: Interaction, *, idempotency_key: str) -> ActionResult:
        return await self._emit("block", interaction, idempotency_key)

    async def _emit(
        self, action: str, interaction: Interaction, idempotency_key: str, **fields: Any
    ) -> ActionResult:
        def build() -> dict[str, Any]:
            return {
                "ref": "out-" + hashlib.sha256(idempotency_key.encode()).hexdigest()[:16],
                "action": action,
                "account": interaction.account,
                "in_reply_to": interaction.external_id,
                "author": interaction.author.handle,
                "at": datetime.now(UTC).isoformat(),
                **fields,
            }

        entry = await asyncio.to_thread(self.store.append_once, idempotency_key, build)
        return ActionResult(action=action, ok=True, platform_ref=str(entry["ref"]))


def read_outbox(path: Path) -> list[dict[str, Any]]:
    return list(JsonlStore(path).entries())
