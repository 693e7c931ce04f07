"""Determinism: today's code must make the same decisions for yesterday's histories.

The golden histories under ``tests/golden/`` were recorded from real runs on the dev server
(``python -m tests.golden.record``). A change that alters decisions must be guarded with
``workflow.patched`` so these keep replaying; the mutant below shows the test can fail.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from temporalio import workflow
from temporalio.client import Client, WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer
from temporalio.workflow import NondeterminismError

from connecteurs.models import Interaction, ModerationAction
from passerelle import operations
from passerelle.worker import build_runtime, create_worker
from tests.helpers import make_setup, wait_status
from workflows.channel import ChannelHealthWorkflow
from workflows.interaction import InteractionWorkflow
from workflows.models import InteractionStart, InteractionStatus, State

GOLDEN = sorted((Path(__file__).parent / "golden").glob("*.json"))


def load(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(f"golden-{path.stem}", path.read_text(encoding="utf-8"))


def replayer(*workflows: type) -> Replayer:
    return Replayer(workflows=list(workflows), data_converter=pydantic_data_converter)


def test_golden_histories_exist() -> None:
    assert {p.stem for p in GOLDEN} >= {
        "auto_answer",
        "human_answer",
        "breach",
        "crisis",
        "follow_up",
        "crisis_thread",
        "spam_in_thread",
        "crisis_approval",
        "moderated",
        "breach_with_records",
        "resolution",
        "channel_parked",
        "channel_health",
        "answered_on_platform",
        "edited_then_withdrawn",
        "edited_into_abuse",
        # Recorded by a worker running the code from before thread sync (commit adbebd8),
        # which buffered an `external_answer` signal it had no handler for, then took a
        # human's answer: today's code must replay it without acting on the event.
        "buffered_thread_event",
    }


@pytest.mark.parametrize("path", GOLDEN, ids=[p.stem for p in GOLDEN])
async def test_golden_history_replays(path: Path) -> None:
    result = await replayer(InteractionWorkflow, ChannelHealthWorkflow).replay_workflow(load(path))
    assert result.replay_failure is None


async def test_fresh_history_replays(client: Client, tmp_path: Path) -> None:
    setup = make_setup(tmp_path)
    async with create_worker(client, setup.config, build_runtime(setup.config)):
        await setup.deliver(client, setup.interaction("fresh", "Where is the replay?"))
        await wait_status(client, setup.ref("fresh"), lambda s: s.state is State.AWAITING_RESPONSE)
        await operations.answer(client, setup.ref("fresh"), "Here it is.", "agent:replay")
        await operations.close(client, setup.ref("fresh"), "resolved", "agent:replay")
    history = await operations.handle(client, setup.ref("fresh")).fetch_history()
    result = await replayer(InteractionWorkflow).replay_workflow(history)
    assert result.replay_failure is None


# Unsandboxed: the sandbox would re-import this test module and its test-only imports.
@workflow.defn(name="InteractionWorkflow", sandboxed=False)
class HidesFirst(InteractionWorkflow):
    """A careless change: hide every message before routing it."""

    @workflow.init
    def __init__(self, start: InteractionStart) -> None:
        super().__init__(start)

    @workflow.run
    async def run(self, start: InteractionStart) -> InteractionStatus:
        return await super().run(start)

    async def _route(self, message: Interaction, *args: Any) -> None:
        await self._moderate(message, ModerationAction.HIDE)
        await super()._route(message, *args)


async def test_a_decision_change_without_patch_is_caught() -> None:
    with pytest.raises(NondeterminismError):
        await replayer(HidesFirst).replay_workflow(load(GOLDEN[0]))
