"""The ``email`` connector against the documents it follows.

- RFC 5322 (https://www.rfc-editor.org/rfc/rfc5322): §3.6.4 identification fields —
  Message-ID, In-Reply-To, and References, whose first id is the thread's root and which a
  reply builds as the parent's References followed by the parent's Message-ID; §3.6.5 the
  "Re: " subject; Appendix A.2 (reply messages) is the model of the ``reply`` fixture.
- RFC 3834 (https://www.rfc-editor.org/rfc/rfc3834) §2 and §5: Auto-Submitted (any value but
  "no" is a machine) and Precedence bulk/junk/list; such messages must not be answered.
- RFC 5321 (https://www.rfc-editor.org/rfc/rfc5321) §4.2.2-§4.2.3 reply codes, §4.5.5 the
  null reverse-path of delivery reports; RFC 3463 5.7.x policy codes.
- RFC 3676 §4.3 signature separator "-- "; RFC 3282 Content-Language.
- The mailbox's own replies (``own_reply`` fixture: the answer the ``reply`` fixture quotes
  and names in its References) are ``answered`` thread events found by In-Reply-To and
  References (RFC 5322 §3.6.4), never interactions.
- Passerelle's signature, ``X-Passerelle-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret,
  "<t>." + body)>`` (connecteurs/signatures.py).

Outbound mail goes to a real SMTP server (aiosmtpd) on 127.0.0.1; nothing leaves the host.
"""

from __future__ import annotations

import email.message
import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

import connecteurs.email.payloads as payloads
from connecteurs.base import AccountContext, Capability, WebhookRequest
from connecteurs.email import EmailConnecteur, EmailOptions
from connecteurs.email.conformite import ACCOUNT, SECRETS, delivery, messages, target
from connecteurs.email.fake import SmtpHandler, free_port, smtp_server
from connecteurs.email.smtp import (
    SMTP_RETRY_AFTER,
    references_for,
    reply_subject,
    smtp_error,
)
from connecteurs.email.texte import trim_reply
from connecteurs.errors import (
    AuthError,
    ConnecteurError,
    InvalidRequest,
    InvalidSignature,
    MalformedPayload,
    NotFound,
    RateLimited,
    TransientError,
    UnsupportedAction,
)
from connecteurs.models import InteractionKind, ThreadEventKind, body_sha256
from connecteurs.signatures import SIGNATURE_HEADER
from connecteurs.testing import Failure

NOW = datetime(2026, 11, 5, 12, 0, tzinfo=UTC)
SECRET = SECRETS["inbound_secret"]
MESSAGES = messages()


def clock() -> float:
    return NOW.timestamp()


def make(port: int = 25, secrets: dict[str, str] | None = None, **options: Any) -> EmailConnecteur:
    settings = {"smtp_host": "127.0.0.1", "smtp_port": port, "starttls": False, "timeout": 5}
    context = AccountContext(
        account=ACCOUNT,
        secrets={"inbound_secret": SECRET} if secrets is None else secrets,
        options=EmailOptions.model_validate(settings | options),
    )
    return EmailConnecteur(context, clock=clock)


def signed(raw: str | bytes, *, at: float | None = None, secret: str = SECRET) -> WebhookRequest:
    body = raw.encode() if isinstance(raw, str) else raw
    return delivery(body.decode("utf-8", "surrogateescape"), secret, int(at or clock()))


def edit(name: str, *, drop: tuple[str, ...] = (), add: str = "") -> str:
    """A fixture message with header lines removed or added on top."""
    raw = MESSAGES[name]
    head, sep, body = raw.partition("\r\n\r\n")
    lines: list[str] = []
    dropping = False
    for line in head.split("\r\n"):
        if not line[:1].isspace():  # a new field; folded lines continue the previous one
            dropping = any(line.lower().startswith(d.lower() + ":") for d in drop)
        if not dropping:
            lines.append(line)
    return (add + "\r\n" if add else "") + "\r\n".join(lines) + sep + body


async def parse_one(raw: str) -> Any:
    [interaction] = await make().parse(signed(raw))
    return interaction


@pytest.fixture
def server() -> Iterator[tuple[SmtpHandler, int]]:
    handler = SmtpHandler()
    with smtp_server(handler) as port:
        yield handler, port


