"""The ``smtp`` notifier: e-mails each notification through an SMTP relay (aiosmtplib).

Options: ``host``; ``port`` (587); ``starttls`` (true: the session must be upgraded to TLS
before anything is sent; false only for a local relay); ``sender``; ``to`` (one address or
more); ``subject_prefix`` ("[Passerelle]"); ``timeout_seconds`` (10). Secrets: ``username``
and ``password``, both or neither.

Idempotency: SMTP has no way to refuse a message it has already accepted, so a notify retried
after a lost reply can deliver the mail twice. The ``Message-ID`` is derived from the
notification's idempotency key, so every attempt carries the same one and mail clients and
archives can recognise (and many thread or hide) the duplicate.

Errors: connection failures, timeouts and 4xx replies (greylisting, a full queue) →
TransientError; 530/534/535/538 or a 5xx to AUTH → AuthError; other 5xx replies (sender or
every recipient refused, message rejected) and a server without the STARTTLS or AUTH the
options require → InvalidRequest. When only some recipients are refused the mail went to the
others: the result is ok, with the refusals in ``error``, since a retry would re-send it.
"""

from __future__ import annotations

import hashlib
import ssl
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import Annotated, Any

import aiosmtplib
import structlog
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr, model_validator

from connecteurs.errors import AuthError, ConnecteurError, InvalidRequest, TransientError
from connecteurs.models import ActionResult
from plugins.notifiers import render
from plugins.notifiers.base import Notification

log = structlog.get_logger("passerelle.notify")

MESSAGE_ID_DOMAIN = "passerelle"
AUTH_CODES = frozenset({530, 534, 535, 538})
REPLY_EXCERPT_CHARS = 200


def _check_address(value: str) -> str:
    name, address = parseaddr(value)
    if name or address != value or "@" not in address or any(c.isspace() for c in address):
        raise ValueError("must be a bare e-mail address such as alerts@example.org")
    return value


def _check_one_line(value: str) -> str:
    if "\r" in value or "\n" in value:
        raise ValueError("must fit on one line")
    return value


Address = Annotated[str, AfterValidator(_check_address)]


class SmtpOptions(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    host: Annotated[str, Field(min_length=1), AfterValidator(_check_one_line)]
    port: int = Field(default=587, ge=1, le=65535)
    starttls: bool = True
    sender: Address
    to: list[Address] = Field(min_length=1)
    subject_prefix: Annotated[str, AfterValidator(_check_one_line)] = "[Passerelle]"
    timeout_seconds: float = Field(default=10, gt=0, le=300)


class SmtpSecrets(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    username: str | None = Field(default=None, min_length=1)
    password: SecretStr | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _both_or_neither(self) -> SmtpSecrets:
        if (self.username is None) != (self.password is None):
            raise ValueError("username and password go together")
        return self


class SmtpNotifier:
    name = "smtp"

    def __init__(self, target: str, options: Mapping[str, Any], secrets: Mapping[str, str]) -> None:
        self.target = target
        self.options = render.load(
            SmtpOptions, options, target=target, notifier=self.name, kind="option"
        )
        self._secrets = render.load(
            SmtpSecrets, secrets, target=target, notifier=self.name, kind="secret"
        )

    async def notify(self, notification: Notification) -> ActionResult:
        message = build_message(notification, self.options)
        password = self._secrets.password
        try:
            refused, _ = await aiosmtplib.send(
                message,
                sender=self.options.sender,
                recipients=self.options.to,
                hostname=self.options.host,
                port=self.options.port,
                start_tls=self.options.starttls,
                username=self._secrets.username,
                password=password.get_secret_value() if password else None,
                timeout=self.options.timeout_seconds,
            )
        except (aiosmtplib.SMTPException, OSError) as err:
            raise smtp_error(err) from err
        message_id = message["Message-ID"]
        error = _refusals(refused) if refused else None
        if error:
            log.warning("some recipients refused", target=self.target, refused=error)
        return ActionResult(
            action="notify", ok=True, platform_ref=message_id, error=error, at=datetime.now(UTC)
        )


def message_id(idempotency_key: str) -> str:
    """``<32 hex chars@passerelle>``: the same for every attempt of one notification."""
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]
    return f"<{digest}@{MESSAGE_ID_DOMAIN}>"


def build_message(notification: Notification, options: SmtpOptions) -> EmailMessage:
    """The e-mail: rendered title as subject, rendered text as a plain-text body."""
    message = EmailMessage()
    message["From"] = options.sender
    message["To"] = ", ".join(options.to)
    subject = f"{options.subject_prefix} {render.title(notification)}"
    message["Subject"] = subject.strip()
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = message_id(notification.idempotency_key)
    # RFC 3834: vacation responders and list servers must not answer a machine's page.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(render.text(notification))
    return message


def smtp_error(err: Exception) -> ConnecteurError:
    """The typed error for what aiosmtplib (or the socket under it) raised."""
    if isinstance(err, aiosmtplib.SMTPRecipientsRefused):
        return _all_refused(err.recipients)
    if isinstance(err, aiosmtplib.SMTPResponseException):
        return _reply_error(err)
    if isinstance(err, aiosmtplib.SMTPTimeoutError | aiosmtplib.SMTPConnectError):
        return TransientError(f"smtp: {err.message}")
    if isinstance(err, aiosmtplib.SMTPServerDisconnected):
        return TransientError(f"smtp: {err.message}")
    if isinstance(err, aiosmtplib.SMTPException):
        # STARTTLS or AUTH required by the options but not offered: retrying cannot help.
        return InvalidRequest(f"smtp: {err.message}")
    if isinstance(err, ssl.SSLCertVerificationError):
        return InvalidRequest(f"smtp: the server's TLS certificate was refused: {err}")
    return TransientError(f"smtp: {type(err).__name__}: {err}")


def _reply_error(err: aiosmtplib.SMTPResponseException) -> ConnecteurError:
    detail = f"smtp server answered {err.code} {_excerpt(err.message)}".rstrip()
    if err.code in AUTH_CODES or (
        isinstance(err, aiosmtplib.SMTPAuthenticationError) and err.code >= 500
    ):
        return AuthError(detail)
    if 500 <= err.code < 600:
        return InvalidRequest(detail)
    return TransientError(detail)


def _all_refused(recipients: Sequence[aiosmtplib.SMTPRecipientRefused]) -> ConnecteurError:
    detail = "smtp server refused every recipient: " + "; ".join(
        f"{r.recipient} ({r.code} {_excerpt(r.message)})" for r in recipients
    )
    # Nothing was delivered, so a retry is safe, and a 4xx (greylisting) asks for one.
    if any(400 <= r.code < 500 for r in recipients):
        return TransientError(detail)
    return InvalidRequest(detail)


def _refusals(refused: Mapping[str, aiosmtplib.SMTPResponse]) -> str:
    return "refused recipients: " + "; ".join(
        f"{address} ({reply.code} {_excerpt(reply.message)})"
        for address, reply in sorted(refused.items())
    )


def _excerpt(reply: str) -> str:
    return render.truncate(" ".join(reply.split()), REPLY_EXCERPT_CHARS)
