"""A Mastodon instance for tests: the routes the connector uses, checked as Mastodon checks
them, with Mastodon's documented error bodies (entities/Error) and rate-limit headers.

State: the statuses it knows (the fixtures plus what the connector posts), the
notifications of the account, idempotency keys seen (as Mastodon keeps them for an hour)
and blocked accounts.

The channel's state, as tests set it (the same names on every fake):

- ``token_revoked``: every call answers 401 "The access token is invalid".
- ``token_expires_at``: from then on the token is refused the same way. Mastodon tokens do
  not expire (api/oauth-tokens), so the API never announces it: this stands for a
  revocation at a known time, and the connector still reports no expiry.
- ``missing_scopes``: scopes the app was registered without (of
  ``fixtures/app_verify_credentials.json``): ``apps/verify_credentials`` leaves them out and
  the calls that need them answer 403 "This action is outside the authorized scopes".

Admin webhooks have no API that says whether they are enabled: there is no
``subscription_active`` here.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote

import httpx

from connecteurs.testing import Failure, FakePlatform

FIXTURES = Path(__file__).parent / "fixtures"

#: The account the fixtures are addressed to (``trwnh`` in the docs' examples).
ACCOUNT_ID = "14715"
ACCOUNT = {
    "id": ACCOUNT_ID,
    "username": "trwnh",
    "acct": "trwnh",
    "display_name": "infinite love ⴳ",
    "url": "https://mastodon.social/@trwnh",
}
TOKEN = "test-mastodon-token-7c2e9a41d5"
VISIBILITIES = ("public", "unlisted", "private", "direct")
_MENTION = re.compile(r"@([\w.-]+)(?:@[\w.-]+)?")


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


#: The scopes the fake's app was registered with (the connector's granular scopes).
APP_SCOPES = frozenset(fixture("app_verify_credentials.json")["scopes"])


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, headers=headers, json={"error": message})


def _id_order(value: str) -> tuple[int, str]:
    return (len(value), value)


def _scopes_needed(request: httpx.Request) -> frozenset[str]:
    """The scopes (any one of them) each route needs, from its page in methods/;
    ``apps/verify_credentials`` takes any valid token since 4.3."""
    path, method = request.url.path, request.method
    if path == "/api/v1/accounts/verify_credentials":
        return frozenset({"profile", "read:accounts"})
    if path == "/api/v1/notifications":
        return frozenset({"read:notifications"})
    if path.startswith("/api/v1/accounts/") and path.endswith("/statuses"):
        # methods/accounts#statuses: public without a token; a token needs read:statuses.
        return frozenset({"read:statuses"})
    if path.startswith("/api/v1/statuses"):
        return frozenset({"write:statuses" if method == "POST" else "read:statuses"})
    if path.endswith("/block"):
        return frozenset({"write:blocks"})
    return frozenset()


@dataclass
class FakeMastodon(FakePlatform):
    token: str = TOKEN
    account: dict[str, Any] = field(default_factory=lambda: dict(ACCOUNT))
    statuses: dict[str, dict[str, Any]] = field(default_factory=dict)
    notifications: list[dict[str, Any]] = field(default_factory=list)
    idempotency: dict[str, str] = field(default_factory=dict)
    blocked: set[str] = field(default_factory=set)
    #: Ids of the statuses the connector created, in order.
    posted: list[str] = field(default_factory=list)
    #: Whether ``types[]`` is applied (Mastodon < 3.5 ignored it and sent every type).
    honour_types: bool = True
    #: Seconds until ``X-RateLimit-Reset`` in a RATE_LIMITED answer.
    reset_in: float = 120.0
    #: The channel's state (see the module docstring).
    token_revoked: bool = False
    token_expires_at: datetime | None = None
    missing_scopes: set[str] = field(default_factory=set)
    _next_id: int = 111400000000000000

    def __post_init__(self) -> None:
        for item in fixture("statuses.json"):
            self.statuses[item["id"]] = item
        self.add_notifications(fixture("notifications.json"))
        self.route("GET", r"/api/v1/notifications", self._notifications)
        self.route("GET", r"/api/v1/accounts/([^/]+)/statuses", self._account_statuses)
        self.route("GET", r"/api/v1/statuses/([^/]+)/context", self._context)
        self.route("GET", r"/api/v1/statuses/([^/]+)", self._status)
        self.route("POST", r"/api/v1/statuses", self._create_status)
        self.route("POST", r"/api/v1/accounts/([^/]+)/block", self._block)
        self.route("GET", r"/api/v1/accounts/verify_credentials", self._verify_account)
        self.route("GET", r"/api/v1/apps/verify_credentials", self._verify_app)

    def add_statuses(self, items: list[dict[str, Any]]) -> None:
        """Statuses that exist on the instance (the account's own ones show in its
        statuses, the others only through threads and notifications)."""
        for item in items:
            self.statuses[item["id"]] = item

    def add_notifications(self, items: list[dict[str, Any]]) -> None:
        for item in items:
            self.notifications.append(item)
            if item.get("status"):
                self.statuses[item["status"]["id"]] = item["status"]

    # -- Mastodon's checks ---------------------------------------------------------------

    async def handle(self, request: httpx.Request) -> httpx.Response:
        refused = None if self.pending else self._refusal(request)
        if refused is not None:
            self.requests.append(request)
            return refused
        return await super().handle(request)

    @property
    def granted_scopes(self) -> frozenset[str]:
        return APP_SCOPES - self.missing_scopes

    def token_works(self, request: httpx.Request) -> bool:
        if request.headers.get("authorization") != f"Bearer {self.token}" or self.token_revoked:
            return False
        return self.token_expires_at is None or datetime.now(UTC) < self.token_expires_at

    def _refusal(self, request: httpx.Request) -> httpx.Response | None:
        if not self.token_works(request):
            # methods/notifications, 401: "Invalid or missing Authorization header."
            return _error(401, "The access token is invalid")
        needs = _scopes_needed(request)
        if needs and not needs & self.granted_scopes:
            # methods/accounts (403: "Token is missing a required scope").
            return _error(403, "This action is outside the authorized scopes")
        return None

    def failure(self, failure: Failure, request: httpx.Request) -> httpx.Response:
        if failure is Failure.RATE_LIMITED:
            # api/rate-limits: X-RateLimit-* headers, the reset as an ISO 8601 time; the body
            # is what Mastodon's Rack::Attack responder sends.
            reset = datetime.now(UTC) + timedelta(seconds=self.reset_in)
            headers = {
                "X-RateLimit-Limit": "300",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": reset.isoformat(timespec="microseconds").replace(
                    "+00:00", "Z"
                ),
            }
            return _error(429, "Too many requests", headers)
        if failure is Failure.EXPIRED_TOKEN:
            return _error(401, "The access token is invalid")
        if failure is Failure.NOT_FOUND:
            return _error(404, "Record not found")
        # The docs give no 5xx body; instances sit behind a proxy that answers with a page.
        return httpx.Response(
            503, headers={"content-type": "text/html"}, text="<h1>503 Service Unavailable</h1>"
        )

    def not_routed(self, request: httpx.Request) -> httpx.Response:
        return _error(404, "Record not found")

    # -- routes --------------------------------------------------------------------------

    def _notifications(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        query = request.url.params
        types = query.get_list("types[]")
        since_id, max_id, min_id = (query.get(k) for k in ("since_id", "max_id", "min_id"))
        try:
            limit = min(int(query.get("limit", "40")), 80)
        except ValueError:
            return _error(400, "limit is not a number")
        items = sorted(self.notifications, key=lambda n: _id_order(n["id"]), reverse=True)
        if types and self.honour_types:
            items = [n for n in items if n["type"] in types]
        if since_id:
            items = [n for n in items if _id_order(n["id"]) > _id_order(since_id)]
        if min_id:
            items = [n for n in items if _id_order(n["id"]) > _id_order(min_id)][-limit:]
        if max_id:
            items = [n for n in items if _id_order(n["id"]) < _id_order(max_id)]
        return httpx.Response(200, json=items[:limit])

    def _account_statuses(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        """methods/accounts#statuses: the account's statuses, newest first; ``limit``
        (default 20, max 40), ``since_id``, ``max_id``, ``exclude_reblogs``."""
        account_id = unquote(match.group(1))
        query = request.url.params
        try:
            limit = min(int(query.get("limit", "20")), 40)
        except ValueError:
            return _error(400, "limit is not a number")
        items = [s for s in self.statuses.values() if s["account"]["id"] == account_id]
        if query.get("exclude_reblogs") == "true":
            items = [s for s in items if not s.get("reblog")]
        items.sort(key=lambda s: _id_order(s["id"]), reverse=True)
        since_id, max_id = query.get("since_id"), query.get("max_id")
        if since_id:
            items = [s for s in items if _id_order(s["id"]) > _id_order(since_id)]
        if max_id:
            items = [s for s in items if _id_order(s["id"]) < _id_order(max_id)]
        return httpx.Response(200, json=items[:limit])

    def _status(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        status = self.statuses.get(unquote(match.group(1)))
        if status is None:
            return _error(404, "Record not found")
        return httpx.Response(200, json=status)

    def _context(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        status_id = unquote(match.group(1))
        if status_id not in self.statuses:
            return _error(404, "Record not found")
        ancestors: list[dict[str, Any]] = []
        parent = self.statuses[status_id].get("in_reply_to_id")
        while parent in self.statuses:
            ancestors.insert(0, self.statuses[parent])
            parent = self.statuses[parent].get("in_reply_to_id")
        descendants: list[dict[str, Any]] = []
        frontier = [status_id]
        while frontier:
            current = frontier.pop(0)
            children = [s for s in self.statuses.values() if s.get("in_reply_to_id") == current]
            descendants.extend(children)
            frontier.extend(s["id"] for s in children)
        return httpx.Response(200, json={"ancestors": ancestors, "descendants": descendants})

    def _create_status(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        key = request.headers.get("idempotency-key")
        if key and key in self.idempotency:
            # methods/statuses: a repeated Idempotency-Key returns the same status.
            return httpx.Response(200, json=self.statuses[self.idempotency[key]])
        text = form.get("status", "")
        if not text.strip():
            return _error(422, "Validation failed: Text can't be blank")
        visibility = form.get("visibility", "public")
        if visibility not in VISIBILITIES:
            return _error(422, "Validation failed: Visibility is not included in the list")
        reply_to = form.get("in_reply_to_id")
        parent = self.statuses.get(reply_to) if reply_to else None
        if reply_to and parent is None:
            return _error(404, "Record not found")
        self._next_id += 1
        status = self._render(str(self._next_id), text, visibility, parent)
        self.statuses[status["id"]] = status
        self.posted.append(status["id"])
        if key:
            self.idempotency[key] = status["id"]
        return httpx.Response(200, json=status)

    def _block(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        account_id = unquote(match.group(1))
        known = {s["account"]["id"] for s in self.statuses.values()}
        if account_id not in known:
            return _error(404, "Record not found")
        self.blocked.add(account_id)
        relationship = {"id": account_id, "following": False, "blocking": True, "muting": False}
        return httpx.Response(200, json=relationship)

    def _verify_account(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        account = fixture("verify_credentials.json")
        account.update(self.account)
        return httpx.Response(200, json=account)

    def _verify_app(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        app = fixture("app_verify_credentials.json")
        app["scopes"] = [s for s in app["scopes"] if s in self.granted_scopes]
        return httpx.Response(200, json=app)

    # -- helpers -------------------------------------------------------------------------

    def _render(
        self, status_id: str, text: str, visibility: str, parent: dict[str, Any] | None
    ) -> dict[str, Any]:
        """A Status as Mastodon stores a posted text: HTML paragraphs, mentions as h-cards
        showing the short username (``@alice@example.org`` is displayed ``@alice``)."""

        def card(found: re.Match[str]) -> str:
            return (
                '<span class="h-card"><a href="https://example.invalid/@'
                f'{escape(found.group(1))}" class="u-url mention">@<span>'
                f"{escape(found.group(1))}</span></a></span>"
            )

        paragraphs = [
            "<p>" + _MENTION.sub(card, escape(p, quote=False)).replace("\n", "<br />") + "</p>"
            for p in text.split("\n\n")
        ]
        return {
            "id": status_id,
            "created_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "in_reply_to_id": parent["id"] if parent else None,
            "in_reply_to_account_id": parent["account"]["id"] if parent else None,
            "visibility": visibility,
            "spoiler_text": "",
            "language": None,
            "uri": f"https://mastodon.social/users/trwnh/statuses/{status_id}",
            "url": f"https://mastodon.social/@trwnh/{status_id}",
            "content": "".join(paragraphs),
            "account": copy.deepcopy(self.account),
            "mentions": [],
            "media_attachments": [],
            "reblog": None,
        }

    # -- for assertions ------------------------------------------------------------------

    def created(self) -> list[dict[str, Any]]:
        """Statuses the connector posted, oldest first."""
        return [self.statuses[i] for i in self.posted]
