"""The notifier contract (entry-point group ``passerelle.notifiers``): how an escalation
target is told about an interaction."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict

from connecteurs.models import ActionResult, Category, Priority


class Notification(BaseModel):
    """What an escalation target receives. No secret and no full message body beyond an
    excerpt: notifications end up in chat rooms and inboxes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    target: str
    reason: str
    interaction_id: str
    workflow_id: str
    priority: Priority
    categories: tuple[Category, ...] = ()
    excerpt: str = ""
    level: int | None = None
    deadline: datetime | None = None
    idempotency_key: str
    #: "interaction" (``interaction_id`` is one) or "channel" (``interaction_id`` is the
    #: channel, ``platform/account``: a broken token or a dead subscription).
    subject: str = "interaction"


@runtime_checkable
class Notifier(Protocol):
    """Delivers notifications to one configured target."""

    name: str

    async def notify(self, notification: Notification) -> ActionResult:
        """Send one notification.

        Args:
            notification: who is paged, why, and for which interaction.

        Returns:
            The outcome, with a reference of the sent message where the channel gives one.
        """
        ...


class NotifierFactory(Protocol):
    """How a notifier class is built for one ``[targets.NAME]`` of the config.

    ``options`` are the target's plain settings, ``secrets`` its resolved secret references
    (never logged). Raise ``ValueError`` for invalid options: the worker refuses to start.
    """

    def __call__(
        self, target: str, options: Mapping[str, Any], secrets: Mapping[str, str]
    ) -> Notifier: ...
