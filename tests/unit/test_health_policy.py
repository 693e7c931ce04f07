"""The channel-health policy, without Temporal: facts in, problems and a status out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from activites.models import ChannelActivity, ChannelFacts, ChannelFailure
from connecteurs.models import ChannelCheck, Platform
from workflows.health import Observations, assess, worst
from workflows.models import ChannelSettings, HealthStatus

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
SETTINGS = ChannelSettings(quiet_period=timedelta(days=2))
NOTHING_SEEN = Observations()
GUIDE = "Renew page_token in Meta Business Suite with pages_manage_engagement"


def judge(
    facts: ChannelFacts | None,
    seen: Observations = NOTHING_SEEN,
    settings: ChannelSettings = SETTINGS,
) -> tuple[HealthStatus, dict[str, str]]:
    problems = assess(facts, seen, settings, NOW, account="page-1")
    return worst(problems), {p.code: f"{p.reason} || {p.fix}" for p in problems}


def facts(check: ChannelCheck | None = None, **activity: object) -> ChannelFacts:
    return ChannelFacts(
        check=check if check is not None else ChannelCheck(token_valid=True),
        reauthorize=GUIDE,
        activity=ChannelActivity.model_validate(
            {"last_event_at": NOW - timedelta(hours=1)} | activity
        ),
    )


def test_a_working_channel_is_healthy() -> None:
    assert judge(facts()) == (HealthStatus.HEALTHY, {})


def test_a_refused_token_is_down_with_the_connectors_guidance() -> None:
    refused = ChannelFacts(
        error_code="auth", error="(#190) Error validating access token", reauthorize=GUIDE
    )
    status, problems = judge(refused)
    assert status is HealthStatus.DOWN
    assert "190" in problems["token_refused"]
    assert GUIDE in problems["token_refused"]
    assert "passerelle channels recheck page-1" in problems["token_refused"]


def test_expiry_in_the_past_or_invalid_flag_is_down() -> None:
    for check in (
        ChannelCheck(token_valid=False),
        ChannelCheck(token_valid=True, token_expires_at=NOW - timedelta(minutes=1)),
    ):
        status, problems = judge(facts(check))
        assert status is HealthStatus.DOWN and "token_expired" in problems, check


def test_a_token_expiring_within_the_warning_window_degrades_first() -> None:
    status, problems = judge(
        facts(ChannelCheck(token_valid=True, token_expires_at=NOW + timedelta(days=3)))
    )
    assert status is HealthStatus.DEGRADED
    assert "3 days" in problems["token_expiring"]
    far = facts(ChannelCheck(token_valid=True, token_expires_at=NOW + timedelta(days=30)))
    assert judge(far) == (HealthStatus.HEALTHY, {})


def test_a_disabled_subscription_is_down_and_missing_scopes_degrade() -> None:
    status, problems = judge(facts(ChannelCheck(token_valid=True, subscription_active=False)))
    assert status is HealthStatus.DOWN and "subscription_inactive" in problems
    status, problems = judge(
        facts(ChannelCheck(token_valid=True, scopes_missing=("pages_messaging",)))
    )
    assert status is HealthStatus.DEGRADED
    assert "pages_messaging" in problems["missing_permission"]


def test_silence_longer_than_the_quiet_period_degrades() -> None:
    status, problems = judge(facts(last_event_at=NOW - timedelta(days=3)))
    assert status is HealthStatus.DEGRADED and "silent" in problems
    # Never heard anything: silence counts from when watching began.
    status, problems = judge(
        facts(last_event_at=None), Observations(watched_since=NOW - timedelta(days=3))
    )
    assert status is HealthStatus.DEGRADED and "at all" in problems["silent"]
    assert (
        judge(facts(last_event_at=None), Observations(watched_since=NOW))[0] is HealthStatus.HEALTHY
    )
    quiet_off = ChannelSettings(quiet_period=None)
    assert (
        judge(facts(last_event_at=NOW - timedelta(days=300)), settings=quiet_off)[0]
        is HealthStatus.HEALTHY
    )


def test_an_action_refused_for_auth_is_down_even_if_the_check_passes() -> None:
    failure = ChannelFailure(
        platform=Platform.FACEBOOK,
        account="page-1",
        code="auth",
        message="(#200) Requires pages_manage_engagement permission",
        action="reply",
        workflow_id="interaction/facebook/page-1/c1",
        at=NOW,
    )
    status, problems = judge(facts(), Observations(auth_failure=failure))
    assert status is HealthStatus.DOWN
    assert (
        "reply" in problems["action_refused"]
        and "parked interactions resume" in problems["action_refused"]
    )
    # The check saw the same refusal: one problem, not two.
    refused = ChannelFacts(error_code="auth", error="expired", reauthorize=GUIDE)
    assert set(judge(refused, Observations(auth_failure=failure))[1]) == {"token_refused"}


def test_unreachable_platform_and_failing_actions_degrade_only_when_repeated() -> None:
    down = ChannelFacts(error_code="transient", error="503 Service Unavailable")
    assert judge(down, Observations(unreachable=1))[0] is HealthStatus.HEALTHY
    status, problems = judge(down, Observations(unreachable=2))
    assert status is HealthStatus.DEGRADED and "503" in problems["unreachable"]
    assert judge(facts(), Observations(recent_failures=2))[0] is HealthStatus.HEALTHY
    assert "actions_failing" in judge(facts(), Observations(recent_failures=3))[1]


def test_a_parked_poller_is_down() -> None:
    status, problems = judge(facts(polled=True, poll_error="AuthError: token revoked"))
    assert status is HealthStatus.DOWN and "token revoked" in problems["poller_parked"]


def test_nothing_checked_and_nothing_heard_has_no_problem() -> None:
    assert judge(None) == (HealthStatus.HEALTHY, {})


def test_the_platforms_own_detail_reaches_the_reason() -> None:
    _, problems = judge(
        facts(ChannelCheck(token_valid=True, subscription_active=False, detail="app 42"))
    )
    assert "app 42" in problems["subscription_inactive"]


def test_a_check_that_fails_otherwise_degrades_with_the_reason() -> None:
    refused = ChannelFacts(
        error_code="invalid_request", error="the relay offers no STARTTLS but starttls = true"
    )
    status, problems = judge(refused)
    assert status is HealthStatus.DEGRADED
    assert "STARTTLS" in problems["check_failed"]
