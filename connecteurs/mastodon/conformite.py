"""The conformance kit's subject for the Mastodon connector: the fake instance, signed admin
webhook deliveries from the documented payloads, and a mention the fake knows."""

from __future__ import annotations

from datetime import UTC, datetime

from connecteurs.base import WebhookRequest
from connecteurs.conformite.subject import ConformanceSubject, http_opener
from connecteurs.mastodon.connecteur import MastodonConnecteur
from connecteurs.mastodon.fake import ACCOUNT_ID, FIXTURES, TOKEN, FakeMastodon
from connecteurs.models import Author, Interaction, InteractionKind, Platform
from connecteurs.signatures import hmac_sha256_hex

WEBHOOK_SECRET = "test-mastodon-webhook-secret-3f9c1e"
SECRETS = {"access_token": TOKEN, "webhook_secret": WEBHOOK_SECRET}


def signed(body: bytes, secret: str = WEBHOOK_SECRET) -> WebhookRequest:
    """A delivery as Mastodon's Webhooks::DeliveryWorker sends it."""
    return WebhookRequest.make(
        body,
        {
            "Content-Type": "application/json",
            "X-Hub-Signature": "sha256=" + hmac_sha256_hex(secret, body),
        },
    )


def deliveries() -> list[WebhookRequest]:
    return [
        signed((FIXTURES / name).read_bytes())
        for name in (
            "webhook_status_created.json",
            "webhook_report_created.json",
            # Thread events (parse_events): no interaction in either.
            "webhook_status_created_own_reply.json",
            "webhook_status_updated.json",
        )
    ]


def target() -> Interaction:
    """Bob's public mention of the account (fixtures/notifications.json)."""
    created = datetime(2019, 11, 23, 8, 2, 11, 500000, tzinfo=UTC)
    return Interaction(
        id=Interaction.make_id(Platform.MASTODON, ACCOUNT_ID, "103186200000000001"),
        platform=Platform.MASTODON,
        account=ACCOUNT_ID,
        external_id="103186200000000001",
        kind=InteractionKind.MENTION,
        author=Author(id="108201", handle="bob", display_name="Bob"),
        text="@trwnh loving the new release",
        created_at=created,
        received_at=created,
        reply_context={"visibility": "public", "acct": "bob"},
    )


def subject() -> ConformanceSubject:
    return ConformanceSubject(
        name="mastodon",
        connecteur=MastodonConnecteur,
        account=ACCOUNT_ID,
        platform=Platform.MASTODON,
        secrets=SECRETS,
        open=http_opener(MastodonConnecteur, FakeMastodon),
        deliveries=deliveries(),
        target=target(),
        exempt={
            "test_handshake_answered": "Mastodon admin webhooks have no verification handshake",
            "test_handshake_refused": "Mastodon admin webhooks have no verification handshake",
        },
    )
