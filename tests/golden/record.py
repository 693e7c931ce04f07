"""Record the golden histories replayed by ``tests/test_replay.py``.

Run after a deliberate change of workflow behaviour (guarded by ``workflow.patched``), and
commit the new files next to the old ones: old histories must keep replaying, so existing
files are never overwritten unless named.

    python -m tests.golden.record            # the scenarios that have no file yet
    python -m tests.golden.record crisis     # (re)record the named ones
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from temporalio.client import Client

from activites import Runtime
from activites.interaction import classify_with_all
from connecteurs.models import (
    Author,
    Classification,
    Interaction,
    Platform,
    ThreadEvent,
    ThreadEventKind,
)
from passerelle import channels, devserver, operations
from passerelle.deliver import deliver_event
from passerelle.worker import build_runtime, create_worker
from tests.controlled_channel import ChannelState, controlled
from tests.helpers import Setup, eventually, make_setup, wait_status
from workflows.channel import channel_id
from workflows.models import HealthStatus, State

HERE = Path(__file__).parent
FAST = 'close_answered_after = "1s"\nreopen_window = "1s"\n'
ESCALATION = (
    '[[escalation]]\ntarget = "team-lead"\nafter = "1s"\n\n'
    '[[escalation]]\ntarget = "manager"\nafter = "1h"\n'
)

Scenario = Callable[[Client, Setup], Awaitable[str]]


async def auto_answer(client: Client, setup: Setup) -> str:
    d = await setup.deliver(client, setup.interaction("praise", "Merci, super vidéo ! 🙏"))
    return d.workflow_id


async def human_answer(client: Client, setup: Setup) -> str:
    d = await setup.deliver(
        client, setup.interaction("question", "Where can I find the replay of the live?")
    )
    await wait_status(client, d.workflow_id, lambda s: s.state is State.AWAITING_RESPONSE)
    await operations.assign(client, d.workflow_id, "camille", "agent:lead")
    await operations.answer(
        client, d.workflow_id, "Here: https://example.org/replay", "agent:camille"
    )
    return d.workflow_id


async def breach(client: Client, setup: Setup) -> str:
    d = await setup.deliver(
        client, setup.interaction("complaint", "Still waiting for my refund, unacceptable.")
    )
    await wait_status(client, d.workflow_id, lambda s: s.escalation_level == 1, timeout=30)
    await operations.answer(client, d.workflow_id, "Sorry Dana, refund sent today.", "agent:lead")
    return d.workflow_id


async def crisis(client: Client, setup: Setup) -> str:
    d = await setup.deliver(
        client,
        setup.interaction("crisis", "J'ai envie d'en finir, je n'en peux plus.", locale="fr-CA"),
    )
    await wait_status(client, d.workflow_id, lambda s: s.state is State.ESCALATED)
    await operations.close(client, d.workflow_id, "referred to crisis line", "agent:on-call")
    return d.workflow_id


async def follow_up(client: Client, setup: Setup) -> str:
    d = await setup.deliver(client, setup.interaction("thread", "Merci beaucoup !"))
    await wait_status(client, d.workflow_id, lambda s: s.state is State.CLOSED)
    await setup.deliver(
        client, setup.interaction("thread-2", "Et la suite, c'est quand ?", thread_id="thread")
    )
    await wait_status(client, d.workflow_id, lambda s: s.state is State.AWAITING_RESPONSE)
    await operations.close(client, d.workflow_id, "answered elsewhere", "agent:camille")
    return d.workflow_id


async def crisis_thread(client: Client, setup: Setup) -> str:
    d = await setup.deliver(
        client, setup.interaction("ct", "Je veux mourir, plus rien n'a de sens.", locale="fr-CA")
    )
    await wait_status(client, d.workflow_id, lambda s: s.state is State.ESCALATED)
    for n, text in enumerate(("Merci quand même.", "Ferme ta gueule, t'es con."), start=2):
        await setup.deliver(client, setup.interaction(f"ct-{n}", text, thread_id="ct"))
    await wait_status(client, d.workflow_id, lambda s: s.messages == 3)
    await operations.answer(client, d.workflow_id, "Je suis là. On se parle ?", "nurse:ana")
    await operations.close(client, d.workflow_id, "in care", "nurse:ana")
    return d.workflow_id


async def spam_in_thread(client: Client, setup: Setup) -> str:
    d = await setup.deliver(client, setup.interaction("st", "Is the workshop free?"))
    await wait_status(client, d.workflow_id, lambda s: s.state is State.AWAITING_RESPONSE)
    await setup.deliver(
        client,
        setup.interaction(
            "st-2", "Gagnez du bitcoin https://bit.ly/a https://t.co/b", thread_id="st"
        ),
    )
    await setup.deliver(client, setup.interaction("st-3", "Thanks in advance!", thread_id="st"))
    await wait_status(client, d.workflow_id, lambda s: s.messages == 3)
    await operations.answer(client, d.workflow_id, "Yes, it is free.", "agent:camille")
    return d.workflow_id


async def crisis_approval(client: Client, setup: Setup) -> str:
    d = await setup.deliver(
        client, setup.interaction("ca", "I want to die, nothing matters anymore.", locale="en-US")
    )
    status = await wait_status(client, d.workflow_id, lambda s: bool(s.drafts))
    await operations.approve(client, d.workflow_id, status.drafts[0].draft_id, "nurse:ana")
    await operations.close(client, d.workflow_id, "followed up by phone", "nurse:ana")
    return d.workflow_id


async def moderated(client: Client, setup: Setup) -> str:
    d = await setup.deliver(
        client, setup.interaction("sp", "Gagnez du bitcoin https://bit.ly/a https://t.co/b")
    )
    return d.workflow_id


async def resolution(client: Client, setup: Setup) -> str:
    d = await setup.deliver(client, setup.interaction("res", "Where is the replay of the live?"))
    await wait_status(client, d.workflow_id, lambda s: s.breached, timeout=30)
    await operations.answer(client, d.workflow_id, "On our channel.", "agent:camille")
    await operations.close(client, d.workflow_id, "resolved late", "agent:camille")
    return d.workflow_id


# One platform for both channel scenarios: its token is revoked, then renewed.
CHANNEL = ChannelState()
CHANNELS = '[channels]\ncheck_every = "1h"\nnotify = ["on-call"]\n'


async def _channel_broken_then_fixed(client: Client, setup: Setup) -> str:
    """A reply refused for an expired token, parked; the operator renews it and rechecks."""
    CHANNEL.revoked = False
    await channels.ensure_channels(client, setup.config)
    CHANNEL.revoked = True
    d = await setup.deliver(client, setup.interaction("tok", "Merci pour la vidéo, bravo !"))
    await wait_status(client, d.workflow_id, lambda s: s.waiting_for_channel == 1)

    async def down() -> bool:
        [health] = await channels.health(client, setup.config)
        return health.status is HealthStatus.DOWN

    await eventually(down, 20, "the channel to be down")
    CHANNEL.revoked = False
    await channels.recheck(client, setup.config, setup.account, "ops:alex")
    await wait_status(client, d.workflow_id, lambda s: s.state is State.ANSWERED)
    return d.workflow_id


async def channel_parked(client: Client, setup: Setup) -> str:
    return await _channel_broken_then_fixed(client, setup)


async def channel_health(client: Client, setup: Setup) -> str:
    await _channel_broken_then_fixed(client, setup)
    return channel_id("jsonl", setup.account)


def _event(setup: Setup, kind: ThreadEventKind, subject: str, text: str = "") -> ThreadEvent:
    return ThreadEvent(
        kind=kind,
        platform=Platform.JSONL,
        account=setup.account,
        subject_id=subject,
        ref="own-1" if kind is ThreadEventKind.ANSWERED else None,
        author=Author(id=setup.account, handle="page"),
        text=text,
        at=datetime(2026, 11, 23, 15, 0, tzinfo=UTC),
        detail=f"recorded {kind.value}",
    )


async def answered_on_platform(client: Client, setup: Setup) -> str:
    d = await setup.deliver(client, setup.interaction("nat", "Is the workshop free?"))
    await wait_status(client, d.workflow_id, lambda s: s.state is State.AWAITING_RESPONSE)
    await deliver_event(client, _event(setup, ThreadEventKind.ANSWERED, "nat", "Yes, it is!"))
    return d.workflow_id


async def edited_then_withdrawn(client: Client, setup: Setup) -> str:
    d = await setup.deliver(client, setup.interaction("edw", "Is the workshop free?"))
    await wait_status(client, d.workflow_id, lambda s: s.state is State.AWAITING_RESPONSE)
    edit = _event(setup, ThreadEventKind.EDITED, "edw", "Is the Thursday workshop free?")
    await deliver_event(client, edit)
    await deliver_event(client, _event(setup, ThreadEventKind.DELETED, "edw"))
    return d.workflow_id


async def edited_into_abuse(client: Client, setup: Setup) -> str:
    d = await setup.deliver(client, setup.interaction("eda", "Is the workshop free?"))
    await wait_status(client, d.workflow_id, lambda s: s.state is State.AWAITING_RESPONSE)
    edit = _event(
        setup, ThreadEventKind.EDITED, "eda", "T'es vraiment un gros con, ferme ta gueule"
    )
    await deliver_event(client, edit)
    return d.workflow_id


class SlowClassifier:
    """Delegates to the configured classifiers after 9 s: longer than the 8 s after which
    Temporal's core extends a workflow task that waits on a local activity."""

    name = "slow"
    version = "1"

    def __init__(self, inner: Runtime) -> None:
        self.inner = inner

    def classify(self, interaction: Interaction) -> Classification:
        time.sleep(9)
        return classify_with_all(self.inner.classifiers, interaction)


