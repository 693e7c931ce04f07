"""The ``slack`` notifier: posts to a Slack incoming webhook (or a Slack-compatible one,
such as Mattermost's).

Secrets: ``url``, the webhook URL (required; it is the credential). Options:
``timeout_seconds`` (default 10).

Slack answers errors in plain text: ``invalid_payload`` (400), ``action_prohibited`` (403),
``no_service`` (404), ``channel_is_archived`` (410); they map as in
:mod:`plugins.notifiers.http`. Incoming webhooks cannot dedupe: the ``Idempotency-Key``
header is sent for proxies and compatible receivers that can.
"""

from __future__ import annotations

from typing import Any

from plugins.notifiers import render
from plugins.notifiers.base import Notification
from plugins.notifiers.http import HttpOptions, SecretUrlNotifier, UrlSecrets

# Slack's limits: 3000 characters for a section's text, 2000 for a field, 10 fields.
SECTION_CHARS = 3000
FIELD_CHARS = 2000


class SlackNotifier(SecretUrlNotifier[HttpOptions, UrlSecrets]):
    name = "slack"
    options_model = HttpOptions
    secrets_model = UrlSecrets

    def payload(self, notification: Notification) -> dict[str, Any]:
        return payload(notification)


def payload(notification: Notification) -> dict[str, Any]:
    """``{"text": fallback, "blocks": [title, facts, excerpt]}`` in Slack mrkdwn."""
    title = escape(render.title(notification))
    blocks: list[dict[str, Any]] = [
        _section(f"*{render.truncate(title, SECTION_CHARS - 2)}*"),
        {
            "type": "section",
            "fields": [_field(label, value) for label, value in render.facts(notification)],
        },
    ]
    excerpt = render.excerpt(notification)
    if excerpt:
        blocks.append(_section(render.truncate(f">{escape(excerpt)}", SECTION_CHARS)))
    return {
        "text": render.truncate(title, SECTION_CHARS),
        "blocks": blocks,
        # The excerpt is a stranger's text: no previews of the links it may hold.
        "unfurl_links": False,
        "unfurl_media": False,
    }


def escape(value: str) -> str:
    """Slack's mrkdwn escaping: without it, ``<!channel>`` in a comment pings everyone."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _field(label: str, value: str) -> dict[str, str]:
    text = f"*{label}*\n{escape(value)}"
    return {"type": "mrkdwn", "text": render.truncate(text, FIELD_CHARS)}
