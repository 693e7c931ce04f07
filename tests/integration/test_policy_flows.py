"""Policy features on the real server: drafts and approval, acknowledgement, resolution
deadlines, moderation fallback, rule assignees and author lists."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import ClassVar
from zoneinfo import ZoneInfo

import pytest
from temporalio.client import Client, WorkflowUpdateFailedError

from connecteurs.base import AccountContext, Capability, Manifest
from connecteurs.jsonl import JsonlConnecteur, JsonlOptions
from connecteurs.models import Platform, Priority
from passerelle import operations
from passerelle.worker import build_runtime, create_worker
from plugins.notifiers.webhook import SIGNATURE_HEADER, verify_signature
from tests.helpers import eventually, make_setup, wait_status
from tests.receivers import Receiver
from tests.unit.test_notifiers import Collector, smtp_server
from workflows.interaction import InteractionWorkflow
from workflows.models import AcknowledgeRequest, ApproveRequest, State
from workflows.sla import WEEKDAYS

CRISIS = "Je n'en peux plus, j'ai envie d'en finir avec la vie."
PRAISE = "Merci beaucoup pour cette vidéo, bravo !"
QUESTION = "Where can I find the replay of the live?"
COMPLAINT = "Still waiting for my refund after three weeks, this is unacceptable."
SPAM = "🔥 Gagnez 500$ en bitcoin !!! https://bit.ly/x https://t.co/y"
DRAFT_TEMPLATE = """
[templates.thanks]
approved = false
texts = { fr = "Merci {author} ! L'équipe de {platform} vous lit.", en = "Thanks {author}!" }
"""


async def test_unapproved_template_waits_for_approval_with_identity(
    client: Client, tmp_path: Path
) -> None:
    setup = make_setup(tmp_path, DRAFT_TEMPLATE)
    handle = operations.handle(client, setup.ref("d"))
    async with create_worker(client, setup.config, build_runtime(setup.config)):
        await setup.deliver(client, setup.interaction("d", PRAISE, handle="lucie"))
        waiting = await wait_status(client, setup.ref("d"), lambda s: bool(s.drafts))
        assert setup.outbox_lines() == []  # nothing is sent before a human approves
        with pytest.raises(WorkflowUpdateFailedError):
            await handle.execute_update(
                InteractionWorkflow.approve, ApproveRequest(draft_id="draft-9", actor="x")
            )
        result = await handle.execute_update(
            InteractionWorkflow.approve,
            ApproveRequest(draft_id=waiting.drafts[0].draft_id, actor="lead:marc"),
        )
        status = await operations.status(client, setup.ref("d"))
        timeline = await operations.timeline(client, setup.ref("d"))
    assert waiting.state is State.AWAITING_RESPONSE
    assert waiting.drafts[0].text == "Merci lucie ! L'équipe de jsonl vous lit."
    assert result.ok and status.state is State.ANSWERED and status.drafts == ()
    [sent] = setup.outbox_lines()
    assert sent["text"] == waiting.drafts[0].text
    approved = [e for e in timeline.entries if e.event == "approved"]
    assert approved[0].actor == "lead:marc"


async def test_crisis_support_in_approve_mode_pages_the_next_level_when_nobody_approves(
    client: Client, tmp_path: Path
) -> None:
    extra = '[crisis]\nmode = "approve"\napprove_within = "2s"\n'
    setup = make_setup(tmp_path, extra)
    async with create_worker(client, setup.config, build_runtime(setup.config)):
        await setup.deliver(client, setup.interaction("ca", CRISIS, handle="nuit", locale="fr-FR"))
        status = await wait_status(
            client, setup.ref("ca"), lambda s: s.escalation_level == 1, timeout=30
        )
        assert setup.outbox_lines() == []  # not sent without approval
        result = await operations.handle(client, setup.ref("ca")).execute_update(
            InteractionWorkflow.approve,
            ApproveRequest(draft_id=status.drafts[0].draft_id, actor="nurse:ana"),
        )
        after = await operations.status(client, setup.ref("ca"))
    pages = [(n["target"], n["reason"]) for n in setup.notification_lines()]
    assert pages == [("on-call", "crisis protocol"), ("team-lead", "sla_breach")]
    assert result.ok
    [sent] = setup.outbox_lines()
    assert sent["action"] == "direct_message" and "3114" in sent["text"]
    assert after.state is State.ESCALATED  # a crisis stays open for a human to close


async def test_acknowledgement_stops_the_chain(client: Client, tmp_path: Path) -> None:
    extra = '[[escalation]]\ntarget = "team-lead"\nafter = "1s"\n'
    setup = make_setup(tmp_path, extra, sla={"P2": "2s"})
    async with create_worker(client, setup.config, build_runtime(setup.config)):
        await setup.deliver(client, setup.interaction("ack", COMPLAINT, handle="dana"))
        await wait_status(client, setup.ref("ack"), lambda s: s.state is State.AWAITING_RESPONSE)
        status = await operations.handle(client, setup.ref("ack")).execute_update(
            InteractionWorkflow.acknowledge, AcknowledgeRequest(actor="lead:marc", note="mine")
        )
        await asyncio.sleep(3)  # past the 2 s deadline: an unacknowledged one would page
        later = await operations.status(client, setup.ref("ack"))
    assert status.acknowledged and status.sla_deadline is None
    assert not later.breached and setup.notification_lines() == []
    assert later.state is State.AWAITING_RESPONSE  # still owed an answer


async def test_resolution_deadline_pages_and_pauses_while_answered(
    client: Client, tmp_path: Path
) -> None:
    sla = {"P3": 'first_response = "1h"\nresolution = "3s"'}
    setup = make_setup(tmp_path, 'close_answered_after = "1h"\n', sla=sla)
    async with create_worker(client, setup.config, build_runtime(setup.config)):
        await setup.deliver(client, setup.interaction("r", QUESTION, handle="jamie"))
        waiting = await wait_status(
            client, setup.ref("r"), lambda s: s.state is State.AWAITING_RESPONSE
        )
        await operations.answer(client, setup.ref("r"), "On YouTube.", "agent:a")
        await asyncio.sleep(4)  # waiting on the customer: the resolution clock is paused
        paused = await operations.status(client, setup.ref("r"))
        await setup.deliver(
            client, setup.interaction("r2", "Which playlist?", handle="jamie", thread_id="r")
        )
        breached = await wait_status(client, setup.ref("r"), lambda s: s.breached, timeout=30)

        async def paged() -> bool:  # the flag is set before the page goes out
            return len(setup.notification_lines()) == 1

        await eventually(paged, what="the resolution page")
        timeline = await operations.timeline(client, setup.ref("r"))
    assert waiting.resolution_deadline is not None
    assert not paused.breached and paused.state is State.ANSWERED
    events = [e.event for e in timeline.entries]
    assert "resolution_breached" in events and "sla_breached" not in events
    [page] = setup.notification_lines()
    assert (page["target"], page["reason"]) == ("team-lead", "resolution_breach")
    assert breached.resolution_deadline is None


class CannotHide(JsonlConnecteur):
    manifest: ClassVar[Manifest] = JsonlConnecteur.manifest.model_copy(
        update={"capabilities": frozenset({Capability.REPLY})}
    )


async def test_a_platform_that_cannot_hide_queues_the_message_for_a_human(
    client: Client, tmp_path: Path
) -> None:
    setup = make_setup(tmp_path)
    runtime = build_runtime(setup.config)
    context = AccountContext(account=setup.account, options=JsonlOptions(outbox=setup.outbox))
    runtime.connectors = {(Platform.JSONL, setup.account): CannotHide(context)}
    async with create_worker(client, setup.config, runtime):
        await setup.deliver(client, setup.interaction("sp", SPAM, handle="bot"))
        status = await wait_status(
            client, setup.ref("sp"), lambda s: s.state is State.AWAITING_RESPONSE
        )
        timeline = await operations.timeline(client, setup.ref("sp"))
    assert status.parked and "unsupported_action" in status.parked[0]
    assert status.sla_deadline is not None
    assert "moderation_fallback" in [e.event for e in timeline.entries]
    assert setup.outbox_lines() == []


async def test_vip_authors_are_routed_and_assigned_by_rule(client: Client, tmp_path: Path) -> None:
    extra = """