def slow_runtime(setup: Setup) -> Runtime:
    runtime = build_runtime(setup.config)
    return replace(runtime, classifiers=[SlowClassifier(runtime)])


async def slow_classification(client: Client, setup: Setup) -> str:
    """An Update and a follow-up arrive while the first message is still being classified."""
    d = await setup.deliver(
        client, setup.interaction("slow", "Where can I find the replay of the live?")
    )
    await asyncio.sleep(2)
    follow = setup.interaction("slow-2", "Also, is it subtitled?", thread_id="slow")
    await setup.deliver(client, follow)
    await operations.assign(client, d.workflow_id, "camille", "agent:lead")
    await wait_status(client, d.workflow_id, lambda s: s.state is State.AWAITING_RESPONSE)
    await operations.answer(client, d.workflow_id, "Here, with subtitles.", "agent:camille")
    return d.workflow_id


# Scenarios on another runtime than the config's, and those whose workflow never ends (the
# history is taken as it stands: a replay stops where it stops).
RUNTIMES: dict[str, Callable[[Setup], Runtime]] = {
    "channel_parked": lambda setup: controlled(setup, CHANNEL),
    "channel_health": lambda setup: controlled(setup, CHANNEL),
    "lean_channel_parked": lambda setup: controlled(setup, CHANNEL),
    "lean_slow_classification": slow_runtime,
}
OPEN = {"channel_health"}

