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
