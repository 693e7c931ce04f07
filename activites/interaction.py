"""The activities of an interaction's lifecycle: every I/O the workflow needs lives here."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from pathlib import Path

import structlog
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activites.errors import to_application_error
from activites.models import InteractionRecord, MessageRequest, ModerationRequest
from activites.runtime import Runtime
from connecteurs.base import Connecteur
from connecteurs.errors import ConnecteurError
from connecteurs.models import ActionResult, Classification, Interaction
from plugins.classifiers.base import Classifier
from plugins.classifiers.compose import compose
from plugins.notifiers.base import Notification

log = structlog.get_logger("passerelle.activities")


async def _mapped(call: Callable[[], Awaitable[ActionResult]]) -> ActionResult:
    """Run a connector or notifier call with its typed errors turned into Temporal's."""
    try:
        return await call()
    except ConnecteurError as err:
        activity.metric_meter().create_counter(
            "passerelle_action_errors",
            "Connector and notifier failures by activity and error code (auth, rate_limited…).",
        ).add(1, {"activity": activity.info().activity_type, "code": err.code})
        raise to_application_error(err) from err


def classify_with_all(
    classifiers: Sequence[Classifier], interaction: Interaction
) -> Classification:
    """Every classifier's verdict, merged; one failing must not silence the others (it
    might be the one that did not see a crisis). Raises only when all of them fail."""
    verdicts: list[Classification] = []
    failures: list[str] = []
    for classifier in classifiers:
        try:
            verdicts.append(classifier.classify(interaction))
        except Exception as err:  # a plugin's bug, reported in the reasons
            log.error("classifier failed", classifier=classifier.name, error=repr(err))
            failures.append(f"{classifier.name}@{classifier.version} failed: {type(err).__name__}")
    if not verdicts:
        # Run locally, classification is pure CPU (the policy says so): the same message
        # fails the same way, so the interaction goes to a human now, not after retries.
        raise ApplicationError(
            "every classifier failed: " + "; ".join(failures),
            non_retryable=activity.in_activity() and activity.info().is_local,
        )
    merged = compose(verdicts)
    if not failures:
        return merged
    return merged.model_copy(update={"reasons": (*merged.reasons, *failures)})


class InteractionActivities:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    @activity.defn(name="classify")
    async def classify(self, interaction: Interaction) -> Classification:
        # CPU-bound lexicon work: off the event loop that also serves workflows and polls.
        started = time.perf_counter()
        verdict = await asyncio.to_thread(classify_with_all, self.runtime.classifiers, interaction)
        activity.metric_meter().create_histogram_timedelta(
            "passerelle_classification_latency", "Time to classify one message.", "ms"
        ).record(timedelta(seconds=time.perf_counter() - started))
        return verdict

    @activity.defn(name="reply")
    async def reply(self, request: MessageRequest) -> ActionResult:
        async def call() -> ActionResult:
            connector = self._connector(request.interaction)
            return await connector.reply(
                request.interaction, request.text, idempotency_key=request.idempotency_key
            )

        return await _mapped(call)

    @activity.defn(name="send_direct_message")
    async def send_direct_message(self, request: MessageRequest) -> ActionResult:
        async def call() -> ActionResult:
            connector = self._connector(request.interaction)
            return await connector.send_direct_message(
                request.interaction, request.text, idempotency_key=request.idempotency_key
            )

        return await _mapped(call)

    @activity.defn(name="moderate")
    async def moderate(self, request: ModerationRequest) -> ActionResult:
        async def call() -> ActionResult:
            connector = self._connector(request.interaction)
            return await connector.moderate(
                request.interaction, request.action, idempotency_key=request.idempotency_key
            )

        return await _mapped(call)

    @activity.defn(name="notify")
    async def notify(self, notification: Notification) -> ActionResult:
        return await _mapped(
            lambda: self.runtime.notifier(notification.target).notify(notification)
        )

    def _connector(self, interaction: Interaction) -> Connecteur:
        return self.runtime.connector(interaction.platform, interaction.account)

    @activity.defn(name="record")
    async def record(self, record: InteractionRecord) -> None:
        log.info("interaction recorded", interaction_id=record.interaction_id, **record.summary)
        if self.runtime.record_path is not None:
            await asyncio.to_thread(_append_json, self.runtime.record_path, record)

    def all(self) -> list[Callable[..., Awaitable[object]]]:
        return [
            self.classify,
            self.reply,
            self.send_direct_message,
            self.moderate,
            self.notify,
            self.record,
        ]


def _append_json(path: Path, record: InteractionRecord) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(record.model_dump(mode="json"), ensure_ascii=False) + "\n")
