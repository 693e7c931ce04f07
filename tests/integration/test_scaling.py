"""Scaling proof: two `passerelle worker` processes share one task queue on one dev server;
one is killed with SIGKILL while a few hundred interactions are in flight. The survivor
finishes every one of them, each in its expected final state, and the fake platform's log
(the jsonl outbox) holds exactly one action per interaction: nothing lost, nothing doubled.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import Client

from passerelle import operations
from passerelle.bench.chaos import KINDS, count, gather_limited, kind_of, pid_of, polling_pids
from passerelle.deliver import Outcome
from tests.helpers import Setup, eventually, make_setup, wait_status
from workflows.interaction import InteractionWorkflow
from workflows.models import InteractionStatus, State

pytestmark = pytest.mark.temporal

PASSERELLE = str(Path(sys.executable).parent / "passerelle")
INTERACTIONS = 240
KILL_AT = 0.2  # SIGKILL one worker once this share of the platform actions is written
DEADLINE = 200.0  # seconds for everything to settle after the kill (activities time out at 60)


async def start_worker(client: Client, setup: Setup, tmp_path: Path, name: str) -> Any:
    env = {
        **os.environ,
        "PASSERELLE_CONFIG": str(setup.path),
        "TEMPORAL_ADDRESS": client.service_client.config.target_host,
        "TEMPORAL_NAMESPACE": client.namespace,
        # two processes on one host: no fixed health/metrics ports to fight over
        "PASSERELLE_HEALTH_PORT": "0",
        "PASSERELLE_METRICS_PORT": "0",
    }
    with (tmp_path / f"{name}.log").open("wb") as log:  # the child keeps its own descriptor
        return await asyncio.create_subprocess_exec(
            PASSERELLE,
            "worker",
            cwd=tmp_path,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log,
            stderr=asyncio.subprocess.STDOUT,
        )


@dataclass
class HistoryFacts:
    workflow_tasks: Counter[int]  # completed workflow tasks by worker pid
    activities: Counter[int]  # completed activities by worker pid
    retried: list[tuple[str, int, int]]  # (activity, attempt, pid) started after a retry
    workflow_task_timeouts: int


async def history_facts(client: Client, workflow_id: str) -> HistoryFacts:
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    facts = HistoryFacts(Counter(), Counter(), [], 0)
    scheduled: dict[int, str] = {}
    for event in history.events:
        if event.HasField("activity_task_scheduled_event_attributes"):
            attributes = event.activity_task_scheduled_event_attributes
            scheduled[event.event_id] = attributes.activity_type.name
        elif event.HasField("activity_task_started_event_attributes"):
            started = event.activity_task_started_event_attributes
            pid = pid_of(started.identity)
            facts.activities[pid] += 1
            if started.attempt > 1:
                facts.retried.append((scheduled[started.scheduled_event_id], started.attempt, pid))
        elif event.HasField("workflow_task_started_event_attributes"):
            facts.workflow_tasks[pid_of(event.workflow_task_started_event_attributes.identity)] += 1
        elif event.HasField("workflow_task_timed_out_event_attributes"):
            facts.workflow_task_timeouts += 1
    return facts


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@pytest.mark.timeout(300)
async def test_a_worker_killed_mid_run_loses_and_doubles_nothing(
    client: Client, tmp_path: Path
) -> None:
    setup = make_setup(tmp_path, 'close_answered_after = "1s"\nreopen_window = "2s"')
    task_queue = setup.config.task_queue
    interactions = [
        setup.interaction(
            f"s{i:03d}",
            KINDS[kind_of(i)].texts[i % len(KINDS[kind_of(i)].texts)],
            handle=f"user{i}",
        )
        for i in range(INTERACTIONS)
    ]
    expected_actions = Counter(
        (i.external_id, action)
        for n, i in enumerate(interactions)
        for action in KINDS[kind_of(n)].actions
    )
    crisis = [i for n, i in enumerate(interactions) if kind_of(n) == "crisis"]
    running = (
        f"WorkflowType = 'InteractionWorkflow' AND TaskQueue = '{task_queue}' "
        "AND ExecutionStatus = 'Running'"
    )
    logs = {name: tmp_path / f"{name}.log" for name in ("victim", "survivor")}
    workers = {name: await start_worker(client, setup, tmp_path, name) for name in logs}
    victim, survivor = workers["victim"], workers["survivor"]

    def worker_logs() -> str:
        return "\n".join(
            f"--- {name} (exit {workers[name].returncode}):\n{tail(p)}" for name, p in logs.items()
        )

    def require_survivor() -> None:
        if survivor.returncode is not None:
            raise AssertionError(f"the surviving worker exited\n{worker_logs()}")

    started = time.monotonic()
    feeding: asyncio.Future[list[Any]] | None = None
    try:

        async def both_polling() -> bool:
            for process in workers.values():
                if process.returncode is not None:
                    raise AssertionError(f"a worker exited at start-up\n{worker_logs()}")
            return {victim.pid, survivor.pid} <= await polling_pids(client, task_queue)

        await eventually(both_polling, 60, "both worker processes to poll the task queue")

        # Feed everything at once; the kill lands while deliveries and workflows are in flight.
        feeding = asyncio.ensure_future(
            gather_limited([setup.deliver(client, i) for i in interactions])
        )

        async def under_way() -> bool:
            require_survivor()
            return len(setup.outbox_lines()) >= KILL_AT * expected_actions.total()

        await eventually(under_way, 120, f"{KILL_AT:.0%} of the platform actions")
        victim.send_signal(signal.SIGKILL)
        await victim.wait()
        killed_at = time.monotonic()
        written_at_kill = len(setup.outbox_lines())
        finished_at_kill = await count(
            client, f"TaskQueue = '{task_queue}' AND ExecutionStatus = 'Completed'"
        )
        deliveries = await feeding
        assert [d.outcome for d in deliveries] == [Outcome.STARTED] * INTERACTIONS
        # Genuinely mid-run: most of the work was still ahead when the worker died.
        assert written_at_kill < 0.6 * expected_actions.total()
        assert finished_at_kill < 0.5 * INTERACTIONS

        # The platform redelivers some of them while the survivor catches up: nothing starts.
        redelivered = await gather_limited([setup.deliver(client, i) for i in interactions[::10]])
        assert {d.outcome for d in redelivered} == {Outcome.DUPLICATE}

        async def only_crises_run() -> bool:
            require_survivor()
            return await count(client, running) == len(crisis)

        try:
            await eventually(only_crises_run, DEADLINE, "every non-crisis interaction to end")
        except AssertionError as err:
            stuck = [w.id async for w in client.list_workflows(running, limit=20)]
            raise AssertionError(f"{err}; still running: {stuck}\n{worker_logs()}") from None
        settled_at = time.monotonic()

        # A crisis is never closed by the system: it waits, escalated, for a human.
        for interaction in crisis:
            status = await wait_status(
                client, interaction.id, lambda s: s.state is State.ESCALATED, timeout=60
            )
            assert status.resolution is None
            await operations.close(client, interaction.id, "handled", "agent:test")

        async def all_ended() -> bool:
            require_survivor()
            return await count(client, running) == 0

        await eventually(all_ended, 60, "every interaction to end")
    finally:
        if feeding is not None and not feeding.done():
            feeding.cancel()
        for process in workers.values():
            if process.returncode is None:
                process.kill()
            await process.wait()

    # Every interaction reached its expected final state, once.
    results: list[InteractionStatus] = await gather_limited(
        [
            client.get_workflow_handle_for(InteractionWorkflow.run, i.workflow_id).result()
            for i in interactions
        ]
    )
    wrong = []
    for n, result in enumerate(results):
        kind = KINDS[kind_of(n)]
        actions = tuple(a.action for a in result.actions if a.ok)
        verdict = (
            kind.category in result.categories
            and result.state is State.CLOSED
            and result.resolution == kind.resolution  # a crisis: "handled" by the test, a human
            and not result.parked
            and actions == (("notify",) if kind.notified else ()) + kind.actions
        )
        if not verdict:
            wrong.append((interactions[n].external_id, kind_of(n), result))
    assert not wrong, wrong[:5]

    # The fake platform's log: exactly the expected actions, each exactly once, no torn line.
    outbox = setup.outbox_lines()
    assert len(setup.outbox.read_text(encoding="utf-8").splitlines()) == len(outbox)
    written = Counter((line["in_reply_to"], line["action"]) for line in outbox)
    doubled = {key: n for key, n in written.items() if n > 1}
    missing = expected_actions - written
    unexpected = written - expected_actions
    assert not doubled and not missing and not unexpected, (doubled, missing, unexpected)
    assert len({line["idempotency_key"] for line in outbox}) == len(outbox)
    paged = Counter(line["interaction_id"] for line in setup.notification_lines())
    assert paged == Counter(i.id for i in crisis)

    # Both processes did work, and the survivor took over what the victim held.
    facts = await gather_limited([history_facts(client, i.workflow_id) for i in interactions])
    workflow_tasks = sum((f.workflow_tasks for f in facts), Counter[int]())
    activities = sum((f.activities for f in facts), Counter[int]())
    retried = [r for f in facts for r in f.retried]
    assert workflow_tasks[victim.pid] > 0 and workflow_tasks[survivor.pid] > 0, workflow_tasks
    assert activities[victim.pid] > 0 and activities[survivor.pid] > 0, activities
    assert all(pid == survivor.pid for _, _, pid in retried), retried
    print(
        f"\n{INTERACTIONS} interactions; killed pid {victim.pid} after "
        f"{killed_at - started:.1f}s with {written_at_kill}/{expected_actions.total()} actions "
        f"written and {finished_at_kill} workflows finished; settled {settled_at - killed_at:.1f}s "
        f"after the kill, {time.monotonic() - started:.1f}s in all.\n"
        f"workflow tasks by pid {dict(workflow_tasks)}, activities by pid {dict(activities)}; "
        f"{sum(f.workflow_task_timeouts for f in facts)} workflow task timeouts; "
        f"{len(retried)} activities retried by the survivor: "
        f"{dict(Counter(name for name, _, _ in retried))}"
    )
