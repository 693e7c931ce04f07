"""The smtp, slack, teams and webhook notifiers against real local servers (127.0.0.1 only):
an aiosmtpd SMTP server and a stdlib HTTP receiver."""

from __future__ import annotations

import email
import email.policy
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

import aiosmtplib
import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from connecteurs.errors import (
    AuthError,
    ConnecteurError,
    InvalidRequest,
    NotFound,
    RateLimited,
    TransientError,
)
from connecteurs.models import Category, Priority
from plugins.notifiers import render
from plugins.notifiers.base import Notification, Notifier
from plugins.notifiers.http import redact, retry_after_seconds
from plugins.notifiers.slack import SlackNotifier
from plugins.notifiers.smtp import SmtpNotifier, message_id, smtp_error
from plugins.notifiers.teams import TeamsNotifier
from plugins.notifiers.webhook import SIGNATURE_HEADER, WebhookNotifier, sign, verify_signature
from tests.receivers import Receiver

TOKEN = "XoXbSeCrEtT0k3n4Testing0nly"
SIGNING_SECRET = "whsec-test-only"
DEADLINE = datetime(2025, 3, 14, 9, 26, 53, tzinfo=UTC)
SENDER = "passerelle@example.org"
ON_CALL = "on-call@example.org"


def make_notification(**changes: Any) -> Notification:
    fields: dict[str, Any] = {
        "target": "on-call",
        "reason": "sla_breach",
        "interaction_id": "jsonl:demo:42",
        "workflow_id": "interaction/jsonl/demo/42",
        "priority": Priority.P1,
        "categories": (Category.CRISIS, Category.COMPLAINT),
        "excerpt": "I need help\nright now <!channel> & more",
        "level": 2,
        "deadline": DEADLINE,
        "idempotency_key": "interaction/jsonl/demo/42/notify/1",
    }
    return Notification(**(fields | changes))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # A proxy from the environment would send 127.0.0.1 requests elsewhere.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


# --- render -------------------------------------------------------------------------------


def test_render_title_and_lines() -> None:
    notification = make_notification()
    assert render.title(notification) == "P1 escalation: sla_breach (level 2)"
    assert render.lines(notification) == [
        "Priority: P1",
        "Reason: sla_breach",
        "Categories: crisis, complaint",
        "Interaction: jsonl:demo:42",
        "Level: 2",
        "Deadline: 2025-03-14T09:26:53+00:00",
        "Excerpt: I need help right now <!channel> & more",
    ]


def test_render_omits_empty_facts_and_cuts_long_excerpts() -> None:
    notification = make_notification(
        categories=(), level=None, deadline=None, reason="", excerpt="word " * 200
    )
    assert render.title(notification) == "P1 escalation"
    lines = render.lines(notification)
    assert lines[:2] == ["Priority: P1", "Interaction: jsonl:demo:42"]
    assert len(render.excerpt(notification)) == render.EXCERPT_LIMIT
    assert lines[-1].endswith("…")


# --- SMTP ---------------------------------------------------------------------------------


class Collector:
    """An aiosmtpd handler keeping every accepted envelope; refuses the listed recipients."""

    def __init__(self, refuse: dict[str, str] | None = None) -> None:
        self.envelopes: list[Envelope] = []
        self.refuse = refuse or {}

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        parsed = []
        for envelope in self.envelopes:
            assert isinstance(envelope.content, bytes)
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            assert isinstance(message, EmailMessage)
            parsed.append(message)
        return parsed


@contextmanager
def smtp_server(handler: Collector, **kwargs: Any) -> Iterator[int]:
    port = free_port()
    controller = Controller(
        handler, hostname="127.0.0.1", port=port, server_hostname="localhost", **kwargs
    )
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def smtp_options(port: int, **changes: Any) -> dict[str, Any]:
    options: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": port,
        "starttls": False,
        "sender": SENDER,
        "to": [ON_CALL],
    }
    return options | changes


