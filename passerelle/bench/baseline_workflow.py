"""The bare workflow ``passerelle bench e2e`` compares the interaction lifecycle with.

It lives in a module of its own, which imports nothing but temporalio: its worker gets the
same sandbox as the interactions' (their modules shared by every run, or with
``--reload-workflow-modules`` re-imported for each), and pays nothing for the benchmark's own
imports.

It replays the *shape* of a real interaction's history, read from one at run time: the same
activities (no-op bodies, by the same names' order) and the same timers, in the same order,
so it asks the server and the worker for the same number of workflow tasks, activity tasks
and timers. What it leaves out is exactly what Passerelle adds: classification, decision,
memo and search-attribute upserts, the connector's write, the policy in the input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from temporalio import workflow

NOOP_ACTIVITY = "bench_noop"
TIMER = "timer"
# The lifecycle's own activity timeouts, so a stuck task is retried on the same schedule.
START_TO_CLOSE = timedelta(seconds=60)


@dataclass
class BaselineStep:
    kind: str  # "activity" or TIMER
    name: str = ""  # the lifecycle activity this stands for (classify, reply, record…)
    seconds: float = 0.0  # a timer's duration


@dataclass
class BaselineStart:
    steps: list[BaselineStep] = field(default_factory=list)
    received_at: float = 0.0  # epoch seconds when the client started it (latency origin)


@workflow.defn(name="BenchBaselineWorkflow")
class BaselineWorkflow:
    @workflow.run
    async def run(self, start: BaselineStart) -> int:
        for step in start.steps:
            if step.kind == TIMER:
                await workflow.sleep(timedelta(seconds=step.seconds))
            else:
                await workflow.execute_activity(
                    NOOP_ACTIVITY,
                    args=[step.name, workflow.info().workflow_id, start.received_at],
                    start_to_close_timeout=START_TO_CLOSE,
                )
        return len(start.steps)
