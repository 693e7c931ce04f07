"""Channel health policy: pure functions from what a check found to a status and reasons.

No I/O and no clock (``now`` is given), so the health workflow replays the same verdicts and
the rules are tested without Temporal. The worst problem sets the status: a channel that
misses messages or whose actions are refused is ``down``; one that works but will break
(a token about to expire) or looks wrong (silence, repeated failures) is ``degraded``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from activites.models import ChannelFacts, ChannelFailure
from workflows.models import ChannelSettings, HealthProblem, HealthStatus

_SEVERITY = (HealthStatus.UNKNOWN, HealthStatus.HEALTHY, HealthStatus.DEGRADED, HealthStatus.DOWN)
RECHECK = "then run `passerelle channels recheck {account}`"
AUTH_CODE = "auth"
TRANSIENT_CODES = frozenset({"rate_limited", "transient", "retryable"})


@dataclass(frozen=True)
class Observations:
    """What the workflow itself remembers between checks."""

    auth_failure: ChannelFailure | None = None  # an action refused for auth, not yet cleared
    recent_failures: int = 0  # other permanent action failures within the window
    unreachable: int = 0  # checks in a row that could not ask the platform
    unreachable_error: str | None = None  # what the last of them said
    watched_since: datetime | None = None  # when watching began (silence counts from it)


def worst(problems: Sequence[HealthProblem]) -> HealthStatus:
    if not problems:
        return HealthStatus.HEALTHY
    return max((p.status for p in problems), key=_SEVERITY.index)


def assess(
    facts: ChannelFacts | None,
    seen: Observations,
    settings: ChannelSettings,
    now: datetime,
    *,
    account: str,
) -> tuple[HealthProblem, ...]:
    """Every problem the facts and observations show, most severe first."""
    then = RECHECK.format(account=account)
    guidance = (facts.reauthorize if facts else "") or "renew the account's access token"
    problems: list[HealthProblem] = []
    if facts is not None:
        problems += _credentials(facts, settings, now, guidance, then)
        problems += _traffic(facts, settings, now, seen, then)
        if (
            facts.error_code is not None
            and facts.error_code != AUTH_CODE
            and (facts.error_code not in TRANSIENT_CODES)
        ):
            problems.append(
                HealthProblem(
                    code="check_failed",
                    status=HealthStatus.DEGRADED,
                    reason=f"the channel could not be checked ({facts.error_code}): {facts.error}",
                    fix="check the account's settings and options in the config (the error "
                    f"says which); {then}",
                )
            )
        if seen.unreachable >= settings.unreachable_after:
            problems.append(
                HealthProblem(
                    code="unreachable",
                    status=HealthStatus.DEGRADED,
                    reason=f"the platform could not be asked {seen.unreachable} times in a row: "
                    f"{seen.unreachable_error or facts.error}",
                    fix="usually passes by itself (rate limit, outage); if it lasts, check "
                    "the platform's status page and the worker's network",
                )
            )
    if seen.auth_failure is not None and not _same_auth(facts):
        failure = seen.auth_failure
        problems.append(
            HealthProblem(
                code="action_refused",
                status=HealthStatus.DOWN,
                reason=f"the platform refused a {failure.action} for lack of authorization: "
                f"{failure.message}",
                fix=f"{guidance}; {then} (parked interactions resume)",
            )
        )
    if seen.recent_failures >= settings.failures_degraded:
        problems.append(
            HealthProblem(
                code="actions_failing",
                status=HealthStatus.DEGRADED,
                reason=f"{seen.recent_failures} actions failed for good within "
                f"{_span(settings.failure_window)}",
                fix="see the parked actions with `passerelle list --state awaiting_response` "
                "and the worker's log for the platform's error",
            )
        )
    return tuple(sorted(problems, key=lambda p: -_SEVERITY.index(p.status)))


def _same_auth(facts: ChannelFacts | None) -> bool:
    """The check itself saw the refused token: one problem, not two."""
    return facts is not None and (
        facts.error_code == AUTH_CODE
        or (facts.check is not None and facts.check.token_valid is False)
    )


def _credentials(
    facts: ChannelFacts, settings: ChannelSettings, now: datetime, guidance: str, then: str
) -> list[HealthProblem]:
    if facts.error_code == AUTH_CODE:
        return [
            HealthProblem(
                code="token_refused",
                status=HealthStatus.DOWN,
                reason=f"the platform refused the credentials: {facts.error}",
                fix=f"{guidance}; {then}",
            )
        ]
    check = facts.check
    if check is None:
        return []
    problems: list[HealthProblem] = []
    expires = check.token_expires_at
    if check.token_valid is False or (expires is not None and expires <= now):
        when = f" (expired {expires.isoformat(timespec='minutes')})" if expires else ""
        problems.append(
            HealthProblem(
                code="token_expired",
                status=HealthStatus.DOWN,
                reason=f"the access token is no longer valid{when}",
                fix=f"{guidance}; {then}",
            )
        )
    elif expires is not None and expires - now <= settings.warn_before_expiry:
        problems.append(
            HealthProblem(
                code="token_expiring",
                status=HealthStatus.DEGRADED,
                reason=f"the access token expires in {_span(expires - now)} "
                f"({expires.isoformat(timespec='minutes')})",
                fix=f"renew it before then: {guidance}; {then}",
            )
        )
    if check.scopes_missing:
        problems.append(
            HealthProblem(
                code="missing_permission",
                status=HealthStatus.DEGRADED,
                reason=f"the token lacks permission(s) {', '.join(check.scopes_missing)}: "
                "the actions that need them will be refused",
                fix=f"grant {', '.join(check.scopes_missing)} and renew the token: {guidance}; "
                f"{then}",
            )
        )
    if check.subscription_active is False:
        detail = f" ({check.detail})" if check.detail else ""
        problems.append(
            HealthProblem(
                code="subscription_inactive",
                status=HealthStatus.DOWN,
                reason=f"the platform no longer sends this account's webhooks{detail}: "
                "new comments and messages are not received",
                fix=f"subscribe the app to the account's webhooks again in the platform's "
                f"developer console (it disables them after failed deliveries: check the "
                f"gateway's /readyz and logs first); {then}",
            )
        )
    return problems


def _traffic(
    facts: ChannelFacts, settings: ChannelSettings, now: datetime, seen: Observations, then: str
) -> list[HealthProblem]:
    activity = facts.activity
    problems: list[HealthProblem] = []
    if activity.poll_error:
        problems.append(
            HealthProblem(
                code="poller_parked",
                status=HealthStatus.DOWN,
                reason=f"polling is parked: {activity.poll_error}",
                fix=f"fix the cause, then `passerelle channels recheck` wakes the poller; {then}",
            )
        )
    quiet = settings.quiet_period
    if quiet is not None:
        since = activity.last_event_at or seen.watched_since
        if since is not None and now - since > quiet:
            heard = (
                f"no interaction since {since.isoformat(timespec='minutes')}"
                if activity.last_event_at
                else f"no interaction at all since watching began "
                f"({since.isoformat(timespec='minutes')})"
            )
            problems.append(
                HealthProblem(
                    code="silent",
                    status=HealthStatus.DEGRADED,
                    reason=f"{heard}, longer than the expected quiet period of {_span(quiet)}",
                    fix="check that the platform still delivers (webhook subscription, "
                    "gateway reachable from the internet, poller running); raise "
                    "quiet_period for an account that is quiet by nature",
                )
            )
    return problems


def _span(delta: timedelta) -> str:
    """``3 days``, ``5 h``, ``12 min``: enough to read an alert at a glance."""
    seconds = int(delta.total_seconds())
    if seconds >= 2 * 86400:
        return f"{seconds // 86400} days"
    if seconds >= 3600:
        return f"{seconds // 3600} h"
    return f"{max(seconds // 60, 0)} min"
