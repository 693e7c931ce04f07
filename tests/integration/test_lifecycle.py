"""The interaction lifecycle on the real Temporal dev server."""

from __future__ import annotations

from pathlib import Path

from temporalio.client import Client

from passerelle import operations
from passerelle.deliver import Outcome
from passerelle.worker import build_runtime, create_worker
from tests.helpers import eventually, make_setup, wait_status
from workflows.interaction import InteractionWorkflow
from workflows.models import State

PRAISE = "Merci beaucoup pour cette vidéo, elle m'a vraiment aidée !"
QUESTION = "Bonjour, est-ce que l'atelier de jeudi est gratuit ?"
COMPLAINT = "Still waiting for my refund after three weeks, this is unacceptable."
CRISIS = "Je n'en peux plus, j'ai envie d'en finir avec la vie."


async def test_full_lifecycle_auto_answer_close_and_complete(
    client: Client, tmp_path: Path
) -> None:
    setup = make_setup(tmp_path, 'close_answered_after = "1s"\nreopen_window = "2s"')
    config = setup.config
    async with create_worker(client, config, build_runtime(config)):
        delivery = await setup.deliver(client, setup.interaction("c1", PRAISE, handle="lucie"))
        assert delivery.outcome is Outcome.STARTED
        result = await client.get_workflow_handle_for(
            InteractionWorkflow.run, delivery.workflow_id
        ).result()
        # a completed workflow still answers queries, by replaying its history on a worker
        timeline = await operations.timeline(client, delivery.workflow_id)
    assert result.state is State.CLOSED
    assert result.resolution == "answered"
    assert result.route is not None and result.route.value == "auto_answer"
    replies = setup.outbox_lines()
    assert [r["action"] for r in replies] == ["reply"]
    assert replies[0]["in_reply_to"] == "c1"
    assert "Merci" in replies[0]["text"]  # the approved French template, in the author's language
    events = [e.event for e in timeline.entries]
    assert events == ["received", "classified", "decided", "reply", "answered", "closed"]
    decided = timeline.entries[2]
    assert decided.data["rule_id"] == "praise"
    assert timeline.entries[1].actor.startswith("mots-cles@")
    records = setup.records.read_text(encoding="utf-8")
    assert setup.ref("c1") in records


async def test_duplicate_delivery_starts_one_workflow(client: Client, tmp_path: Path) -> None:
    setup = make_setup(tmp_path)
    config = setup.config
    interaction = setup.interaction("dup", PRAISE)
    async with create_worker(client, config, build_runtime(config)):
        first = await setup.deliver(client, interaction)
        second = await setup.deliver(client, interaction)
        await wait_status(client, setup.ref("dup"), lambda s: s.state is State.ANSWERED)
        third = await setup.deliver(client, interaction)
    assert first.run_id == second.run_id == third.run_id
    assert first.outcome is Outcome.STARTED
    assert second.outcome is third.outcome is Outcome.DUPLICATE
    runs = [w async for w in client.list_workflows(f"WorkflowId = '{first.workflow_id}'")]
    assert len(runs) == 1
    assert len(setup.outbox_lines()) == 1  # thanked once, not three times


async def test_human_answer_through_update(client: Client, tmp_path: Path) -> None:
    setup = make_setup(tmp_path)
    config = setup.config
    async with create_worker(client, config, build_runtime(config)):
        await setup.deliver(client, setup.interaction("q1", QUESTION, handle="sophie"))
        waiting = await wait_status(
            client, setup.ref("q1"), lambda s: s.state is State.AWAITING_RESPONSE
        )
        assert waiting.sla_deadline is not None
        result = await operations.answer(
            client, setup.ref("q1"), "Oui, c'est gratuit !", "agent:camille"
        )
        assert result.ok and result.platform_ref
        status = await operations.status(client, setup.ref("q1"))
        timeline = await operations.timeline(client, setup.ref("q1"))
        closed = await operations.close(client, setup.ref("q1"), "resolved", "agent:camille")
    assert status.state is State.ANSWERED
    assert status.sla_deadline is None and not status.breached
    answered = [e for e in timeline.entries if e.event == "answered"]
    assert answered and answered[0].actor == "agent:camille"
    assert setup.outbox_lines()[0]["text"] == "Oui, c'est gratuit !"
    assert closed.state is State.CLOSED


