"""PollerWorkflow: one per account of a platform without push (YouTube, Mastodon, Bluesky,
X without the paid tier). It polls, lets the activity hand each new interaction to its own
workflow (deduped by workflow id, like a webhook redelivery), keeps the cursor in its state
and continues as new before its history grows long."""

from __future__ import annotations

import contextlib
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activites import PollingActivities, PollRequest
    from workflows.models import PollerStart, PollerStatus

#: Transient failures are retried inside one poll with backoff (rate limits set their own
#: delay through next_retry_delay); past these attempts the poll is parked until later.
POLL_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=5),
    maximum_attempts=6,
)


def poller_id(platform: str, account: str) -> str:
    return f"poller/{platform}/{account}"


@workflow.defn(name="PollerWorkflow")
class PollerWorkflow:
    def __init__(self) -> None:
        self._wake = False
        self._status: PollerStatus | None = None

    @workflow.run
    async def run(self, start: PollerStart) -> None:
        cursor = start.cursor
        found = start.found_before
        self._status = PollerStatus(
            platform=start.platform, account=start.account, cursor=cursor, polls=0, found=found
        )
        for polls in range(1, start.polls_per_run + 1):
            wait = start.every
            try:
                outcome = await workflow.execute_activity_method(
                    PollingActivities.poll_account,
                    PollRequest(platform=start.platform, account=start.account, cursor=cursor),
                    start_to_close_timeout=timedelta(minutes=2),
                    retry_policy=POLL_RETRY,
                )
                # A page without a cursor says nothing new about where to resume.
                cursor = outcome.cursor if outcome.cursor is not None else cursor
                found += outcome.found
                parked = None
            except ActivityError as err:
                # The cursor stays where it was: the next poll asks for the same page again.
                cause = err.cause
                parked = f"{type(cause).__name__ if cause else 'error'}: {cause or err}"
                workflow.logger.warning("poll parked for %s: %s", start.account, parked)
                wait = max(start.every, start.parked_retry)
            self._status = self._status.model_copy(
                update={
                    "cursor": cursor,
                    "polls": polls,
                    "found": found,
                    "last_poll_at": workflow.now(),
                    "parked": parked,
                }
            )
            if workflow.info().is_continue_as_new_suggested():
                break
            await self._sleep(wait)
        workflow.continue_as_new(start.model_copy(update={"cursor": cursor, "found_before": found}))

    async def _sleep(self, wait: timedelta) -> None:
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(lambda: self._wake, timeout=wait)
        self._wake = False

    @workflow.signal
    def poll_now(self) -> None:
        """Poll at once instead of at the next tick (after fixing a token, say)."""
        self._wake = True

    @workflow.query
    def status(self) -> PollerStatus | None:
        return self._status
