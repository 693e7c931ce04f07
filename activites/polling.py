"""The poll activity: one page of new interactions from a platform without push, each handed
to Temporal before the cursor moves (so a crash between the two re-polls, and the dedupe by
workflow id makes the second delivery a no-op)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import structlog
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activites.errors import to_application_error
from activites.models import PollOutcome, PollRequest
from activites.runtime import Runtime
from connecteurs.errors import ConnecteurError

log = structlog.get_logger("passerelle.activities")


class PollingActivities:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    @activity.defn(name="poll_account")
    async def poll_account(self, request: PollRequest) -> PollOutcome:
        deliver = self.runtime.deliver
        if deliver is None:
            raise ApplicationError(
                "this worker cannot deliver polled interactions", non_retryable=True
            )
        try:
            connector = self.runtime.connector(request.platform, request.account)
            page = await connector.poll(request.cursor)
        except ConnecteurError as err:
            raise to_application_error(err) from err
        for interaction in page.interactions:
            await deliver(interaction)
        for event in page.events:  # after the interactions: a thread starts before its news
            if self.runtime.deliver_event is not None:
                await self.runtime.deliver_event(event)
        if page.interactions:
            log.info(
                "polled",
                platform=request.platform.value,
                account=request.account,
                found=len(page.interactions),
            )
        return PollOutcome(
            cursor=page.cursor,
            found=len(page.interactions),
            interaction_ids=tuple(i.id for i in page.interactions)[:100],
        )

    def all(self) -> list[Callable[..., Awaitable[object]]]:
        return [self.poll_account]