async def test_smtp_delivers_subject_recipients_body_and_message_id() -> None:
    handler = Collector()
    notification = make_notification()
    with smtp_server(handler) as port:
        notifier = SmtpNotifier("on-call", smtp_options(port, to=[ON_CALL, "lead@example.org"]), {})
        result = await notifier.notify(notification)

    assert result.ok
    assert result.error is None
    assert result.platform_ref == message_id(notification.idempotency_key)
    [envelope] = handler.envelopes
    assert envelope.mail_from == SENDER
    assert envelope.rcpt_tos == [ON_CALL, "lead@example.org"]
    [message] = handler.messages()
    assert message["Subject"] == "[Passerelle] P1 escalation: sla_breach (level 2)"
    assert message["From"] == SENDER
    assert message["To"] == f"{ON_CALL}, lead@example.org"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"] == result.platform_ref
    body = message.get_content()
    for line in render.lines(notification):
        assert line in body


async def test_smtp_message_id_follows_the_idempotency_key() -> None:
    handler = Collector()
    first = make_notification()
    other = make_notification(idempotency_key="interaction/jsonl/demo/42/notify/2")
    with smtp_server(handler) as port:
        notifier = SmtpNotifier("on-call", smtp_options(port), {})
        for notification in (first, first, other):
            await notifier.notify(notification)

    ids = [m["Message-ID"] for m in handler.messages()]
    assert ids[0] == ids[1] == message_id(first.idempotency_key)
    assert ids[2] != ids[0]
    assert ids[0].startswith("<") and ids[0].endswith("@passerelle>")
    assert len(ids[0]) == len("<@passerelle>") + 32


async def test_smtp_connection_refused_is_transient() -> None:
    notifier = SmtpNotifier("on-call", smtp_options(free_port()), {})
    with pytest.raises(TransientError):
        await notifier.notify(make_notification())


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("550 5.1.1 No such user here", InvalidRequest),
        ("450 4.2.0 Mailbox busy, try later", TransientError),
    ],
)
async def test_smtp_refused_recipient(reply: str, expected: type[ConnecteurError]) -> None:
    handler = Collector(refuse={ON_CALL: reply})
    with smtp_server(handler) as port:
        notifier = SmtpNotifier("on-call", smtp_options(port), {})
        with pytest.raises(expected, match=reply[:3]):
            await notifier.notify(make_notification())
    assert handler.envelopes == []


async def test_smtp_partly_refused_recipients_still_count_as_sent() -> None:
    handler = Collector(refuse={"gone@example.org": "550 5.1.1 No such user"})
    with smtp_server(handler) as port:
        options = smtp_options(port, to=[ON_CALL, "gone@example.org"])
        result = await SmtpNotifier("on-call", options, {}).notify(make_notification())
    assert result.ok
    assert result.error is not None and "gone@example.org (550" in result.error
    assert handler.envelopes[0].rcpt_tos == [ON_CALL]


def _authenticator(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    assert isinstance(auth_data, LoginPassword)
    ok = (auth_data.login, auth_data.password) == (b"alerts", b"right")
    return AuthResult(success=ok, handled=False)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
@pytest.mark.parametrize("password", ["right", "wrong"])
async def test_smtp_auth(password: str) -> None:
    handler = Collector()
    secrets = {"username": "alerts", "password": password}
    with smtp_server(handler, authenticator=_authenticator, auth_require_tls=False) as port:
        notifier = SmtpNotifier("on-call", smtp_options(port), secrets)
        if password == "right":
            assert (await notifier.notify(make_notification())).ok
            assert len(handler.envelopes) == 1
        else:
            with pytest.raises(AuthError, match="535") as caught:
                await notifier.notify(make_notification())
            assert "wrong" not in str(caught.value)
            assert handler.envelopes == []


async def test_smtp_starttls_required_but_not_offered_is_invalid() -> None:
    with smtp_server(Collector()) as port:
        notifier = SmtpNotifier("on-call", smtp_options(port, starttls=True), {})
        with pytest.raises(InvalidRequest, match="STARTTLS"):
            await notifier.notify(make_notification())


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (aiosmtplib.SMTPResponseException(421, "4.3.2 shutting down"), TransientError),
        (aiosmtplib.SMTPAuthenticationError(454, "4.7.0 try later"), TransientError),
        (aiosmtplib.SMTPAuthenticationError(535, "5.7.8 bad credentials"), AuthError),
        (aiosmtplib.SMTPSenderRefused(530, "5.7.0 authentication required", SENDER), AuthError),
        (aiosmtplib.SMTPSenderRefused(553, "5.7.1 not yours", SENDER), InvalidRequest),
        (aiosmtplib.SMTPDataError(554, "5.6.0 rejected"), InvalidRequest),
        (aiosmtplib.SMTPReadTimeoutError("timed out"), TransientError),
        (aiosmtplib.SMTPServerDisconnected("connection lost"), TransientError),
        (ConnectionResetError("reset"), TransientError),
    ],
)
def test_smtp_error_mapping(error: Exception, expected: type[ConnecteurError]) -> None:
    assert type(smtp_error(error)) is expected


