"""Threads over time: follow-ups, races with the clock, late deliveries, human Updates."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from temporalio.client import Client, WorkflowUpdateFailedError

from connecteurs.base import AccountContext
from connecteurs.jsonl import JsonlConnecteur, JsonlOptions
from connecteurs.models import ActionResult, Interaction, InteractionKind, Platform
from passerelle import operations
from passerelle.deliver import Outcome
from passerelle.worker import build_runtime, create_worker
from tests.helpers import eventually, make_setup, wait_status
from workflows.models import State

CRISIS = "Je n'en peux plus, j'ai envie d'en finir avec la vie."
QUESTION = "Bonjour, est-ce que l'atelier de jeudi est gratuit ?"
COMPLAINT = "Still waiting for my refund after three weeks, this is unacceptable."
THANKS = "Merci beaucoup d'avance !"
INSULT = "T'es vraiment un gros con, ferme ta gueule"
SPAM = "🔥 Gagnez 500$ en bitcoin !!! https://bit.ly/x https://t.co/y"


async def test_crisis_thread_is_never_hidden_templated_or_auto_closed(
    client: Client, tmp_path: Path
) -> None:
    setup = make_setup(tmp_path, 'close_answered_after = "1s"')
    async with create_worker(client, setup.config, build_runtime(setup.config)):
        await setup.deliver(client, setup.interaction("c", CRISIS, handle="nuit", locale="fr-CA"))
        await wait_status(client, setup.ref("c"), lambda s: s.state is State.ESCALATED)
        # The same person, later, in the same thread: thanks, then anger.
        await setup.deliver(client, setup.interaction("c2", THANKS, handle="nuit", thread_id="c"))
        await setup.deliver(client, setup.interaction("c3", INSULT, handle="nuit", thread_id="c"))
        await wait_status(client, setup.ref("c"), lambda s: s.messages == 3)
        await operations.answer(client, setup.ref("c"), "Je suis là, on s'appelle ?", "nurse:ana")
        await asyncio.sleep(2.5)  # past close_answered_after: an auto-close would have fired
        status = await operations.status(client, setup.ref("c"))
        timeline = await operations.timeline(client, setup.ref("c"))
    actions = [line["action"] for line in setup.outbox_lines()]
    assert actions == ["direct_message", "reply"]  # one support message, then the human
    assert status.state is State.ESCALATED and "closed" not in [e.event for e in timeline.entries]
    pages = [n["target"] for n in setup.notification_lines()]
    assert pages == ["on-call", "on-call", "on-call"]  # every message of the thread pages
    decided = [e.data for e in timeline.entries if e.event == "decided"]
    assert [d["route"] for d in decided] == ["escalate"] * 3
    assert all(d["priority"] == "P1" for d in decided)


async def test_a_thanks_follow_up_does_not_answer_a_pending_question(
    client: Client, tmp_path: Path
) -> None:
    setup = make_setup(tmp_path)
    async with create_worker(client, setup.config, build_runtime(setup.config)):
        await setup.deliver(client, setup.interaction("q", QUESTION, handle="sophie"))
        before = await wait_status(
            client, setup.ref("q"), lambda s: s.state is State.AWAITING_RESPONSE
        )
        await setup.deliver(client, setup.interaction("q2", THANKS, handle="sophie", thread_id="q"))
        after = await wait_status(client, setup.ref("q"), lambda s: s.messages == 2)
        timeline = await operations.timeline(client, setup.ref("q"))
    assert setup.outbox_lines() == []  # no template went out
    assert after.state is State.AWAITING_RESPONSE
    assert after.sla_deadline == before.sla_deadline  # the clock still runs for the question
    assert "auto_answer_skipped" in [e.event for e in timeline.entries]


async def test_the_answer_goes_to_the_last_message_that_asked_not_to_hidden_spam(
    client: Client, tmp_path: Path
) -> None:
    setup = make_setup(tmp_path)
    async with create_worker(client, setup.config, build_runtime(setup.config)):
        await setup.deliver(client, setup.interaction("t", QUESTION, handle="sophie"))
        await setup.deliver(client, setup.interaction("t-spam", SPAM, handle="bot", thread_id="t"))
        status = await wait_status(client, setup.ref("t"), lambda s: s.messages == 2)
        await operations.answer(client, setup.ref("t"), "Oui, c'est gratuit.", "agent:c")
    hide, reply = setup.outbox_lines()
    assert (hide["action"], hide["in_reply_to"]) == ("hide", "t-spam")
    assert (reply["action"], reply["in_reply_to"]) == ("reply", "t")
    assert status.route is not None and status.route.value == "human"


class SlowPlatform(JsonlConnecteur):
    async def reply(
        self, interaction: Interaction, text: str, *, idempotency_key: str
    ) -> ActionResult:
        await asyncio.sleep(3)
        return await super().reply(interaction, text, idempotency_key=idempotency_key)


async def test_an_answer_in_flight_when_the_deadline_passes_is_not_a_breach(
    client: Client, tmp_path: Path
) -> None:
    setup = make_setup(tmp_path, sla={"P2": "2s"})
    runtime = build_runtime(setup.config)
    context = AccountContext(account=setup.account, options=JsonlOptions(outbox=setup.outbox))
    runtime.connectors = {(Platform.JSONL, setup.account): SlowPlatform(context)}
    async with create_worker(client, setup.config, runtime):
        await setup.deliver(client, setup.interaction("race", COMPLAINT, handle="dana"))
        await wait_status(client, setup.ref("race"), lambda s: s.state is State.AWAITING_RESPONSE)
        # The agent answered in time; the platform takes 3 s, past the 2 s deadline.
        result = await operations.answer(client, setup.ref("race"), "Sorry, sent today.", "a:b")
        status = await operations.status(client, setup.ref("race"))
        timeline = await operations.timeline(client, setup.ref("race"))
    assert result.ok
    assert status.state is State.ANSWERED and not status.breached
    assert "sla_breached" not in [e.event for e in timeline.entries]
    assert setup.notification_lines() == []


async def test_late_deliveries_after_the_interaction_ended(client: Client, tmp_path: Path) -> None:
    setup = make_setup(tmp_path, 'close_answered_after = "1s"\nreopen_window = "1s"')
    original = setup.interaction("l", "Merci beaucoup pour la vidéo !", handle="lucie")
    async with create_worker(client, setup.config, build_runtime(setup.config)):
        first = await setup.deliver(client, original)
        await operations.handle(client, first.workflow_id).result()
        again = await setup.deliver(client, original)  # a platform redelivering very late
        late = setup.interaction("l2", QUESTION, handle="lucie", thread_id="l")
        follow_up = await setup.deliver(client, late)
        own = await wait_status(
            client, setup.ref("l2"), lambda s: s.state is State.AWAITING_RESPONSE
        )
    assert again.outcome is Outcome.DUPLICATE and again.workflow_id == first.workflow_id
    assert follow_up.outcome is Outcome.STARTED
    assert follow_up.workflow_id == own.workflow_id != first.workflow_id
    assert len(setup.outbox_lines()) == 1  # the redelivery thanked nobody twice


async def test_escalate_and_assign_record_who_acted(client: Client, tmp_path: Path) -> None:
    setup = make_setup(tmp_path)
    async with create_worker(client, setup.config, build_runtime(setup.config)):
        await setup.deliver(client, setup.interaction("h", QUESTION, handle="sophie"))
        await wait_status(client, setup.ref("h"), lambda s: s.state is State.AWAITING_RESPONSE)
        assigned = await operations.assign(client, setup.ref("h"), "camille", "lead:marc")
        page = await operations.escalate(
            client, setup.ref("h"), "manager", "VIP asking", "lead:marc"
        )
        unknown = await operations.escalate(client, setup.ref("h"), "nobody", "", "lead:marc")
        status = await operations.status(client, setup.ref("h"))
        timeline = await operations.timeline(client, setup.ref("h"))
        with pytest.raises(WorkflowUpdateFailedError):
            await operations.answer(client, setup.ref("h"), "   ", "lead:marc")
    assert assigned.assignee == "camille" and page.ok
    assert not unknown.ok and "nobody" in (unknown.error or "")  # parked, visible, not raised
    assert status.state is State.ESCALATED and status.parked
    actors = {e.event: e.actor for e in timeline.entries if e.actor == "lead:marc"}
    assert set(actors) == {"assigned", "notify", "parked"}
    [sent] = setup.notification_lines()
    assert (sent["target"], sent["reason"]) == ("manager", "VIP asking")


async def test_the_escalation_chain_restarts_after_an_answer(
    client: Client, tmp_path: Path
) -> None:
    extra = '[[escalation]]\ntarget = "team-lead"\nafter = "1s"\n'
    setup = make_setup(tmp_path, extra, sla={"P2": "2s"})
    async with create_worker(client, setup.config, build_runtime(setup.config)):
        await setup.deliver(client, setup.interaction("e", COMPLAINT, handle="dana"))
        # level 1 paged, then its second deadline passes with no level left
        ran_out = await wait_status(
            client,
            setup.ref("e"),
            lambda s: s.escalation_level == 1 and s.sla_deadline is None,
            timeout=30,
        )
        await operations.answer(client, setup.ref("e"), "Sorry Dana.", "agent:a")
        await setup.deliver(
            client,
            setup.interaction(
                "e2", COMPLAINT, handle="dana", thread_id="e", kind=InteractionKind.REPLY
            ),
        )
        # The breach flag, the page and the state change land in that order: wait for the
        # last of them, not the first (under load the gap is visible).
        again = await wait_status(
            client,
            setup.ref("e"),
            lambda s: (
                s.messages == 2
                and s.escalation_level == 1
                and s.breached
                and s.state is State.ESCALATED
            ),
            timeout=30,
        )

        async def paged_twice() -> bool:
            return len(setup.notification_lines()) == 2

        await eventually(paged_twice, what="the second page")
        timeline = await operations.timeline(client, setup.ref("e"))
    assert ran_out.state is State.ESCALATED
    pages = [(n["target"], n["level"]) for n in setup.notification_lines()]
    assert pages == [("team-lead", 1), ("team-lead", 1)]
    assert [e.event for e in timeline.entries].count("sla_breached") == 3
    assert again.state is State.ESCALATED
