"""Pollers on the real dev server: a polled platform's new posts become interactions once,
the cursor survives continue-as-new, and a revoked token parks the poller visibly without
moving the cursor (so nothing between the failure and the fix is skipped)."""

from __future__ import annotations

import sys
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import Client, WorkflowExecutionStatus

from connecteurs.base import AccountContext
from connecteurs.models import Platform, workflow_id_for
from connecteurs.testing import Failure
from passerelle.worker import build_runtime, create_worker
from tests.helpers import eventually, make_setup
from workflows.models import PollerStart, PollerStatus
from workflows.poller import PollerWorkflow, poller_id

pytestmark = pytest.mark.temporal

sys.path.insert(0, str(Path(__file__).parent.parent / "sample_connector"))
from passerelle_forum import ForumConnecteur  # noqa: E402
from passerelle_forum.fake import TOKEN, FakeForum, seeded  # noqa: E402


def forum_runtime(setup: Any, account: str, forum: FakeForum) -> Any:
    runtime = build_runtime(setup.config)
    context = AccountContext(
        account=account,
        platform=Platform.WEBHOOK,
        secrets={"token": TOKEN},
        base_url=forum.base_url,
    )
    runtime.connectors = {
        (Platform.WEBHOOK, account): ForumConnecteur(context, http=forum.client())
    }
    return runtime


async def exists(client: Client, workflow_id: str) -> bool:
    try:
        await client.get_workflow_handle(workflow_id).describe()
    except Exception:
        return False
    return True


async def poller_status(client: Client, workflow_id: str) -> PollerStatus | None:
    status: PollerStatus | None = await client.get_workflow_handle(workflow_id).query(
        PollerWorkflow.status
    )
    return status


async def test_new_posts_become_interactions_once_and_the_cursor_moves(
    client: Client, tmp_path: Path
) -> None:
    setup = make_setup(tmp_path)
    account = f"forum-{uuid.uuid4().hex[:8]}"
    forum = seeded()
    start = PollerStart(platform=Platform.WEBHOOK, account=account, every=timedelta(seconds=1))
    wid = poller_id("webhook", account)
    async with create_worker(client, setup.config, forum_runtime(setup, account, forum)):
        await client.start_workflow(
            PollerWorkflow.run, start, id=wid, task_queue=setup.config.task_queue
        )
        root = workflow_id_for(Platform.WEBHOOK, account, "p-1")
        await eventually(lambda: exists(client, root), what="the first post's workflow")
        forum.add("p-3", "Do you have a French-speaking group?", author="u-3")
        await client.get_workflow_handle(wid).signal(PollerWorkflow.poll_now)
        third = workflow_id_for(Platform.WEBHOOK, account, "p-3")
        await eventually(lambda: exists(client, third), what="the new post's workflow")

        async def settled() -> bool:
            status = await poller_status(client, wid)
            return status is not None and status.cursor == "p-3" and status.polls >= 3

        await eventually(settled, what="a poll after p-3")
        status = await poller_status(client, wid)
        await client.get_workflow_handle(wid).terminate("test over")
    assert status is not None and status.found == 3 and status.parked is None
    # p-2 replies to p-1: a follow-up in p-1's thread, not a workflow of its own.
    assert not await exists(client, workflow_id_for(Platform.WEBHOOK, account, "p-2"))
    # The forum saw only reads: nothing was posted twice or at all by polling.
    assert forum.writes == []


async def test_a_revoked_token_parks_the_poller_and_the_cursor_waits(
    client: Client, tmp_path: Path
) -> None:
    setup = make_setup(tmp_path)
    account = f"forum-{uuid.uuid4().hex[:8]}"
    forum = seeded()
    start = PollerStart(
        platform=Platform.WEBHOOK,
        account=account,
        every=timedelta(seconds=1),
        parked_retry=timedelta(seconds=1),
        polls_per_run=2,  # continue as new every second poll
    )
    wid = poller_id("webhook", account)
    async with create_worker(client, setup.config, forum_runtime(setup, account, forum)):
        handle = await client.start_workflow(
            PollerWorkflow.run, start, id=wid, task_queue=setup.config.task_queue
        )
        first_run = handle.first_execution_run_id

        async def polled_once() -> bool:
            status = await poller_status(client, wid)
            return status is not None and status.cursor == "p-2"

        await eventually(polled_once, what="the first poll")
        forum.fail_next(Failure.EXPIRED_TOKEN, times=1000)

        async def parked() -> bool:
            status = await poller_status(client, wid)
            return status is not None and status.parked is not None

        await eventually(parked, what="the poller to park")
        stuck = await poller_status(client, wid)
        forum.pending.clear()
        forum.add("p-3", "Still there?", author="u-3")
        await client.get_workflow_handle(wid).signal(PollerWorkflow.poll_now)

        async def recovered() -> bool:
            status = await poller_status(client, wid)
            return status is not None and status.parked is None and status.cursor == "p-3"

        await eventually(recovered, what="the poller to recover")
        description = await client.get_workflow_handle(wid).describe()
        await client.get_workflow_handle(wid).terminate("test over")
    assert stuck is not None and stuck.cursor == "p-2"
    assert stuck.parked is not None and "auth" in stuck.parked.lower()
    assert description.status is WorkflowExecutionStatus.RUNNING
    assert description.run_id != first_run  # continued as new, cursor carried over
    assert await exists(client, workflow_id_for(Platform.WEBHOOK, account, "p-3"))