# -- the package itself -----------------------------------------------------------------


def test_the_subpackage_does_not_shadow_the_stdlib_email_package() -> None:
    # connecteurs/email is imported as connecteurs.email; inside it, `email` is the stdlib.
    inside = vars(payloads)["email"]
    assert inside is email and inside.__name__ == "email"
    assert "connecteurs" not in (inside.message.__file__ or "")
    assert vars(payloads)["EmailMessage"] is email.message.EmailMessage


def test_manifest_declares_webhook_reply_and_dm_but_not_poll() -> None:
    manifest = EmailConnecteur.manifest
    assert manifest.capabilities == {
        Capability.WEBHOOK,
        Capability.REPLY,
        Capability.DIRECT_MESSAGE,
    }
    assert not manifest.reply_lookup and "Message-ID" in manifest.reply_lookup_note
    assert set(SECRETS) <= set(manifest.secrets)
    assert any("rfc5322" in doc for doc in manifest.documentation)
    assert any("IMAP" in doc for doc in manifest.documentation)


async def test_undeclared_actions_and_imap_polling_are_unsupported() -> None:
    connector = make()
    with pytest.raises(UnsupportedAction):
        await connector.poll(None)
    with pytest.raises(UnsupportedAction):
        await connector.hide(target(), idempotency_key="k")