SCENARIOS: dict[str, tuple[Scenario, str, dict[str, str]]] = {
    "auto_answer": (auto_answer, FAST, {}),
    "human_answer": (human_answer, FAST, {}),
    "breach": (breach, FAST + ESCALATION, {"P2": "2s"}),
    "crisis": (crisis, FAST, {}),
    "follow_up": (follow_up, 'close_answered_after = "1s"\nreopen_window = "5s"\n', {}),
    "crisis_thread": (crisis_thread, FAST, {}),
    "spam_in_thread": (spam_in_thread, FAST, {}),
    # recorded with decision records in the history (workflow.patched)
    "crisis_approval": (crisis_approval, FAST + '[crisis]\nmode = "approve"\n', {}),
    "moderated": (moderated, FAST, {}),
    "breach_with_records": (breach, FAST + ESCALATION, {"P2": "2s"}),
    "resolution": (resolution, FAST, {"P3": 'first_response = "1h"\nresolution = "2s"'}),
    # channel health: an auth-refused reply parked, then resumed (workflow.patched)
    "channel_parked": (channel_parked, FAST + CHANNELS, {}),
    "channel_health": (channel_health, FAST + CHANNELS, {}),
    # thread sync: what happened on the platform itself
    "answered_on_platform": (answered_on_platform, FAST, {}),
    "edited_then_withdrawn": (edited_then_withdrawn, FAST, {}),
    "edited_into_abuse": (edited_into_abuse, FAST, {}),
    # lean histories: classification as a local activity, upserts batched per workflow task
    "lean_auto_answer": (auto_answer, FAST, {}),
    "lean_human_answer": (human_answer, FAST, {}),
    "lean_breach": (breach, FAST + ESCALATION, {"P2": "2s"}),
    "lean_crisis_thread": (crisis_thread, FAST, {}),
    "lean_spam_in_thread": (spam_in_thread, FAST, {}),
    "lean_edited_into_abuse": (edited_into_abuse, FAST, {}),
    "lean_channel_parked": (channel_parked, FAST + CHANNELS, {}),
    "lean_slow_classification": (slow_classification, FAST, {}),
}


async def record(names: list[str], out_dir: Path = HERE) -> list[Path]:
    unknown = sorted(set(names) - set(SCENARIOS))
    if unknown:
        raise SystemExit(f"unknown scenario(s) {unknown}; known: {sorted(SCENARIOS)}")
    wanted = names or [n for n in SCENARIOS if not (out_dir / f"{n}.json").exists()]
    env = await devserver.start(None, port=None)
    written: list[Path] = []
    try:
        for name in wanted:
            scenario, extra, sla = SCENARIOS[name]
            with tempfile.TemporaryDirectory() as tmp:
                setup = make_setup(Path(tmp), extra, sla)
                make_runtime = RUNTIMES.get(name)
                runtime = make_runtime(setup) if make_runtime else build_runtime(setup.config)
                async with create_worker(env.client, setup.config, runtime):
                    workflow_id = await scenario(env.client, setup)
                    handle = env.client.get_workflow_handle(workflow_id)
                    if name not in OPEN:
                        await handle.result()
                    history = await handle.fetch_history()
            path = out_dir / f"{name}.json"
            path.write_text(history.to_json(), encoding="utf-8")
            written.append(path)
            print(f"recorded {path} ({len(history.events)} events)")
    finally:
        await env.shutdown()
    return written


if __name__ == "__main__":
    asyncio.run(record(sys.argv[1:]))
