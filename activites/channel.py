"""The channel-health activities: ask the platform whether an account's channel works, and
pass on the failures interactions meet, so the account's health workflow hears of them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import structlog
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activites.models import ChannelActivity, ChannelFacts, ChannelFailure, ChannelProbe
from activites.runtime import Runtime
from connecteurs.errors import ConnecteurError, InvalidRequest

log = structlog.get_logger("passerelle.activities")


class ChannelActivities:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    @activity.defn(name="check_channel")
    async def check_channel(self, probe: ChannelProbe) -> ChannelFacts:
        """Never fails for the platform's sake: a refused token or an unreachable API is
        the finding, returned for the workflow to judge (retrying would only delay it)."""
        try:
            connector = self.runtime.connector(probe.platform, probe.account)
        except InvalidRequest as err:
            raise ApplicationError(str(err), type=err.code, non_retryable=True) from err
        seen = ChannelActivity()
        if self.runtime.channel_activity is not None:
            # The cluster being slow must not hide what the platform says: best effort.
            try:
                seen = await self.runtime.channel_activity(probe.platform, probe.account)
            except Exception as err:
                log.warning("channel activity unknown", account=probe.account, error=repr(err))
        reauthorize = connector.manifest.reauthorize
        try:
            check = await connector.check_health()
        except ConnecteurError as err:
            log.warning(
                "channel check failed",
                platform=probe.platform.value,
                account=probe.account,
                code=err.code,
                error=str(err),
            )
            return ChannelFacts(
                error_code=err.code, error=str(err), reauthorize=reauthorize, activity=seen
            )
        return ChannelFacts(check=check, reauthorize=reauthorize, activity=seen)

    @activity.defn(name="report_channel_failure")
    async def report_channel_failure(self, failure: ChannelFailure) -> None:
        if self.runtime.report_failure is None:
            raise ApplicationError("this worker cannot reach channel health", non_retryable=True)
        await self.runtime.report_failure(failure)

    def all(self) -> list[Callable[..., Awaitable[object]]]:
        return [self.check_channel, self.report_channel_failure]