@pytest.mark.parametrize(
    "options",
    [
        {"starttls": True, "use_tls": True},
        {"imap_host": "imap.example.org"},
        {"from_name": "Passerelle\r\nBcc: victim@example.net"},
        {"smtp_port": 0},
    ],
)
def test_invalid_options_are_refused(options: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        EmailOptions.model_validate(options)


# -- verify: X-Passerelle-Signature --------------------------------------------------------


async def test_a_correct_signature_is_accepted() -> None:
    await make().verify(signed(MESSAGES["plain"]))


@pytest.mark.parametrize("offset", [-301, 301])
async def test_a_signature_outside_the_five_minute_window_is_refused(offset: int) -> None:
    request = signed(MESSAGES["plain"], at=clock() + offset)
    with pytest.raises(InvalidSignature, match="too old"):
        await make().verify(request)


async def test_a_signature_at_the_window_edge_is_accepted() -> None:
    await make().verify(signed(MESSAGES["plain"], at=clock() - 300))


async def test_a_wrong_secret_is_refused() -> None:
    with pytest.raises(InvalidSignature, match="does not match"):
        await make().verify(signed(MESSAGES["plain"], secret="another-secret"))


async def test_a_tampered_body_is_refused() -> None:
    request = signed(MESSAGES["plain"])
    changed = request.body.replace(b"samedi", b"dimanche")
    with pytest.raises(InvalidSignature, match="does not match"):
        await make().verify(request.model_copy(update={"body": changed}))


async def test_a_missing_signature_is_refused() -> None:
    request = WebhookRequest.make(MESSAGES["plain"].encode(), {"Content-Type": "message/rfc822"})
    with pytest.raises(InvalidSignature, match="missing"):
        await make().verify(request)


async def test_an_unreadable_signature_header_is_refused() -> None:
    request = WebhookRequest.make(b"x", {SIGNATURE_HEADER: "sha256=abc"})
    with pytest.raises(InvalidSignature, match="t=<unix"):
        await make().verify(request)


async def test_without_an_inbound_secret_every_delivery_is_refused() -> None:
    with pytest.raises(InvalidSignature, match="inbound_secret") as raised:
        await make(secrets={}).verify(signed(MESSAGES["plain"]))
    assert SECRET not in str(raised.value)


# -- parse ------------------------------------------------------------------------------


async def test_a_plain_message_becomes_one_email_interaction() -> None:
    raw = MESSAGES["plain"]
    item = await parse_one(raw)
    assert item.id == "email:contact@example.org:1234.5678@mail.example.net"
    assert (item.kind, item.external_id) == (InteractionKind.EMAIL, "1234.5678@mail.example.net")
    assert item.author.id == "amelie.tremblay@example.net"
    assert item.author.handle == "Amelie.Tremblay@example.net"
    assert item.author.display_name == "Amélie Tremblay"  # RFC 2047 encoded-word decoded
    # Content-Language: fr-CA → the language templates are keyed on, the locale kept whole.
    assert (item.language, item.author.locale) == ("fr", "fr-CA")
    # RFC 3676 §4.3: the signature after "-- " is not the author's message.
    assert item.text.endswith("Merci !")
    assert "514 555-0142" not in item.text
    assert item.created_at == datetime(2026, 11, 3, 14, 55, 6, tzinfo=UTC)
    assert item.received_at == NOW
    assert (item.thread_id, item.parent_id) == (None, None)
    assert not item.is_follow_up
    assert item.raw_sha256 == body_sha256(raw.encode())
    assert item.reply_context == {
        "subject": "Question sur l'inscription à l'atelier",
        "message_id": "<1234.5678@mail.example.net>",
        "references": "",
    }


async def test_a_reply_is_threaded_under_the_root_of_its_references() -> None:
    item = await parse_one(MESSAGES["reply"])
    # RFC 5322 §3.6.4: References starts at the thread's first message.
    assert item.thread_id == "1234.5678@mail.example.net"
    assert item.parent_id == "0f3a9c2e41d7b8a6e5c4d3b2a1908f7e@example.org"
    assert item.root_external_id == "1234.5678@mail.example.net" and item.is_follow_up
    # The quoted answer, its French attribution line and the signature are trimmed.
    assert item.text == "Parfait, merci. Nous serons deux."
    assert item.reply_context["reply_to"] == "amelie@home.example"
    assert item.reply_context["references"] == (
        "<1234.5678@mail.example.net> <0f3a9c2e41d7b8a6e5c4d3b2a1908f7e@example.org>"
    )


async def test_in_reply_to_alone_gives_thread_and_parent() -> None:
    raw = edit("reply", drop=("References",))
    item = await parse_one(raw)
    assert item.thread_id == item.parent_id == "0f3a9c2e41d7b8a6e5c4d3b2a1908f7e@example.org"
    assert item.reply_context["in_reply_to"] == "<0f3a9c2e41d7b8a6e5c4d3b2a1908f7e@example.org>"


async def test_multipart_alternative_reads_the_text_part_without_the_quote() -> None:
    item = await parse_one(MESSAGES["alternative"])
    assert item.text == "Hi, can I log my volunteer hours from last weekend online?"
    assert item.language is None and item.author.display_name == "Jordan Lee"


async def test_an_html_only_message_is_stripped_to_text() -> None:
    item = await parse_one(MESSAGES["html_only"])
    assert item.text == "Hello,\n\nIs the venue wheelchair accessible? & is there parking?"


async def test_attachments_are_listed_without_their_content() -> None:
    raw = (
        "From: a@example.net\r\nMessage-ID: <att.1@example.net>\r\nSubject: Photo\r\n"
        'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain\r\n\r\nSee the photo.\r\n"
        "--b\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=p.png\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--b--\r\n"
    )
    item = await parse_one(raw)
    assert item.text == "See the photo."
    assert [(a.kind, a.mime_type) for a in item.attachments] == [("image", "image/png")]


async def test_without_a_date_created_at_is_now_and_an_empty_body_gives_the_subject() -> None:
    raw = "From: a@example.net\r\nMessage-ID: <d.1@example.net>\r\nSubject: Rappel\r\n\r\n"
    item = await parse_one(raw)
    assert item.created_at == NOW
    assert item.text == "Rappel"


async def test_an_unreadable_date_falls_back_to_now() -> None:
    item = await parse_one(edit("plain", drop=("Date",), add="Date: mardi matin"))
    assert item.created_at == NOW


async def test_the_same_delivery_gives_the_same_id_twice() -> None:
    first = await make().parse(signed(MESSAGES["plain"]))
    again = await make().parse(signed(MESSAGES["plain"]))
    assert [i.id for i in first] == [i.id for i in again]


# -- skipped: RFC 3834 automatic messages, bounces, the account's own mail ---------------------


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(MESSAGES["auto_reply"], id="Auto-Submitted: auto-replied (RFC 3834 §5)"),
        pytest.param(MESSAGES["bounce"], id="MAILER-DAEMON delivery report"),
        pytest.param(edit("plain", add="Auto-Submitted: auto-generated"), id="auto-generated"),
        pytest.param(edit("plain", add="Precedence: bulk"), id="Precedence bulk"),
        pytest.param(edit("plain", add="Precedence: list"), id="Precedence list"),
        pytest.param(edit("plain", add="Precedence: junk"), id="Precedence junk"),
        pytest.param(
            edit("plain", drop=("Return-Path",), add="Return-Path: <>"), id="null Return-Path"
        ),
        pytest.param(
            edit("plain", drop=("From",), add="From: Passerelle <Contact@Example.org>"),
            id="the account's own message",
        ),
    ],
)
async def test_automatic_and_own_messages_are_skipped(raw: str) -> None:
    assert await make().parse(signed(raw)) == []


