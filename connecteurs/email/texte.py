"""The words the author wrote: the text part (or the HTML one, stripped), without the
quoted message it answers or the signature under it.

Trimming is heuristic, as in every mail client: quoted lines (``>``), the attribution line
that introduces them ("On … wrote:", "Le … a écrit :"), an Outlook "Original Message"
divider and everything after the RFC 3676 §4.3 signature separator ``-- ``. When trimming
would leave nothing (a forward with no comment), the untrimmed text is kept.
"""

from __future__ import annotations

import re
from email.message import EmailMessage
from html.parser import HTMLParser

#: RFC 3676 §4.3: "-- " alone on a line opens the signature (clients often drop the space).
SIGNATURE = re.compile(r"^-- ?$")
ORIGINAL_MESSAGE = re.compile(
    r"^\s*-{2,}\s*(original message|message d'origine|forwarded message|message transféré)"
    r"\s*-{2,}\s*$",
    re.IGNORECASE,
)
#: The end of an attribution line; Gmail wraps long ones, so the start may be a line above.
ATTRIBUTION_END = re.compile(r"(wrote|a écrit|schrieb|escribió)\s*:\s*$", re.IGNORECASE)
ATTRIBUTION_START = re.compile(r"^\s*(On|Le|Am|El)\s", re.IGNORECASE)

_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol"}
)
_HIDDEN_TAGS = frozenset({"script", "style", "head", "title"})


def body_text(message: EmailMessage) -> str:
    """The author's own words from the preferred text part, trimmed."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError, UnicodeError):
        # An unknown charset or a broken transfer encoding: read what decodes.
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if not isinstance(content, str):
        return ""
    if part.get_content_subtype() == "html":
        content = html_to_text(content)
    return trim_reply(content)


def trim_reply(text: str) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        if SIGNATURE.match(line) or ORIGINAL_MESSAGE.match(line):
            break
        if _is_quoted(line):
            continue
        if ATTRIBUTION_END.search(line) and _quote_follows(lines, index):
            # Drop the attribution, and its first half when Gmail wrapped it.
            if kept and ATTRIBUTION_START.match(kept[-1]) and not ATTRIBUTION_START.match(line):
                kept.pop()
            continue
        kept.append(line.rstrip())
    trimmed = _tidy(kept)
    return trimmed or _tidy([line.rstrip() for line in lines])


def html_to_text(html: str) -> str:
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    return parser.text()


def _is_quoted(line: str) -> bool:
    return line.lstrip().startswith(">")


def _quote_follows(lines: list[str], index: int) -> bool:
    for line in lines[index + 1 :]:
        if line.strip():
            return _is_quoted(line)
    return False


def _tidy(lines: list[str]) -> str:
    text = "\n".join(lines).strip()
    # Quote removal leaves runs of blank lines behind.
    return re.sub(r"\n{3,}", "\n\n", text)


class _TextExtractor(HTMLParser):
    """Text of an HTML body: blocks become lines; scripts, styles and quoted replies
    (``<blockquote>``, Gmail's ``gmail_quote``) are left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._chunks: list[str] = []
        self._skip: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = " ".join(value or "" for name, value in attrs if name == "class")
        if self._skip or tag in _HIDDEN_TAGS or tag == "blockquote" or "gmail_quote" in classes:
            if tag not in ("br", "img", "hr", "meta", "link", "input"):
                self._skip.append(tag)
            return
        if tag in _BLOCK_TAGS:
            self._chunks.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self._skip:
            # Close up to the matching tag: mail HTML often leaves <p> or <div> unclosed.
            if tag in self._skip:
                while self._skip.pop() != tag:
                    pass
            return
        if tag in _BLOCK_TAGS:
            self._chunks.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._chunks.append(data)

    def text(self) -> str:
        joined = "".join(self._chunks)
        lines = [" ".join(line.split()) for line in joined.split("\n")]
        return _tidy(lines)
