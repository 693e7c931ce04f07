"""Outbound mail: the reply message and SMTP failures as typed errors.

Threading follows RFC 5322 §3.6.4: ``In-Reply-To`` is the parent's Message-ID and
``References`` the parent's References (or, lacking them, its single In-Reply-To) followed
by the parent's Message-ID. The subject gets one "Re: " (RFC 5322 §3.6.5, RFC 3834 §3.1.5).

Idempotency: SMTP cannot be asked whether a message was already accepted, so a retried
send delivers again. The Message-ID is derived from the idempotency key, so every attempt
carries the SAME id and receivers (and their archives) recognise the duplicate.

Reply codes (RFC 5321 §4.2.2-§4.2.3) → errors:

- 530/534/535/538, or any 5xx answer to AUTH → AuthError (credentials refused or expired).
- 452 ("insufficient system storage", also sent as "too many recipients/messages"), and any
  4xx whose text says the sender is going too fast ("rate", "too many", "too much") →
  RateLimited. SMTP gives no wait, so :data:`SMTP_RETRY_AFTER` is used.
- 421, 450, 451 and other 4xx, connection errors, disconnections, timeouts → TransientError.
- 550/551/553 (mailbox unavailable, not local, name not allowed) → NotFound, except 5.7.x
  enhanced codes (RFC 3463: a policy refusal such as spam filtering) → InvalidRequest.
- other 5xx → InvalidRequest.
"""

from __future__ import annotations

import hashlib
import re
import ssl
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

import aiosmtplib

from connecteurs.errors import (
    AuthError,
    ConnecteurError,
    InvalidRequest,
    NotFound,
    RateLimited,
    TransientError,
)

AUTH_CODES = frozenset({530, 534, 535, 538})
NOT_FOUND_CODES = frozenset({550, 551, 553})
RATE_LIMIT_CODES = frozenset({452})
RATE_LIMIT_WORDS = re.compile(r"\brate\b|too many|too much|slow down", re.IGNORECASE)
#: An SMTP server never says how long to wait. RFC 5321 §4.5.4.1 asks MTAs to wait at least
#: 30 minutes between queue retries; a reply waiting on a person is worth trying sooner.
SMTP_RETRY_AFTER = 300.0
REPLY_EXCERPT_CHARS = 200
FALLBACK_DOMAIN = "passerelle.invalid"


def message_id(idempotency_key: str, domain: str) -> str:
    """``<32 hex chars@domain>``: the same for every attempt of one action."""
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def domain_of(address: str) -> str:
    domain = address.rpartition("@")[2].strip().lower()
    return domain if domain and re.fullmatch(r"[a-z0-9.-]+", domain) else FALLBACK_DOMAIN


def reply_subject(subject: str) -> str:
    """One "Re: " (RFC 5322 §3.6.5), however many a thread piled up ("Re: RE: Re: x")."""
    stripped = re.sub(r"^(\s*re\s*:\s*)+", "", subject.strip(), flags=re.IGNORECASE)
    return f"Re: {stripped}".rstrip()


def references_for(parent_id: str, parent_references: str, parent_in_reply_to: str) -> str:
    """RFC 5322 §3.6.4 References of a reply to ``parent_id``."""
    ids = re.findall(r"<[^<>\s]+>", parent_references)
    if not ids:
        in_reply_to = re.findall(r"<[^<>\s]+>", parent_in_reply_to)
        ids = in_reply_to if len(in_reply_to) == 1 else []
    if parent_id not in ids:
        ids.append(parent_id)
    return " ".join(ids)


def build_message(
    *,
    sender: str,
    sender_name: str,
    recipient: str,
    subject: str,
    text: str,
    parent_id: str | None,
    references: str,
    msg_id: str,
    date: datetime,
) -> EmailMessage:
    """A text/plain reply; header values with line breaks raise ValueError (injection)."""
    message = EmailMessage()
    message["From"] = Address(display_name=sender_name, addr_spec=sender) if sender_name else sender
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = format_datetime(date)
    message["Message-ID"] = msg_id
    if parent_id:
        message["In-Reply-To"] = parent_id
    if references:
        message["References"] = references
    message.set_content(text)
    return message


def smtp_error(err: Exception) -> ConnecteurError:
    """The typed error for what aiosmtplib (or the socket under it) raised."""
    if isinstance(err, aiosmtplib.SMTPRecipientsRefused) and err.recipients:
        return reply_error(err.recipients[0].code, err.recipients[0].message, stage="RCPT")
    if isinstance(err, aiosmtplib.SMTPAuthenticationError):
        return reply_error(err.code, err.message, stage="AUTH")
    if isinstance(err, aiosmtplib.SMTPResponseException):
        return reply_error(err.code, err.message, stage=_stage(err))
    if isinstance(err, aiosmtplib.SMTPTimeoutError | aiosmtplib.SMTPConnectError):
        return TransientError(f"smtp: {_excerpt(err.message)}")
    if isinstance(err, aiosmtplib.SMTPServerDisconnected):
        return TransientError(f"smtp: {_excerpt(err.message)}")
    if isinstance(err, ssl.SSLCertVerificationError):
        return InvalidRequest(f"smtp: the server's TLS certificate was refused: {err.reason}")
    if isinstance(err, aiosmtplib.SMTPException):
        # STARTTLS or AUTH required by the options but not offered: retrying cannot help.
        return InvalidRequest(f"smtp: {_excerpt(err.message)}")
    if isinstance(err, OSError | TimeoutError):
        return TransientError(f"smtp: {type(err).__name__}: {_excerpt(str(err))}")
    return TransientError(f"smtp: {type(err).__name__}")


def reply_error(code: int, text: str, *, stage: str) -> ConnecteurError:
    detail = f"smtp server answered {code} {_excerpt(text)} to {stage}".replace("  ", " ")
    if code in AUTH_CODES or (stage == "AUTH" and code >= 500):
        return AuthError(detail)
    if 400 <= code < 500:
        if code in RATE_LIMIT_CODES or RATE_LIMIT_WORDS.search(text):
            return RateLimited(SMTP_RETRY_AFTER, detail)
        return TransientError(detail)
    if code in NOT_FOUND_CODES and not re.match(r"^\s*5\.7\.", text):
        return NotFound(detail)
    if 500 <= code < 600:
        return InvalidRequest(detail)
    return TransientError(detail)


def _stage(err: aiosmtplib.SMTPResponseException) -> str:
    if isinstance(err, aiosmtplib.SMTPSenderRefused):
        return "MAIL FROM"
    if isinstance(err, aiosmtplib.SMTPRecipientRefused):
        return "RCPT"
    if isinstance(err, aiosmtplib.SMTPDataError):
        return "DATA"
    if isinstance(err, aiosmtplib.SMTPHeloError):
        return "EHLO"
    return "the session"


def _excerpt(reply: str) -> str:
    text = " ".join(reply.split())
    return text if len(text) <= REPLY_EXCERPT_CHARS else text[: REPLY_EXCERPT_CHARS - 1] + "…"