async def test_auto_submitted_no_is_a_person() -> None:
    # RFC 3834 §5: "no" is the same as no Auto-Submitted field at all.
    assert len(await make().parse(signed(edit("plain", add="Auto-Submitted: no")))) == 1


# -- the mailbox's own replies: thread events, never interactions ----------------------------

OWN_REPLY_ID = "0f3a9c2e41d7b8a6e5c4d3b2a1908f7e@example.org"


async def test_an_own_reply_answers_the_thread_and_is_no_interaction() -> None:
    own = signed(MESSAGES["own_reply"])
    assert await make().parse(own) == []
    [event] = await make().parse_events(own)
    assert event.kind is ThreadEventKind.ANSWERED
    assert event.subject_id == "1234.5678@mail.example.net"
    assert event.thread_id == "1234.5678@mail.example.net"
    assert event.ref == f"<{OWN_REPLY_ID}>"
    assert event.author is not None and event.author.id == ACCOUNT
    assert event.author.display_name == "Association Passerelle"
    assert event.text == (
        "Bonjour Amélie,\n\nIl reste des places : vous pouvez vous inscrire en répondant à "
        "ce message."
    )
    assert event.at == datetime(2026, 11, 3, 15, 1, tzinfo=UTC)
    # It goes to the workflow Amélie's first message started.
    plain = await parse_one(MESSAGES["plain"])
    assert event.workflow_id == plain.workflow_id
    # Her follow-up (the ``reply`` fixture) names this answer as its parent, same thread.
    follow_up = await parse_one(MESSAGES["reply"])
    assert follow_up.parent_id == OWN_REPLY_ID
    assert follow_up.root_external_id == event.root_external_id
    # A redelivery (the MTA retrying) is the same event.
    [again] = await make().parse_events(signed(MESSAGES["own_reply"]))
    assert again.key == event.key


async def test_an_own_reply_to_a_follow_up_goes_to_the_root_workflow() -> None:
    raw = edit(
        "own_reply",
        drop=("In-Reply-To", "References", "Message-ID"),
        add="Message-ID: <second.answer@example.org>\r\n"
        "In-Reply-To: <abcd.1234@mail.example.net>\r\n"
        f"References: <1234.5678@mail.example.net> <{OWN_REPLY_ID}>\r\n"
        " <abcd.1234@mail.example.net>",
    )
    [event] = await make().parse_events(signed(raw))
    assert event.subject_id == "abcd.1234@mail.example.net"
    assert event.thread_id == "1234.5678@mail.example.net"
    plain = await parse_one(MESSAGES["plain"])
    assert event.workflow_id == plain.workflow_id


async def test_references_alone_name_the_message_answered() -> None:
    raw = edit(
        "own_reply",
        drop=("In-Reply-To", "References"),
        add=f"References: <root.1@mail.example.net> <{OWN_REPLY_ID}> <last.3@mail.example.net>",
    )
    [event] = await make().parse_events(signed(raw))
    assert (event.subject_id, event.thread_id) == (
        "last.3@mail.example.net",
        "root.1@mail.example.net",
    )


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(MESSAGES["plain"], id="someone else's message"),
        pytest.param(MESSAGES["reply"], id="someone else's reply"),
        pytest.param(
            edit("own_reply", drop=("In-Reply-To", "References")), id="a new message, no answer"
        ),
        pytest.param(
            edit("own_reply", add="Auto-Submitted: auto-replied"), id="the mailbox's auto-reply"
        ),
        pytest.param(MESSAGES["bounce"], id="a bounce"),
    ],
)
async def test_messages_that_are_no_thread_event(raw: str) -> None:
    assert await make().parse_events(signed(raw)) == []


