"""Determinism: today's code must make the same decisions for yesterday's histories.

The golden histories under ``tests/golden/`` were recorded from real runs on the dev server
(``python -m tests.golden.record``). A change that alters decisions must be guarded with
``workflow.patched`` so these keep replaying; the mutant below shows the test can fail.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from temporalio import workflow
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer
from temporalio.workflow import NondeterminismError

from connecteurs.models import Classification, Interaction, ModerationAction, Route
from passerelle import operations
from passerelle.worker import build_runtime, create_worker
from tests.helpers import make_setup, wait_status
from workflows import search_attributes as sa
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
        # lean histories (workflow.patched "lean-history")
        "lean_auto_answer",
        "lean_human_answer",
        "lean_breach",
        "lean_crisis_thread",
        "lean_spam_in_thread",
        "lean_edited_into_abuse",
        "lean_channel_parked",
        # an Update and a follow-up arrive while a 9 s classification holds the task open
        "lean_slow_classification",
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


def per_workflow_task(events: list[Any]) -> list[Counter[str]]:
    """The kinds of event each workflow task's commands produced, task by task (a task that
    ran a local activity ran the workflow code twice: before it and after its result)."""
    tasks: list[Counter[str]] = []
    for event in events:
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
            tasks.append(Counter())
        elif tasks and event.event_type == EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
            fields = event.upsert_workflow_search_attributes_event_attributes.search_attributes
            if set(fields.indexed_fields) != {"TemporalChangeVersion"}:  # a patch's own
                tasks[-1]["search attributes"] += 1
        elif tasks and event.event_type == EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED:
            tasks[-1]["memo"] += 1
        elif (
            tasks
            and event.event_type == EventType.EVENT_TYPE_MARKER_RECORDED
            and event.marker_recorded_event_attributes.marker_name == "core_local_activity"
        ):
            tasks[-1]["runs"] += 1
    return tasks


async def test_a_new_history_is_lean(client: Client, tmp_path: Path) -> None:
    setup = make_setup(tmp_path, 'close_answered_after = "1s"\nreopen_window = "1s"\n')
    async with create_worker(client, setup.config, build_runtime(setup.config)):
        await setup.deliver(client, setup.interaction("lean", "Merci, super vidéo ! 🙏"))
        handle = operations.handle(client, setup.ref("lean"))
        status = InteractionStatus.model_validate(await handle.result())
    assert status.state is State.CLOSED and status.resolution == "answered"
    events = list((await handle.fetch_history()).events)
    scheduled = [
        e.activity_task_scheduled_event_attributes.activity_type.name
        for e in events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
    ]
    markers = [
        e.marker_recorded_event_attributes.marker_name
        for e in events
        if e.event_type == EventType.EVENT_TYPE_MARKER_RECORDED
    ]
    assert "classify" not in scheduled and "reply" in scheduled
    assert markers.count("core_local_activity") == 1  # the classification
    assert markers.count("core_patch") == 1  # lean-history alone, no older patch's marker
    # One upsert of each kind per run of the workflow code (not one per change as before).
    tasks = per_workflow_task(events)
    assert all(t["search attributes"] <= 1 + t["runs"] for t in tasks), tasks
    assert all(t["memo"] <= 1 + t["runs"] for t in tasks), tasks
    assert sum(t["search attributes"] for t in tasks) == 3  # 8 before
    assert sum(t["memo"] for t in tasks) == 3  # 6 timeline entries, 6 upserts before
    # The last upserts made it in before the completion: visibility has the final state.
    described = await handle.describe()
    state = described.typed_search_attributes.get(sa.STATE)
    assert state == State.CLOSED.value


async def test_classification_as_an_ordinary_activity_when_the_policy_says_so(
    client: Client, tmp_path: Path
) -> None:
    setup = make_setup(
        tmp_path, 'classify_locally = false\nclose_answered_after = "1s"\nreopen_window = "1s"\n'
    )
    async with create_worker(client, setup.config, build_runtime(setup.config)):
        await setup.deliver(client, setup.interaction("ordinary", "Merci, super vidéo ! 🙏"))
        handle = operations.handle(client, setup.ref("ordinary"))
        status = InteractionStatus.model_validate(await handle.result())
    assert status.state is State.CLOSED and status.categories
    events = list((await handle.fetch_history()).events)
    scheduled = [
        e.activity_task_scheduled_event_attributes.activity_type.name
        for e in events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
    ]
    assert scheduled[0] == "classify"
    assert not any(
        e.marker_recorded_event_attributes.marker_name == "core_local_activity" for e in events
    )
    tasks = per_workflow_task(events)
    assert all(t["search attributes"] <= 1 and t["memo"] <= 1 for t in tasks), tasks


class Broken:
    """A classifier plugin whose every call fails; counts the calls."""

    name = "broken"
    version = "1"

    def __init__(self) -> None:
        self.calls = 0

    def classify(self, interaction: Interaction) -> Classification:
        self.calls += 1
        raise RuntimeError("model file unreadable")


async def test_a_local_classification_that_fails_goes_to_a_human_at_once(
    client: Client, tmp_path: Path
) -> None:
    setup = make_setup(tmp_path)
    broken = Broken()
    runtime = replace(build_runtime(setup.config), classifiers=[broken])
    async with create_worker(client, setup.config, runtime):
        await setup.deliver(client, setup.interaction("broken", "Where is the replay?"))
        status = await wait_status(
            client, setup.ref("broken"), lambda s: s.state is State.AWAITING_RESPONSE
        )
        timeline = await operations.handle(client, setup.ref("broken")).query(
            InteractionWorkflow.timeline
        )
    assert status.route is Route.HUMAN
    assert [e.event for e in timeline.entries if e.event == "classification_failed"] == [
        "classification_failed"
    ]
    # Pure CPU failing the same way every time: not retried (an ordinary activity would be).
    assert broken.calls == 1


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
