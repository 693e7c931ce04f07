"""Mastodon status ``content`` (HTML) to plain text, with the standard library only.

Mastodon sends sanitized HTML: ``<p>`` paragraphs, ``<br>`` line breaks, mentions and links
as ``<a>`` with ``<span>`` parts (long URLs are split into ``invisible``/``ellipsis`` spans
for display; keeping every span's text gives the full URL back).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_MANY_NEWLINES = re.compile(r"\n{3,}")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_LEADING_MENTIONS = re.compile(r"^(?:@[\w.@-]+\s*)+")


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag == "p" and self.parts:
            # A paragraph that follows text starts after a blank line, as it is displayed.
            self.parts.append("\n\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(content: str) -> str:
    """The text a reader sees: tags dropped, entities decoded, ``<br>`` → newline, paragraphs
    separated by a blank line."""
    collector = _TextCollector()
    collector.feed(content)
    collector.close()
    text = "".join(collector.parts)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _MANY_NEWLINES.sub("\n\n", "\n".join(lines)).strip()


def without_leading_mentions(text: str) -> str:
    """``@alice@example.org @bob hello`` → ``hello``, whitespace collapsed: how a reply's
    own words are compared, since Mastodon renders a remote ``@user@domain`` as ``@user``."""
    return " ".join(_LEADING_MENTIONS.sub("", text.strip()).split())
