"""X API answers turned into the typed errors of :mod:`connecteurs.errors`.

X speaks three dialects of failure, all handled here:

* v2 RFC 7807 problems: ``{"title", "detail", "type": "https://api.x.com/2/problems/<kind>"}``
  (``https://api.twitter.com/2/problems/…`` in older answers), sometimes inside ``errors[]``;
* **HTTP 200 with only ``errors``** when a lookup finds nothing ("Partial errors": a deleted
  Post is ``resource-not-found``);
* v1.1-style ``{"errors": [{"code": 88, "message": "Rate limit exceeded"}]}``.

Sources:
    https://docs.x.com/x-api/fundamentals/response-codes-and-errors
    https://developer.x.com/en/support/x-api/error-troubleshooting
    https://docs.x.com/x-api/fundamentals/rate-limits (``x-rate-limit-reset``, Unix seconds)
"""

from __future__ import annotations

from collections.abc import Iterable

import httpx
from pydantic import ValidationError

from connecteurs.errors import (
    AuthError,
    ConnecteurError,
    InvalidRequest,
    NotFound,
    RateLimited,
    TransientError,
)
from connecteurs.http import describe, retry_after
from connecteurs.x.payloads import Problem, ProblemBody

#: Problem kinds that say the app or token lacks access: a new token or plan fixes them.
#: (``oauth1-permissions``: "client app is not configured with the appropriate oauth1 app
#: permissions", seen in the wild rather than in the error table.)
AUTH_KINDS = frozenset({"client-forbidden", "unsupported-authentication", "oauth1-permissions"})
THROTTLE_KINDS = frozenset({"rate-limit-exceeded", "usage-capped"})
#: v1.1 codes: 88 rate limit; 144/8/34 no such status/page; 385 reply to a deleted Post.
THROTTLE_CODES = frozenset({88})
GONE_CODES = frozenset({8, 34, 144, 385})
#: The text X sends (v1.1 code 385 and its v2 403 twin) when the replied-to Post is gone.
GONE_TEXT = "deleted or not visible"


def problem_kind(problem: Problem) -> str:
    """``resource-not-found`` for ``https://api.x.com/2/problems/resource-not-found``."""
    marker = "/problems/"
    return problem.type.split(marker, 1)[1] if marker in problem.type else ""


def read_problem(response: httpx.Response) -> ProblemBody | None:
    try:
        return ProblemBody.model_validate(response.json())
    except (ValueError, ValidationError):
        return None


def _problems(body: ProblemBody | None) -> list[Problem]:
    return [] if body is None else [body, *body.errors]


def _detail(problems: Iterable[Problem]) -> str:
    """The platform's own words, short: never a URL, never a header value."""
    for problem in problems:
        text = problem.detail or problem.message or problem.title
        if text:
            return text[:200]
    return ""


def _is_gone(problems: list[Problem]) -> bool:
    return any(
        problem_kind(p) == "resource-not-found"
        or p.code in GONE_CODES
        or GONE_TEXT in (p.detail + p.message).lower()
        for p in problems
    )


def problem_kinds(response: httpx.Response) -> set[str]:
    """The problem kinds (``client-forbidden``…) an answer carries."""
    return {problem_kind(p) for p in _problems(read_problem(response))}


def detail_of(response: httpx.Response) -> str:
    """X's own short description of a failed answer."""
    return _detail(_problems(read_problem(response)))


def error_for(response: httpx.Response) -> ConnecteurError | None:
    """The typed error an X answer means, or ``None`` when it is a success."""
    body = read_problem(response)
    problems = _problems(body)
    kinds = {problem_kind(p) for p in problems}
    detail = _detail(p for p in problems if p.detail or p.message or p.title)
    message = describe(response) + (f": {detail}" if detail else "")
    status = response.status_code
    if response.is_success:
        # A lookup that found nothing answers 200 with `errors` and no `data`.
        if body is None or not body.errors or body.data is not None:
            return None
        if _is_gone(body.errors):
            return NotFound(message)
        if kinds & AUTH_KINDS:
            return AuthError(message)
        return InvalidRequest(message)
    if status == 429 or kinds & THROTTLE_KINDS or any(p.code in THROTTLE_CODES for p in problems):
        return RateLimited(retry_after(response.headers, "x-rate-limit-reset"), message)
    if status == 401:
        return AuthError(message)
    if status in (404, 410) or _is_gone(problems):
        return NotFound(message)
    if status == 403:
        # Missing access (plan, scope, enrolment) vs a refused action (duplicate text, not
        # the account's conversation, reply restrictions): only the first is an auth problem.
        return AuthError(message) if kinds & AUTH_KINDS else InvalidRequest(message)
    if status >= 500 or status == 408:
        return TransientError(message)
    return InvalidRequest(message)
