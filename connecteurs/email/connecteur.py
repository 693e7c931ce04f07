"""E-mail connector: raw RFC 5322 messages in through the gateway, replies out over SMTP.

Inbound, an MTA pipe or an inbound-parse service POSTs each message as is
(``Content-Type: message/rfc822``) to ``/webhooks/email/{account}``, signed with
Passerelle's own scheme (``X-Passerelle-Signature``, see :mod:`connecteurs.signatures`) and
the account's ``inbound_secret``. Auto-replies, bounces, list mail and the account's own
messages are skipped (RFC 3834).

A message from the mailbox's own address that answers another (``In-Reply-To``, else the
last id of ``References``) is the team answering from its mail client: :meth:`parse_events`
gives an ``answered`` thread event for the thread it belongs to, never an interaction. The
MTA sees such a message only if it pipes a copy of the mailbox's outgoing mail too (a Bcc to
the pipe, Postfix ``sender_bcc_maps``…).

Outbound, ``reply`` and ``send_direct_message`` both mail the author (or the Reply-To
address) from the account, threaded under the message they answer.

Not in scope: IMAP polling (no IMAP server to test against), so POLL is not declared; a
mailbox is read by piping its MTA into the gateway.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Annotated, ClassVar

import aiosmtplib
import httpx
from pydantic import AfterValidator, Field, model_validator

from connecteurs.base import (
    AccountContext,
    Capability,
    Connecteur,
    ConnecteurOptions,
    Manifest,
    WebhookRequest,
)
from connecteurs.email import smtp
from connecteurs.email.payloads import InboundEmail, parse_message, read_headers
from connecteurs.email.texte import body_text
from connecteurs.errors import InvalidRequest, InvalidSignature
from connecteurs.models import (
    ActionResult,
    Attachment,
    Author,
    ChannelCheck,
    Interaction,
    InteractionKind,
    Platform,
    ThreadEvent,
    ThreadEventKind,
    body_sha256,
)
from connecteurs.signatures import (
    SIGNATURE_HEADER,
    SIGNATURE_TOLERANCE_SECONDS,
    require_header,
    verify_signature,
)


def _one_line(value: str) -> str:
    if "\r" in value or "\n" in value:
        raise ValueError("must fit on one line")
    return value


OneLine = Annotated[str, AfterValidator(_one_line)]


class EmailOptions(ConnecteurOptions):
    """SMTP relay the account sends through. Secrets ``smtp_username`` and
    ``smtp_password`` (both or neither) log in to it."""

    smtp_host: OneLine = Field(default="localhost", min_length=1)
    smtp_port: int = Field(default=587, ge=1, le=65535)
    starttls: bool = Field(
        default=True,
        description="Require STARTTLS before anything is sent (false only for a local relay).",
    )
    use_tls: bool = Field(default=False, description="Implicit TLS from the start (port 465).")
    timeout: float = Field(default=20.0, gt=0, le=300, description="Seconds per SMTP command.")
    from_name: OneLine = Field(default="", description="Display name of the From address.")
    message_id_domain: OneLine | None = Field(
        default=None, description="Right-hand side of sent Message-IDs (default: the account's)."
    )

    @model_validator(mode="after")
    def _one_tls_mode(self) -> EmailOptions:
        if self.starttls and self.use_tls:
            raise ValueError("starttls and use_tls exclude each other (use_tls is port 465)")
        return self


class EmailConnecteur(Connecteur):
    """One mailbox (the account is its address, ``contact@example.org``).

    Args:
        context: the account; secrets ``inbound_secret`` (verify) and optionally
            ``smtp_username``/``smtp_password`` (AUTH); options :class:`EmailOptions`.
        http: unused (SMTP is not HTTP); accepted for the common constructor.
        clock: Unix seconds now, for the signature window and ``received_at`` (tests).
    """

    manifest: ClassVar[Manifest] = Manifest(
        name="email",
        platform=Platform.EMAIL,
        version="0.1.0",
        capabilities=frozenset({Capability.WEBHOOK, Capability.REPLY, Capability.DIRECT_MESSAGE}),
        options_model=EmailOptions,
        secrets=("inbound_secret", "smtp_username", "smtp_password"),
        reply_lookup=False,
        reply_lookup_note=(
            "SMTP cannot be asked whether a message was already accepted, so a retried reply "
            "is sent again; it carries the same Message-ID (derived from the idempotency key), "
            "which receivers use to recognise the duplicate. IMAP polling of the Sent folder "
            "is not implemented."
        ),
        documentation=(
            "https://www.rfc-editor.org/rfc/rfc5322#section-3.6.4",
            "https://www.rfc-editor.org/rfc/rfc3834",
            "https://www.rfc-editor.org/rfc/rfc5321#section-4.2",
            "https://www.rfc-editor.org/rfc/rfc3676#section-4.3",
            "https://docs.python.org/3/library/email.parser.html",
            "https://aiosmtplib.readthedocs.io/en/stable/reference.html",
            "https://www.rfc-editor.org/rfc/rfc5321#section-4.1.1.9",
            "https://www.rfc-editor.org/rfc/rfc4954#section-6",
            "inbound: an MTA pipe POSTs message/rfc822 signed with X-Passerelle-Signature; "
            "IMAP polling is not supported",
        ),
        content_types=("message/rfc822", "application/octet-stream", "text/plain"),
        reauthorize=(
            "Renew the secret smtp_password (with smtp_username, the relay login; both or "
            "neither): the mail provider's app-password or SMTP credentials page for the "
            "mailbox (Google Account → Security → App passwords; Microsoft 365 admin center "
            "→ the user → Mail → Authenticated SMTP; or your relay's admin), with the right "
            "to send as the account's address over SMTP AUTH. A 535 reply means the relay "
            "refused the login. If deliveries are refused with 401 instead, rotate the "
            "secret inbound_secret on both sides: here and in the MTA pipe that signs them."
        ),
    )

    def __init__(
        self,
        context: AccountContext,
        *,
        http: httpx.AsyncClient | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(context, http=http)
        options = context.options
        self.options = (
            options
            if isinstance(options, EmailOptions)
            else EmailOptions.model_validate(options.model_dump())
        )
        self._clock = clock

    # -- inbound -------------------------------------------------------------------------

    async def verify(self, request: WebhookRequest) -> None:
        secret = self.context.secrets.get("inbound_secret")
        if not secret:
            raise InvalidSignature(
                f"secret 'inbound_secret' is not configured for account {self.context.account}"
            )
        header = require_header(request.header(SIGNATURE_HEADER), SIGNATURE_HEADER)
        now = self._clock()
        if verify_signature(secret, header, request.body, now):
            return
        sent_at = _signed_at(header)
        if sent_at is None:
            raise InvalidSignature(f"{SIGNATURE_HEADER} is not t=<unix seconds>,v1=<hex>")
        if abs(now - sent_at) > SIGNATURE_TOLERANCE_SECONDS:
            # A replayed delivery, or a clock too far off: the window bounds replays.
            raise InvalidSignature(
                f"{SIGNATURE_HEADER} is too old or from the future "
                f"(more than {SIGNATURE_TOLERANCE_SECONDS} s from now)"
            )
        raise InvalidSignature(f"{SIGNATURE_HEADER} does not match the body")

    async def parse(self, request: WebhookRequest) -> list[Interaction]:
        message = parse_message(request.body, request.header("content-type"))
        headers = read_headers(message)
        if headers.skip_reason(self.context.account) is not None:
            return []
        now = self._now()
        text = body_text(message) or headers.subject
        attachments = tuple(
            Attachment(kind=part.get_content_maintype(), mime_type=part.get_content_type())
            for part in message.iter_attachments()
        )
        return [
            Interaction(
                id=Interaction.make_id(self.platform, self.context.account, headers.message_id),
                platform=self.platform,
                account=self.context.account,
                external_id=headers.message_id,
                kind=InteractionKind.EMAIL,
                author=_author(headers),
                text=text,
                language=_language(headers.content_language),
                thread_id=headers.thread_root,
                parent_id=headers.parent,
                created_at=headers.date or now,
                received_at=now,
                attachments=attachments,
                raw_sha256=body_sha256(request.body),
                reply_context=_reply_context(headers),
            )
        ]

    async def parse_events(self, request: WebhookRequest) -> list[ThreadEvent]:
        """An ``answered`` event for a message the mailbox itself sent in reply to another
        (not an automatic one: a vacation reply from the mailbox answers nobody).

        ``subject_id`` is the message answered and ``thread_id`` the thread's root (the first
        id of ``References``), as :meth:`parse` sets an e-mail's ``parent_id`` and
        ``thread_id``; ``ref`` is the reply's ``<Message-ID>``, the form :meth:`reply`
        returns as ``platform_ref``; ``at`` is its ``Date`` (now when it has none, which
        makes a redelivery a new event).
        """
        message = parse_message(request.body, request.header("content-type"))
        headers = read_headers(message)
        account = self.context.account
        answered = headers.answered
        if not headers.is_from(account) or headers.machine_reason() is not None:
            return []
        if answered is None:
            return []  # a new message from the mailbox, not an answer
        return [
            ThreadEvent(
                kind=ThreadEventKind.ANSWERED,
                platform=self.platform,
                account=account,
                subject_id=answered,
                thread_id=headers.thread_root,
                ref=f"<{headers.message_id}>",
                author=_author(headers),
                text=body_text(message) or headers.subject,
                at=headers.date or self._now(),
                detail="a reply sent from the mailbox",
            )
        ]

    # -- outbound ------------------------------------------------------------------------

    async def reply(
        self, interaction: Interaction, text: str, *, idempotency_key: str
    ) -> ActionResult:
        return await self._send("reply", interaction, text, idempotency_key)

    async def send_direct_message(
        self, interaction: Interaction, text: str, *, idempotency_key: str
    ) -> ActionResult:
        # E-mail has no public/private split: a direct message is the same threaded reply.
        return await self._send("direct_message", interaction, text, idempotency_key)

    async def _send(
        self, action: str, interaction: Interaction, text: str, idempotency_key: str
    ) -> ActionResult:
        message = self._build(interaction, text, idempotency_key)
        recipient = str(message["To"])
        username, password = self._login()
        try:
            await aiosmtplib.send(
                message,
                sender=self.context.account,
                recipients=[recipient],
                hostname=self.options.smtp_host,
                port=self.options.smtp_port,
                use_tls=self.options.use_tls,
                start_tls=False if self.options.use_tls else self.options.starttls,
                username=username,
                password=password,
                timeout=self.options.timeout,
            )
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as err:
            raise smtp.smtp_error(err) from err
        return ActionResult(
            action=action, ok=True, platform_ref=str(message["Message-ID"]), at=self._now()
        )

    def _login(self) -> tuple[str | None, str | None]:
        username = self.context.secrets.get("smtp_username") or None
        password = self.context.secrets.get("smtp_password") or None
        if (username is None) != (password is None):
            raise InvalidRequest("secrets smtp_username and smtp_password go together")
        return username, password

    # -- health --------------------------------------------------------------------------

    async def check_health(self) -> ChannelCheck:
        """A real SMTP conversation with the relay that sends the replies, which sends
        nothing: connect, EHLO, STARTTLS (or implicit TLS) and AUTH as the options and
        secrets say, NOOP, QUIT.

        ``token_valid`` is whether the relay accepted the login (``None`` when no login is
        configured). A password never announces its expiry and inbound mail arrives by an
        MTA pipe Passerelle cannot ask, so ``token_expires_at`` and ``subscription_active``
        stay ``None``.

        Raises:
            AuthError: the relay refused the login (535, or any 5xx to AUTH).
            RateLimited: it refused for now with a "too many" reply (454 to AUTH…).
            TransientError: it cannot be reached or closed the connection (421…).
            InvalidRequest: the options ask for STARTTLS or AUTH the relay does not offer.
        """
        username, password = self._login()
        options = self.options
        client = aiosmtplib.SMTP(
            hostname=options.smtp_host,
            port=options.smtp_port,
            use_tls=options.use_tls,
            start_tls=False if options.use_tls else options.starttls,
            timeout=options.timeout,
        )
        steps = ["EHLO"]
        try:
            await client.connect()
            if client.is_ehlo_or_helo_needed:
                await client.ehlo()
            if options.starttls or options.use_tls:
                steps.append("STARTTLS" if options.starttls else "TLS")
            if username is not None and password is not None:
                await client.login(username, password)
                steps.append("AUTH")
            await client.noop()
            await client.quit()
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as err:
            raise smtp.smtp_error(err) from err
        finally:
            if client.is_connected:
                client.close()
        return ChannelCheck(
            token_valid=True if username is not None else None,
            detail=f"smtp relay {options.smtp_host}:{options.smtp_port} accepted "
            + ", ".join(steps)
            + " and NOOP"
            + ("" if username is not None else "; no SMTP login is configured"),
        )

    def _build(self, interaction: Interaction, text: str, idempotency_key: str) -> EmailMessage:
        context = interaction.reply_context
        recipient = context.get("reply_to") or interaction.author.handle
        if "@" not in recipient:
            raise InvalidRequest(f"interaction {interaction.id} has no author address to mail")
        parent_id = context.get("message_id") or f"<{interaction.external_id}>"
        domain = self.options.message_id_domain or smtp.domain_of(self.context.account)
        try:
            return smtp.build_message(
                sender=self.context.account,
                sender_name=self.options.from_name,
                recipient=recipient,
                subject=smtp.reply_subject(context.get("subject", "")),
                text=text,
                parent_id=parent_id,
                references=smtp.references_for(
                    parent_id, context.get("references", ""), context.get("in_reply_to", "")
                ),
                msg_id=smtp.message_id(idempotency_key, domain),
                date=self._now(),
            )
        except (ValueError, TypeError, IndexError) as err:
            # A header with a line break or an address the policy cannot render.
            raise InvalidRequest(f"cannot build the reply to {interaction.id}: {err}") from None

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), UTC)


def _signed_at(header: str) -> int | None:
    """The ``t=`` of a signature header, to say why it failed (the check itself is
    :func:`connecteurs.signatures.verify_signature`)."""
    fields = dict(item.strip().partition("=")[::2] for item in header.split(","))
    value = fields.get("t", "")
    if not (value.isascii() and value.isdigit()) or "v1" not in fields:
        return None
    return int(value)


def _author(headers: InboundEmail) -> Author:
    return Author(
        id=headers.from_address.lower(),
        handle=headers.from_address,
        display_name=headers.from_name,
        locale=headers.content_language,
    )


def _language(tag: str | None) -> str | None:
    """The primary subtag ("fr" of "fr-CA"): what templates and classifiers are keyed on;
    the full tag stays on the author's locale."""
    return tag.split("-")[0].lower() if tag else None


def _reply_context(headers: InboundEmail) -> dict[str, str]:
    context = {
        "subject": headers.subject,
        "message_id": f"<{headers.message_id}>",
        "references": " ".join(f"<{ref}>" for ref in headers.references),
    }
    if headers.in_reply_to and not headers.references:
        # RFC 5322 §3.6.4: a parent without References but with a single In-Reply-To
        # seeds the reply's References with it.
        context["in_reply_to"] = " ".join(f"<{ref}>" for ref in headers.in_reply_to)
    if headers.reply_to:
        context["reply_to"] = headers.reply_to
    return context
