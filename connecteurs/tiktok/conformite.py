"""The TikTok connector's conformance subject: its fake API, documented deliveries signed
the way TikTok signs them, and a comment the fake knows."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

from connecteurs.base import WebhookRequest
from connecteurs.conformite.subject import ConformanceSubject, http_opener
from connecteurs.models import Author, Interaction, InteractionKind, Platform
from connecteurs.tiktok import fake, signature
from connecteurs.tiktok.connecteur import TiktokConnecteur

FIXTURES = Path(__file__).parent / "fixtures"
SECRETS = {"client_secret": fake.CLIENT_SECRET, "access_token": fake.ACCESS_TOKEN}
#: With the app id, check_health reads the token's scopes and the comment webhook.
OPTIONS = {"app_id": fake.APP_ID}


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def delivery(
    body: bytes, *, secret: str = fake.CLIENT_SECRET, at: int | None = None
) -> WebhookRequest:
    """A POST as TikTok sends it: JSON body and ``TikTok-Signature`` over ``<t>.<body>``."""
    timestamp = int(time.time()) if at is None else at
    return WebhookRequest.make(
        body,
        {
            "Content-Type": "application/json",
            signature.HEADER: signature.sign(secret, body, timestamp),
        },
    )


def target() -> Interaction:
    """The top-level comment of ``fixtures/comment_insert.json``, which the fake knows."""
    created = datetime.fromtimestamp(1687394416, UTC)
    return Interaction(
        id=Interaction.make_id(Platform.TIKTOK, fake.BUSINESS_ID, fake.COMMENT_ID),
        platform=Platform.TIKTOK,
        account=fake.BUSINESS_ID,
        external_id=fake.COMMENT_ID,
        kind=InteractionKind.COMMENT,
        author=Author(
            id="+ABc1D2/E0fGhijklMNOrD34vDW/zDiZUNRH5Jyahue6OcA7b8ZpwnqXV9u1Uh+k",
            handle="lucie.martin",
        ),
        text="Where can I buy this jacket?",
        post_id=fake.VIDEO_ID,
        created_at=created,
        received_at=created,
        reply_context={"video_id": fake.VIDEO_ID},
    )


def subject() -> ConformanceSubject:
    no_handshake = (
        "TikTok has no verification handshake: the callback URL is registered with "
        "/business/webhook/update/ and every delivery is a signed POST"
    )
    return ConformanceSubject(
        name="tiktok",
        connecteur=TiktokConnecteur,
        account=fake.BUSINESS_ID,
        platform=Platform.TIKTOK,
        secrets=dict(SECRETS),
        options=dict(OPTIONS),
        open=http_opener(TiktokConnecteur, fake.TiktokFake),
        deliveries=[
            delivery(fixture("comment_insert.json")),
            delivery(fixture("reply_insert.json")),
            delivery(fixture("reply_delete.json")),
            delivery(fixture("comment_set_to_hidden.json")),
            delivery(fixture("comment_set_to_public.json")),
        ],
        target=target(),
        exempt={
            "test_handshake_answered": no_handshake,
            "test_handshake_refused": no_handshake,
        },
    )