async def test_parse_events_refuses_what_parse_refuses() -> None:
    with pytest.raises(MalformedPayload):
        await make().parse_events(signed("not a message at all"))


# -- malformed deliveries ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (edit("plain", drop=("Message-ID",)), "Message-ID"),
        (edit("plain", drop=("From",)), "From"),
        (edit("plain", drop=("From",), add="From: undisclosed-recipients:;"), "From"),
        ("", "empty"),
        ('{"not": "an e-mail"}', "empty line"),
        # A multipart body cut before its close delimiter (RFC 2046 §5.1.1).
        (MESSAGES["alternative"][:700], "incomplete multipart"),
        # Cut inside the header section: no empty line ends it (RFC 5322 §2.1).
        (MESSAGES["plain"][:200], "empty line"),
    ],
)
async def test_a_body_that_is_not_a_usable_message_is_malformed(raw: str, reason: str) -> None:
    with pytest.raises(MalformedPayload, match=reason):
        await make().parse(signed(raw))


async def test_a_json_content_type_is_malformed() -> None:
    request = WebhookRequest.make(MESSAGES["plain"].encode(), {"Content-Type": "application/json"})
    with pytest.raises(MalformedPayload, match="message/rfc822"):
        await make().parse(request)


# -- reply and direct message over SMTP -----------------------------------------------------


def expected_message_id(key: str) -> str:
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@example.org>"


async def test_reply_mails_the_author_threaded_under_the_message(
    server: tuple[SmtpHandler, int],
) -> None:
    handler, port = server
    connector = make(port, from_name="Association Passerelle")
    result = await connector.reply(target(), "Oui, il reste 4 places.", idempotency_key="wf/r-1")
    [envelope] = handler.envelopes
    assert envelope.mail_from == ACCOUNT
    assert envelope.rcpt_tos == ["Amelie.Tremblay@example.net"]
    [sent] = handler.messages()
    assert sent["From"] == "Association Passerelle <contact@example.org>"
    assert sent["To"] == "Amelie.Tremblay@example.net"
    assert sent["Subject"] == "Re: Question sur l'inscription à l'atelier"
    # RFC 5322 §3.6.4: In-Reply-To is the parent's Message-ID; References ends with it.
    assert sent["In-Reply-To"] == "<1234.5678@mail.example.net>"
    assert sent["References"] == "<1234.5678@mail.example.net>"
    assert sent["Message-ID"] == expected_message_id("wf/r-1")
    body = sent.get_body(preferencelist=("plain",))
    assert body is not None and body.get_content().strip() == "Oui, il reste 4 places."
    assert result.ok and result.action == "reply"
    assert result.platform_ref == expected_message_id("wf/r-1")


async def test_a_reply_to_a_follow_up_goes_to_reply_to_and_extends_references(
    server: tuple[SmtpHandler, int],
) -> None:
    handler, port = server
    parent = await parse_one(MESSAGES["reply"])
    await make(port).reply(parent, "Bien noté, à samedi !", idempotency_key="wf/r-2")
    [sent] = handler.messages()
    assert handler.envelopes[0].rcpt_tos == ["amelie@home.example"]  # RFC 5322 §3.6.2
    assert sent["Subject"] == "Re: Question sur l'inscription"  # one "Re: ", not three
    assert sent["In-Reply-To"] == "<abcd.1234@mail.example.net>"
    assert sent["References"] == (
        "<1234.5678@mail.example.net> <0f3a9c2e41d7b8a6e5c4d3b2a1908f7e@example.org> "
        "<abcd.1234@mail.example.net>"
    )


async def test_direct_message_is_the_same_threaded_mail(
    server: tuple[SmtpHandler, int],
) -> None:
    handler, port = server
    result = await make(port).send_direct_message(target(), "Bonjour", idempotency_key="wf/d-1")
    [sent] = handler.messages()
    assert result.action == "direct_message" and result.ok
    assert sent["In-Reply-To"] == "<1234.5678@mail.example.net>"
    assert sent["Message-ID"] == expected_message_id("wf/d-1")


