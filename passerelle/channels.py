"""Channel health from the shell's side: one ChannelHealthWorkflow per configured account,
started (or re-configured) by every worker, fed with what the cluster knows of each
account's traffic, and read by ``passerelle channels``."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from datetime import timedelta

from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.service import RPCError, RPCStatusCode

from activites.models import ChannelActivity, ChannelFailure
from connecteurs.models import Platform
from passerelle.config import Account, Config
from workflows.channel import ChannelHealthWorkflow, channel_id
from workflows.models import (
    ChannelHealth,
    ChannelSettings,
    ChannelStart,
    HealthProblem,
    HealthStatus,
    PollerStatus,
    RecheckRequest,
)
from workflows.poller import PollerWorkflow, poller_id

QUERY_TIMEOUT = 10.0
ReportFailure = Callable[[ChannelFailure], Awaitable[None]]
ReadActivity = Callable[[Platform, str], Awaitable[ChannelActivity]]


def settings_for(config: Config, account: Account) -> ChannelSettings:
    quiet = (
        account.quiet_period if account.quiet_period is not None else config.channels.quiet_period
    )
    return ChannelSettings(
        every=config.channels.check_every,
        warn_before_expiry=config.channels.warn_before_expiry,
        quiet_period=quiet if quiet else None,  # "0s": silence is never reported
        notify=config.channel_targets(),
    )


def start_for(config: Config, account: Account) -> ChannelStart:
    return ChannelStart(
        platform=account.platform,
        account=account.account,
        settings=settings_for(config, account),
    )


def find_account(config: Config, reference: str) -> Account:
    """``ACCOUNT`` or ``PLATFORM/ACCOUNT``; the error lists what is configured."""
    platform, _, name = reference.rpartition("/")
    matches = [
        a
        for a in config.accounts
        if a.account == name and (not platform or a.platform.value == platform)
    ]
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(f"{a.platform.value}/{a.account}" for a in config.accounts) or "none"
    if matches:
        raise LookupError(f"{reference!r} is ambiguous: say PLATFORM/ACCOUNT (configured: {known})")
    raise LookupError(f"no account {reference!r} in the config (configured: {known})")


async def ensure_channels(client: Client, config: Config) -> list[str]:
    """Start each account's health workflow, or hand a running one the current settings
    (signal-with-start: one call either way, and no race between workers)."""
    ids = []
    for account in config.accounts:
        start = start_for(config, account)
        handle = await client.start_workflow(
            ChannelHealthWorkflow.run,
            start,
            id=channel_id(account.platform.value, account.account),
            task_queue=config.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            start_signal="configure",
            start_signal_args=[start.settings],
        )
        ids.append(handle.id)
    return ids


def failure_reporter(client: Client, config: Config) -> ReportFailure:
    async def report(failure: ChannelFailure) -> None:
        account = next(
            (
                a
                for a in config.accounts
                if a.platform is failure.platform and a.account == failure.account
            ),
            None,
        )
        start = (
            start_for(config, account)
            if account is not None
            else ChannelStart(platform=failure.platform, account=failure.account)
        )
        await client.start_workflow(
            ChannelHealthWorkflow.run,
            start,
            id=channel_id(failure.platform.value, failure.account),
            task_queue=config.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            start_signal="report_failure",
            start_signal_args=[failure],
        )

    return report


def activity_reader(client: Client, config: Config) -> ReadActivity:
    polled = {(a.platform, a.account) for a in config.accounts}

    async def read(platform: Platform, account: str) -> ChannelActivity:
        query = (
            "WorkflowType = 'InteractionWorkflow' AND "
            f"WorkflowId STARTS_WITH 'interaction/{platform.value}/{account}/'"
        )
        # Visibility lists running executions first, then closed ones: the newest start is
        # the later of the first of each.
        starts = []
        for which in ("ExecutionStatus = 'Running'", "ExecutionStatus != 'Running'"):
            async for execution in client.list_workflows(f"{query} AND {which}", limit=1):
                starts.append(execution.start_time)
                break
        last_event_at = max(starts, default=None)
        status = None
        if (platform, account) in polled:
            status = await _poller_status(client, platform, account)
        return ChannelActivity(
            last_event_at=last_event_at,
            polled=status is not None,
            last_poll_at=status.last_poll_at if status else None,
            poll_error=status.parked if status else None,
        )

    return read


async def _poller_status(client: Client, platform: Platform, account: str) -> PollerStatus | None:
    handle = client.get_workflow_handle_for(PollerWorkflow.run, poller_id(platform.value, account))
    try:
        return await asyncio.wait_for(handle.query(PollerWorkflow.status), QUERY_TIMEOUT)
    except (RPCError, TimeoutError):
        return None  # not a polled account, or no poller yet


def handle(
    client: Client, platform: Platform, account: str
) -> WorkflowHandle[ChannelHealthWorkflow, None]:
    return client.get_workflow_handle_for(
        ChannelHealthWorkflow.run, channel_id(platform.value, account)
    )


async def health(client: Client, config: Config) -> list[ChannelHealth]:
    """Every configured account's health; one whose workflow is not running says so."""

    async def one(account: Account) -> ChannelHealth:
        try:
            return await asyncio.wait_for(
                handle(client, account.platform, account.account).query(
                    ChannelHealthWorkflow.health
                ),
                QUERY_TIMEOUT,
            )
        except (RPCError, TimeoutError) as err:
            missing = isinstance(err, RPCError) and err.status is RPCStatusCode.NOT_FOUND
            reason = (
                "not watched: no worker has started its health check yet"
                if missing
                else f"could not ask its health workflow: {err}"
            )
            return ChannelHealth(
                platform=account.platform,
                account=account.account,
                status=HealthStatus.UNKNOWN,
                problems=(
                    HealthProblem(
                        code="not_watched",
                        status=HealthStatus.UNKNOWN,
                        reason=reason,
                        fix="start a worker (`passerelle worker`): it starts every "
                        "account's health check",
                    ),
                ),
            )

    return list(await asyncio.gather(*(one(a) for a in config.accounts)))


async def recheck(client: Client, config: Config, reference: str, actor: str) -> ChannelHealth:
    """Check one account now; a polled account's poller is woken too."""
    account = find_account(config, reference)
    result = await handle(client, account.platform, account.account).execute_update(
        ChannelHealthWorkflow.recheck,
        RecheckRequest(actor=actor),
        rpc_timeout=timedelta(minutes=3),
    )
    poller = client.get_workflow_handle_for(
        PollerWorkflow.run, poller_id(account.platform.value, account.account)
    )
    with contextlib.suppress(RPCError):  # not a polled account
        await poller.signal(PollerWorkflow.poll_now)
    return result
