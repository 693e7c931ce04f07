"""The conformance subject of the e-mail connector: the documented messages, signed with
Passerelle's scheme, and a real local SMTP server (aiosmtpd) as the peer."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from connecteurs.base import AccountContext, WebhookRequest
from connecteurs.conformite.subject import ConformanceSubject, Harness
from connecteurs.email.connecteur import EmailConnecteur, EmailOptions
from connecteurs.email.fake import SmtpHandler, smtp_server
from connecteurs.models import Author, Interaction, InteractionKind, Platform
from connecteurs.signatures import sign

ACCOUNT = "contact@example.org"
SECRETS = {
    "inbound_secret": "test-inbound-secret-7d2e4b",
    "smtp_username": "contact-relay-user",
    "smtp_password": "test-smtp-password-91c5af",
}
FIXTURES = Path(__file__).parent / "fixtures"


def messages() -> dict[str, str]:
    """The fixture messages, name → raw RFC 5322 text (CRLF line ends)."""
    loaded: dict[str, str] = json.loads((FIXTURES / "messages.json").read_text("utf-8"))
    return loaded


def delivery(raw: str, secret: str, timestamp: int | None = None) -> WebhookRequest:
    """What an MTA pipe POSTs: the raw message, signed with ``X-Passerelle-Signature``."""
    body = raw.encode("utf-8")
    when = int(time.time()) if timestamp is None else timestamp
    return WebhookRequest.make(
        body,
        {"Content-Type": "message/rfc822", "X-Passerelle-Signature": sign(secret, body, when)},
        path=f"/webhooks/email/{ACCOUNT}",
    )


def target() -> Interaction:
    """The first message of ``plain`` as the connector parses it."""
    external_id = "1234.5678@mail.example.net"
    created = datetime(2026, 11, 3, 14, 55, 6, tzinfo=UTC)
    return Interaction(
        id=Interaction.make_id(Platform.EMAIL, ACCOUNT, external_id),
        platform=Platform.EMAIL,
        account=ACCOUNT,
        external_id=external_id,
        kind=InteractionKind.EMAIL,
        author=Author(
            id="amelie.tremblay@example.net",
            handle="Amelie.Tremblay@example.net",
            display_name="Amélie Tremblay",
            locale="fr-CA",
        ),
        text="Est-ce qu'il reste des places pour l'atelier de samedi ?",
        language="fr",
        created_at=created,
        received_at=created,
        reply_context={
            "subject": "Question sur l'inscription à l'atelier",
            "message_id": f"<{external_id}>",
            "references": "",
        },
    )


@asynccontextmanager
async def open_smtp(context: AccountContext) -> AsyncIterator[Harness]:
    """Start a local SMTP server requiring the subject's credentials, point the connector
    at it, and stop it on exit."""
    username = context.secrets.get("smtp_username")
    password = context.secrets.get("smtp_password")
    handler = SmtpHandler(credentials=(username, password) if username and password else None)
    with smtp_server(handler) as port:
        options = context.options
        base = options.model_dump() if isinstance(options, EmailOptions) else {}
        local = EmailOptions.model_validate(
            base | {"smtp_host": "127.0.0.1", "smtp_port": port, "starttls": False}
        )
        connector = EmailConnecteur(context.model_copy(update={"options": local}))
        try:
            yield Harness(connector, fail_next=handler.fail, writes=lambda: handler.accepted)
        finally:
            await connector.aclose()


def subject() -> ConformanceSubject:
    fixtures = messages()
    return ConformanceSubject(
        name="email",
        connecteur=EmailConnecteur,
        account=ACCOUNT,
        platform=Platform.EMAIL,
        secrets=SECRETS,
        options={"smtp_host": "127.0.0.1", "smtp_port": 2525, "starttls": False, "timeout": 5},
        open=open_smtp,
        deliveries=[delivery(raw, SECRETS["inbound_secret"]) for raw in fixtures.values()],
        target=target(),
        exempt={
            "test_handshake_answered": "an MTA pipe has no verification handshake: the "
            "operator configures the gateway URL and the signing secret by hand",
            "test_handshake_refused": "no handshake: deliveries are authenticated by "
            "X-Passerelle-Signature alone",
        },
    )
