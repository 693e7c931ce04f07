"""A real SMTP server on 127.0.0.1 for tests and the conformance kit (aiosmtpd, a dev
dependency): it records every accepted message and answers the documented failure replies
on demand.

E-mail is not HTTP, so this stands where other connectors put a
:class:`~connecteurs.testing.FakePlatform`: the connector speaks real SMTP (EHLO, AUTH,
MAIL, RCPT, DATA, NOOP) through aiosmtplib to a server in a thread of the test process.

The channel's state, as tests set it (the names every fake shares, where SMTP has them):

- ``token_revoked``: the relay refuses every login ("535 5.7.8 Authentication credentials
  invalid", aiosmtpd's refusal).
- ``token_expires_at``: from then on it refuses the login the same way (an SMTP password
  never announces its expiry: the connector cannot report it beforehand).

SMTP has no scopes and no subscription: there is no ``missing_scopes`` or
``subscription_active`` here.
"""

from __future__ import annotations

import socket
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from typing import Any, Literal

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from connecteurs.testing import Failure

Stage = Literal["AUTH", "MAIL", "RCPT", "DATA", "NOOP"]

#: How a mail server answers each failure of the kit (RFC 5321 §4.2.2-§4.2.3 reply codes;
#: aiosmtpd answers a refused AUTH with "535 5.7.8 Authentication credentials invalid").
FAILURE_REPLIES: dict[Failure, tuple[Stage, str]] = {
    Failure.RATE_LIMITED: ("RCPT", "452 4.3.1 Insufficient system storage"),
    Failure.EXPIRED_TOKEN: ("AUTH", "535 5.7.8 Authentication credentials invalid"),
    Failure.NOT_FOUND: ("RCPT", "550 5.1.1 <gone@example.net>: Recipient address rejected"),
    Failure.SERVER_ERROR: ("RCPT", "421 4.3.0 Service not available, closing channel"),
}


@dataclass
class SmtpHandler:
    """aiosmtpd handler: keeps accepted envelopes; ``fail_next`` queues a reply for the
    next command of a stage."""

    envelopes: list[Envelope] = field(default_factory=list)
    pending: dict[Stage, deque[str]] = field(default_factory=dict)
    credentials: tuple[str, str] | None = None
    logins: list[str] = field(default_factory=list)
    #: NOOP and QUIT commands received (the health check's).
    noops: int = 0
    quits: int = 0
    #: The channel's state (see the module docstring).
    token_revoked: bool = False
    token_expires_at: datetime | None = None
    # aiosmtplib tries each AUTH mechanism in turn: a refusal holds for the whole session,
    # as a revoked password would. Session → the reply refusing it.
    _refused_sessions: dict[int, str] = field(default_factory=dict)

    def fail_next(self, stage: Stage, reply: str) -> None:
        self.pending.setdefault(stage, deque()).append(reply)

    def fail(self, failure: Failure) -> None:
        self.fail_next(*FAILURE_REPLIES[failure])

    def _pending(self, stage: Stage) -> str | None:
        queue = self.pending.get(stage)
        return queue.popleft() if queue else None

    async def handle_MAIL(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        mail_options: list[str],
    ) -> str:
        reply = self._pending("MAIL")
        if reply:
            return reply
        if self.credentials is not None and not session.authenticated:
            # RFC 4954 §6: 530 when the server requires authentication first.
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        reply = self._pending("RCPT")
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        reply = self._pending("DATA")
        if reply:
            return reply
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    async def handle_NOOP(
        self, server: SMTP, session: Session, envelope: Envelope, arg: str
    ) -> str:
        self.noops += 1
        return self._pending("NOOP") or "250 OK"

    async def handle_QUIT(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.quits += 1
        return "221 Bye"

    def authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        reply = self._pending("AUTH")
        if reply is not None:
            self._refused_sessions[id(session)] = reply
        if not isinstance(auth_data, LoginPassword) or self.credentials is None:
            return AuthResult(success=False, handled=False)
        refused = self._refused_sessions.get(id(session))
        if refused is not None:
            return AuthResult(success=False, handled=False, message=refused)
        login = (auth_data.login.decode(), auth_data.password.decode())
        ok = login == self.credentials and self.password_works()
        if ok:
            self.logins.append(login[0])
        return AuthResult(success=ok, handled=False)

    def password_works(self) -> bool:
        if self.token_revoked:
            return False
        return self.token_expires_at is None or datetime.now(UTC) < self.token_expires_at

    # -- for assertions ------------------------------------------------------------------

    def messages(self) -> list[EmailMessage]:
        parser = BytesParser(policy=default_policy)
        return [parser.parsebytes(_bytes(e)) for e in self.envelopes]

    @property
    def accepted(self) -> int:
        return len(self.envelopes)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def smtp_server(handler: SmtpHandler) -> Iterator[int]:
    """Serve ``handler`` on a free port of 127.0.0.1; yields the port. With credentials
    the server offers AUTH over plain text (it is local) and refuses MAIL without it."""
    port = free_port()
    kwargs: dict[str, Any] = {}
    if handler.credentials is not None:
        kwargs = {"authenticator": handler.authenticate, "auth_require_tls": False}
    controller = Controller(
        handler, hostname="127.0.0.1", port=port, server_hostname="localhost", **kwargs
    )
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def _bytes(envelope: Envelope) -> bytes:
    content = envelope.original_content or envelope.content or b""
    return content if isinstance(content, bytes) else content.encode()
