"""What the activities need at run time, assembled once per worker by ``passerelle``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from activites.models import ChannelActivity, ChannelFailure
from connecteurs.base import Connecteur
from connecteurs.errors import InvalidRequest
from connecteurs.models import Interaction, Platform, ThreadEvent
from plugins.classifiers.base import Classifier
from plugins.notifiers.base import Notifier


@dataclass
class Runtime:
    connectors: Mapping[tuple[Platform, str], Connecteur]
    classifiers: Sequence[Classifier]
    notifiers: Mapping[str, Notifier]
    record_path: Path | None = None
    # Hands a polled interaction to Temporal (start its workflow or signal its thread, with
    # the gateway's dedupe); the shell provides it, since only it knows the workflow types.
    deliver: Callable[[Interaction], Awaitable[object]] | None = None
    # Signals a polled thread event (own reply, deletion seen in a listing) to its workflow.
    deliver_event: Callable[[ThreadEvent], Awaitable[object]] | None = None
    # Tells an account's health workflow that an action failed for good (signal-with-start:
    # it exists even if no worker started it yet); the shell provides it.
    report_failure: Callable[[ChannelFailure], Awaitable[None]] | None = None
    # Reads what the cluster knows of an account's traffic (last interaction, poller).
    channel_activity: Callable[[Platform, str], Awaitable[ChannelActivity]] | None = None

    def connector(self, platform: Platform, account: str) -> Connecteur:
        try:
            return self.connectors[(platform, account)]
        except KeyError:
            known = ", ".join(f"{p.value}/{a}" for p, a in self.connectors) or "none"
            raise InvalidRequest(
                f"no connector configured for account {platform.value}/{account} "
                f"(configured: {known})"
            ) from None

    def notifier(self, target: str) -> Notifier:
        try:
            return self.notifiers[target]
        except KeyError:
            known = ", ".join(sorted(self.notifiers)) or "none"
            raise InvalidRequest(f"unknown escalation target {target!r} (known: {known})") from None
