"""The ``webhook`` connector: signed JSON in, signed JSON out.

Inbound, a sender POSTs one event (or ``{"events": [...]}``) signed with Passerelle's scheme,
``X-Passerelle-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(signing_secret, "<t>." + body)>``,
refused beyond five minutes of clock distance (replays).

An item with a ``thread_event`` key is not an interaction but a thread event
(:class:`~connecteurs.webhook.payloads.InboundThreadEvent`): the sender reports that the team
answered a message on its side (``answered``), that its author edited (``edited``, with the
new text) or deleted it (``deleted``), or that it was hidden, shown again or removed there.
:meth:`WebhookConnecteur.parse_events` returns those; they never start an interaction.

Outbound, every action is a POST of ``{"action", "interaction_id", "external_id", "account",
"text"?, "idempotency_key"}`` to ``base_url + actions_path``, signed the same way and with an
``Idempotency-Key`` header that is the same on every retry: the receiver must drop a key it has
already handled (Passerelle cannot look its earlier call up). The receiver answers 2xx,
optionally with ``{"ref": "…"}``; 429 (Retry-After), 401/403, 404/410 and 5xx mean what HTTP says.

Health: a ``GET`` of the same URL with an empty body, signed the same way. A receiver that
implements it answers 2xx when the signature checks out and 401/403 when it does not; one
that does not (405, 404) is still reported reachable.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar

import httpx
from pydantic import BaseModel, Field, ValidationError

from connecteurs.base import Capability, ConnecteurOptions, Manifest, WebhookRequest
from connecteurs.errors import InvalidRequest, InvalidSignature, MalformedPayload, NotFound
from connecteurs.http import HttpConnecteur, describe
from connecteurs.models import (
    ActionResult,
    ChannelCheck,
    Interaction,
    Platform,
    ThreadEvent,
    body_sha256,
)
from connecteurs.signatures import SIGNATURE_HEADER, require_header, sign, verify_signature
from connecteurs.webhook.payloads import (
    THREAD_EVENT_KEY,
    InboundBatch,
    InboundEvent,
    InboundThreadEvent,
)

M = TypeVar("M", bound=BaseModel)


class WebhookOptions(ConnecteurOptions):
    actions_path: str = Field(
        default="/passerelle/actions",
        pattern=r"^/",
        description="Path, under the account's base_url, that receives outbound actions.",
    )
    tolerance_seconds: int = Field(
        default=300, ge=30, le=3600, description="Largest accepted signature age."
    )


class WebhookConnecteur(HttpConnecteur):
    manifest: ClassVar[Manifest] = Manifest(
        name="webhook",
        platform=Platform.WEBHOOK,
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
        options_model=WebhookOptions,
        secrets=("signing_secret",),
        reply_lookup=False,
        reply_lookup_note=(
            "a generic receiver offers no lookup; every retry carries the same Idempotency-Key "
            "and the receiver must drop keys it has handled"
        ),
        documentation=("README.md#the-generic-webhook-connector",),
        reauthorize=(
            "Renew the secret signing_secret on both sides at once: in Passerelle's secrets "
            "for this account and in the receiving system's configuration (the sender of "
            "deliveries to /webhooks/webhook/{account} and the receiver of actions at "
            "base_url + actions_path share it). A 401 or 403 from the receiver means it no "
            "longer accepts this secret's X-Passerelle-Signature; no other permission exists."
        ),
    )
    default_base_url = ""

    @property
    def options(self) -> WebhookOptions:
        opts = self.context.options
        return opts if isinstance(opts, WebhookOptions) else WebhookOptions()

    # -- inbound -------------------------------------------------------------------------

    async def verify(self, request: WebhookRequest) -> None:
        secret = self.context.secrets.get("signing_secret")
        if not secret:
            raise InvalidSignature("account has no 'signing_secret' to check deliveries with")
        header = require_header(request.header(SIGNATURE_HEADER), SIGNATURE_HEADER)
        if not verify_signature(
            secret, header, request.body, time.time(), self.options.tolerance_seconds
        ):
            raise InvalidSignature(f"{SIGNATURE_HEADER} does not match the body or is too old")

    async def parse(self, request: WebhookRequest) -> list[Interaction]:
        interactions, _ = read_body(request.body)
        now = datetime.now(UTC)
        return [self._interaction(event, now) for event in interactions]

    async def parse_events(self, request: WebhookRequest) -> list[ThreadEvent]:
        """The delivery's ``thread_event`` items (README, "The generic webhook connector")."""
        _, reported = read_body(request.body)
        return [self._thread_event(item) for item in reported]

    def _thread_event(self, item: InboundThreadEvent) -> ThreadEvent:
        at = item.at if item.at.tzinfo is not None else item.at.replace(tzinfo=UTC)
        return ThreadEvent(
            kind=item.thread_event,
            platform=Platform.WEBHOOK,
            account=self.context.account,
            subject_id=item.subject_id,
            thread_id=item.thread_id,
            ref=item.ref,
            author=item.author,
            text=item.text,
            at=at,
            detail=item.detail or f"reported by the sender ({item.thread_event.value})",
        )

    def _interaction(self, event: InboundEvent, now: datetime) -> Interaction:
        created = event.created_at or now
        if created.tzinfo is None:
            created = created.replace(tzinfo=UTC)
        account = self.context.account
        return Interaction(
            id=Interaction.make_id(Platform.WEBHOOK, account, event.external_id),
            platform=Platform.WEBHOOK,
            account=account,
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
            raw_sha256=body_sha256(event.model_dump_json().encode()),
        )

    # -- health --------------------------------------------------------------------------

    async def check_health(self) -> ChannelCheck:
        """A signed ``GET`` of ``base_url + actions_path`` (empty body), where the actions go.

        ``token_valid`` is ``True`` when the receiver answers 2xx to a signed probe (it
        accepted the signature, per the README's contract); a receiver without the probe
        (404, 405, another 4xx) is reachable but says nothing of the secret (``None``).
        Secrets do not expire and the senders of deliveries cannot be asked, so
        ``token_expires_at`` and ``subscription_active`` stay ``None``.

        Raises:
            AuthError: the receiver refused the signature (401/403).
            RateLimited: 429.
            TransientError: 5xx, a timeout, or nothing listening.
        """
        if not self.base_url:
            return ChannelCheck(
                detail="no base_url: this account sends no action back, nothing to check"
            )
        secret = self.context.secrets.get("signing_secret")
        headers = {SIGNATURE_HEADER: sign(secret, b"", int(time.time()))} if secret else {}
        try:
            response = await self.request("GET", self.options.actions_path, headers=headers)
        except (NotFound, InvalidRequest) as err:
            return ChannelCheck(
                detail=f"the receiver is reachable but has no signed GET probe ({err})"
            )
        return ChannelCheck(
            token_valid=True if secret else None,
            detail=f"the receiver answered {describe(response)}"
            + ("" if secret else "; no signing_secret, so nothing was signed"),
        )

    # -- outbound ------------------------------------------------------------------------

    async def reply(
        self, interaction: Interaction, text: str, *, idempotency_key: str
    ) -> ActionResult:
        return await self._send("reply", interaction, idempotency_key, text)

    async def send_direct_message(
        self, interaction: Interaction, text: str, *, idempotency_key: str
    ) -> ActionResult:
        return await self._send("direct_message", interaction, idempotency_key, text)

    async def hide(self, interaction: Interaction, *, idempotency_key: str) -> ActionResult:
        return await self._send("hide", interaction, idempotency_key)

    async def unhide(self, interaction: Interaction, *, idempotency_key: str) -> ActionResult:
        return await self._send("unhide", interaction, idempotency_key)

    async def delete(self, interaction: Interaction, *, idempotency_key: str) -> ActionResult:
        return await self._send("delete", interaction, idempotency_key)

    async def block(self, interaction: Interaction, *, idempotency_key: str) -> ActionResult:
        return await self._send("block", interaction, idempotency_key)

    async def _send(
        self, action: str, interaction: Interaction, key: str, text: str | None = None
    ) -> ActionResult:
        if not self.base_url:
            raise InvalidRequest(
                f"webhook account {self.context.account}: set base_url to the receiver's root"
            )
        document: dict[str, Any] = {
            "action": action,
            "interaction_id": interaction.id,
            "external_id": interaction.external_id,
            "account": interaction.account,
            "idempotency_key": key,
        }
        if text is not None:
            document["text"] = text
        body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
        headers = {"content-type": "application/json", "idempotency-key": key}
        secret = self.context.secrets.get("signing_secret")
        if secret:
            headers[SIGNATURE_HEADER] = sign(secret, body, int(time.time()))
        response = await self.request(
            "POST", self.options.actions_path, content=body, headers=headers
        )
        return ActionResult(action=action, ok=True, platform_ref=_ref(response) or key)


