"""ChannelHealthWorkflow: one per configured account, for as long as the account exists.

It checks the channel on a cadence (token, permissions, webhook subscription, traffic),
hears at once when an interaction's action is refused for auth, judges both with the pure
policy of :mod:`workflows.health`, and tells the configured targets when the verdict changes:
once when it breaks, once when it recovers, never on every check. Interactions parked on a
refused token wait here and are woken when the channel works again.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activites import (
        ChannelActivities,
        ChannelFacts,
        ChannelFailure,
        ChannelProbe,
        InteractionActivities,
    )
    from connecteurs.models import Priority
    from plugins.notifiers.base import Notification
    from workflows.health import AUTH_CODE, TRANSIENT_CODES, Observations, assess, worst
    from workflows.models import (
        ChannelCarry,
        ChannelHealth,
        ChannelSettings,
        ChannelStart,
        HealthProblem,
        HealthStatus,
        RecheckRequest,
    )

CHECK_TIMEOUT = timedelta(minutes=2)
CHECK_RETRY = RetryPolicy(maximum_attempts=3)  # the activity returns platform errors as facts
NOTIFY_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=timedelta(minutes=5),
    maximum_attempts=10,
)
RESUMED = "channel_recovered"  # the interaction's signal
MAX_FAILURES_KEPT = 100
_GAUGE = {
    HealthStatus.UNKNOWN: -1,
    HealthStatus.HEALTHY: 0,
    HealthStatus.DEGRADED: 1,
    HealthStatus.DOWN: 2,
}


def channel_id(platform: str, account: str) -> str:
    return f"channel/{platform}/{account}"


@workflow.defn(name="ChannelHealthWorkflow")
class ChannelHealthWorkflow:
    @workflow.init
    def __init__(self, start: ChannelStart) -> None:
        carry = start.carry or ChannelCarry(
            health=ChannelHealth(platform=start.platform, account=start.account)
        )
        self._start = start
        self._health = carry.health
        self._auth_failure = carry.auth_failure
        self._failures: list[datetime] = list(carry.failures)
        self._waiting: list[str] = list(carry.waiting)
        self._unreachable = carry.unreachable
        self._unreachable_error: str | None = None
        self._notified: set[str] = set(carry.notified)
        self._started_at = carry.started_at
        self._facts: ChannelFacts | None = carry.facts
        self._news = False
        self._lock = asyncio.Lock()

    @workflow.run
    async def run(self, start: ChannelStart) -> None:
        # self._start, not start: `configure` may change the settings while this runs.
        if self._started_at is None:
            self._started_at = workflow.now()
        next_check = workflow.now()
        checks = 0
        while True:
            async with self._lock:
                # Cleared before judging: news arriving while a notice is sent is judged next.
                self._news = False
                if workflow.now() >= next_check:
                    await self._check()
                    checks += 1
                    next_check = workflow.now() + self._start.settings.every
                await self._judge()
            if checks >= start.checks_per_run or workflow.info().is_continue_as_new_suggested():
                break
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(
                    lambda: self._news, timeout=max(next_check - workflow.now(), timedelta(0))
                )
        await workflow.wait_condition(workflow.all_handlers_finished)
        workflow.continue_as_new(self._start.model_copy(update={"carry": self._carry()}))

    # ------------------------------------------------------------------ steps

    async def _check(self) -> None:
        """Ask the platform (through the connector) and the cluster what they know."""
        try:
            facts = await workflow.execute_activity_method(
                ChannelActivities.check_channel,
                ChannelProbe(platform=self._start.platform, account=self._start.account),
                start_to_close_timeout=CHECK_TIMEOUT,
                retry_policy=CHECK_RETRY,
            )
        except ActivityError as err:
            # No connector for the account on this worker (config changed): say so.
            facts = ChannelFacts(error_code="unavailable", error=str(err.cause or err))
        error = facts.error
        if facts.activity.last_event_at is None and self._health.last_event_at is not None:
            # The cluster did not answer this time: what it said before still holds.
            activity = facts.activity.model_copy(
                update={"last_event_at": self._health.last_event_at}
            )
            facts = facts.model_copy(update={"activity": activity})
        if facts.error_code in TRANSIENT_CODES:
            # Could not ask: the last conclusive answer stands (a blip is not a recovery).
            self._unreachable += 1
            self._unreachable_error = facts.error
            if self._facts is not None:
                facts = self._facts.model_copy(update={"activity": facts.activity})
        else:
            self._unreachable = 0
            if self._auth_failure is not None and _confirms_token(self._facts, facts):
                # The check saw the token refused and now sees it accepted: fixed.
                self._auth_failure = None
        self._facts = facts
        update: dict[str, object] = {
            "checked_at": workflow.now(),
            "checks": self._health.checks + 1,
        }
        if facts.check is not None:
            update["token_expires_at"] = facts.check.token_expires_at
        if facts.activity.last_event_at is not None:
            update["last_event_at"] = facts.activity.last_event_at
        if error is not None:
            update |= {"last_error": error, "last_error_at": workflow.now()}
        self._health = self._health.model_copy(update=update)

    async def _judge(self) -> None:
        """Apply the policy; tell the targets about a new verdict, wake parked interactions."""
        settings = self._start.settings
        horizon = workflow.now() - settings.failure_window
        self._failures = [at for at in self._failures if at > horizon]
        problems = assess(
            self._facts,
            Observations(
                auth_failure=self._auth_failure,
                recent_failures=len(self._failures),
                unreachable=self._unreachable,
                unreachable_error=self._unreachable_error,
                watched_since=self._started_at,
            ),
            settings,
            workflow.now(),
            account=self._start.account,
        )
        status = worst(problems)
        if self._facts is None and not problems:
            status = HealthStatus.UNKNOWN  # nothing checked yet and nothing heard
        before = self._health.status
        update: dict[str, object] = {
            "status": status,
            "problems": problems,
            "waiting_interactions": len(self._waiting),
        }
        if status is not before:
            update["since"] = workflow.now()
        self._health = self._health.model_copy(update=update)
        workflow.metric_meter().create_gauge(
            "passerelle_channel_health",
            "Each account's channel: 0 healthy, 1 degraded, 2 down, -1 not checked yet.",
        ).set(
            _GAUGE[status], {"platform": self._start.platform.value, "account": self._start.account}
        )
        codes = {p.code for p in problems}
        new, self._notified = codes - self._notified, codes  # a cleared problem may alert again
        bad = (HealthStatus.DEGRADED, HealthStatus.DOWN)
        if status in bad and new:
            await self._tell(status, [p for p in problems if p.code in new])
        elif status is HealthStatus.HEALTHY and before in bad:
            await self._tell(status, [])
        elif status is HealthStatus.DEGRADED and before is HealthStatus.DOWN:
            await self._tell(status, list(problems))  # no longer down, not yet healthy
        if status is not HealthStatus.DOWN and self._waiting:
            await self._resume_waiting()

    async def _tell(self, status: HealthStatus, problems: list[HealthProblem]) -> None:
        account = f"{self._start.platform.value}/{self._start.account}"
        if status is HealthStatus.HEALTHY:
            reason = f"channel {account} recovered"
            body = "the channel works again"
            priority = Priority.P3
        else:
            reason = f"channel {account} {status.value}: " + ", ".join(p.code for p in problems)
            body = " | ".join(f"{p.reason}. What to do: {p.fix}" for p in problems)
            priority = Priority.P1 if status is HealthStatus.DOWN else Priority.P2
        self._health = self._health.model_copy(update={"notices": self._health.notices + 1})
        workflow.logger.warning("%s", reason)
        for target in self._start.settings.notify:
            notification = Notification(
                target=target,
                reason=reason,
                interaction_id=account,
                workflow_id=workflow.info().workflow_id,
                priority=priority,
                excerpt=body,
                # The count is carried across runs: a retried notice keeps its key.
                idempotency_key=(
                    f"{workflow.info().workflow_id}/notice-{self._health.notices}/{target}"
                ),
                subject="channel",
            )
            try:
                await workflow.execute_activity_method(
                    InteractionActivities.notify,
                    notification,
                    start_to_close_timeout=timedelta(seconds=60),
                    retry_policy=NOTIFY_RETRY,
                )
            except ActivityError as err:
                workflow.logger.error("channel notice to %s failed: %s", target, err.cause or err)

    async def _resume_waiting(self) -> None:
        waiting, self._waiting = self._waiting, []
        for workflow_id in dict.fromkeys(waiting):
            handle = workflow.get_external_workflow_handle(workflow_id)
            try:
                await handle.signal(RESUMED)
            except Exception as err:  # closed since: nothing left to resume
                workflow.logger.info("could not wake %s: %s", workflow_id, err)
        self._health = self._health.model_copy(update={"waiting_interactions": 0})

    def _carry(self) -> ChannelCarry:
        return ChannelCarry(
            health=self._health,
            auth_failure=self._auth_failure,
            failures=tuple(self._failures),
            waiting=tuple(self._waiting),
            unreachable=self._unreachable,
            notified=tuple(sorted(self._notified)),
            started_at=self._started_at,
            facts=self._facts,
        )

    # ------------------------------------------------------------------ handlers

    @workflow.signal
    def report_failure(self, failure: ChannelFailure) -> None:
        """An interaction's action failed for good on this channel."""
        if failure.code == AUTH_CODE:
            self._auth_failure = failure
            if failure.workflow_id not in self._waiting:
                self._waiting.append(failure.workflow_id)
        else:
            self._failures = [*self._failures, failure.at][-MAX_FAILURES_KEPT:]
        self._health = self._health.model_copy(
            update={
                "last_error": f"{failure.action}: {failure.message}",
                "last_error_at": failure.at,
            }
        )
        self._news = True

    @workflow.signal
    def configure(self, settings: ChannelSettings) -> None:
        """A worker started with the current config: use its settings from now on."""
        if settings != self._start.settings:
            self._start = self._start.model_copy(update={"settings": settings})
            self._news = True

    @workflow.update
    async def recheck(self, request: RecheckRequest) -> ChannelHealth:
        """An operator fixed something: check now, forget refusals only actions saw."""
        async with self._lock:
            workflow.logger.info("recheck requested by %s", request.actor)
            self._auth_failure = None
            self._unreachable = 0
            await self._check()
            await self._judge()
            return self._health

    @recheck.validator
    def _validate_recheck(self, request: RecheckRequest) -> None:
        if not request.actor.strip():
            raise ApplicationError("a recheck needs an actor")

    @workflow.query
    def health(self) -> ChannelHealth:
        return self._health


def _confirms_token(before: ChannelFacts | None, now: ChannelFacts) -> bool:
    """The previous check saw the credentials refused and this one sees them accepted."""
    if before is None or now.check is None or now.check.token_valid is False:
        return False
    refused = before.error_code == AUTH_CODE or (
        before.check is not None and before.check.token_valid is False
    )
    return refused
