"""The meta connector's conformance subject: a Facebook page on the fake Graph API, with
the documented feed and Messenger deliveries signed the way Meta signs them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from connecteurs.base import WebhookRequest
from connecteurs.conformite.subject import ConformanceSubject, http_opener
from connecteurs.meta.connecteur import MetaConnecteur
from connecteurs.meta.fake import FB_AUTHOR, FB_COMMENT, PAGE_ID, PAGE_TOKEN, MetaFake
from connecteurs.models import Author, Interaction, InteractionKind, Platform
from connecteurs.signatures import hmac_sha256_hex

FIXTURES = Path(__file__).parent / "fixtures"

APP_SECRET = "test-app-secret-3f9c1e7a2b"
VERIFY_TOKEN = "test-verify-token-8d2a6c41"
SECRETS = {
    "app_secret": APP_SECRET,
    "verify_token": VERIFY_TOKEN,
    "access_token": PAGE_TOKEN,
}


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def signed(body: bytes, secret: str = APP_SECRET) -> WebhookRequest:
    """A delivery as Meta sends it: POST, JSON, ``X-Hub-Signature-256`` over the raw body."""
    return WebhookRequest.make(
        body,
        {
            "Content-Type": "application/json",
            "X-Hub-Signature-256": "sha256=" + hmac_sha256_hex(secret, body),
        },
    )


def handshake(token: str, challenge: str = "1158201444") -> WebhookRequest:
    """The verification GET of the getting-started guide."""
    return WebhookRequest.make(
        method="GET",
        query={"hub.mode": "subscribe", "hub.challenge": challenge, "hub.verify_token": token},
    )


def target() -> Interaction:
    """The top-level comment of ``fb_feed_comment.json``, which the fake knows."""
    created = datetime(2025, 11, 6, 12, 0, tzinfo=UTC)
    return Interaction(
        id=Interaction.make_id(Platform.FACEBOOK, PAGE_ID, FB_COMMENT),
        platform=Platform.FACEBOOK,
        account=PAGE_ID,
        external_id=FB_COMMENT,
        kind=InteractionKind.COMMENT,
        author=Author(id=FB_AUTHOR, handle="Camille Tremblay", display_name="Camille Tremblay"),
        text="Bonjour, ma commande n'est toujours pas arrivée. Pouvez-vous vérifier ?",
        post_id=f"{PAGE_ID}_901",
        created_at=created,
        received_at=created,
    )


def subject() -> ConformanceSubject:
    return ConformanceSubject(
        name="meta",
        connecteur=MetaConnecteur,
        account=PAGE_ID,
        platform=Platform.FACEBOOK,
        secrets=SECRETS,
        open=http_opener(MetaConnecteur, MetaFake),
        deliveries=[
            signed(fixture("fb_feed_comment.json")),
            signed(fixture("fb_feed_reply.json")),
            signed(fixture("fb_messenger_message.json")),
            signed(fixture("fb_feed_skipped.json")),
            signed(fixture("fb_feed_page_reply.json")),
            signed(fixture("fb_messenger_message_edit.json")),
        ],
        handshake=handshake(VERIFY_TOKEN),
        handshake_answer=b"1158201444",
        bad_handshake=handshake("not-the-verify-token"),
        target=target(),
    )