@pytest.mark.parametrize(
    ("changes", "secrets", "named"),
    [
        ({"host": None}, {}, "option host"),
        ({"to": []}, {}, "option to"),
        ({"to": ["not an address"]}, {}, "option to.0"),
        ({"sender": "Passerelle <a@example.org>"}, {}, "option sender"),
        ({"subject_prefix": "x\r\nBcc: someone@example.org"}, {}, "option subject_prefix"),
        ({"tls": True}, {}, "option tls: unknown key"),
        ({}, {"username": "alerts"}, "secrets: Value error, username and password go together"),
        ({}, {"api_key": "k"}, "secret api_key: unknown key"),
    ],
)
def test_smtp_invalid_options(changes: dict[str, Any], secrets: dict[str, str], named: str) -> None:
    options = {k: v for k, v in (smtp_options(25) | changes).items() if v is not None}
    with pytest.raises(ValueError, match="target on-call \\(smtp\\)") as caught:
        SmtpNotifier("on-call", options, secrets)
    assert named in str(caught.value)


# --- HTTP receiver ------------------------------------------------------------------------


SLACK_PATH = f"/services/T0001/B0001/{TOKEN}"
TEAMS_PATH = (
    "/workflows/0a1b/triggers/manual/paths/invoke"
    f"?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={TOKEN}"
)
HOOK_PATH = f"/hooks/passerelle/{TOKEN}"


def build(kind: str, url: str, **options: Any) -> Notifier:
    if kind == "slack":
        return SlackNotifier("on-call", options, {"url": url})
    if kind == "teams":
        return TeamsNotifier("on-call", options, {"url": url})
    return WebhookNotifier("on-call", options, {"url": url, "signing_secret": SIGNING_SECRET})


PATHS = {"slack": SLACK_PATH, "teams": TEAMS_PATH, "webhook": HOOK_PATH}
KINDS = sorted(PATHS)


def test_every_notifier_meets_the_protocol() -> None:
    smtp = SmtpNotifier("on-call", smtp_options(25), {})
    notifiers = [smtp, *(build(kind, "https://example.invalid/x") for kind in KINDS)]
    assert all(isinstance(n, Notifier) for n in notifiers)
    assert [n.name for n in notifiers] == ["smtp", *KINDS]


async def test_slack_posts_text_and_mrkdwn_blocks(receiver: Receiver) -> None:
    notification = make_notification()
    result = await build("slack", receiver.url(SLACK_PATH)).notify(notification)

    assert result.ok
    [request] = receiver.requests
    assert (request.method, request.path) == ("POST", SLACK_PATH)
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Idempotency-Key"] == notification.idempotency_key
    payload = request.json()
    assert payload["text"] == "P1 escalation: sla_breach (level 2)"
    blocks = payload["blocks"]
    assert all(block["type"] == "section" for block in blocks)
    assert blocks[0]["text"] == {"type": "mrkdwn", "text": "*P1 escalation: sla_breach (level 2)*"}
    fields = [f["text"] for f in blocks[1]["fields"]]
    assert all(f["type"] == "mrkdwn" for f in blocks[1]["fields"])
    assert "*Interaction*\njsonl:demo:42" in fields
    assert "*Deadline*\n2025-03-14T09:26:53+00:00" in fields
    # The stranger's <!channel> is escaped: it must not ping the whole channel.
    assert blocks[2]["text"]["text"] == ">I need help right now &lt;!channel&gt; &amp; more"
    assert "<!channel>" not in request.body.decode()


