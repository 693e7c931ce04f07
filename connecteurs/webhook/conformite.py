"""The generic webhook connector's conformance subject."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from datetime import UTC, datetime

from connecteurs.base import WebhookRequest
from connecteurs.conformite.subject import ConformanceSubject, http_opener
from connecteurs.models import Author, Interaction, InteractionKind, Platform
from connecteurs.signatures import SIGNATURE_HEADER, sign
from connecteurs.webhook.connecteur import WebhookConnecteur
from connecteurs.webhook.fake import FakeReceiver

SECRET = "test-webhook-signing-secret-51c0e2"
ACCOUNT = "crm"

SINGLE = {
    "external_id": "evt-1",
    "text": "Is the support group still meeting on Thursday?",
    "author": {"id": "p-7", "handle": "jordan"},
    "kind": "comment",
}
BATCH = {
    "events": [
        {"external_id": "evt-2", "text": "Merci !", "author": {"id": "p-8", "handle": "lea"}},
        {
            "external_id": "evt-3",
            "text": "Et le samedi ?",
            "author": {"id": "p-8", "handle": "lea"},
            "kind": "reply",
            "parent_id": "evt-2",
            "thread_id": "evt-2",
        },
    ]
}

#: Thread events next to an interaction (README, "The generic webhook connector"): the team
#: answered evt-1 in the CRM itself; Léa edited her follow-up evt-3.
MIXED = {
    "events": [
        {
            "external_id": "evt-4",
            "text": "Do you have a group for carers?",
            "author": {"id": "p-9", "handle": "sam"},
        },
        {
            "thread_event": "answered",
            "subject_id": "evt-1",
            "thread_id": "evt-1",
            "ref": "crm-msg-5521",
            "author": {"id": "agent-3", "handle": "camille"},
            "text": "Yes, every Thursday at 6 pm.",
            "at": "2026-11-03T15:20:00Z",
        },
        {
            "thread_event": "edited",
            "subject_id": "evt-3",
            "thread_id": "evt-2",
            "author": {"id": "p-8", "handle": "lea"},
            "text": "Et le samedi matin ?",
            "at": "2026-11-03T15:25:00Z",
        },
    ]
}


def signed(document: Mapping[str, object], secret: str = SECRET) -> WebhookRequest:
    body = json.dumps(document).encode()
    return WebhookRequest.make(
        body,
        {
            "content-type": "application/json",
            SIGNATURE_HEADER: sign(secret, body, int(time.time())),
        },
        path=f"/webhooks/webhook/{ACCOUNT}",
    )


def target() -> Interaction:
    now = datetime.now(UTC)
    return Interaction(
        id=Interaction.make_id(Platform.WEBHOOK, ACCOUNT, "evt-1"),
        platform=Platform.WEBHOOK,
        account=ACCOUNT,
        external_id="evt-1",
        kind=InteractionKind.COMMENT,
        author=Author(id="p-7", handle="jordan"),
        text=str(SINGLE["text"]),
        created_at=now,
        received_at=now,
    )


def subject() -> ConformanceSubject:
    return ConformanceSubject(
        name="webhook",
        connecteur=WebhookConnecteur,
        account=ACCOUNT,
        platform=Platform.WEBHOOK,
        secrets={"signing_secret": SECRET},
        open=http_opener(WebhookConnecteur, lambda: FakeReceiver(secret=SECRET)),
        deliveries=[signed(SINGLE), signed(BATCH), signed(MIXED)],
        target=target(),
        exempt={
            "test_handshake_answered": "the generic webhook has no verification handshake",
            "test_handshake_refused": "the generic webhook has no verification handshake",
        },
    )