async def test_a_retried_reply_resends_the_same_message_id(
    server: tuple[SmtpHandler, int],
) -> None:
    # SMTP has no lookup (manifest.reply_lookup is False): a retry is delivered again, and
    # receivers recognise it by its unchanged Message-ID.
    handler, port = server
    connector = make(port)
    first = await connector.reply(target(), "Oui.", idempotency_key="wf/r-1")
    again = await connector.reply(target(), "Oui.", idempotency_key="wf/r-1")
    other = await connector.reply(target(), "Oui.", idempotency_key="wf/r-2")
    ids = [m["Message-ID"] for m in handler.messages()]
    assert ids[0] == ids[1] == first.platform_ref == again.platform_ref
    assert ids[2] == other.platform_ref != ids[0]


async def test_a_target_without_an_address_is_an_invalid_request() -> None:
    nobody = target().model_copy(
        update={"author": target().author.model_copy(update={"handle": "anonymous"})}
    )
    with pytest.raises(InvalidRequest, match="address"):
        await make(free_port()).reply(nobody, "x", idempotency_key="k")


async def test_a_line_break_in_the_subject_cannot_inject_headers(
    server: tuple[SmtpHandler, int],
) -> None:
    handler, port = server
    context = target().reply_context | {"subject": "Hi\r\nBcc: victim@example.net"}
    crafted = target().model_copy(update={"reply_context": context})
    with pytest.raises(InvalidRequest):
        await make(port).reply(crafted, "x", idempotency_key="k")
    assert handler.envelopes == []


# -- AUTH ---------------------------------------------------------------------------------


async def test_the_connector_logs_in_with_the_smtp_secrets() -> None:
    handler = SmtpHandler(credentials=("relay-user", "relay-password-0a1b"))
    secrets = {"smtp_username": "relay-user", "smtp_password": "relay-password-0a1b"}
    with smtp_server(handler) as port:
        await make(port, secrets=secrets).reply(target(), "Oui.", idempotency_key="k")
    assert handler.logins == ["relay-user"] and handler.accepted == 1


async def test_a_refused_password_is_an_auth_error_without_the_password() -> None:
    handler = SmtpHandler(credentials=("relay-user", "relay-password-0a1b"))
    secrets = {"smtp_username": "relay-user", "smtp_password": "wrong-password-77e3"}
    with smtp_server(handler) as port, pytest.raises(AuthError, match="535") as raised:
        await make(port, secrets=secrets).reply(target(), "Oui.", idempotency_key="k")
    assert "wrong-password-77e3" not in repr(raised.value)
    assert "wrong-password-77e3" not in repr(raised.value.__cause__)


async def test_sending_without_logging_in_to_a_server_that_requires_it_is_an_auth_error() -> None:
    handler = SmtpHandler(credentials=("relay-user", "relay-password-0a1b"))
    with smtp_server(handler) as port, pytest.raises(AuthError, match="530"):
        await make(port).reply(target(), "Oui.", idempotency_key="k")


async def test_username_without_password_is_refused_before_connecting() -> None:
    with pytest.raises(InvalidRequest, match="go together"):
        await make(free_port(), secrets={"smtp_username": "u"}).reply(
            target(), "x", idempotency_key="k"
        )


# -- SMTP replies → typed errors (RFC 5321 §4.2.2-§4.2.3) ------------------------------------


@pytest.mark.parametrize(
    ("stage", "reply", "error"),
    [
        ("RCPT", "452 4.3.1 Insufficient system storage", RateLimited),
        ("RCPT", "450 4.7.1 Error: too much mail from 127.0.0.1", RateLimited),
        ("MAIL", "421 4.7.0 Too many connections, try later", RateLimited),
        ("RCPT", "421 4.3.0 Service not available, closing channel", TransientError),
        ("RCPT", "450 4.2.1 Mailbox busy", TransientError),
        ("DATA", "451 4.3.0 Local error in processing", TransientError),
        ("RCPT", "550 5.1.1 <gone@example.net>: Recipient address rejected", NotFound),
        ("RCPT", "551 5.1.6 User not local", NotFound),
        ("RCPT", "553 5.1.3 Mailbox name not allowed", NotFound),
        ("DATA", "550 5.7.1 Message rejected as spam", InvalidRequest),
        ("DATA", "552 5.3.4 Message size exceeds fixed limit", InvalidRequest),
        ("DATA", "554 5.6.0 Transaction failed", InvalidRequest),
        ("MAIL", "535 5.7.8 Authentication credentials invalid", AuthError),
    ],
)
async def test_smtp_replies_become_typed_errors(
    server: tuple[SmtpHandler, int], stage: Any, reply: str, error: type[ConnecteurError]
) -> None:
    handler, port = server
    handler.fail_next(stage, reply)
    with pytest.raises(error, match=reply[:3]) as raised:
        await make(port).reply(target(), "x", idempotency_key="k")
    assert type(raised.value) is error
    if isinstance(raised.value, RateLimited):
        assert raised.value.retry_after == SMTP_RETRY_AFTER
    assert handler.accepted == 0