async def test_sla_breach_pages_each_escalation_level(client: Client, tmp_path: Path) -> None:
    extra = (
        '[[escalation]]\ntarget = "team-lead"\nafter = "1s"\n\n'
        '[[escalation]]\ntarget = "manager"\nafter = "1h"\n'
    )
    setup = make_setup(tmp_path, extra, sla={"P2": "3s"})
    config = setup.config
    async with create_worker(client, config, build_runtime(config)):
        await setup.deliver(client, setup.interaction("k1", COMPLAINT, handle="dana"))
        status = await wait_status(
            client, setup.ref("k1"), lambda s: s.escalation_level == 2, timeout=30
        )

        async def manager_paged() -> bool:
            # The level moves before its page is sent: wait for the page itself.
            entries = (await operations.timeline(client, setup.ref("k1"))).entries
            return ("notify", "manager") in [(e.event, e.data.get("target")) for e in entries]

        await eventually(manager_paged, what="the manager's page")
        timeline = await operations.timeline(client, setup.ref("k1"))
    assert status.breached and status.state is State.ESCALATED
    assert status.priority is not None and status.priority.value == "P2"
    steps = [(e.event, e.data.get("target")) for e in timeline.entries if e.event != "received"]
    assert steps == [
        ("classified", None),
        ("decided", None),
        ("sla_breached", None),
        ("notify", "team-lead"),
        ("sla_breached", None),
        ("notify", "manager"),
    ]
    decided = timeline.entries[2]
    assert decided.data["route"] == "human" and decided.data["priority"] == "P2"
    pages = [(n["target"], n["reason"], n["level"]) for n in setup.notification_lines()]
    assert pages == [("team-lead", "sla_breach", 1), ("manager", "sla_breach", 2)]

    async def listed_as_breached() -> bool:
        rows = await operations.list_interactions(client, breached=True, limit=1000)
        return status.workflow_id in {r.workflow_id for r in rows}

    await eventually(listed_as_breached, what="visibility to list the breach")
    assert status.sla_deadline is not None  # the manager's level now has its own deadline


async def test_crisis_is_escalated_at_once_and_never_hidden(client: Client, tmp_path: Path) -> None:
    # A careless rule that would hide crisis messages: the protocol must override it.
    extra = (
        'close_answered_after = "1s"\n'
        '[[routing]]\nid = "hide-everything-negative"\n'
        'when = { categories = ["crisis", "complaint"] }\n'
        'then = { route = "moderate", priority = "P4", moderation = ["hide"] }\n'
    )
    setup = make_setup(tmp_path, extra)
    config = setup.config
    async with create_worker(client, config, build_runtime(config)):
        await setup.deliver(client, setup.interaction("cr1", CRISIS, handle="nuit", locale="fr-CA"))
        # Escalated as soon as on-call is paged; the support message follows: wait for both.
        status = await wait_status(
            client,
            setup.ref("cr1"),
            lambda s: (
                s.state is State.ESCALATED and any(a.action == "direct_message" for a in s.actions)
            ),
        )
        timeline = await operations.timeline(client, setup.ref("cr1"))
    assert status.priority is not None and status.priority.value == "P1"
    assert status.route is not None and status.route.value == "escalate"
    outbox = setup.outbox_lines()
    assert all(line["action"] not in ("hide", "delete", "block") for line in outbox)
    assert [line["action"] for line in outbox] == ["direct_message"]
    assert "1 866 APPELLE" in outbox[0]["text"]
    pages = setup.notification_lines()
    assert pages[0]["target"] == "on-call" and pages[0]["reason"] == "crisis protocol"
    events = [e.event for e in timeline.entries]
    # on-call is paged at once, before the support message, not when an SLA runs out
    assert events[3:] == ["notify", "crisis_support", "direct_message"]
    assert status.sla_deadline is not None  # a human must still answer within P1's SLA


async def test_follow_up_after_close_reopens(client: Client, tmp_path: Path) -> None:
    setup = make_setup(tmp_path, 'close_answered_after = "1s"')
    config = setup.config
    async with create_worker(client, config, build_runtime(config)):
        await setup.deliver(client, setup.interaction("p1", PRAISE, handle="lucie"))
        await wait_status(client, setup.ref("p1"), lambda s: s.state is State.CLOSED)
        follow_up = setup.interaction("p1-r", QUESTION, handle="lucie", thread_id="p1")
        delivery = await setup.deliver(client, follow_up)
        again = await setup.deliver(client, follow_up)  # a redelivery of the follow-up
        status = await wait_status(
            client, setup.ref("p1"), lambda s: s.state is State.AWAITING_RESPONSE
        )
        timeline = await operations.timeline(client, setup.ref("p1"))
    assert delivery.outcome is Outcome.FOLLOW_UP and again.outcome is Outcome.FOLLOW_UP
    assert delivery.workflow_id == status.workflow_id
    assert status.messages == 2
    events = [e.event for e in timeline.entries]
    assert events.count("follow_up") == 1
    assert events.index("closed") < events.index("reopened")
    assert status.resolution is None