[[routing]]
id = "vip"
when = { authors = ["@dr.martin", "u-999"] }
then = { route = "escalate", priority = "P2", target = "manager", assignee = "camille" }
"""
    setup = make_setup(tmp_path, extra)
    async with create_worker(client, setup.config, build_runtime(setup.config)):
        await setup.deliver(client, setup.interaction("vip", QUESTION, handle="Dr.Martin"))
        status = await wait_status(client, setup.ref("vip"), lambda s: s.state is State.ESCALATED)
    assert status.rule_id == "vip" and status.assignee == "camille"
    assert [n["target"] for n in setup.notification_lines()] == ["manager"]


async def test_response_deadlines_run_on_business_hours(client: Client, tmp_path: Path) -> None:
    # Open one hour a week, on a weekday that is not today: the deadline lands there.
    today = datetime.now(ZoneInfo("America/Montreal")).weekday()
    day = WEEKDAYS[(today + 3) % 7]
    setup = make_setup(tmp_path, f'[business_hours]\n{day} = ["10:00-11:00"]\n')
    async with create_worker(client, setup.config, build_runtime(setup.config)):
        await setup.deliver(client, setup.interaction("bh", QUESTION, handle="jamie"))
        status = await wait_status(
            client, setup.ref("bh"), lambda s: s.state is State.AWAITING_RESPONSE
        )
        timeline = await operations.timeline(client, setup.ref("bh"))
    decided = next(e for e in timeline.entries if e.event == "decided")
    policy = setup.config.policy()
    # P3 has 4 h of first-response time: four weekly one-hour openings away.
    assert status.sla_deadline == policy.due(Priority.P3, decided.at, timedelta(hours=4))
    local = status.sla_deadline.astimezone(ZoneInfo("America/Montreal"))  # type: ignore[union-attr]
    assert local.strftime("%A").lower() == day and local.hour == 11
    assert status.sla_deadline - decided.at > timedelta(days=20)  # type: ignore[operator]


async def test_escalation_levels_reach_a_signed_webhook_then_an_inbox(
    client: Client, tmp_path: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PASSERELLE_TEST_HOOK", receiver.url("/hooks/lead"))
    monkeypatch.setenv("PASSERELLE_TEST_SIGNING", "s3cret-signing-key")
    inbox = Collector()
    with smtp_server(inbox) as port:
        targets = {
            "team-lead": 'notifier = "webhook"\nsecrets = { url = "env:PASSERELLE_TEST_HOOK", '
            'signing_secret = "env:PASSERELLE_TEST_SIGNING" }',
            "manager": f'notifier = "smtp"\noptions = {{ host = "127.0.0.1", port = {port}, '
            'starttls = false, sender = "passerelle@example.org", to = ["lead@example.org"] }',
        }
        extra = (
            '[[escalation]]\ntarget = "team-lead"\nafter = "1s"\n\n'
            '[[escalation]]\ntarget = "manager"\nafter = "1h"\n'
        )
        setup = make_setup(tmp_path, extra, sla={"P2": "2s"}, targets=targets)
        async with create_worker(client, setup.config, build_runtime(setup.config)):
            await setup.deliver(client, setup.interaction("n", COMPLAINT, handle="dana"))
            await wait_status(client, setup.ref("n"), lambda s: s.escalation_level == 2, timeout=30)
    [hook] = receiver.requests
    assert hook.path == "/hooks/lead"
    assert verify_signature(
        "s3cret-signing-key", hook.headers[SIGNATURE_HEADER], hook.body, time.time()
    )
    assert hook.json()["reason"] == "sla_breach" and hook.json()["level"] == 1
    assert hook.headers["Idempotency-Key"].startswith(f"interaction/jsonl/{setup.account}/n/")
    [mail] = inbox.messages()
    assert mail["To"] == "lead@example.org" and "P2" in mail["Subject"]


async def test_a_crisis_thread_in_approve_mode_keeps_one_support_draft_and_its_deadline(
    client: Client, tmp_path: Path
) -> None:
    setup = make_setup(tmp_path, '[crisis]\nmode = "approve"\napprove_within = "3s"\n')
    ref = setup.ref("cd")
    handle = operations.handle(client, ref)
    async with create_worker(client, setup.config, build_runtime(setup.config)):
        await setup.deliver(client, setup.interaction("cd", CRISIS, handle="nuit"))
        await wait_status(client, ref, lambda s: bool(s.drafts))
        for n in (2, 3):
            later = setup.interaction(
                f"cd-{n}", "Personne ne me répond.", handle="nuit", thread_id="cd"
            )
            await setup.deliver(client, later)
        waiting = await wait_status(client, ref, lambda s: s.messages == 3)
        # Acknowledging does not cancel the approval deadline of the support message.
        await handle.execute_update(
            InteractionWorkflow.acknowledge, AcknowledgeRequest(actor="nurse:ana")
        )
        paged = await wait_status(client, ref, lambda s: s.escalation_level == 1, timeout=30)
        await handle.execute_update(
            InteractionWorkflow.approve,
            ApproveRequest(draft_id=paged.drafts[0].draft_id, actor="nurse:ana"),
        )
        done = await operations.status(client, ref)
    assert [d.draft_id for d in waiting.drafts] == ["draft-1"]  # one, not one per message
    assert done.drafts == ()
    sent = [line for line in setup.outbox_lines() if line["action"] == "direct_message"]
    assert len(sent) == 1
    pages = [(n["target"], n["reason"]) for n in setup.notification_lines()]
    assert ("team-lead", "sla_breach") in pages


async def test_draft_ids_are_never_reused(client: Client, tmp_path: Path) -> None:
    setup = make_setup(tmp_path, DRAFT_TEMPLATE)
    ref = setup.ref("di")
    handle = operations.handle(client, ref)
    async with create_worker(client, setup.config, build_runtime(setup.config)):
        await setup.deliver(client, setup.interaction("di", PRAISE, handle="lucie"))
        first = await wait_status(client, ref, lambda s: bool(s.drafts))
        await handle.execute_update(
            InteractionWorkflow.approve, ApproveRequest(draft_id="draft-1", actor="lead:marc")
        )
        await setup.deliver(
            client, setup.interaction("di-2", "Merci encore, bravo !", handle="bob", thread_id="di")
        )
        second = await wait_status(client, ref, lambda s: s.messages == 2 and bool(s.drafts))
    assert [d.draft_id for d in first.drafts] == ["draft-1"]
    assert [d.draft_id for d in second.drafts] == ["draft-2"]