@pytest.mark.parametrize(
    ("failure", "error"),
    [
        (Failure.RATE_LIMITED, RateLimited),
        (Failure.EXPIRED_TOKEN, AuthError),
        (Failure.NOT_FOUND, NotFound),
        (Failure.SERVER_ERROR, TransientError),
    ],
)
async def test_the_kit_failures_become_the_kit_errors(
    failure: Failure, error: type[ConnecteurError]
) -> None:
    handler = SmtpHandler(credentials=(SECRETS["smtp_username"], SECRETS["smtp_password"]))
    with smtp_server(handler) as port:
        connector = make(port, secrets=SECRETS)
        handler.fail(failure)
        with pytest.raises(error) as raised:
            await connector.reply(target(), "x", idempotency_key="k")
        # The next attempt goes through: the failure was one answer, not a broken server.
        await connector.reply(target(), "x", idempotency_key="k")
    assert handler.accepted == 1
    assert not any(secret in repr(raised.value) for secret in SECRETS.values())


async def test_no_server_listening_is_transient() -> None:
    with pytest.raises(TransientError, match="smtp"):
        await make(free_port()).reply(target(), "x", idempotency_key="k")


async def test_starttls_required_but_not_offered_is_an_invalid_request(
    server: tuple[SmtpHandler, int],
) -> None:
    _, port = server
    with pytest.raises(InvalidRequest, match="STARTTLS"):
        await make(port, starttls=True).reply(target(), "x", idempotency_key="k")


def test_timeouts_and_disconnections_are_transient() -> None:
    import aiosmtplib

    for err in (
        aiosmtplib.SMTPReadTimeoutError("Timed out waiting for server response"),
        aiosmtplib.SMTPServerDisconnected("Connection lost"),
        TimeoutError(),
        ConnectionResetError("reset by peer"),
    ):
        assert type(smtp_error(err)) is TransientError


# -- threading helpers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Volunteer hours", "Re: Volunteer hours"),
        ("Re: Volunteer hours", "Re: Volunteer hours"),
        ("RE: re: Volunteer hours", "Re: Volunteer hours"),
        ("re:Volunteer hours", "Re: Volunteer hours"),
        ("Reunion du samedi", "Re: Reunion du samedi"),
        ("", "Re:"),
    ],
)
def test_reply_subject_adds_one_re(subject: str, expected: str) -> None:
    assert reply_subject(subject) == expected


def test_references_follow_rfc_5322_section_3_6_4() -> None:
    # Parent's References, then the parent's Message-ID.
    assert references_for("<c@x>", "<a@x> <b@x>", "") == "<a@x> <b@x> <c@x>"
    # No References but a single In-Reply-To: that id seeds the list.
    assert references_for("<c@x>", "", "<b@x>") == "<b@x> <c@x>"
    # Several In-Reply-To ids say nothing about the thread: only the parent.
    assert references_for("<c@x>", "", "<a@x> <b@x>") == "<c@x>"


def test_trim_reply_keeps_interleaved_answers_and_drops_quotes() -> None:
    text = (
        "Bonjour,\n\nOn Tue, Nov 3, 2026 at 10:01 AM Passerelle <\ncontact@example.org> wrote:\n"
        "> Combien êtes-vous ?\nNous serons deux.\n> Avez-vous besoin d'un repas ?\nOui.\n"
        "-- \nAmélie\n"
    )
    assert trim_reply(text) == "Bonjour,\n\nNous serons deux.\nOui."


def test_trim_reply_keeps_a_forward_without_comment() -> None:
    assert trim_reply("> only a quote\n> nothing else") == "> only a quote\n> nothing else"


# -- channel health (RFC 5321 §4.1.1.9 NOOP; RFC 4954 §6 AUTH replies) ------------------------

