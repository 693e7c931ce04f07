"""The policy function, without Temporal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connecteurs.models import (
    Author,
    Category,
    Classification,
    Interaction,
    InteractionKind,
    ModerationAction,
    Platform,
    Priority,
    Risk,
    Route,
    Sentiment,
    SentimentLabel,
)
from workflows.policy import (
    CRISIS_RULE_ID,
    Match,
    Outcome,
    Policy,
    RoutingRule,
    Template,
    decide,
    escalation_level,
    immediate_target,
    parse_duration,
)

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def interaction(text: str = "hello", platform: Platform = Platform.JSONL) -> Interaction:
    return Interaction(
        id=f"{platform.value}:acct:1",
        platform=platform,
        account="acct",
        external_id="1",
        kind=InteractionKind.COMMENT,
        author=Author(id="a", handle="a"),
        text=text,
        created_at=NOW,
        received_at=NOW,
    )


def classified(
    *categories: Category, risk: Risk = Risk.NONE, language: str = "fr"
) -> Classification:
    return Classification(
        language=language,
        sentiment=Sentiment(label=SentimentLabel.NEUTRAL),
        categories=frozenset(categories),
        risk=risk,
        confidence=0.8,
        classifier="test@1",
    )


@pytest.mark.parametrize(
    ("category", "route", "priority", "rule"),
    [
        (Category.QUESTION, Route.HUMAN, Priority.P3, "question"),
        (Category.COMPLAINT, Route.HUMAN, Priority.P2, "complaint"),
        (Category.PRAISE, Route.AUTO_ANSWER, Priority.P4, "praise"),
        (Category.SPAM, Route.MODERATE, Priority.P4, "spam"),
        (Category.ABUSE, Route.MODERATE, Priority.P3, "abuse"),
        (Category.CRISIS, Route.ESCALATE, Priority.P1, "crisis"),
        (Category.OTHER, Route.HUMAN, Priority.P4, "default"),
    ],
)
def test_default_routing(category: Category, route: Route, priority: Priority, rule: str) -> None:
    decision = decide(interaction(), classified(category), Policy(), NOW)
    assert (decision.route, decision.priority, decision.rule_id) == (route, priority, rule)


def test_first_matching_rule_wins_and_sets_deadlines() -> None:
    policy = Policy(
        routing=[
            RoutingRule(
                id="press",
                when=Match(keywords=("journaliste",)),
                then=Outcome(route=Route.ESCALATE, priority=Priority.P2, target="press-office"),
            ),
            *Policy().routing,
        ]
    )
    decision = decide(
        interaction("Je suis journaliste, une question ?"),
        classified(Category.QUESTION),
        policy,
        NOW,
    )
    assert decision.rule_id == "press" and decision.target == "press-office"
    assert decision.first_response_deadline == NOW + timedelta(hours=1)


def test_moderated_messages_have_no_response_deadline() -> None:
    decision = decide(interaction(), classified(Category.SPAM), Policy(), NOW)
    assert decision.moderation == (ModerationAction.HIDE,)
    assert decision.first_response_deadline is None


def test_unapproved_template_falls_back_to_a_human() -> None:
    policy = Policy(templates={"thanks": Template(texts={"fr": "Merci"}, approved=False)})
    decision = decide(interaction(), classified(Category.PRAISE), policy, NOW)
    assert decision.route is Route.HUMAN
    assert any("not approved" in r for r in decision.reasons)


def test_crisis_overrides_a_rule_that_would_hide_it() -> None:
    policy = Policy(
        routing=[
            RoutingRule(
                id="hide-negative",
                when=Match(categories=frozenset({Category.CRISIS})),
                then=Outcome(route=Route.MODERATE, moderation=(ModerationAction.HIDE,)),
            )
        ]
    )
    decision = decide(interaction(), classified(Category.CRISIS, Category.ABUSE), policy, NOW)
    assert decision.route is Route.ESCALATE and decision.priority is Priority.P1
    assert decision.moderation == ()
    assert decision.rule_id == CRISIS_RULE_ID
    assert decision.target == "on-call"
    assert decision.template_id == "crisis_support"


_rules = st.builds(
    RoutingRule,
    id=st.text(alphabet="abcdefgh", min_size=1, max_size=6),
    when=st.builds(Match, categories=st.frozensets(st.sampled_from(Category))),
    then=st.builds(
        Outcome,
        route=st.sampled_from(Route),
        priority=st.sampled_from(Priority),
        moderation=st.lists(st.sampled_from(ModerationAction), max_size=2).map(tuple),
    ),
)


@given(
    rules=st.lists(_rules, max_size=5, unique_by=lambda r: r.id),
    others=st.frozensets(st.sampled_from(Category)),
)
def test_no_routing_can_hide_or_delay_a_person_in_crisis(
    rules: list[RoutingRule], others: frozenset[Category]
) -> None:
    policy = Policy(routing=rules)
    decision = decide(interaction(), classified(Category.CRISIS, *others), policy, NOW)
    assert decision.route is Route.ESCALATE
    assert decision.priority is Priority.P1
    assert decision.moderation == ()
    assert decision.first_response_deadline == NOW + timedelta(minutes=15)


def test_critical_risk_alone_triggers_the_protocol() -> None:
    decision = decide(interaction(), classified(Category.OTHER, risk=Risk.CRITICAL), Policy(), NOW)
    assert decision.route is Route.ESCALATE and decision.priority is Priority.P1


def test_crisis_pages_the_crisis_target_even_when_another_escalation_rule_matches_first() -> None:
    press = RoutingRule(
        id="press",
        when=Match(keywords=("journaliste",)),
        then=Outcome(route=Route.ESCALATE, priority=Priority.P2, target="press-office"),
    )
    policy = Policy(routing=[press, *Policy().routing])
    text = "Je suis journaliste et j'ai envie d'en finir"
    decision = decide(interaction(text), classified(Category.CRISIS), policy, NOW)
    assert decision.target == "on-call" and decision.rule_id == CRISIS_RULE_ID


def test_a_thread_in_crisis_keeps_the_protocol_for_harmless_looking_messages() -> None:
    for later in (Category.PRAISE, Category.ABUSE, Category.SPAM):
        decision = decide(interaction(), classified(later), Policy(), NOW, thread_in_crisis=True)
        assert decision.route is Route.ESCALATE and decision.moderation == ()
        assert decision.priority is Priority.P1


@pytest.mark.parametrize(
    ("locale", "language", "expected_locale", "helpline"),
    [
        ("fr-CA", "fr", "fr-CA", "1 866 APPELLE"),
        ("fr_FR", "fr", "fr-FR", "3114"),
        ("en-US", "en", "en-US", "988"),
        ("en-GB", "en", "en-GB", "116 123"),
        (None, "fr", "fr-CA", "1 866 APPELLE"),
        (None, "und", "en-CA", "988"),
        ("es-MX", "en", "en-CA", "988"),
    ],
)
def test_crisis_message_for_locale(
    locale: str | None, language: str, expected_locale: str, helpline: str
) -> None:
    chosen, text = Policy().crisis.message_for(locale, language)
    assert chosen == expected_locale
    assert helpline in text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("15m", timedelta(minutes=15)),
        ("4h", timedelta(hours=4)),
        ("2s", timedelta(seconds=2)),
        ("7d", timedelta(days=7)),
        ("1.5h", timedelta(minutes=90)),
        ("500ms", timedelta(seconds=0.5)),
    ],
)
def test_durations(raw: str, expected: timedelta) -> None:
    assert parse_duration(raw) == expected


def test_escalation_levels_run_out() -> None:
    policy = Policy()
    assert escalation_level(policy, 0) is not None
    assert escalation_level(policy, len(policy.escalation)) is None


def test_sla_of_one_priority_keeps_the_others() -> None:
    policy = Policy.model_validate({"sla": {"P2": {"first_response": "2s"}}})
    assert policy.sla[Priority.P2].first_response == timedelta(seconds=2)
    assert policy.sla[Priority.P4].first_response == timedelta(hours=24)


def test_duplicate_rule_ids_are_refused() -> None:
    rule = {"id": "x", "then": {"route": "human"}}
    with pytest.raises(ValueError, match="duplicate rule id"):
        Policy.model_validate({"routing": [rule, rule]})


def test_sentiment_and_author_lists_match() -> None:
    rule = Match(
        sentiments=frozenset({SentimentLabel.NEGATIVE}), authors=frozenset({"@Press_Desk"})
    )
    angry = classified(Category.COMPLAINT).model_copy(
        update={"sentiment": Sentiment(label=SentimentLabel.NEGATIVE, score=-0.8)}
    )
    press = interaction("Nous publions demain").model_copy(
        update={"author": Author(id="u-7", handle="press_desk")}
    )
    assert rule.matches(press, angry)
    assert not rule.matches(interaction(), angry)  # another author
    assert not rule.matches(press, classified(Category.COMPLAINT))  # neutral


def test_templates_render_known_variables_and_refuse_unknown_ones() -> None:
    template = Template(texts={"fr": "Merci {author} ({handle}) sur {platform} !"}, approved=True)
    someone = interaction().model_copy(
        update={"author": Author(id="a", handle="lucie.b", display_name="Lucie B.")}
    )
    assert template.render("en", someone) == "Merci Lucie B. (lucie.b) sur jsonl !"
    with pytest.raises(ValueError, match=r"\{prenom\}"):
        Template(texts={"fr": "Merci {prenom} !"})


def test_an_escalate_rule_without_target_pages_the_first_level() -> None:
    policy = Policy(
        routing=[RoutingRule(id="all", then=Outcome(route=Route.ESCALATE, priority=Priority.P2))]
    )
    decision = decide(interaction(), classified(Category.QUESTION), policy, NOW)
    assert immediate_target(decision, policy) == "team-lead"


def test_unapproved_template_is_kept_as_a_draft_for_the_human_route() -> None:
    policy = Policy(templates={"thanks": Template(texts={"fr": "Merci"}, approved=False)})
    decision = decide(interaction(), classified(Category.PRAISE), policy, NOW)
    assert decision.route is Route.HUMAN and decision.template_id == "thanks"
    missing = Policy(templates={})
    assert decide(interaction(), classified(Category.PRAISE), missing, NOW).template_id is None
