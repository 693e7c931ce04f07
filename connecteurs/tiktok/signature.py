"""TikTok's webhook signature (https://developers.tiktok.com/doc/webhooks-verification).

``TikTok-Signature: t=<unix seconds>,s=<hex HMAC-SHA256(client_secret, "<t>." + body)>``.
The timestamp is inside the signed payload, so an old delivery cannot be re-dated: it is
refused when ``t`` is further than the tolerance from the receiver's clock.
"""

from __future__ import annotations

import hmac

from connecteurs.errors import InvalidSignature
from connecteurs.signatures import hmac_sha256_hex, require_header

HEADER = "TikTok-Signature"
#: TikTok leaves the window to the receiver; five minutes, as Passerelle's own scheme.
TOLERANCE_SECONDS = 300.0


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The header value TikTok would send for ``body`` at ``timestamp`` (tests, fakes)."""
    return f"t={timestamp},s={hmac_sha256_hex(secret, f'{timestamp}.'.encode() + body)}"


def check(
    value: str | None,
    body: bytes,
    secret: str,
    now: float,
    tolerance: float = TOLERANCE_SECONDS,
) -> None:
    """Raise :class:`InvalidSignature` unless ``value`` signs ``body`` recently enough."""
    timestamp, candidates = _split(require_header(value, HEADER))
    if abs(now - timestamp) > tolerance:
        raise InvalidSignature(f"{HEADER} timestamp is outside the {tolerance:g}s window")
    expected = hmac_sha256_hex(secret, f"{timestamp}.".encode() + body).encode()
    # Every candidate is compared, so timing does not tell which one (if any) matched.
    matches = [hmac.compare_digest(expected, c.encode()) for c in candidates]
    if not any(matches):
        raise InvalidSignature(f"{HEADER} does not match the body")


def _split(value: str) -> tuple[int, list[str]]:
    """``t=…,s=…`` → (t, [s, …]); TikTok's step 1 splits on ``,`` then on ``=``."""
    timestamp: int | None = None
    candidates: list[str] = []
    for item in value.split(","):
        key, sep, part = item.strip().partition("=")
        if not sep:
            raise InvalidSignature(f"{HEADER} is not a list of key=value pairs")
        if key == "t":
            if timestamp is not None or not (part.isascii() and part.isdigit()):
                raise InvalidSignature(f"{HEADER} has an unreadable timestamp")
            timestamp = int(part)
        elif key == "s":
            candidates.append(part)
    if timestamp is None or not candidates:
        raise InvalidSignature(f"{HEADER} needs both t= and s=")
    return timestamp, candidates