LOGIN = (SECRETS["smtp_username"], SECRETS["smtp_password"])


async def test_health_is_a_real_smtp_conversation_that_sends_nothing() -> None:
    handler = SmtpHandler(credentials=LOGIN)
    with smtp_server(handler) as port:
        check = await make(port, secrets=SECRETS).check_health()
    assert check.token_valid is True
    # A password never says when it expires, and inbound mail is an MTA pipe.
    assert check.token_expires_at is None and check.subscription_active is None
    assert check.scopes_missing == ()
    assert check.detail == f"smtp relay 127.0.0.1:{port} accepted EHLO, AUTH and NOOP"
    assert handler.logins == [SECRETS["smtp_username"]]
    assert (handler.noops, handler.quits, handler.accepted) == (1, 1, 0)


async def test_health_without_a_login_checks_the_relay_only(
    server: tuple[SmtpHandler, int],
) -> None:
    handler, port = server
    check = await make(port).check_health()
    assert check.token_valid is None
    assert "no SMTP login is configured" in check.detail
    assert (handler.logins, handler.noops, handler.quits) == ([], 1, 1)


@pytest.mark.parametrize("how", ["revoked", "past its end"])
async def test_health_of_a_refused_password_is_an_auth_error(how: str) -> None:
    handler = SmtpHandler(credentials=LOGIN)
    if how == "revoked":
        handler.token_revoked = True
    else:
        handler.token_expires_at = datetime.now(UTC) - timedelta(seconds=1)
    with smtp_server(handler) as port, pytest.raises(AuthError, match="535") as raised:
        await make(port, secrets=SECRETS).check_health()
    assert "AUTH" in str(raised.value)
    for error in (raised.value, raised.value.__cause__):
        assert not any(secret in repr(error) for secret in SECRETS.values())
    assert handler.noops == 0


async def test_health_cannot_see_a_password_expiring_in_three_days() -> None:
    handler = SmtpHandler(credentials=LOGIN)
    handler.token_expires_at = datetime.now(UTC) + timedelta(days=3)
    with smtp_server(handler) as port:
        check = await make(port, secrets=SECRETS).check_health()
    assert (check.token_valid, check.token_expires_at) == (True, None)


async def test_health_injected_expired_token_is_an_auth_error() -> None:
    handler = SmtpHandler(credentials=LOGIN)
    with smtp_server(handler) as port:
        connector = make(port, secrets=SECRETS)
        handler.fail(Failure.EXPIRED_TOKEN)
        with pytest.raises(AuthError):
            await connector.check_health()
        # One refused session, not a broken server: the next check logs in.
        assert (await connector.check_health()).token_valid is True


@pytest.mark.parametrize(
    ("stage", "reply", "error"),
    [
        ("AUTH", "454 4.7.0 Too many login attempts, please try again later", RateLimited),
        ("AUTH", "454 4.7.0 Temporary authentication failure", TransientError),
        ("NOOP", "421 4.3.0 Service not available, closing channel", TransientError),
    ],
)
async def test_health_replies_become_typed_errors(
    stage: Any, reply: str, error: type[ConnecteurError]
) -> None:
    handler = SmtpHandler(credentials=LOGIN)
    handler.fail_next(stage, reply)
    with smtp_server(handler) as port, pytest.raises(error, match=reply[:3]) as raised:
        await make(port, secrets=SECRETS).check_health()
    assert type(raised.value) is error
    if isinstance(raised.value, RateLimited):
        assert raised.value.retry_after == SMTP_RETRY_AFTER


async def test_health_of_an_unreachable_relay_is_transient() -> None:
    with pytest.raises(TransientError, match="smtp"):
        await make(free_port(), secrets=SECRETS).check_health()


async def test_health_when_starttls_is_required_but_not_offered(
    server: tuple[SmtpHandler, int],
) -> None:
    _, port = server
    with pytest.raises(InvalidRequest, match="STARTTLS"):
        await make(port, starttls=True).check_health()


def test_reauthorize_names_the_secrets_and_where_to_renew_them() -> None:
    guidance = EmailConnecteur.manifest.reauthorize
    assert "smtp_password" in guidance and "smtp_username" in guidance
    assert "inbound_secret" in guidance and "App passwords" in guidance
    assert not any(secret in guidance for secret in SECRETS.values())
