"""HMAC helpers for webhook signatures, always over the raw body and compared in constant
time. Each raises :class:`~connecteurs.errors.InvalidSignature` with a reason that names the
header, never the expected value."""

from __future__ import annotations

import base64
import hashlib
import hmac

from connecteurs.errors import InvalidSignature


def hmac_sha256(secret: str | bytes, message: bytes) -> bytes:
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key, message, hashlib.sha256).digest()


def hmac_sha256_hex(secret: str | bytes, message: bytes) -> str:
    return hmac_sha256(secret, message).hex()


def hmac_sha256_b64(secret: str | bytes, message: bytes) -> str:
    return base64.b64encode(hmac_sha256(secret, message)).decode()


def require_header(value: str | None, header: str) -> str:
    if value is None or not value.strip():
        raise InvalidSignature(f"missing {header} header")
    return value.strip()


def check_equal(received: str, expected: str, header: str) -> None:
    """Constant-time comparison; the error never shows ``expected``."""
    if not hmac.compare_digest(received.encode(), expected.encode()):
        raise InvalidSignature(f"{header} does not match the body")


def check_prefixed(value: str | None, header: str, prefix: str, expected: str) -> None:
    """``header: <prefix><expected>`` (``sha256=…``), as Meta, X and Mastodon send it."""
    received = require_header(value, header)
    if not received.startswith(prefix):
        raise InvalidSignature(f"{header} must start with {prefix!r}")
    check_equal(received[len(prefix) :], expected, header)


# -- Passerelle's own scheme: the webhook notifier signs with it, and the generic webhook and
# e-mail connectors accept it. ``X-Passerelle-Signature: t=<unix s>,v1=<hex HMAC-SHA256 of
# "<t>." + body>``; several v1 values may be sent during a secret rotation.

SIGNATURE_HEADER = "X-Passerelle-Signature"
SIGNATURE_TOLERANCE_SECONDS = 300


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The ``X-Passerelle-Signature`` value for ``body`` sent at ``timestamp``."""
    return f"t={timestamp},v1={_digest(secret, timestamp, body)}"


def verify_signature(
    secret: str,
    header: str,
    body: bytes,
    now: float,
    tolerance: float = SIGNATURE_TOLERANCE_SECONDS,
) -> bool:
    """Whether ``header`` signs ``body`` with ``secret`` within ``tolerance`` s of ``now``.

    Args:
        secret: the shared signing secret.
        header: the ``X-Passerelle-Signature`` value.
        body: the raw request body, before any JSON parsing.
        now: the receiver's clock, in Unix seconds.
        tolerance: the largest accepted distance between ``t`` and ``now``, in seconds.
    """
    parsed = _parse_signature(header)
    if parsed is None:
        return False
    timestamp, candidates = parsed
    if abs(now - timestamp) > tolerance:
        return False
    expected = _digest(secret, timestamp, body).encode()
    # Every candidate is compared, so timing says nothing about which one matched.
    matches = [hmac.compare_digest(expected, c.encode()) for c in candidates]
    return any(matches)


def _digest(secret: str, timestamp: int, body: bytes) -> str:
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _parse_signature(header: str) -> tuple[int, list[str]] | None:
    timestamp: int | None = None
    candidates: list[str] = []
    for item in header.split(","):
        key, sep, value = item.strip().partition("=")
        if not sep:
            return None
        if key == "t":
            if timestamp is not None or not (value.isascii() and value.isdigit()):
                return None
            timestamp = int(value)
        elif key == "v1":
            candidates.append(value)
    if timestamp is None or not candidates:
        return None
    return timestamp, candidates