async def test_teams_posts_an_adaptive_card(receiver: Receiver) -> None:
    receiver.status, receiver.body = 202, b""
    notification = make_notification()
    result = await build("teams", receiver.url(TEAMS_PATH)).notify(notification)

    assert result.ok
    [request] = receiver.requests
    assert request.path == TEAMS_PATH
    assert request.headers["Idempotency-Key"] == notification.idempotency_key
    payload = request.json()
    assert payload["type"] == "message"
    [attachment] = payload["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert (card["type"], card["version"]) == ("AdaptiveCard", "1.4")
    title, facts, excerpt = card["body"]
    assert title["type"] == "TextBlock"
    assert title["text"] == "P1 escalation: sla_breach (level 2)"
    assert facts["type"] == "FactSet"
    assert {"title": "Categories", "value": "crisis, complaint"} in facts["facts"]
    assert {"title": "Level", "value": "2"} in facts["facts"]
    assert excerpt == {
        "type": "TextBlock",
        "text": "I need help right now <!channel> & more",
        "wrap": True,
        "isSubtle": True,
    }


async def test_webhook_posts_the_notification_signed(receiver: Receiver) -> None:
    notification = make_notification()
    before = int(time.time())
    result = await build("webhook", receiver.url(HOOK_PATH)).notify(notification)

    assert result.ok
    [request] = receiver.requests
    assert request.headers["Idempotency-Key"] == notification.idempotency_key
    assert request.json() == notification.model_dump(mode="json") | {
        "title": "P1 escalation: sla_breach (level 2)"
    }
    header = request.headers[SIGNATURE_HEADER]
    assert header.startswith(f"t={before}") or header.startswith(f"t={before + 1}")
    now = time.time()
    assert verify_signature(SIGNING_SECRET, header, request.body, now)
    tampered = request.body.replace(b"sla_breach", b"sla_bre4ch")
    assert not verify_signature(SIGNING_SECRET, header, tampered, now)
    assert not verify_signature("another-secret", header, request.body, now)
    assert not verify_signature(SIGNING_SECRET, header, request.body, now + 301)
    assert verify_signature(SIGNING_SECRET, header, request.body, now + 290)


async def test_webhook_plain_url_without_signing(receiver: Receiver) -> None:
    notifier = WebhookNotifier("on-call", {"url": receiver.url("/inbox")}, {})
    await notifier.notify(make_notification())
    [request] = receiver.requests
    assert request.path == "/inbox"
    assert SIGNATURE_HEADER not in request.headers


async def test_injected_client_is_used(receiver: Receiver) -> None:
    async with httpx.AsyncClient(trust_env=False) as client:
        notifier = SlackNotifier("on-call", {}, {"url": receiver.url(SLACK_PATH)}, client=client)
        assert (await notifier.notify(make_notification())).ok
    assert len(receiver.requests) == 1


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", False),
        ("v1=abc", False),
        ("t=1,t=2,v1=abc", False),
        ("t=abc,v1=abc", False),
        ("t=100", False),
        ("garbage", False),
        ("t=100,v1=é", False),
    ],
)
def test_verify_signature_refuses_malformed_headers(header: str, expected: bool) -> None:
    assert verify_signature(SIGNING_SECRET, header, b"{}", 100) is expected


def test_verify_signature_accepts_any_matching_v1() -> None:
    good = sign(SIGNING_SECRET, b"{}", 100)
    rotated = f"t=100,v1={'0' * 64},{good.split(',')[1]}"
    assert verify_signature(SIGNING_SECRET, rotated, b"{}", 100)


ERRORS = [
    (429, b"rate_limited", {"Retry-After": "7"}, RateLimited),
    (500, b"internal_error", {}, TransientError),
    (503, b"", {}, TransientError),
    (401, b"invalid_token", {}, AuthError),
    (403, b"action_prohibited", {}, AuthError),
    (404, b"no_service", {}, NotFound),
    (410, b"channel_is_archived", {}, NotFound),
    (400, b"invalid_payload", {}, InvalidRequest),
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("status", "body", "headers", "expected"), ERRORS)
async def test_http_error_mapping(
    receiver: Receiver,
    kind: str,
    status: int,
    body: bytes,
    headers: dict[str, str],
    expected: type[ConnecteurError],
) -> None:
    url = receiver.url(PATHS[kind])
    # A receiver that echoes the request line must not leak the token through us.
    receiver.status, receiver.headers = status, headers
    receiver.body = body + f" (POST {url})".encode()
    with pytest.raises(expected) as caught:
        await build(kind, url).notify(make_notification())

    err = caught.value
    assert type(err) is expected
    assert str(status) in str(err)
    assert body.decode() in str(err)
    if isinstance(err, RateLimited):
        assert err.retry_after == 7
    _assert_no_token(err)


