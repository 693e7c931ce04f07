"""The LinkedIn connector's subject for the conformance kit: documented deliveries signed
the way LinkedIn signs them, the validation handshake, and a member comment the fake knows."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from pathlib import Path

from connecteurs.base import WebhookRequest
from connecteurs.conformite.subject import ConformanceSubject, http_opener
from connecteurs.linkedin.connecteur import LinkedinConnecteur
from connecteurs.linkedin.fake import (
    COMMENT_ID,
    COMMENT_TEXT,
    COMMENT_URN,
    FAKE_ACCESS_TOKEN,
    FAKE_APPLICATION_ID,
    FAKE_CLIENT_ID,
    FAKE_CLIENT_SECRET,
    FAKE_ORG_ID,
    FAKE_SUBSCRIBER,
    MEMBER_URN,
    POST_URN,
    LinkedinFake,
)
from connecteurs.models import Author, Interaction, InteractionKind, Platform

FIXTURES = Path(__file__).parent / "fixtures"
DELIVERIES = (
    "comment_notification.json",
    "reply_notification.json",
    "mention_notification.json",
    "admin_reply_notification.json",
    "comment_edit_notification.json",
    "comment_delete_notification.json",
)
#: The challengeCode of the webhook-validation page's example.
CHALLENGE_CODE = "890e4665-4dfe-4ab1-b689-ed553bceeed0"
#: What check_health needs to read the token's expiry and the event subscription.
OPTIONS = {
    "client_id": FAKE_CLIENT_ID,
    "developer_application_id": FAKE_APPLICATION_ID,
    "subscriber_person_id": FAKE_SUBSCRIBER,
}


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def signature(body: bytes, secret: str = FAKE_CLIENT_SECRET) -> str:
    """``X-LI-Signature``: hex HMAC-SHA256(client secret, "hmacsha256=" + body)."""
    return hmac.new(secret.encode(), b"hmacsha256=" + body, hashlib.sha256).hexdigest()


def delivery(body: bytes, secret: str = FAKE_CLIENT_SECRET) -> WebhookRequest:
    return WebhookRequest.make(
        body,
        {"Content-Type": "application/json", "X-LI-Signature": signature(body, secret)},
    )


def challenge_answer(code: str, secret: str = FAKE_CLIENT_SECRET) -> bytes:
    response = hmac.new(secret.encode(), code.encode(), hashlib.sha256).hexdigest()
    return json.dumps(
        {"challengeCode": code, "challengeResponse": response}, separators=(",", ":")
    ).encode()


def target() -> Interaction:
    """The member comment of ``comment_notification.json``, as parse makes it."""
    at = datetime.fromtimestamp(1691574506.310, UTC)
    external_id = COMMENT_URN
    return Interaction(
        id=Interaction.make_id(Platform.LINKEDIN, FAKE_ORG_ID, external_id),
        platform=Platform.LINKEDIN,
        account=FAKE_ORG_ID,
        external_id=external_id,
        kind=InteractionKind.COMMENT,
        author=Author(id=MEMBER_URN, handle=MEMBER_URN.rsplit(":", 1)[-1]),
        text=COMMENT_TEXT,
        post_id=POST_URN,
        created_at=at,
        received_at=at,
        reply_context={"object": POST_URN, "comment_id": COMMENT_ID},
    )


def subject() -> ConformanceSubject:
    return ConformanceSubject(
        name="linkedin",
        connecteur=LinkedinConnecteur,
        account=FAKE_ORG_ID,
        open=http_opener(LinkedinConnecteur, LinkedinFake),
        secrets={"client_secret": FAKE_CLIENT_SECRET, "access_token": FAKE_ACCESS_TOKEN},
        options=OPTIONS,
        platform=Platform.LINKEDIN,
        deliveries=[delivery(fixture(name)) for name in DELIVERIES],
        handshake=WebhookRequest.make(method="GET", query={"challengeCode": CHALLENGE_CODE}),
        handshake_answer=challenge_answer(CHALLENGE_CODE),
        # LinkedIn's validation GET carries no token: what is refused is a GET without a
        # challengeCode (or one that is not a UUID).
        bad_handshake=WebhookRequest.make(method="GET", query={}),
        target=target(),
    )