def read_body(body: bytes) -> tuple[list[InboundEvent], list[InboundThreadEvent]]:
    """The interactions and the thread events of one delivery.

    Raises:
        MalformedPayload: not JSON, not an object, or an item that is neither shape (the
            error names the first wrong field, ``events.<n>.<field>`` in a batch).
    """
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as err:
        raise MalformedPayload(f"body is not JSON: {err}") from None
    if not isinstance(document, dict):
        raise MalformedPayload("body must be a JSON object: one event or {'events': [...]}")
    if "events" in document:
        batch = _validated(InboundBatch, document, "")
        items = [(f"events.{n}", item) for n, item in enumerate(batch.events)]
    else:
        items = [("", document)]
    interactions: list[InboundEvent] = []
    reported: list[InboundThreadEvent] = []
    for where, item in items:
        if isinstance(item, dict) and THREAD_EVENT_KEY in item:
            reported.append(_validated(InboundThreadEvent, item, where))
        else:
            interactions.append(_validated(InboundEvent, item, where))
    return interactions, reported


def _validated(model: type[M], item: Any, where: str) -> M:
    try:
        return model.model_validate(item)
    except ValidationError as err:
        first = err.errors()[0]
        parts = ([where] if where else []) + [str(p) for p in first["loc"]]
        raise MalformedPayload(f"{'.'.join(parts) or 'body'}: {first['msg']}") from None


def _ref(response: httpx.Response) -> str | None:
    """The receiver's ``{"ref": …}``, if it sent one."""
    try:
        document = response.json()
    except ValueError:
        return None
    ref = document.get("ref") if isinstance(document, dict) else None
    return str(ref)[:200] if ref is not None else None
