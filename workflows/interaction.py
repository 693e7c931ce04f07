"""InteractionWorkflow: one interaction's life, from received to closed (DESIGN §1).

The workflow reads like the lifecycle: take the next message of the thread, classify it,
decide with the pure policy, act (moderate, answer, escalate), then wait for a human, a
follow-up or the SLA deadline, whichever comes first. Humans act through Updates, which
take the same lock as the main loop so the two never interleave half-way through a step.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy, SearchAttributeUpdate
from temporalio.exceptions import ActivityError, ApplicationError
from temporalio.exceptions import TimeoutError as TimeoutFailure

with workflow.unsafe.imports_passed_through():
    from activites import (
        ChannelActivities,
        ChannelFailure,
        InteractionActivities,
        InteractionRecord,
        MessageRequest,
        ModerationRequest,
    )
    from connecteurs.models import (
        ActionResult,
        Category,
        Classification,
        Decision,
        Interaction,
        InteractionKind,
        ModerationAction,
        Priority,
        Route,
        ThreadEvent,
        ThreadEventKind,
    )
    from plugins.notifiers.base import Notification
    from workflows import search_attributes as sa
    from workflows.models import (
        AcknowledgeRequest,
        AnswerRequest,
        ApproveRequest,
        AssignRequest,
        CloseRequest,
        Draft,
        EscalateRequest,
        InteractionStart,
        InteractionStatus,
        ParkedAction,
        State,
        Timeline,
        TimelineEntry,
        timeline_key,
    )
    from workflows.policy import (
        CrisisChannel,
        CrisisMode,
        EscalationLevel,
        decide,
        escalation_level,
        immediate_target,
        is_crisis,
    )
    from workflows.sla import BusinessHours, add_business_time, business_time_between

SYSTEM = "passerelle"
DECISION_RECORDS = "decision-records-in-history"
RESOLUTION_CLOCK = "resolution-clock-and-moderation-fallback"
CHANNEL_HEALTH = "channel-health-parking"
THREAD_SYNC = "thread-sync"
# Classification as a local activity (unless the policy says otherwise) and search-attribute
# and memo upserts gathered per run of the workflow code: an auto-answered comment's history
# has 36 events instead of 49 (README, performance).
LEAN_HISTORY = "lean-history"
CHANNEL_ACTOR = "channel-health"
VIA_PLATFORM = "via platform"  # who acted, when it was done in the platform's own app
# Failures that say nothing about the channel itself (the comment is gone, the connector
# does not offer it) are not reported to its health workflow.
NOT_THE_CHANNEL = frozenset({"not_found", "unsupported_action"})
REPORT_RETRY = RetryPolicy(maximum_interval=timedelta(seconds=30), maximum_attempts=10)
# A report that could not be made is tried again this often while actions stay parked: the
# channel only wakes the interactions it heard from.
REPORT_AGAIN = timedelta(minutes=15)
# Memos count against the server's size limit (about 270 bytes an entry): past this many,
# the record stops growing (the query `timeline` still has everything).
MAX_RECORDED_ENTRIES = 2000
CLASSIFY_TIMEOUT = timedelta(seconds=30)
CLASSIFY_RETRY = RetryPolicy(maximum_interval=timedelta(seconds=30), maximum_attempts=5)
ACTION_TIMEOUT = timedelta(seconds=60)
# Humans' Updates wait for the step in progress: bound how long one step may keep retrying.
ACTION_DEADLINE = timedelta(minutes=15)
ACTION_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=5),
    maximum_attempts=8,
)
RECORD_RETRY = RetryPolicy(maximum_attempts=5)
EXCERPT = 140


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"


@workflow.defn(name="InteractionWorkflow")
class InteractionWorkflow:
    @workflow.init
    def __init__(self, start: InteractionStart) -> None:
        self._root = start.interaction
        self._policy = start.policy
        self._latest = start.interaction
        self._inbox: list[Interaction] = [start.interaction]
        self._seen: set[str] = {start.interaction.id}
        self._messages: dict[str, Interaction] = {start.interaction.external_id: start.interaction}
        self._events: list[ThreadEvent] = []
        self._event_keys: set[str] = set()
        self._state = State.RECEIVED
        self._timeline: list[TimelineEntry] = []
        self._actions: list[ActionResult] = []
        self._parked: list[str] = []
        self._awaiting_channel: list[ParkedAction] = []
        self._unreported: ChannelFailure | None = None  # a report to send again later
        self._report_again_at: datetime | None = None
        self._channel_ok = False
        self._classification: Classification | None = None
        self._classifier: str | None = None
        self._decision: Decision | None = None
        self._priority: Priority | None = None
        self._categories: set[Category] = set()
        self._crisis = False
        self._deadline: datetime | None = None
        self._resolution_deadline: datetime | None = None
        self._resolution_left: timedelta | None = None  # set while the clock is paused
        self._acknowledged = False
        self._drafts: dict[str, Draft] = {}
        self._draft_seq = 0
        self._approve_by: datetime | None = None
        self._escalations = 0
        self._breached = False
        self._assignee: str | None = None
        self._resolution: str | None = None
        self._answered_at: datetime | None = None
        self._steps = 0
        self._changes = 0
        self._busy = False
        self._support_sent = False
        self._finishing = False
        self._lock = asyncio.Lock()
        # Upserts waiting for the end of the current workflow task (lean histories).
        self._pending_attributes: dict[str, SearchAttributeUpdate[Any]] = {}
        self._pending_memo: dict[str, TimelineEntry] = {}
        self._flush_scheduled = False
        self._classifying = False  # a local classification is under way

    # ------------------------------------------------------------------ lifecycle

    @workflow.run
    async def run(self, start: InteractionStart) -> InteractionStatus:
        self._upsert(
            sa.PLATFORM.value_set(self._root.platform.value),
            sa.STATE.value_set(self._state.value),
        )
        while True:
            await self._lifecycle()
            await workflow.wait_condition(workflow.all_handlers_finished)
            if self._inbox or self._events:
                continue  # a follow-up slipped in as the reopen window ended
            self._finishing = True
            await self._record()
            if not self._inbox and not self._events:
                self._flush()  # before the completion command, which must come last
                return self._status()
            self._finishing = False  # ...or while the record was written

    async def _lifecycle(self) -> None:
        """Messages, then waiting, until the reopen window of a closed interaction ends."""
        while True:
            if self._inbox:
                async with self._lock:
                    await self._handle(self._inbox.pop(0))
                continue
            if self._events:
                async with self._lock:
                    await self._on_platform(self._events.pop(0))
                continue
            if self._channel_ok:
                async with self._lock:
                    await self._resume_parked()
                continue
            if self._state is State.CLOSED:
                if not await self._wait_for_news(self._policy.reopen_window):
                    return
                continue
            timeout, _ = self._next_timer()
            if await self._wait_for_news(timeout):
                continue
            async with self._lock:
                # A human may have acted while we waited for the lock: look again.
                timeout, on_timeout = self._next_timer()
                if on_timeout is not None and timeout == timedelta(0):
                    await on_timeout()

    async def _record(self) -> None:
        summary = self._status().model_dump(mode="json", exclude={"actions", "parked"})
        try:
            await workflow.execute_activity_method(
                InteractionActivities.record,
                InteractionRecord(
                    interaction_id=self._root.id,
                    workflow_id=workflow.info().workflow_id,
                    summary=summary,
                ),
                start_to_close_timeout=ACTION_TIMEOUT,
                retry_policy=RECORD_RETRY,
            )
        except ActivityError as err:
            # Reports miss one line; the interaction itself is complete and must end.
            self._log("record_failed", str(err.cause or err), actor=SYSTEM)

    async def _handle(self, message: Interaction) -> None:
        """Classify, decide and act on one message of the thread."""
        self._busy = True
        self._messages[message.external_id] = message
        is_root = message.id == self._root.id
        self._log(
            "received" if is_root else "follow_up",
            f"{message.kind.value} from @{message.author.handle}: {_excerpt(message.text)}",
            actor=f"{message.platform.value}:{message.author.handle}",
            interaction_id=message.id,
            kind=message.kind.value,
            author=message.author.handle,
            excerpt=_excerpt(message.text),
        )
        classification = await self._classify(message)
        if classification is not None:
            self._classifier = classification.classifier
            self._categories |= set(classification.categories)
            was_crisis = self._crisis
            self._crisis = self._crisis or is_crisis(classification)
            decision = decide(
                message, classification, self._policy, workflow.now(), thread_in_crisis=was_crisis
            )
        else:
            decision = self._unclassified_decision()
        if is_root:
            self._set_state(State.CLASSIFIED)
        if is_root or decision.route not in (Route.MODERATE, Route.IGNORE):
            self._decision = decision  # the thread's route: not a hidden spam reply's
        if self._priority is None or decision.priority.rank < self._priority.rank:
            self._priority = decision.priority
        self._log(
            "decided",
            f"rule {decision.rule_id}: {decision.route.value}, {decision.priority.value}",
            actor=f"policy:{decision.rule_id}",
            rule_id=decision.rule_id,
            route=decision.route.value,
            priority=decision.priority.value,
            target=decision.target,
            template=decision.template_id,
            first_response_deadline=_iso(decision.first_response_deadline),
            reasons=list(decision.reasons),
        )
        self._upsert_classification()
        if decision.assignee and self._assignee is None:
            self._assign(decision.assignee, actor=f"policy:{decision.rule_id}")
        moderated = [await self._moderate(message, action) for action in decision.moderation]
        fallback = decision.route is Route.MODERATE and not all(r.ok for r in moderated)
        if fallback and self._since(RESOLUTION_CLOCK):
            # The platform would not (or could not) hide it: a person must look at it.
            self._log(
                "moderation_fallback",
                "moderation failed or unsupported: queued for a human",
                actor=f"policy:{decision.rule_id}",
            )
            decision = decision.model_copy(
                update={
                    "route": Route.HUMAN,
                    "first_response_deadline": self._policy.first_response_due(
                        decision.priority, workflow.now()
                    ),
                }
            )
            if not is_root:
                # A spam reply that could not be hidden is looked at, but it neither
                # reopens the thread nor becomes the message answers go to.
                if self._state is not State.CLOSED:
                    self._start_sla(decision)
                    if self._state is not State.ESCALATED:
                        self._set_state(State.AWAITING_RESPONSE)
                self._busy = False
                self._changes += 1
                return
            self._decision = decision
        await self._route(message, decision, is_root, classification)
        self._busy = False
        self._changes += 1

    async def _classify(self, message: Interaction) -> Classification | None:
        # Pure CPU with no side effect, so safe to run in the worker that decides: no activity
        # task to match and no extra workflow task (about 6 history events and two round trips
        # to the server fewer per message). Its attempts are counted by this worker only,
        # hence the policy switch for risky plugins.
        local = self._lean() and self._policy.classify_locally
        self._classifying = local
        try:
            if local:
                classification = await workflow.execute_local_activity_method(
                    InteractionActivities.classify,
                    message,
                    start_to_close_timeout=CLASSIFY_TIMEOUT,
                    retry_policy=CLASSIFY_RETRY,
                )
            else:
                classification = await workflow.execute_activity_method(
                    InteractionActivities.classify,
                    message,
                    start_to_close_timeout=CLASSIFY_TIMEOUT,
                    retry_policy=CLASSIFY_RETRY,
                )
        # A local activity's failure can arrive unwrapped (the application error or timeout
        # itself, not an ActivityError around it): the message still goes to a human.
        except (ActivityError, ApplicationError, TimeoutFailure) as err:
            self._log("classification_failed", str(err.cause or err), actor=SYSTEM)
            return None
        finally:
            if local:
                self._classifying = False
                self._flush_soon()
        self._log(
            "classified",
            f"{', '.join(sorted(c.value for c in classification.categories))}; "
            f"risk {classification.risk.value}; language {classification.language}",
            actor=classification.classifier,
            categories=sorted(c.value for c in classification.categories),
            risk=classification.risk.value,
            sentiment=classification.sentiment.label.value,
            language=classification.language,
            confidence=classification.confidence,
            reasons=list(classification.reasons),
        )
        return classification

    def _unclassified_decision(self) -> Decision:
        """No classifier could read it: a person must, soon (it might be a crisis)."""
        priority = Priority.P1 if self._crisis else Priority.P2
        return Decision(
            route=Route.ESCALATE if self._crisis else Route.HUMAN,
            priority=priority,
            rule_id="unclassified",
            first_response_deadline=self._policy.first_response_due(priority, workflow.now()),
            target=self._policy.crisis.target if self._crisis else None,
            reasons=("classification failed: a human reads it",),
        )

    def _response_owed(self) -> bool:
        return self._deadline is not None or self._state in (
            State.AWAITING_RESPONSE,
            State.ESCALATED,
        )

    async def _route(
        self,
        message: Interaction,
        decision: Decision,
        is_root: bool,
        classification: Classification | None,
    ) -> None:
        route = decision.route
        if route in (Route.MODERATE, Route.IGNORE):
            # A moderated or ignored message never reopens a thread, and it does not close
            # one that still waits for an answer to an earlier message.
            if is_root:
                resolution = "moderated" if route is Route.MODERATE else "ignored"
                await self._close(resolution, actor=f"policy:{decision.rule_id}")
            return
        # Answers go to the latest message that asked for one, never to a hidden spam reply.
        self._latest = message
        if classification is not None:
            self._classification = classification
        if self._state is State.CLOSED:
            self._reopen(message)
        self._resume_resolution_clock()
        if route is Route.AUTO_ANSWER and not is_root and self._response_owed():
            # A template must not count as the answer a person is still waiting for.
            self._log(
                "auto_answer_skipped",
                "an earlier message still waits for a human answer",
                actor=f"policy:{decision.rule_id}",
            )
            route = Route.HUMAN
            self._decision = decision.model_copy(update={"route": route})
        self._start_sla(decision)
        if route is Route.AUTO_ANSWER:
            text = self._policy.template_text(decision.template_id, self._language(), message)
            if text is not None:
                result = await self._send(
                    message,
                    text,
                    direct=self._is_dm(message),
                    on_behalf=f"policy:{decision.rule_id}",
                    template=decision.template_id,
                )
                if result.ok:
                    self._answered(f"policy:{decision.rule_id}", decision.template_id)
                    return
            self._set_state(State.AWAITING_RESPONSE)
        elif route is Route.HUMAN:
            if self._state is not State.ESCALATED:
                self._set_state(State.AWAITING_RESPONSE)
            if decision.template_id:
                self._draft_template(message, decision)
        elif route is Route.ESCALATE:
            target = immediate_target(decision, self._policy)
            reason = "crisis protocol" if self._crisis else f"rule {decision.rule_id}"
            notified = await self._notify(target, reason, level=None)
            if decision.target is None and notified.ok and self._policy.escalation:
                self._escalations = max(self._escalations, 1)  # the first level was just paged
            self._set_state(State.ESCALATED if notified.ok else State.AWAITING_RESPONSE)
            if self._crisis:
                self._drop_drafts("template")  # no cheerful template for a person in crisis
                if not self._support_sent and not self._pending("crisis_support"):
                    await self._send_crisis_support(message)

    async def _send_crisis_support(self, message: Interaction) -> None:
        crisis = self._policy.crisis
        if crisis.mode is CrisisMode.NONE:
            return
        language = self._language()
        locale, text = crisis.message_for(message.author.locale, language)
        direct = crisis.channel is CrisisChannel.DIRECT_MESSAGE or self._is_dm(message)
        self._log(
            "crisis_support",
            f"pre-approved support message ({locale}) by {'direct message' if direct else 'reply'}",
            actor="policy:crisis-protocol",
            locale=locale,
        )
        if crisis.mode is CrisisMode.APPROVE:
            draft = self._add_draft("crisis_support", text, direct, message)
            # Nobody approving in time is a breach: the chain pages the next level.
            approve_by = workflow.now() + crisis.approve_within
            self._approve_by = approve_by
            if self._deadline is None or approve_by < self._deadline:
                self._set_deadline(approve_by)
            self._log(
                "drafted",
                f"support message {draft.draft_id} waits for approval until {_iso(approve_by)}",
                actor="policy:crisis-protocol",
                draft_id=draft.draft_id,
            )
            return
        await self._send_support(message, text, direct)

    async def _send_support(
        self, message: Interaction, text: str, direct: bool, on_behalf: str = SYSTEM
    ) -> ActionResult:
        result = await self._send(
            message, text, direct=direct, purpose="support", on_behalf=on_behalf
        )
        if not result.ok and direct:
            # The platform may refuse DMs (no window, not followed): a reply still reaches them.
            result = await self._send(
                message, text, direct=False, purpose="support", on_behalf=on_behalf
            )
        self._support_sent = self._support_sent or result.ok
        return result

    def _draft_template(self, message: Interaction, decision: Decision) -> None:
        text = self._policy.draft_text(decision.template_id, self._language(), message)
        if text is None:
            return
        draft = self._add_draft("template", text, self._is_dm(message), message)
        self._drafts[draft.draft_id] = draft.model_copy(
            update={"template_id": decision.template_id}
        )
        self._log(
            "drafted",
            f"template {decision.template_id} drafted as {draft.draft_id}: {_excerpt(text)}",
            actor=f"policy:{decision.rule_id}",
            draft_id=draft.draft_id,
            template=decision.template_id,
        )

    def _pending(self, kind: str) -> bool:
        return any(d.kind == kind for d in self._drafts.values())

    def _drop_drafts(self, kind: str) -> None:
        for draft_id in [d.draft_id for d in self._drafts.values() if d.kind == kind]:
            del self._drafts[draft_id]
            self._log("draft_dropped", f"{draft_id} ({kind}) no longer applies", actor=SYSTEM)

    def _add_draft(self, kind: str, text: str, direct: bool, message: Interaction) -> Draft:
        self._draft_seq += 1  # never reused: a stale `approve draft-N` cannot send another text
        draft = Draft(
            draft_id=f"draft-{self._draft_seq}",
            kind=kind,
            text=text,
            direct=direct,
            reply_to=message,
        )
        self._drafts[draft.draft_id] = draft
        return draft

    async def _breach(self) -> None:
        """The response deadline passed: flag it and page the next level of the chain."""
        level = await self._page_next_level("sla_breached", "response deadline", self._deadline)
        self._set_deadline(workflow.now() + level.after if level else None)

    async def _resolution_breach(self) -> None:
        """The resolution deadline passed: flag it and page the next level, once."""
        deadline = self._resolution_deadline
        self._resolution_deadline = None
        await self._page_next_level("resolution_breached", "resolution deadline", deadline)

    async def _page_next_level(
        self, event: str, what: str, deadline: datetime | None
    ) -> EscalationLevel | None:
        self._breached = True
        workflow.metric_meter().create_counter(
            "passerelle_sla_breaches", "Response or resolution deadlines that passed."
        ).add(1, {"kind": event})
        level = escalation_level(self._policy, self._escalations)
        self._log(
            event,
            f"{what} {_iso(deadline)} passed",
            actor=SYSTEM,
            deadline=_iso(deadline),
            next_level=self._escalations + 1 if level else None,
        )
        self._upsert(sa.BREACHED.value_set(True))
        self._changes += 1
        if level is None:
            return None
        self._escalations += 1
        await self._notify(level.target, event.removesuffix("ed"), level=self._escalations)
        self._set_state(State.ESCALATED)
        return level

    async def _auto_close(self) -> None:
        await self._close("answered", actor=SYSTEM)

    # ------------------------------------------------------------------ human actions

    @workflow.update
    async def answer(self, request: AnswerRequest) -> ActionResult:
        async with self._lock:
            if self._state is State.CLOSED:  # closed while this Update waited for the lock
                raise ApplicationError("the interaction is closed; a follow-up reopens it")
            self._log("answer_requested", _excerpt(request.text), actor=request.actor)
            # This answer replaces any parked one: never both once the channel works again.
            self._awaiting_channel = [p for p in self._awaiting_channel if p.purpose != "answer"]
            direct = request.direct_message or self._is_dm(self._latest)
            result = await self._send(
                self._latest, request.text, direct=direct, on_behalf=request.actor
            )
            if result.ok:
                self._answered(request.actor, None)
            return result

    @answer.validator
    def _validate_answer(self, request: AnswerRequest) -> None:
        self._refuse_when_finished()
        if self._state is State.CLOSED:
            raise ApplicationError("the interaction is closed; a follow-up reopens it")
        if not request.text.strip():
            raise ApplicationError("an answer needs text")

    @workflow.update
    async def escalate(self, request: EscalateRequest) -> ActionResult:
        async with self._lock:
            if self._state is State.CLOSED:
                self._reopen(self._latest)
            result = await self._notify(
                request.target,
                request.reason or "escalated by a human",
                level=None,
                actor=request.actor,
            )
            if result.ok:
                self._set_state(State.ESCALATED)
            return result

    @escalate.validator
    def _validate_escalate(self, request: EscalateRequest) -> None:
        self._refuse_when_finished()

    @workflow.update
    async def approve(self, request: ApproveRequest) -> ActionResult:
        async with self._lock:
            draft = self._drafts.pop(request.draft_id, None)
            if draft is None:  # sent or dropped while this Update waited for the lock
                raise ApplicationError(f"no draft {request.draft_id!r} waits for approval")
            text = request.text or draft.text
            self._log(
                "approved",
                f"{draft.draft_id} ({draft.kind}){' edited' if request.text else ''}",
                actor=request.actor,
                draft_id=draft.draft_id,
                edited=request.text is not None,
            )
            if draft.kind == "crisis_support":
                result = await self._send_support(
                    draft.reply_to, text, draft.direct, on_behalf=request.actor
                )
            else:
                result = await self._send(
                    draft.reply_to,
                    text,
                    direct=draft.direct,
                    on_behalf=request.actor,
                    template=draft.template_id,
                )
            if result.ok:
                if draft.kind == "crisis_support":
                    self._approve_by = None
                    self._drop_drafts("crisis_support")
                self._answered(request.actor, draft.template_id)
            else:
                self._drafts[draft.draft_id] = draft  # still owed: keep it for another try
            return result

    @approve.validator
    def _validate_approve(self, request: ApproveRequest) -> None:
        self._refuse_when_finished()
        if request.draft_id not in self._drafts:
            waiting = ", ".join(sorted(self._drafts)) or "none"
            raise ApplicationError(f"no draft {request.draft_id!r} (waiting: {waiting})")

    @workflow.update
    async def acknowledge(self, request: AcknowledgeRequest) -> InteractionStatus:
        async with self._lock:
            self._acknowledged = True
            # A human has it: stop paging the chain, except for a support message that still
            # waits for approval: its deadline stands.
            self._set_deadline(self._approve_by if self._pending("crisis_support") else None)
            self._log("acknowledged", request.note or "taken in hand", actor=request.actor)
            return self._status()

    @acknowledge.validator
    def _validate_acknowledge(self, request: AcknowledgeRequest) -> None:
        self._refuse_when_finished()
        if self._state is State.CLOSED:
            raise ApplicationError("the interaction is closed")

    @workflow.update
    async def assign(self, request: AssignRequest) -> InteractionStatus:
        self._assign(request.assignee, actor=request.actor)
        return self._status()

    @assign.validator
    def _validate_assign(self, request: AssignRequest) -> None:
        self._refuse_when_finished()

    @workflow.update
    async def close(self, request: CloseRequest) -> InteractionStatus:
        async with self._lock:
            if self._state is not State.CLOSED:
                await self._close(request.resolution, actor=request.actor)
            return self._status()

    @close.validator
    def _validate_close(self, request: CloseRequest) -> None:
        self._refuse_when_finished()
        if self._state is State.CLOSED:
            raise ApplicationError("the interaction is already closed")

    def _refuse_when_finished(self) -> None:
        if self._finishing:
            raise ApplicationError("the interaction has ended; a new message starts a new one")

    @workflow.signal
    def external_answer(self, event: ThreadEvent) -> None:
        """The account answered in this thread from the platform itself."""
        self._take(event)

    @workflow.signal
    def thread_event(self, event: ThreadEvent) -> None:
        """A message of this thread was edited, deleted or moderated on the platform."""
        self._take(event)

    def _take(self, event: ThreadEvent) -> None:
        if not self._since(THREAD_SYNC):
            # Replaying a run whose worker had no such handler: it buffered the event and
            # never acted on it, so neither does the replay.
            return
        if event.key in self._event_keys:
            return  # a redelivery
        self._event_keys.add(event.key)
        self._events.append(event)

    @workflow.signal
    def channel_recovered(self) -> None:
        """The account's channel works again (its health workflow says so)."""
        if self._awaiting_channel:
            self._channel_ok = True
            self._changes += 1

    @workflow.signal
    def follow_up(self, message: Interaction) -> None:
        """A new message in the thread (or a redelivery of one, which is ignored)."""
        if message.id in self._seen:
            return
        self._seen.add(message.id)
        self._inbox.append(message)

    @workflow.query
    def state(self) -> InteractionStatus:
        return self._status()

    @workflow.query
    def timeline(self) -> Timeline:
        return Timeline(workflow_id=workflow.info().workflow_id, entries=list(self._timeline))

    # ------------------------------------------------------------------ steps

    async def _send(
        self,
        message: Interaction,
        text: str,
        *,
        direct: bool,
        purpose: str = "answer",
        on_behalf: str = SYSTEM,
        template: str | None = None,
    ) -> ActionResult:
        request = MessageRequest(interaction=message, text=text, idempotency_key=self._key())
        action = "direct_message" if direct else "reply"
        return await self._act(
            action,
            _MESSAGE_ACTIVITY[action],
            request,
            text=_excerpt(text),
            park=(purpose, on_behalf, template),
        )

    async def _moderate(self, message: Interaction, action: ModerationAction) -> ActionResult:
        request = ModerationRequest(interaction=message, action=action, idempotency_key=self._key())
        return await self._act(
            action.value,
            InteractionActivities.moderate,
            request,
            target_id=message.external_id,
            park=("moderation", SYSTEM, None),
        )

    async def _notify(
        self, target: str, reason: str, *, level: int | None, actor: str = SYSTEM
    ) -> ActionResult:
        notification = Notification(
            target=target,
            reason=reason,
            interaction_id=self._root.id,
            workflow_id=workflow.info().workflow_id,
            priority=self._priority or Priority.P3,
            categories=tuple(sorted(self._categories)),
            excerpt=_excerpt(self._latest.text),
            level=level,
            deadline=self._deadline,
            idempotency_key=self._key(),
        )
        return await self._act(
            "notify",
            InteractionActivities.notify,
            notification,
            actor=actor,
            target=target,
            reason=reason,
            level=level,
        )

    async def _act(
        self,
        action: str,
        activity: Callable[[InteractionActivities, Any], Awaitable[ActionResult]],
        request: Any,
        actor: str = SYSTEM,
        park: tuple[str, str, str | None] | None = None,
        **data: Any,
    ) -> ActionResult:
        """Run one connector or notifier action; past its retries it is parked, not dropped.

        ``park`` (purpose, on whose behalf, template) marks a connector action: refused for
        auth, it waits for the channel to work again, and its failures reach the channel's
        health workflow."""
        try:
            result = await workflow.execute_activity_method(
                activity,
                request,
                start_to_close_timeout=ACTION_TIMEOUT,
                schedule_to_close_timeout=ACTION_DEADLINE,
                retry_policy=ACTION_RETRY,
            )
        except ActivityError as err:
            cause = err.cause
            kind = cause.type if isinstance(cause, ApplicationError) and cause.type else "error"
            message = str(cause) if cause is not None else str(err)
            result = ActionResult(action=action, ok=False, error=f"{kind}: {message}")
            self._parked.append(f"{action}: {kind}: {message}")
            if park is not None and kind not in NOT_THE_CHANNEL and self._since(CHANNEL_HEALTH):
                if kind == "auth":
                    purpose, on_behalf, template = park
                    self._awaiting_channel.append(
                        ParkedAction(
                            action=action,
                            request=request,
                            purpose=purpose,
                            actor=on_behalf,
                            template=template,
                            parked_at=workflow.now(),
                        )
                    )
                await self._report_to_channel(action, kind, message)
        result = result.model_copy(update={"at": workflow.now()})
        self._actions.append(result)
        what = f"{action} {data['target']} ({data['reason']})" if "target" in data else action
        outcome = f"ok ({result.platform_ref})" if result.ok else f"parked ({result.error})"
        self._log(
            action if result.ok else "parked",
            f"{what}: {outcome}",
            actor=actor,
            ok=result.ok,
            platform_ref=result.platform_ref,
            error=result.error,
            **data,
        )
        return result

    async def _on_platform(self, event: ThreadEvent) -> None:
        """What happened on the platform itself: the state follows what really happened."""
        self._busy = True
        try:
            if event.kind is ThreadEventKind.ANSWERED:
                self._answered_on_platform(event)
                return
            message = self._messages.get(event.subject_id)
            if message is None:
                self._log(
                    "platform_event_ignored",
                    f"{event.kind.value} of {event.subject_id}, a message this thread never had",
                    actor=VIA_PLATFORM,
                    detail=event.detail,
                )
                return
            if event.kind is ThreadEventKind.EDITED:
                await self._edited(message, event)
            elif event.kind is ThreadEventKind.DELETED:
                await self._deleted(message, event)
            else:
                self._log(
                    "moderated_on_platform",
                    f"{event.kind.value} on the platform ({event.detail or 'no detail'})",
                    actor=VIA_PLATFORM,
                    interaction_id=message.id,
                    kind=event.kind.value,
                )
        finally:
            self._busy = False
            self._changes += 1

    def _answered_on_platform(self, event: ThreadEvent) -> None:
        if event.ref and event.ref in {a.platform_ref for a in self._actions if a.ok}:
            # The platform echoing Passerelle's own reply (or crisis support message): not
            # a human's answer, and it must not stop the clock of a crisis still owed one.
            return
        who = f"@{event.author.handle}" if event.author else "the account"
        self._log(
            "external_answer",
            f"answered on {event.platform.value} by {who}: {_excerpt(event.text)}",
            actor=VIA_PLATFORM,
            platform_ref=event.ref,
            author=event.author.handle if event.author else None,
            at=_iso(event.at),
            detail=event.detail,
        )
        if self._state is State.CLOSED:
            return  # an answer never reopens a closed thread
        if self._crisis or self._pending("crisis_support"):
            # A person in crisis stays with the escalation chain until someone takes it in
            # hand in Passerelle (acknowledge): a reply on the platform does not stop paging.
            self._log(
                "crisis_clock_kept",
                "answered on the platform; the crisis stays escalated until acknowledged",
                actor="policy:crisis-protocol",
            )
            return
        if event.subject_id not in (self._latest.external_id, self._root.external_id):
            return  # it answers an earlier message; the latest one is still owed an answer
        self._answered(VIA_PLATFORM, None)

    async def _edited(self, message: Interaction, event: ThreadEvent) -> None:
        """Read the new text again: a comment edited into abuse or a crisis must be caught."""
        edited = message.model_copy(update={"text": event.text or message.text})
        self._messages[message.external_id] = edited
        if self._latest.id == edited.id:
            self._latest = edited
        is_root = edited.id == self._root.id
        self._log(
            "edited",
            f"edited by @{edited.author.handle}: {_excerpt(edited.text)}",
            actor=f"{edited.platform.value}:{edited.author.handle}",
            interaction_id=edited.id,
            excerpt=_excerpt(edited.text),
        )
        classification = await self._classify(edited)
        if classification is None:
            # Nobody could read the new text: it might be a crisis, so a person must.
            await self._route(edited, self._unclassified_decision(), is_root, None)
            return
        was_crisis = self._crisis
        self._categories |= set(classification.categories)
        self._crisis = was_crisis or is_crisis(classification)
        decision = decide(
            edited, classification, self._policy, workflow.now(), thread_in_crisis=was_crisis
        )
        self._log(
            "decided",
            f"rule {decision.rule_id}: {decision.route.value}, {decision.priority.value} "
            "(after an edit)",
            actor=f"policy:{decision.rule_id}",
            rule_id=decision.rule_id,
            route=decision.route.value,
            priority=decision.priority.value,
            reasons=list(decision.reasons),
        )
        if decision.route is Route.MODERATE:
            self._upsert_classification()
            moderated = [await self._moderate(edited, action) for action in decision.moderation]
            done = bool(moderated) and all(r.ok for r in moderated)
            if is_root and done and self._state is not State.CLOSED:
                await self._close("moderated", actor=f"policy:{decision.rule_id}")
        elif self._crisis and not was_crisis:
            # Edited into a crisis: the immediate path, whatever the thread's state was.
            if decision.priority.rank < (self._priority or Priority.P4).rank:
                self._priority = decision.priority
            self._upsert_classification()
            self._decision = decision
            await self._route(edited, decision, is_root, classification)
        else:
            self._upsert_classification()

    async def _deleted(self, message: Interaction, event: ThreadEvent) -> None:
        self._log(
            "deleted_by_author",
            f"{message.id} deleted on the platform ({event.detail or 'by its author'})",
            actor=f"{message.platform.value}:{message.author.handle}",
            interaction_id=message.id,
        )
        if message.id != self._root.id or self._state is State.CLOSED:
            return  # one message of the thread, or already closed: recorded
        if self._crisis:
            # The person still needs help: a human closes it, never a deletion.
            self._log(
                "withdrawal_refused",
                "a message in crisis was deleted: it stays open for a human",
                actor="policy:crisis-protocol",
            )
            if self._state is not State.ESCALATED and not self._acknowledged:
                self._set_state(State.ESCALATED)
            return
        await self._close("withdrawn", actor=VIA_PLATFORM)

    async def _report_to_channel(self, action: str, code: str, message: str) -> None:
        failure = ChannelFailure(
            platform=self._root.platform,
            account=self._root.account,
            code=code,
            message=message,
            action=action,
            workflow_id=workflow.info().workflow_id,
            at=workflow.now(),
        )
        await self._send_report(failure)

    async def _send_report(self, failure: ChannelFailure) -> None:
        try:
            await workflow.execute_activity_method(
                ChannelActivities.report_channel_failure,
                failure,
                start_to_close_timeout=timedelta(seconds=30),
                retry_policy=REPORT_RETRY,
            )
        except ActivityError as err:
            # The channel wakes only the interactions it heard from: try again later while
            # anything stays parked, rather than wait for a person.
            self._unreported = failure
            self._report_again_at = workflow.now() + REPORT_AGAIN
            self._changes += 1
            self._log(
                "channel_report_failed",
                f"channel health not told ({err.cause or err}); trying again in "
                f"{int(REPORT_AGAIN.total_seconds() // 60)} min",
                actor=SYSTEM,
            )
            return
        self._unreported = None
        self._report_again_at = None

    async def _report_again(self) -> None:
        failure, self._unreported, self._report_again_at = self._unreported, None, None
        self._changes += 1
        if failure is not None and self._awaiting_channel:
            await self._send_report(failure)

    async def _resume_parked(self) -> None:
        """The channel works again: retry what it refused, unless it no longer applies."""
        self._channel_ok = False
        pending, self._awaiting_channel = self._awaiting_channel, []
        if not pending:
            return
        self._log(
            "channel_recovered",
            f"the channel works again: {len(pending)} parked action(s) reconsidered",
            actor=CHANNEL_ACTOR,
        )
        # Only the latest parked answer still makes sense; earlier ones were superseded.
        answer = next((p for p in reversed(pending) if p.purpose == "answer"), None)
        for parked in pending:
            automatic = parked.actor == SYSTEM or parked.actor.startswith("policy:")
            decided_before_crisis = parked.purpose == "moderation" or automatic
            if self._crisis and parked.purpose != "support" and decided_before_crisis:
                # No hiding and no cheerful template for a person in crisis.
                self._log(
                    "parked_dropped",
                    f"{parked.action} decided before the crisis: not sent",
                    actor="policy:crisis-protocol",
                )
                continue
            if parked.purpose == "moderation":
                assert isinstance(parked.request, ModerationRequest)
                await self._act(
                    parked.action,
                    InteractionActivities.moderate,
                    parked.request,
                    actor=CHANNEL_ACTOR,
                    target_id=parked.request.interaction.external_id,
                    park=("moderation", SYSTEM, None),
                )
            elif parked.purpose == "support" and not self._support_sent:
                await self._retry_message(parked)
            elif parked is answer:
                answered_since = self._answered_at is not None and (
                    self._answered_at >= parked.parked_at
                )
                if self._state is State.CLOSED or answered_since:
                    self._log(
                        "parked_dropped",
                        f"{parked.action} no longer needed (answered or closed meanwhile)",
                        actor=CHANNEL_ACTOR,
                    )
                    continue
                await self._retry_message(parked)
        self._changes += 1

    async def _retry_message(self, parked: ParkedAction) -> None:
        request = parked.request
        assert isinstance(request, MessageRequest)
        result = await self._act(
            parked.action,
            _MESSAGE_ACTIVITY[parked.action],
            request,  # same idempotency key: a post that did go through is found, not doubled
            actor=CHANNEL_ACTOR,
            text=_excerpt(request.text),
            park=(parked.purpose, parked.actor, parked.template),
        )
        if not result.ok:
            return
        if parked.purpose == "support":
            self._support_sent = True
            if self._pending("crisis_support"):
                self._approve_by = None
                self._drop_drafts("crisis_support")
                self._answered(parked.actor, None)
        elif request.interaction.id == self._latest.id:
            self._answered(parked.actor, parked.template)
        else:
            # It answers an earlier message: a later one is still owed its own answer.
            self._log(
                "late_answer",
                f"parked answer to {request.interaction.id} posted; {self._latest.id} still "
                "waits for an answer",
                actor=CHANNEL_ACTOR,
            )

    async def _close(self, resolution: str, *, actor: str) -> None:
        if self._crisis and actor.startswith(("policy:", SYSTEM)):
            # Never auto-close a person in crisis: only a human closes it.
            self._log("close_refused", "crisis interactions are closed by a human", actor=actor)
            return
        self._resolution = resolution
        self._set_deadline(None)
        self._resolution_deadline = None
        self._resolution_left = None
        self._drafts.clear()
        self._set_state(State.CLOSED)
        self._log("closed", resolution, actor=actor, resolution=resolution)

    # ------------------------------------------------------------------ state helpers

    def _answered(self, actor: str, template: str | None) -> None:
        self._drop_drafts("template")  # answered: a drafted template would be a second reply
        self._answered_at = workflow.now()
        self._escalations = 0  # a later breach starts the chain again from its first level
        self._set_deadline(None)
        if not self._crisis:
            self._set_state(State.ANSWERED)
            if (
                self._policy.pause_resolution_while_answered
                and self._resolution_deadline
                and self._resolution_left is None
            ):
                # Waiting on the customer: keep what is left of the clock, in its calendar.
                self._resolution_left = business_time_between(
                    workflow.now(), self._resolution_deadline, self._hours()
                )
        self._log("answered", f"first response by {actor}", actor=actor, template=template)

    def _assign(self, assignee: str, *, actor: str) -> None:
        self._assignee = assignee
        self._upsert(sa.ASSIGNEE.value_set(assignee))
        self._log("assigned", f"assigned to {assignee}", actor=actor, assignee=assignee)
        self._changes += 1

    def _reopen(self, message: Interaction) -> None:
        self._resolution = None
        self._set_state(State.RECEIVED)
        self._log("reopened", f"reopened by {message.id}", actor=SYSTEM, interaction_id=message.id)

    def _resume_resolution_clock(self) -> None:
        """The customer wrote back: the time spent waiting on them does not count."""
        if self._resolution_left is not None and self._resolution_deadline is not None:
            self._resolution_deadline = add_business_time(
                workflow.now(), self._resolution_left, self._hours()
            )
        self._resolution_left = None

    def _hours(self) -> BusinessHours | None:
        return self._policy.hours_for(self._priority or Priority.P3)

    def _start_sla(self, decision: Decision) -> None:
        resolution = decision.resolution_deadline
        if resolution is not None and not self._since(RESOLUTION_CLOCK):
            resolution = None  # histories from before the resolution clock never had one
        if resolution is not None and (
            self._resolution_deadline is None or resolution < self._resolution_deadline
        ):
            self._resolution_deadline = resolution
        deadline = decision.first_response_deadline
        if deadline is None:
            return
        if self._answered_at is not None and not self._crisis:
            next_response = self._policy.sla[decision.priority].next_response
            if next_response is not None:
                deadline = self._policy.due(decision.priority, workflow.now(), next_response)
        if self._deadline is None or deadline < self._deadline:
            self._acknowledged = False  # a new message owed an answer starts a new clock
            self._set_deadline(deadline)

    def _next_timer(
        self,
    ) -> tuple[timedelta | None, Callable[[], Coroutine[Any, Any, None]] | None]:
        """The earliest of: response deadline, resolution deadline, auto-close of an answer."""
        timers: list[tuple[datetime, Callable[[], Coroutine[Any, Any, None]]]] = []
        if self._deadline is not None:
            timers.append((self._deadline, self._breach))
        if self._resolution_deadline is not None and self._resolution_left is None:
            timers.append((self._resolution_deadline, self._resolution_breach))
        if self._report_again_at is not None:
            timers.append((self._report_again_at, self._report_again))
        close_after = self._policy.close_answered_after
        if self._state is State.ANSWERED and close_after is not None and self._answered_at:
            timers.append((self._answered_at + close_after, self._auto_close))
        if not timers:
            return None, None
        at, action = min(timers, key=lambda timer: timer[0])
        return max(at - workflow.now(), timedelta(0)), action

    async def _wait_for_news(self, timeout: timedelta | None) -> bool:
        """Wait for a message or a state change; False when ``timeout`` passed first."""
        seen = self._changes

        def news() -> bool:
            return bool(self._inbox) or bool(self._events) or self._changes != seen

        if timeout is not None and timeout <= timedelta(0):
            return news()
        try:
            await workflow.wait_condition(news, timeout=timeout)
        except TimeoutError:
            return False
        return True

    def _set_state(self, state: State) -> None:
        if state is self._state:
            return
        self._state = state
        self._changes += 1
        self._upsert(sa.STATE.value_set(state.value))
        # Metrics are not part of the history: replays emit nothing and decide the same.
        workflow.metric_meter().create_counter(
            "passerelle_interaction_transitions",
            "Interactions entering each state (received excluded).",
        ).add(1, {"state": state.value})

    def _set_deadline(self, deadline: datetime | None) -> None:
        self._deadline = deadline
        self._changes += 1
        self._upsert(
            sa.SLA_DEADLINE.value_set(deadline) if deadline else sa.SLA_DEADLINE.value_unset()
        )

    def _upsert_classification(self) -> None:
        updates: list[SearchAttributeUpdate[Any]] = [
            sa.CATEGORIES.value_set(sorted(c.value for c in self._categories))
        ]
        if self._priority is not None:
            updates.append(sa.PRIORITY.value_set(self._priority.value))
        self._upsert(*updates)

    def _lean(self) -> bool:
        return workflow.patched(LEAN_HISTORY)

    def _since(self, patch: str) -> bool:
        """Whether this run has ``patch``, one of the changes older than lean histories.

        A run with lean histories has them all, so it records no marker for them (each
        marker costs two history events); older runs answer from their own markers.
        """
        return self._lean() or workflow.patched(patch)

    def _upsert(self, *updates: SearchAttributeUpdate[Any]) -> None:
        if not self._lean():
            workflow.upsert_search_attributes(list(updates))
            return
        for update in updates:
            self._pending_attributes[update.key.name] = update  # the latest value wins
        self._flush_soon()

    def _upsert_memo(self, key: str, entry: TimelineEntry) -> None:
        if not self._lean():
            workflow.upsert_memo({key: entry})
            return
        self._pending_memo[key] = entry
        self._flush_soon()

    def _flush_soon(self) -> None:
        """Upsert what is pending once the code now ready to run has run: a callback queued
        on the workflow's own event loop runs after the ready ones, deterministically. That is
        once per batch of jobs the SDK applies (a result, a signal, an update), usually once
        per workflow task."""
        if not self._flush_scheduled:
            self._flush_scheduled = True
            asyncio.get_running_loop().call_soon(self._flush)

    def _flush(self) -> None:
        self._flush_scheduled = False
        if self._classifying:
            # Its result comes back in this same workflow task: one upsert after it, not one
            # before and one after (each is a visibility write on the server).
            return
        # Taken before upserting: a value that failed to encode (logged by the event loop)
        # must not block every later upsert of this run.
        attributes, self._pending_attributes = self._pending_attributes, {}
        memo, self._pending_memo = self._pending_memo, {}
        if attributes:
            workflow.upsert_search_attributes(list(attributes.values()))
        if memo:
            workflow.upsert_memo(memo)

    def _language(self) -> str:
        if self._classification is not None:
            return self._classification.language
        return self._latest.language or "en"

    @staticmethod
    def _is_dm(message: Interaction) -> bool:
        return message.kind is InteractionKind.DIRECT_MESSAGE

    def _key(self) -> str:
        self._steps += 1
        return f"{workflow.info().workflow_id}/step-{self._steps}"

    def _log(self, event: str, summary: str, *, actor: str, **data: Any) -> None:
        entry = TimelineEntry(
            at=workflow.now(),
            event=event,
            actor=actor,
            summary=summary,
            data={k: v for k, v in data.items() if v is not None},
        )
        self._timeline.append(entry)
        position = len(self._timeline)
        if position <= MAX_RECORDED_ENTRIES and self._since(DECISION_RECORDS):
            # Each decision also goes into the history itself (a memo upsert event), so an
            # audit reads it from an exported history, without this code or a worker.
            if position == MAX_RECORDED_ENTRIES:
                entry = entry.model_copy(
                    update={"summary": f"{entry.summary} [later records: query `timeline`]"}
                )
            self._upsert_memo(timeline_key(position), entry)

    def _status(self) -> InteractionStatus:
        return InteractionStatus(
            id=self._root.id,
            workflow_id=workflow.info().workflow_id,
            platform=self._root.platform,
            account=self._root.account,
            state=self._state,
            priority=self._priority,
            categories=tuple(sorted(self._categories)),
            route=self._decision.route if self._decision else None,
            rule_id=self._decision.rule_id if self._decision else None,
            classifier=self._classifier,
            assignee=self._assignee,
            breached=self._breached,
            acknowledged=self._acknowledged,
            sla_deadline=self._deadline,
            resolution_deadline=self._resolution_deadline,
            escalation_level=self._escalations,
            resolution=self._resolution,
            messages=len(self._seen),
            actions=tuple(self._actions),
            parked=tuple(self._parked),
            drafts=tuple(self._drafts.values()),
            busy=self._busy or bool(self._inbox),
            waiting_for_channel=len(self._awaiting_channel),
        )


_MESSAGE_ACTIVITY: dict[str, Callable[[InteractionActivities, Any], Awaitable[ActionResult]]] = {
    "reply": InteractionActivities.reply,
    "direct_message": InteractionActivities.send_direct_message,
}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
