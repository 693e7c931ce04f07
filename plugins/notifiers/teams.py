"""The ``teams`` notifier: posts an Adaptive Card to a Microsoft Teams channel through a
Workflows (Power Automate) "When a Teams webhook request is received" trigger.

Secrets: ``url``, the trigger URL (required; its ``sig`` parameter is the credential).
Options: ``timeout_seconds`` (default 10).

The trigger answers 202 Accepted once it has queued the flow run; a card the flow later
fails to post is only visible in the flow's run history. Errors map as in
:mod:`plugins.notifiers.http`.
"""

from __future__ import annotations

from typing import Any

from connecteurs.models import Priority
from plugins.notifiers import render
from plugins.notifiers.base import Notification
from plugins.notifiers.http import HttpOptions, SecretUrlNotifier, UrlSecrets

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
# 1.4 is the newest version every Teams client renders.
CARD_VERSION = "1.4"
TITLE_COLOR = {Priority.P1: "Attention", Priority.P2: "Warning"}


class TeamsNotifier(SecretUrlNotifier[HttpOptions, UrlSecrets]):
    name = "teams"
    options_model = HttpOptions
    secrets_model = UrlSecrets

    def payload(self, notification: Notification) -> dict[str, Any]:
        return payload(notification)


def payload(notification: Notification) -> dict[str, Any]:
    """A ``message`` with one Adaptive Card attachment."""
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": CARD_CONTENT_TYPE,
                "contentUrl": None,
                "content": card(notification),
            }
        ],
    }


def card(notification: Notification) -> dict[str, Any]:
    """Title, a FactSet of the facts, and the excerpt when there is one."""
    body: list[dict[str, Any]] = [_title(notification), _facts(notification)]
    excerpt = render.excerpt(notification)
    if excerpt:
        body.append({"type": "TextBlock", "text": excerpt, "wrap": True, "isSubtle": True})
    return {
        "$schema": CARD_SCHEMA,
        "type": "AdaptiveCard",
        "version": CARD_VERSION,
        "body": body,
    }


def _title(notification: Notification) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "TextBlock",
        "text": render.title(notification),
        "weight": "Bolder",
        "size": "Medium",
        "wrap": True,
    }
    color = TITLE_COLOR.get(notification.priority)
    if color:
        block["color"] = color
    return block


def _facts(notification: Notification) -> dict[str, Any]:
    facts = [{"title": label, "value": value} for label, value in render.facts(notification)]
    return {"type": "FactSet", "facts": facts}
