"""Policy: what to do with a classified interaction, as data plus one pure function.

``decide`` is evaluated inside the workflow, so it must stay pure: no clock (``now`` is an
argument), no I/O, no randomness. Replaying a history re-runs it and must get the same answer.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import (
    BeforeValidator,
    Field,
    field_validator,
    model_validator,
)

from connecteurs.models import (
    Category,
    Classification,
    Decision,
    Frozen,
    Interaction,
    InteractionKind,
    ModerationAction,
    Platform,
    Priority,
    Risk,
    Route,
    SentimentLabel,
)
from workflows.sla import BusinessHours, add_business_time

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}

CRISIS_RULE_ID = "crisis-protocol"
DEFAULT_RULE_ID = "default"


def parse_duration(value: object) -> object:
    """Accept ``"15m"``, ``"4h"``, ``"2s"``, ``"7d"`` as well as what pydantic accepts."""
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match:
            return timedelta(seconds=float(match.group(1)) * _UNIT_SECONDS[match.group(2)])
    return value


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]


class SlaCalendar(StrEnum):
    BUSINESS = "business"  # counted in the policy's business hours, when it has some
    ALWAYS = "always"  # 24/7


class SlaTarget(Frozen):
    first_response: Duration
    next_response: Duration | None = None
    resolution: Duration | None = None
    calendar: SlaCalendar | None = Field(
        default=None,
        description="Default: P1 always (a crisis does not wait for Monday), others business.",
    )


class Match(Frozen):
    """Every field given must match; a list matches when any of its items does."""

    categories: frozenset[Category] = frozenset()
    risk: frozenset[Risk] = frozenset()
    platforms: frozenset[Platform] = frozenset()
    kinds: frozenset[InteractionKind] = frozenset()
    languages: frozenset[str] = frozenset()
    sentiments: frozenset[SentimentLabel] = frozenset()
    keywords: tuple[str, ...] = ()
    authors: frozenset[str] = Field(
        default=frozenset(), description="Author handles or ids, e.g. a VIP or press list."
    )

    def matches(self, interaction: Interaction, classification: Classification) -> bool:
        if self.categories and not (self.categories & classification.categories):
            return False
        if self.risk and classification.risk not in self.risk:
            return False
        if self.platforms and interaction.platform not in self.platforms:
            return False
        if self.kinds and interaction.kind not in self.kinds:
            return False
        if self.languages and classification.language not in self.languages:
            return False
        if self.sentiments and classification.sentiment.label not in self.sentiments:
            return False
        if self.authors and not (
            {interaction.author.handle.casefold(), interaction.author.id.casefold()}
            & {a.casefold().lstrip("@") for a in self.authors}
        ):
            return False
        text = interaction.text.casefold()
        return not self.keywords or any(k.casefold() in text for k in self.keywords)


class Outcome(Frozen):
    route: Route
    priority: Priority = Priority.P3
    template: str | None = None
    target: str | None = None
    assignee: str | None = None
    moderation: tuple[ModerationAction, ...] = ()


class RoutingRule(Frozen):
    id: str = Field(min_length=1)
    when: Match = Match()
    then: Outcome


class EscalationLevel(Frozen):
    target: str = Field(min_length=1)
    after: Duration = Field(description="How long this level has before the next is paged.")


TEMPLATE_VARIABLES = frozenset({"author", "handle", "platform"})
_PLACEHOLDER = re.compile(r"{([^{}]*)}")


class Template(Frozen):
    """A reply text per language; only ``approved`` templates are ever sent automatically,
    others are drafted and wait for a human's ``approve``.

    Texts may use ``{author}`` (display name, else handle), ``{handle}`` and ``{platform}``.
    """

    texts: dict[str, str]
    approved: bool = False

    @field_validator("texts")
    @classmethod
    def _known_variables(cls, texts: dict[str, str]) -> dict[str, str]:
        for language, text in texts.items():
            unknown = sorted(set(_PLACEHOLDER.findall(text)) - TEMPLATE_VARIABLES)
            if unknown:
                raise ValueError(
                    f"{language}: unknown variable(s) {', '.join('{' + u + '}' for u in unknown)}"
                    f" (known: {', '.join('{' + v + '}' for v in sorted(TEMPLATE_VARIABLES))})"
                )
        return texts

    def render(self, language: str, interaction: Interaction) -> str | None:
        text = self.texts.get(language) or next(iter(self.texts.values()), None)
        if text is None:
            return None
        values = {
            "author": interaction.author.display_name or interaction.author.handle,
            "handle": interaction.author.handle,
            "platform": interaction.platform.value,
        }
        return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


class CrisisMode(StrEnum):
    AUTO = "auto"  # the support message goes out at once
    APPROVE = "approve"  # drafted; a human's `approve` sends it, or the next level is paged
    NONE = "none"  # humans write it; on-call is still paged at once


class CrisisChannel(StrEnum):
    DIRECT_MESSAGE = "direct_message"
    REPLY = "reply"


DEFAULT_HELPLINES: dict[str, str] = {
    "fr-CA": (
        "Merci de nous avoir écrit, votre message compte pour nous. Si vous pensez au suicide "
        "ou si vous êtes en détresse, vous n'êtes pas seul·e : appelez le 1 866 APPELLE "
        "(1 866 277-3553) au Québec, ou appelez ou textez le 988, jour et nuit. En cas de "
        "danger immédiat, composez le 911. Une personne de notre équipe vous écrit aussi."
    ),
    "fr-FR": (
        "Merci de nous avoir écrit, votre message compte pour nous. Si vous pensez au suicide "
        "ou si vous êtes en détresse, vous n'êtes pas seul·e : appelez le 3114, numéro "
        "national de prévention du suicide, gratuit, 24 h/24. En cas de danger immédiat, "
        "composez le 15 ou le 112. Une personne de notre équipe vous écrit aussi."
    ),
    "en-US": (
        "Thank you for reaching out; what you wrote matters to us. If you are thinking about "
        "suicide or are in distress, you are not alone: call or text 988 (Suicide & Crisis "
        "Lifeline), any time. If you are in immediate danger, call 911. Someone from our team "
        "is writing to you too."
    ),
    "en-CA": (
        "Thank you for reaching out; what you wrote matters to us. If you are thinking about "
        "suicide or are in distress, you are not alone: call or text 988, any time. If you "
        "are in immediate danger, call 911. Someone from our team is writing to you too."
    ),
    "en-GB": (
        "Thank you for reaching out; what you wrote matters to us. If you are thinking about "
        "suicide or are in distress, you are not alone: call Samaritans free on 116 123, any "
        "time. If you are in immediate danger, call 999. Someone from our team is writing to "
        "you too."
    ),
}


class CrisisProtocol(Frozen):
    target: str = "on-call"
    mode: CrisisMode = CrisisMode.AUTO
    channel: CrisisChannel = CrisisChannel.DIRECT_MESSAGE
    messages: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_HELPLINES))
    default_locale: dict[str, str] = Field(default_factory=lambda: {"fr": "fr-CA", "en": "en-CA"})
    fallback_locale: str = "en-CA"
    approve_within: Duration = Field(
        default=timedelta(minutes=5),
        description="With mode 'approve': past this, the next escalation level is paged.",
    )

    def message_for(self, author_locale: str | None, language: str) -> tuple[str, str]:
        """(locale, text) of the support message: the author's locale, else the language's."""
        candidates: list[str] = []
        if author_locale:
            candidates.append(author_locale.replace("_", "-"))
        if language in self.default_locale:
            candidates.append(self.default_locale[language])
        candidates.append(self.fallback_locale)
        for locale in candidates:
            for known, text in self.messages.items():
                if known.casefold() == locale.casefold():
                    return known, text
        known, text = next(iter(self.messages.items()))
        return known, text


def _default_sla() -> dict[Priority, SlaTarget]:
    return {
        Priority.P1: SlaTarget(first_response=timedelta(minutes=15), resolution=timedelta(hours=4)),
        Priority.P2: SlaTarget(first_response=timedelta(hours=1)),
        Priority.P3: SlaTarget(first_response=timedelta(hours=4)),
        Priority.P4: SlaTarget(first_response=timedelta(hours=24)),
    }


def _default_routing() -> list[RoutingRule]:
    def rule(rule_id: str, categories: set[Category], outcome: Outcome) -> RoutingRule:
        return RoutingRule(id=rule_id, when=Match(categories=frozenset(categories)), then=outcome)

    hide = (ModerationAction.HIDE,)
    return [
        rule("crisis", {Category.CRISIS}, Outcome(route=Route.ESCALATE, priority=Priority.P1)),
        rule(
            "abuse",
            {Category.ABUSE, Category.HARASSMENT, Category.HATE},
            Outcome(route=Route.MODERATE, priority=Priority.P3, moderation=hide),
        ),
        rule(
            "spam",
            {Category.SPAM},
            Outcome(route=Route.MODERATE, priority=Priority.P4, moderation=hide),
        ),
        rule("complaint", {Category.COMPLAINT}, Outcome(route=Route.HUMAN, priority=Priority.P2)),
        rule("question", {Category.QUESTION}, Outcome(route=Route.HUMAN, priority=Priority.P3)),
        rule(
            "praise",
            {Category.PRAISE},
            Outcome(route=Route.AUTO_ANSWER, priority=Priority.P4, template="thanks"),
        ),
    ]


def _default_templates() -> dict[str, Template]:
    return {
        "thanks": Template(
            texts={
                "fr": "Merci beaucoup pour votre message, ça nous fait chaud au cœur !",
                "en": "Thank you so much for your kind words, it means a lot to the team!",
            },
            approved=True,
        )
    }


class Policy(Frozen):
    """Everything ``decide`` needs; a snapshot travels with each interaction's history."""

    timezone: str = "America/Montreal"
    business_hours: BusinessHours | None = None
    sla: dict[Priority, SlaTarget] = Field(default_factory=_default_sla)
    routing: list[RoutingRule] = Field(default_factory=_default_routing)
    default: Outcome = Outcome(route=Route.HUMAN, priority=Priority.P4)
    escalation: list[EscalationLevel] = Field(
        default_factory=lambda: [
            EscalationLevel(target="team-lead", after=timedelta(hours=1)),
            EscalationLevel(target="manager", after=timedelta(hours=4)),
        ]
    )
    templates: dict[str, Template] = Field(default_factory=_default_templates)
    crisis: CrisisProtocol = CrisisProtocol()
    close_answered_after: Duration | None = Field(
        default=timedelta(days=1),
        description="An answered interaction with no follow-up closes after this long.",
    )
    reopen_window: Duration = Field(
        default=timedelta(days=7),
        description="How long a closed interaction still listens for follow-ups.",
    )
    pause_resolution_while_answered: bool = Field(
        default=True,
        description="The resolution clock stops while the team waits on the customer.",
    )
    classify_locally: bool = Field(
        default=True,
        description="Classify in the worker that runs the interaction (a local activity: no "
        "task queue round trip). Set false for a classifier that calls a network service or "
        "may crash its process: an ordinary activity has its attempts counted by the server.",
    )

    @field_validator("sla", mode="before")
    @classmethod
    def _sla_overrides_defaults(cls, value: object) -> object:
        # [sla.P1] alone must not leave P2-P4 without a deadline: unset priorities keep theirs.
        if isinstance(value, dict):
            return {str(p): target for p, target in _default_sla().items()} | {
                str(k): v for k, v in value.items()
            }
        return value

    @model_validator(mode="after")
    def _rule_ids_are_unique(self) -> Policy:
        ids = [r.id for r in self.routing]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"routing: duplicate rule id(s) {', '.join(duplicates)}")
        return self

    def hours_for(self, priority: Priority) -> BusinessHours | None:
        """The calendar a priority's clocks run on; None is 24/7."""
        calendar = self.sla[priority].calendar
        if calendar is None:
            calendar = SlaCalendar.ALWAYS if priority is Priority.P1 else SlaCalendar.BUSINESS
        return self.business_hours if calendar is SlaCalendar.BUSINESS else None

    def due(self, priority: Priority, start: datetime, duration: timedelta) -> datetime:
        """``start`` + ``duration`` on ``priority``'s calendar (business hours, holidays)."""
        return add_business_time(start, duration, self.hours_for(priority))

    def first_response_due(self, priority: Priority, start: datetime) -> datetime:
        """When a message of ``priority`` arriving at ``start`` must have had an answer."""
        return self.due(priority, start, self.sla[priority].first_response)

    def template_text(
        self, template_id: str | None, language: str, interaction: Interaction | None = None
    ) -> str | None:
        """The text of an *approved* template, rendered for ``interaction`` when given."""
        template = self.templates.get(template_id) if template_id else None
        if template is None or not template.approved or not template.texts:
            return None
        if interaction is not None:
            return template.render(language, interaction)
        return template.texts.get(language) or next(iter(template.texts.values()))

    def draft_text(
        self, template_id: str | None, language: str, interaction: Interaction
    ) -> str | None:
        """The text of a template that is not approved yet: a draft for a human to approve."""
        template = self.templates.get(template_id) if template_id else None
        return template.render(language, interaction) if template is not None else None


