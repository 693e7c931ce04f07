"""Deterministic record keys, so that a retried write can look for its own earlier record.

``app.bsky.feed.post`` and ``app.bsky.graph.block`` declare ``"key": "tid"`` and the PDS checks
the key against that (``Invalid record key``). A TID (atproto.com/specs/tid) is 64 bits — top
bit 0, 53 bits of microseconds since the epoch, 10 bits of "clock id" — written as 13
characters of base32-sortable. The spec lets clients choose their keys ("these keys can be
specified by the end user", atproto.com/specs/record-key), so we derive one from the
idempotency key: the timestamp is the interaction's arrival second (a plausible, stable time)
plus 20 hash bits as microseconds, and the clock id is 10 more hash bits. Two different
idempotency keys for one interaction collide with odds of about 1 in 10⁹; the caller still
checks that a record found under the key is really the one it would have written.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime

S32 = "234567abcdefghijklmnopqrstuvwxyz"
TID_PATTERN = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")
_MAX_MICROS = (1 << 53) - 1


def encode_tid(micros: int, clock_id: int) -> str:
    """The TID for a microsecond timestamp and a 10-bit clock id."""
    if not 0 <= micros <= _MAX_MICROS:
        raise ValueError("TID timestamp out of range")
    value = (micros << 10) | (clock_id & 0x3FF)
    return "".join(S32[(value >> (5 * shift)) & 31] for shift in range(12, -1, -1))


def deterministic_tid(idempotency_key: str, anchor: datetime, attempt: int = 0) -> str:
    """A valid TID that only depends on ``idempotency_key``, ``anchor`` and ``attempt``
    (``attempt`` picks another key when a record found under the first is not ours)."""
    digest = hashlib.sha256(f"{attempt}\x00{idempotency_key}".encode()).digest()
    bits = int.from_bytes(digest[:8], "big")
    micros = int(anchor.timestamp()) * 1_000_000 + (bits & 0xFFFFF) % 1_000_000
    return encode_tid(micros, bits >> 20)
