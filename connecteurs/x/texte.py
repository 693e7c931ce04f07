"""Comparing what the connector posted with what X shows back, for the idempotent lookup.

X does not return a Post's text byte for byte: a reply's ``text`` starts with the
auto-populated ``@handle`` of the Post it answers, ``&``, ``<`` and ``>`` come back
HTML-escaped, and every link is rewritten to a ``https://t.co/…`` address. Both sides are
normalised the same way before they are compared.
"""

from __future__ import annotations

import html
import re

_LEADING_MENTIONS = re.compile(r"^(?:@\w{1,15}\s+)+")
_URL = re.compile(r"https?://\S+")


def normalise(text: str) -> str:
    text = html.unescape(text).strip()
    text = _LEADING_MENTIONS.sub("", text)
    text = _URL.sub("<url>", text)
    return " ".join(text.split())


def same_text(shown: str, sent: str) -> bool:
    """Whether the Post X shows (``shown``) is the one whose text was ``sent``."""
    return normalise(shown) == normalise(sent)