def is_crisis(classification: Classification) -> bool:
    return Category.CRISIS in classification.categories or classification.risk is Risk.CRITICAL


def decide(
    interaction: Interaction,
    classification: Classification,
    policy: Policy,
    now: datetime,
    *,
    thread_in_crisis: bool = False,
) -> Decision:
    """The route, priority and deadlines for one classified message. Pure.

    The crisis protocol is applied after routing and cannot be configured away: a person in
    crisis is never hidden, never auto-answered with a template, always P1 and escalated at
    once to the crisis target. It holds for every later message of a thread that showed a
    crisis (``thread_in_crisis``), whatever that message looks like on its own.
    """
    rule, outcome = _first_match(interaction, classification, policy)
    rule_id = rule.id if rule else DEFAULT_RULE_ID
    reasons = [f"rule {rule_id}: route {outcome.route.value}, {outcome.priority.value}"]
    if is_crisis(classification) or thread_in_crisis:
        crisis_rule = (
            rule is not None
            and Category.CRISIS in rule.when.categories
            and outcome.route is Route.ESCALATE
        )
        if not crisis_rule:
            why = "this message" if is_crisis(classification) else "an earlier message"
            reasons.append(f"crisis protocol ({why} shows a crisis): escalate, never moderate")
            rule_id = CRISIS_RULE_ID
        outcome = Outcome(
            route=Route.ESCALATE,
            priority=Priority.P1,
            target=(outcome.target if crisis_rule else None) or policy.crisis.target,
            template="crisis_support",
        )
    elif outcome.route is Route.AUTO_ANSWER and (
        policy.template_text(outcome.template, classification.language) is None
    ):
        drafted = outcome.template in policy.templates
        reasons.append(
            f"template {outcome.template!r} not approved: drafted for a human to approve"
            if drafted
            else f"template {outcome.template!r} missing: a human answers"
        )
        outcome = outcome.model_copy(
            update={"route": Route.HUMAN, "template": outcome.template if drafted else None}
        )

    needs_response = outcome.route in (Route.HUMAN, Route.ESCALATE, Route.AUTO_ANSWER)
    sla = policy.sla[outcome.priority]
    return Decision(
        route=outcome.route,
        priority=outcome.priority,
        rule_id=rule_id,
        first_response_deadline=(
            policy.first_response_due(outcome.priority, now) if needs_response else None
        ),
        resolution_deadline=(
            policy.due(outcome.priority, now, sla.resolution)
            if needs_response and sla.resolution
            else None
        ),
        template_id=outcome.template,
        target=outcome.target,
        assignee=outcome.assignee,
        moderation=outcome.moderation,
        reasons=tuple(reasons),
    )


def _first_match(
    interaction: Interaction, classification: Classification, policy: Policy
) -> tuple[RoutingRule | None, Outcome]:
    for rule in policy.routing:
        if rule.when.matches(interaction, classification):
            return rule, rule.then
    return None, policy.default


def immediate_target(decision: Decision, policy: Policy) -> str:
    """Who an `escalate` route pages at once: the rule's target, else the chain's first level."""
    if decision.target:
        return decision.target
    first = escalation_level(policy, 0)
    return first.target if first else policy.crisis.target


def escalation_level(policy: Policy, index: int) -> EscalationLevel | None:
    """The escalation level paged at the ``index``-th breach, if the chain goes that far."""
    return policy.escalation[index] if 0 <= index < len(policy.escalation) else None
