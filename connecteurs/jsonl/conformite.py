"""The jsonl connector's conformance subject: its peer is an outbox file."""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from connecteurs.base import AccountContext, WebhookRequest
from connecteurs.conformite.subject import ConformanceSubject, Harness
from connecteurs.jsonl.connecteur import JsonlConnecteur, JsonlOptions, read_outbox
from connecteurs.models import Author, Interaction, InteractionKind, Platform
from connecteurs.signatures import SIGNATURE_HEADER, sign
from connecteurs.testing import Failure

SECRET = "test-jsonl-signing-secret-7d2a90"
ACCOUNT = "demo"
NO_REMOTE = "a local file has no rate limit, token or remote deletion"

LINES = [
    {
        "external_id": "c-100",
        "text": "Bonjour, à quelle heure ouvre la clinique samedi ?",
        "author": {"id": "u-1", "handle": "marie"},
    },
    {
        "external_id": "c-101",
        "text": "Merci pour l'atelier d'hier !",
        "author": {"id": "u-2", "handle": "sam"},
        "kind": "comment",
    },
]


@asynccontextmanager
async def open_outbox(context: AccountContext) -> AsyncIterator[Harness]:
    with tempfile.TemporaryDirectory() as folder:
        outbox = Path(folder) / "outbox.jsonl"
        connector = JsonlConnecteur(
            context.model_copy(update={"options": JsonlOptions(outbox=outbox)})
        )
        try:
            yield Harness(connector, writes=lambda: len(read_outbox(outbox)))
        finally:
            await connector.aclose()


def subject() -> ConformanceSubject:
    body = "\n".join(json.dumps(line) for line in LINES).encode()
    now = datetime.now(UTC)
    return ConformanceSubject(
        name="jsonl",
        connecteur=JsonlConnecteur,
        account=ACCOUNT,
        platform=Platform.JSONL,
        secrets={"signing_secret": SECRET},
        open=open_outbox,
        deliveries=[
            WebhookRequest.make(
                body,
                {
                    "content-type": "application/x-ndjson",
                    SIGNATURE_HEADER: sign(SECRET, body, int(time.time())),
                },
            )
        ],
        target=Interaction(
            id=Interaction.make_id(Platform.JSONL, ACCOUNT, "c-100"),
            platform=Platform.JSONL,
            account=ACCOUNT,
            external_id="c-100",
            kind=InteractionKind.COMMENT,
            author=Author(id="u-1", handle="marie"),
            text="Bonjour",
            created_at=now,
            received_at=now,
        ),
        exempt={
            "test_handshake_answered": "JSON Lines over HTTP has no verification handshake",
            "test_handshake_refused": "JSON Lines over HTTP has no verification handshake",
            **{f"test_platform_failure_is_typed[{f}]": NO_REMOTE for f in Failure},
            "test_health_check": "a local file has no token that could expire or be refused: "
            "check_health reports whether the outbox can be written (tests/connecteurs/"
            "test_jsonl.py)",
        },
    )
