"""A connector for JSON Lines files: interactions in, replies and moderation out.

It needs no network, so the demo and the tests run anywhere. It behaves like a platform
where it matters: each outgoing action gets a platform reference, and a retried action is
found by its idempotency key in the outbox instead of being written twice.
"""

from __future__ import annotations

import asyncio
import hashlib
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


def parse_lines(
    body: bytes, account: str, *, received_at: datetime | None = None
) -> list[Interaction]:
    """Parse a JSONL body; a bad line raises :class:`InvalidRequest` naming its number."""
    now = received_at or datetime.now(UTC)
    interactions: list[Interaction] = []
    for number, line in enumerate(body.decode("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            event = JsonlEvent.model_validate_json(line)
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "line"
            raise InvalidRequest(f"line {number}: {where}: {first['msg']}") from err
        acct = event.account or account
        created = event.created_at or now
        if created.tzinfo is None:
            created = created.replace(tzinfo=UTC)
        interactions.append(
            Interaction(
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
        )
    return interactions


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
        try:
            found = parse_lines(request.body, self.context.account)
        except (InvalidRequest, UnicodeDecodeError) as err:
            raise MalformedPayload(str(err)) from err
        if not found:
            raise MalformedPayload("the delivery holds no event line")
        return found

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
