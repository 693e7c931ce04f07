"""What the connector reads from one inbound RFC 5322 message, and when it is skipped.

The gateway hands over the raw message exactly as the MTA pipe (or inbound-parse service)
posted it, ``Content-Type: message/rfc822``. The stdlib parser is lenient by design — any
bytes parse into *some* message — so the shape checks live here: a message without a
``Message-ID`` or a ``From`` address cannot become an interaction (no stable id, nobody to
answer) and is refused as malformed.
"""

from __future__ import annotations

import email.errors
import email.policy
import email.utils
import re
from datetime import UTC, datetime
from email.message import EmailMessage
from email.parser import BytesParser

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from connecteurs.errors import MalformedPayload

#: ``msg-id = "<" id-left "@" id-right ">"`` (RFC 5322 §3.6.4), read leniently: anything
#: between angle brackets without spaces, since some mailers omit the ``@``.
MSG_ID = re.compile(r"<([^<>\s]+)>")
#: RFC 5322 §2.1.1: a header line is at most 998 characters; an id cannot be longer.
MAX_ID_LENGTH = 998
#: A long thread's References grows by one id a message; keep the root and the most recent
#: ones, as RFC 5322 §3.6.4 allows a References field to be trimmed this way in practice.
MAX_REFERENCES = 10
MAX_SUBJECT = 250
#: RFC 3834 §2: Precedence values that mark list and bulk mail, not a person writing.
BULK_PRECEDENCE = frozenset({"bulk", "junk", "list"})
#: Local parts bounces and mail-system reports come from (RFC 5321 §4.5.1 postmaster).
DAEMON_LOCAL_PARTS = frozenset({"mailer-daemon", "postmaster"})
#: Content types the gateway may declare for a raw message.
ACCEPTED_CONTENT_TYPES = frozenset({"message/rfc822", "application/octet-stream", "text/plain"})

HEADER_END = re.compile(rb"\r?\n\r?\n")

_PARSE_ERRORS = (email.errors.MessageError, ValueError, IndexError, TypeError, LookupError)


