"""``[worker] reload_workflow_modules``: whether the sandbox executes a workflow's module again
for every run (Temporal's default) or once per worker (Passerelle's default)."""

from __future__ import annotations

import uuid

import pytest
from temporalio.client import Client
from temporalio.worker import Worker

from passerelle.config import WorkerSettings
from passerelle.worker import workflow_runner
from tests import sandbox_counter
from tests.sandbox_probe import SandboxProbe

RUNS = 3


async def executions_over_runs(client: Client, settings: WorkerSettings) -> int:
    """How many times the probe's module body ran during RUNS workflow runs."""
    queue = f"sandbox-{uuid.uuid4().hex[:8]}"
    before = len(sandbox_counter.IMPORTS)
    async with Worker(
        client,
        task_queue=queue,
        workflows=[SandboxProbe],
        workflow_runner=workflow_runner(settings, [SandboxProbe]),
    ):
        for index in range(RUNS):
            await client.execute_workflow(SandboxProbe.run, id=f"{queue}-{index}", task_queue=queue)
    return len(sandbox_counter.IMPORTS) - before


@pytest.mark.asyncio
async def test_shared_modules_are_executed_once_per_worker(client: Client) -> None:
    # Already imported by this test module, on the host: runs add nothing.
    assert await executions_over_runs(client, WorkerSettings()) == 0


@pytest.mark.asyncio
async def test_reloaded_modules_are_executed_for_every_run(client: Client) -> None:
    # Once per run, and once more when the worker checks the workflow at start.
    executions = await executions_over_runs(client, WorkerSettings(reload_workflow_modules=True))
    assert executions in (RUNS, RUNS + 1)


def test_shared_is_the_default() -> None:
    assert WorkerSettings().reload_workflow_modules is False