def _assert_no_token(err: BaseException) -> None:
    assert TOKEN not in str(err)
    assert TOKEN not in repr(err)
    # The httpx error (which holds the request URL) does not travel as a cause.
    assert err.__cause__ is None
    assert err.__context__ is None or err.__suppress_context__


async def test_rate_limited_without_retry_after_waits_30s(receiver: Receiver) -> None:
    receiver.status = 429
    with pytest.raises(RateLimited) as caught:
        await build("slack", receiver.url(SLACK_PATH)).notify(make_notification())
    assert caught.value.retry_after == 30


def test_retry_after_values() -> None:
    now = datetime(2025, 3, 14, 9, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("7", now=now) == 7
    assert retry_after_seconds(" 2.5 ", now=now) == 2.5
    assert retry_after_seconds(format_datetime(now + timedelta(seconds=90), True), now=now) == 90
    assert retry_after_seconds(format_datetime(now - timedelta(hours=1), True), now=now) == 0
    assert retry_after_seconds("-3", now=now) == 0
    assert retry_after_seconds("soon", now=now) == 30
    assert retry_after_seconds("nan", now=now) == 30
    assert retry_after_seconds(None, now=now) == 30


@pytest.mark.parametrize("kind", KINDS)
async def test_http_connection_refused_is_transient(kind: str) -> None:
    url = f"http://127.0.0.1:{free_port()}{PATHS[kind]}"
    with pytest.raises(TransientError) as caught:
        await build(kind, url).notify(make_notification())
    _assert_no_token(caught.value)


async def test_http_timeout_is_transient(receiver: Receiver) -> None:
    receiver.delay = 1.0
    notifier = build("slack", receiver.url(SLACK_PATH), timeout_seconds=0.2)
    with pytest.raises(TransientError, match=r"no answer within 0\.2s") as caught:
        await notifier.notify(make_notification())
    _assert_no_token(caught.value)


def test_redact_removes_every_form_of_the_url() -> None:
    url = f"https://hooks.example.org{TEAMS_PATH}"
    text = f"failed: {url} / {TEAMS_PATH} / sig={TOKEN}"
    assert TOKEN not in redact(text, url)
    assert "[redacted]" in redact(text, url)


# --- HTTP notifier options ----------------------------------------------------------------


@pytest.mark.parametrize("cls", [SlackNotifier, TeamsNotifier])
def test_missing_secret_url_is_named(cls: type[SlackNotifier | TeamsNotifier]) -> None:
    with pytest.raises(ValueError, match=r"target on-call \(\w+\): secret url: Field required"):
        cls("on-call", {}, {})


@pytest.mark.parametrize("cls", [SlackNotifier, TeamsNotifier])
def test_unknown_option_is_refused(cls: type[SlackNotifier | TeamsNotifier]) -> None:
    with pytest.raises(ValueError, match="option channel: unknown key"):
        cls("on-call", {"channel": "#alerts"}, {"url": f"https://example.invalid/{TOKEN}"})


@pytest.mark.parametrize("kind", KINDS)
def test_invalid_secret_url_is_not_echoed(kind: str) -> None:
    with pytest.raises(ValueError, match="secret url: Value error, must be an absolute") as caught:
        build(kind, f"hooks.example.org/{TOKEN}")
    assert TOKEN not in str(caught.value)


@pytest.mark.parametrize(
    ("options", "secrets"),
    [
        ({}, {}),
        ({"url": "https://example.invalid/a"}, {"url": "https://example.invalid/b"}),
    ],
)
def test_webhook_needs_exactly_one_url(options: dict[str, str], secrets: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="option url or as secret url"):
        WebhookNotifier("on-call", options, secrets)


def test_webhook_unknown_option_and_bad_timeout() -> None:
    with pytest.raises(ValueError, match="option headers: unknown key"):
        WebhookNotifier("on-call", {"url": "https://example.invalid/", "headers": {}}, {})
    with pytest.raises(ValueError, match="option timeout_seconds"):
        WebhookNotifier("on-call", {"url": "https://example.invalid/", "timeout_seconds": 0}, {})