class InboundEmail(BaseModel):
    """The header fields of one inbound message that the connector uses."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    message_id: str = Field(min_length=1, max_length=MAX_ID_LENGTH)
    from_address: str = Field(min_length=3)
    from_name: str = ""
    reply_to: str | None = None
    subject: str = ""
    date: datetime | None = None
    in_reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    content_language: str | None = None
    auto_submitted: str | None = None
    precedence: str | None = None
    return_path: str | None = None

    @property
    def thread_root(self) -> str | None:
        """RFC 5322 §3.6.4: References lists the thread from its first message on, so its
        first id is the root; a reply without References names only its parent."""
        if self.references:
            return self.references[0]
        return self.in_reply_to[0] if self.in_reply_to else None

    @property
    def parent(self) -> str | None:
        return self.in_reply_to[0] if self.in_reply_to else None

    @property
    def answered(self) -> str | None:
        """The message this one answers: In-Reply-To, else the last id of References
        (RFC 5322 §3.6.4: a reply's References ends with its parent's Message-ID)."""
        if self.in_reply_to:
            return self.in_reply_to[0]
        return self.references[-1] if self.references else None

    def is_from(self, account: str) -> bool:
        return self.from_address.lower() == account.strip().lower()

    def skip_reason(self, account: str) -> str | None:
        """Why this message is not someone writing to the account, or ``None``."""
        reason = self.machine_reason()
        if reason is not None:
            return reason
        if self.is_from(account):
            return "sent by the account itself"
        return None

    def machine_reason(self) -> str | None:
        """Why this message was written by a machine (an auto-reply, list mail, a bounce),
        or ``None`` when a person wrote it."""
        # RFC 3834 §5: any Auto-Submitted value but "no" is a machine (vacation replies,
        # notifications); answering it invites a mail loop.
        if self.auto_submitted and self.auto_submitted.split(";")[0].strip().lower() != "no":
            return f"Auto-Submitted: {self.auto_submitted}"
        if self.precedence and self.precedence.strip().lower() in BULK_PRECEDENCE:
            return f"Precedence: {self.precedence}"
        local_part = self.from_address.rpartition("@")[0].lower()
        if local_part in DAEMON_LOCAL_PARTS:
            return f"sent by {local_part} (a bounce or delivery report)"
        # RFC 5321 §4.5.5: delivery status notifications go out with a null reverse-path,
        # which the delivering MTA records as "Return-Path: <>".
        if self.return_path is not None and self.return_path.strip() == "<>":
            return "null Return-Path (a delivery status notification)"
        return None


def parse_message(body: bytes, content_type: str | None) -> EmailMessage:
    """The message in a delivery body; MalformedPayload when there cannot be one."""
    if content_type:
        media_type = content_type.split(";")[0].strip().lower()
        if media_type not in ACCEPTED_CONTENT_TYPES:
            raise MalformedPayload(
                f"expected a raw message (Content-Type message/rfc822), got {media_type!r}"
            )
    if not body.strip():
        raise MalformedPayload("empty body: expected a raw RFC 5322 message")
    if HEADER_END.search(body) is None:
        # RFC 5322 §2.1: an empty line ends the header section. A message may lack a body,
        # but a delivery cut inside its headers looks the same, and an MTA pipe always sends
        # the separator; refusing is the safe reading.
        raise MalformedPayload("no empty line after the header section: truncated message?")
    try:
        parsed = BytesParser(policy=email.policy.default).parsebytes(body)
    except _PARSE_ERRORS as err:
        raise MalformedPayload(f"unreadable RFC 5322 message: {type(err).__name__}") from err
    _check_complete(parsed)
    return parsed


def _check_complete(message: EmailMessage) -> None:
    """A multipart body must end with its close delimiter (RFC 2046 §5.1.1); without it the
    delivery was cut. (A cut single-part body cannot be told apart: RFC 5322 has no length.)"""
    for part in message.walk():
        for defect in part.defects:
            if isinstance(
                defect,
                email.errors.CloseBoundaryNotFoundDefect | email.errors.StartBoundaryNotFoundDefect,
            ):
                raise MalformedPayload(f"incomplete multipart body: {type(defect).__name__}")


def read_headers(message: EmailMessage) -> InboundEmail:
    """The :class:`InboundEmail` of a parsed message.

    Raises:
        MalformedPayload: no usable Message-ID or From address, or an unreadable header.
    """
    try:
        message_id = _first_id(_raw(message, "Message-ID"))
        if message_id is None:
            raise MalformedPayload("no Message-ID header: the message has no stable id")
        from_name, from_address = _address(message, "From")
        if from_address is None:
            raise MalformedPayload("no From address: nobody to attribute the message to")
        reply_to = _address(message, "Reply-To")[1]
        return InboundEmail(
            message_id=message_id,
            from_address=from_address,
            from_name=from_name,
            reply_to=reply_to if reply_to and reply_to.lower() != from_address.lower() else None,
            subject=_one_line(_header(message, "Subject") or "")[:MAX_SUBJECT],
            date=_date(_header(message, "Date")),
            in_reply_to=_ids(_raw(message, "In-Reply-To")),
            references=_trim(_ids(_raw(message, "References"))),
            content_language=_language_tag(message),
            auto_submitted=_header(message, "Auto-Submitted"),
            precedence=_header(message, "Precedence"),
            return_path=_header(message, "Return-Path"),
        )
    except MalformedPayload:
        raise
    except _PARSE_ERRORS as err:
        # ValidationError is a ValueError: an id too long, a From too short to be an address.
        raise MalformedPayload(f"unreadable message header: {_brief(err)}") from err


def _header(message: EmailMessage, name: str) -> str | None:
    value = message.get(name)
    if value is None:
        return None
    text = _one_line(str(value))
    return text or None


def _raw(message: EmailMessage, name: str) -> str | None:
    """The header as received: the parsed form repairs a msg-id cut before its ``>``."""
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            return _one_line(str(value)) or None
    return None


def _address(message: EmailMessage, name: str) -> tuple[str, str | None]:
    """``(display name, addr-spec)`` of the first address of ``name``."""
    header = message.get(name)
    addresses = getattr(header, "addresses", ()) if header is not None else ()
    for address in addresses:
        spec = str(address.addr_spec)
        if address.username and address.domain and " " not in spec:
            return _one_line(str(address.display_name)), spec
    return "", None


def _ids(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(match for match in MSG_ID.findall(value) if len(match) <= MAX_ID_LENGTH)


def _first_id(value: str | None) -> str | None:
    if not value:
        return None
    found = _ids(value)
    if found:
        return found[0]
    # A bare id without brackets: accepted when it is one token.
    bare = value.strip()
    return bare if bare and not any(c.isspace() or c in "<>" for c in bare) else None


def _trim(ids: tuple[str, ...]) -> tuple[str, ...]:
    if len(ids) <= MAX_REFERENCES:
        return ids
    return (ids[0], *ids[-(MAX_REFERENCES - 1) :])


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    # RFC 5322 §3.3: "-0000" means the zone is unknown; UTC is the honest reading.
    when = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    return when.astimezone(UTC)


def _language_tag(message: EmailMessage) -> str | None:
    """The first tag of Content-Language (RFC 3282), on the message or its text part."""
    value = message.get("Content-Language")
    if value is None:
        body = message.get_body(preferencelist=("plain", "html"))
        value = body.get("Content-Language") if body is not None else None
    if value is None:
        return None
    tag = str(value).split(",")[0].strip()
    return tag if re.fullmatch(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*", tag) else None


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _brief(err: Exception) -> str:
    # A pydantic error repeats the offending input; a header can carry anything, so name the
    # field and the rule only.
    if isinstance(err, ValidationError):
        first = err.errors()[0]
        return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
    return str(err).splitlines()[0][:200] if str(err) else type(err).__name__
