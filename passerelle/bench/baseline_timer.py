"""The bare Temporal equivalent of an interaction waiting on its SLA, for ``bench timers``:
a workflow that sleeps until a deadline, then runs one activity that notes when it started.

Its own module (nothing of Passerelle's lifecycle imported) so the workflow sandbox loads it
as is, and its own worker process (``python -m passerelle.bench.baseline_timer``) so its RSS
and CPU are read from /proc exactly like the Passerelle worker's.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel
from temporalio import activity, workflow

with workflow.unsafe.imports_passed_through():
    from workflows import search_attributes as sa

OUT_ENV = "PASSERELLE_BENCH_BASELINE_OUT"
QUEUE_ENV = "PASSERELLE_BENCH_BASELINE_QUEUE"
# The same visibility mark as a parked interaction, so both are counted the same way.
PARKED = "awaiting_response"


class TimerStart(BaseModel):
    deadline: datetime


class Fired(BaseModel):
    workflow_id: str
    deadline: datetime


@activity.defn(name="baseline_fired")
async def fired(request: Fired) -> None:
    """The no-op at the deadline: one JSON line with when it started (no lookup, no scan)."""
    started = datetime.now(UTC)
    line = {"id": request.workflow_id, "deadline": request.deadline.isoformat()}
    line["started"] = started.isoformat()
    # One short append, like the log notifier's write: not worth a thread hop here.
    with open(os.environ[OUT_ENV], "a", encoding="utf-8") as out:  # noqa: ASYNC230
        out.write(json.dumps(line) + "\n")


@workflow.defn(name="BaselineTimer")
class BaselineTimer:
    @workflow.run
    async def run(self, start: TimerStart) -> None:
        # Same workflow task as the timer: marks it parked for the visibility count.
        workflow.upsert_search_attributes([sa.STATE.value_set(PARKED)])
        wait = start.deadline - workflow.now()
        if wait > timedelta(0):
            await workflow.sleep(wait)
        await workflow.execute_activity(
            fired,
            Fired(workflow_id=workflow.info().workflow_id, deadline=start.deadline),
            start_to_close_timeout=timedelta(seconds=60),
        )


def by_name() -> tuple[type[BaselineTimer], Any]:
    """The workflow and activity as ``passerelle.bench.baseline_timer`` defines them.

    Run as ``python -m``, this file is ``__main__``, and the sandbox re-imports a workflow
    defined in ``__main__`` for every run whatever the runner's settings: the bare worker
    would pay for a re-import the Passerelle worker does not (found by a review, after one
    measurement at 20,000 had run that way).
    """
    from passerelle.bench import baseline_timer

    return baseline_timer.BaselineTimer, baseline_timer.fired


async def serve() -> None:
    from temporalio.worker import Worker

    from passerelle.bytecode import ensure_bytecode
    from passerelle.config import WorkerSettings
    from passerelle.temporal import connect
    from passerelle.worker import workflow_runner

    timer, activity_fn = by_name()
    client = await connect()
    ensure_bytecode([sys.modules[timer.__module__]])
    worker = Worker(
        client,
        task_queue=os.environ[QUEUE_ENV],
        workflows=[timer],
        activities=[activity_fn],
        # The sandbox as ``passerelle worker`` has it by default.
        workflow_runner=workflow_runner(WorkerSettings(), [timer]),
    )
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, lambda: asyncio.ensure_future(worker.shutdown()))
    await worker.run()


if __name__ == "__main__":
    asyncio.run(serve())
    # Temporal's core threads can abort finalization (see passerelle.cli.run): leave now.
    os._exit(0)
