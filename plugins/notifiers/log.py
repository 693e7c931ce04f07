"""The ``log`` notifier: writes each notification to the structured log and, when ``path``
is set, appends it to a JSON Lines file (what the demo and the tests read)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import structlog

from connecteurs.jsonl.store import JsonlStore
from connecteurs.models import ActionResult
from plugins.notifiers.base import Notification

log = structlog.get_logger("passerelle.notify")


class LogNotifier:
    name = "log"

    def __init__(
        self, target: str, options: Mapping[str, Any], secrets: Mapping[str, str] | None = None
    ) -> None:
        self.target = target
        raw = options.get("path")
        self.path = Path(str(raw)) if raw else None

    async def notify(self, notification: Notification) -> ActionResult:
        log.info(
            "notification sent",
            target=notification.target,
            reason=notification.reason,
            interaction_id=notification.interaction_id,
            priority=notification.priority.value,
            level=notification.level,
        )
        if self.path is not None:
            # A retried notify finds its first page instead of paging twice.
            store = JsonlStore(self.path)
            await asyncio.to_thread(
                store.append_once, notification.idempotency_key, _entry(notification)
            )
        return ActionResult(action="notify", ok=True, platform_ref=notification.idempotency_key)


def _entry(notification: Notification) -> Callable[[], dict[str, Any]]:
    def build() -> dict[str, Any]:
        line = notification.model_dump(mode="json", exclude={"idempotency_key"})
        return line | {"sent_at": datetime.now(UTC).isoformat()}

    return build
