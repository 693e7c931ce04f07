"""The X connector's conformance subject: documented Account Activity deliveries signed with a
made-up consumer secret, a CRC handshake, and the fake X API as the peer."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from connecteurs.base import WebhookRequest
from connecteurs.conformite.subject import ConformanceSubject, http_opener
from connecteurs.models import Author, Interaction, InteractionKind, Platform
from connecteurs.x.connecteur import XConnecteur, crc_answer, sign_body
from connecteurs.x.fake import (
    ACCOUNT,
    ACCOUNT_POST,
    APP_BEARER_TOKEN,
    TOKEN,
    WEBHOOK_ID,
    XFake,
)

FIXTURES = Path(__file__).parent / "fixtures"
CONSUMER_SECRET = "test-x-consumer-secret-8e41f6a9"
SECRETS = {
    "consumer_secret": CONSUMER_SECRET,
    "access_token": TOKEN,
    "bearer_token": APP_BEARER_TOKEN,
}
#: The account is subscribed to the fake's Account Activity webhook.
OPTIONS = {"webhook_id": WEBHOOK_ID}
CRC_TOKEN = "9b4507b3-9040-4669-9ca3-6b94edb50553"
#: The fixture reply: a Post by @furiouscamper answering the account's own Post.
TARGET_ID = "1592527526677803009"
DELIVERIES = (
    "activity_reply.json",
    "activity_mention.json",
    "activity_dm.json",
    "activity_own_tweet.json",
    "activity_favorite.json",
    "activity_own_reply.json",
    "activity_edited_mention.json",
    "activity_tweet_delete.json",
)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def signed(body: bytes, secret: str = CONSUMER_SECRET) -> WebhookRequest:
    """A delivery as X sends it: POST, JSON, ``x-twitter-webhooks-signature``."""
    return WebhookRequest.make(
        body,
        {
            "content-type": "application/json; charset=utf-8",
            "x-twitter-webhooks-signature": sign_body(secret, body),
        },
        path="/webhooks/x",
    )


def crc_request(token: str | None = CRC_TOKEN) -> WebhookRequest:
    query = {"crc_token": token} if token is not None else {}
    return WebhookRequest.make(method="GET", path="/webhooks/x", query=query)


def target() -> Interaction:
    created = datetime.fromisoformat("2022-11-15T13:47:05+00:00")
    return Interaction(
        id=Interaction.make_id(Platform.X, ACCOUNT, TARGET_ID),
        platform=Platform.X,
        account=ACCOUNT,
        external_id=TARGET_ID,
        kind=InteractionKind.REPLY,
        author=Author(id="3001969357", handle="furiouscamper", display_name="Jordan Brinks"),
        text="@Harris_0ff Does the late opening include the Boulder store?",
        thread_id=ACCOUNT_POST,
        parent_id=ACCOUNT_POST,
        post_id=ACCOUNT_POST,
        created_at=created,
        received_at=created,
    )


def subject() -> ConformanceSubject:
    return ConformanceSubject(
        name="x",
        connecteur=XConnecteur,
        account=ACCOUNT,
        platform=Platform.X,
        secrets=SECRETS,
        options=OPTIONS,
        open=http_opener(XConnecteur, XFake),
        deliveries=[signed(fixture(name)) for name in DELIVERIES],
        handshake=crc_request(),
        handshake_answer=crc_answer(CONSUMER_SECRET, CRC_TOKEN),
        bad_handshake=crc_request(None),
        target=target(),
    )
