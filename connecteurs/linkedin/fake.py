"""A fake LinkedIn REST API for the connector's tests and the conformance kit.

It serves what the connector calls — the Comments API (get, list, create, delete), the Posts
API (get) and the notifications pull finder — checks requests the way LinkedIn does (bearer
token, ``LinkedIn-Version``, ``X-Restli-Protocol-Version: 2.0.0``, percent-encoded URNs in
the path, required comment fields, the organization as actor) and keeps the comments it is
given, so replies and deletions are visible to later calls.

Error bodies follow the error-handling page's shape ``{"status", "serviceErrorCode",
"code", "message"}``; 429 carries no rate-limit headers (the rate-limits page documents none).

Channel health: the token introspection (``POST /oauth/v2/introspectToken``, form
``client_id``, ``client_secret``, ``token``; answer ``{active, status, scope, expires_at, …}``,
https://learn.microsoft.com/en-us/linkedin/shared/authentication/token-introspection) and the
event subscription read by key (``GET /rest/eventSubscriptions/(developerApplication:…,user:…,
entity:…,eventType:ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS)``; the answer's fields beyond its
existence are not documented in what we could read, so the fake answers a small object and the
connector only reads 200 vs 404). The channel's state is set on the instance:
``token_expires_at`` (in the past: every API call answers 401 EXPIRED_ACCESS_TOKEN and the
introspection ``active: false, status: expired``), ``token_revoked`` (401 REVOKED_ACCESS_TOKEN;
introspection ``status: revoked``), ``missing_scopes`` (left out of the introspected ``scope``;
an endpoint needing one answers 403 ACCESS_DENIED, as the error-handling page says for a token
without the permission) and ``subscription_active`` (``False``: the subscription read is 404).
"""

from __future__ import annotations

import itertools
import json
import re
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

import httpx

from connecteurs.testing import Failure, FakePlatform

FAKE_ORG_ID = "2414183"
FAKE_ORG_URN = f"urn:li:organization:{FAKE_ORG_ID}"
FAKE_ACCESS_TOKEN = "test-linkedin-access-token-5b8e2f1a"
FAKE_CLIENT_SECRET = "test-linkedin-client-secret-3f9c1e77"
FAKE_CLIENT_ID = "86abcdefgh1234"
FAKE_APPLICATION_ID = "123456"
FAKE_SUBSCRIBER = "zLqTygBP8S"
WEBHOOK_URL = "https://passerelle.example/webhooks/linkedin"
#: The permissions an administrator grants the app (introspection's ``scope``).
GRANTED_SCOPES = ("rw_organization_admin", "r_organization_social", "w_organization_social")
ADMIN = frozenset({"rw_organization_admin"})
READ = frozenset({"r_organization_social"})
WRITE = frozenset({"w_organization_social"})

#: The organization's post and the member comments on it the fixtures talk about.
POST_URN = "urn:li:activity:7094637247890620418"
SHARE_URN = "urn:li:share:7094637247487995904"
MEMBER_URN = "urn:li:person:zLqTygBP8S"
OTHER_MEMBER_URN = "urn:li:person:a1B2c3D4e5"
COMMENT_ID = "7094977717598625792"
COMMENT_URN = f"urn:li:comment:({POST_URN},{COMMENT_ID})"
REPLY_ID = "7094980000000000001"
REPLY_URN = f"urn:li:comment:({POST_URN},{REPLY_ID})"
MENTION_POST_URN = "urn:li:share:7099999999999999999"
MENTION_TEXT = "Great onboarding session with @Passerelle Demo today!"
COMMENT_TEXT = "Commenting as Sumit Butola..."
REPLY_TEXT = "Same question here: when does the beta open?"
BASE_TIME_MS = 1691574506310

_VERSION = re.compile(r"^\d{6}(\.\d{2})?$")
_RANGE = re.compile(r"^\(start:(?P<start>\d+),end:(?P<end>\d+)\)$")
_LIST = re.compile(r"^List\((?P<items>[A-Z_,]*)\)$")
_TARGET = r"(?P<target>urn:li:[^/]+)"


def error(
    status: int, message: str, code: str | None = None, service: int | None = None
) -> httpx.Response:
    body: dict[str, Any] = {"status": status, "message": message}
    if code is not None:
        body["code"] = code
    if service is not None:
        body["serviceErrorCode"] = service
    return httpx.Response(status, json=body)


@dataclass
class LinkedinFake(FakePlatform):
    access_token: str = FAKE_ACCESS_TOKEN
    org_urn: str = FAKE_ORG_URN
    comments: dict[str, dict[str, Any]] = field(default_factory=dict)
    posts: dict[str, dict[str, Any]] = field(default_factory=dict)
    notifications: list[dict[str, Any]] = field(default_factory=list)
    #: Answers served before any route, for shapes the four Failures do not cover.
    canned: deque[httpx.Response] = field(default_factory=deque)
    #: Headers added to the RATE_LIMITED answer (LinkedIn documents none).
    rate_limit_headers: dict[str, str] = field(default_factory=dict)
    client_id: str = FAKE_CLIENT_ID
    client_secret: str = FAKE_CLIENT_SECRET
    application_id: str = FAKE_APPLICATION_ID
    subscriber: str = FAKE_SUBSCRIBER
    token_expires_at: datetime | None = None
    token_revoked: bool = False
    missing_scopes: set[str] = field(default_factory=set)
    subscription_active: bool = True
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(7100000000000000001))

    def __post_init__(self) -> None:
        comments = rf"/rest/socialActions/{_TARGET}/comments"
        self.route("GET", comments + r"/(?P<id>\d+)", self._get_comment, READ)
        self.route("GET", comments, self._list_comments, READ)
        self.route("POST", comments, self._create_comment, WRITE)
        self.route("DELETE", comments + r"/(?P<id>\d+)", self._delete_comment, WRITE)
        self.route("GET", r"/rest/posts/(?P<urn>urn:li:[^/]+)", self._get_post, READ)
        self.route("GET", r"/rest/organizationalEntityNotifications", self._pull, ADMIN)
        self.route("GET", r"/rest/eventSubscriptions/\((?P<key>.+)\)", self._subscription, ADMIN)
        # The OAuth endpoint lives on www.linkedin.com: no REST headers, no bearer token.
        super().route("POST", r"/oauth/v2/introspectToken", self._introspect)
        self.seed()

    # -- state -----------------------------------------------------------------------------

    def seed(self) -> None:
        """The organization's post, a member's comment, a reply to it, a post mentioning the
        organization, and recent notifications for them (so a first poll finds them)."""
        self.posts[POST_URN] = {"author": self.org_urn, "commentary": "Our beta is coming."}
        self.posts[MENTION_POST_URN] = {
            "author": OTHER_MEMBER_URN,
            "commentary": MENTION_TEXT,
            "createdAt": BASE_TIME_MS + 5000,
            "publishedAt": BASE_TIME_MS + 6000,
        }
        self.add_comment(MEMBER_URN, POST_URN, COMMENT_TEXT, comment_id=COMMENT_ID)
        self.add_comment(
            OTHER_MEMBER_URN, POST_URN, REPLY_TEXT, parent=COMMENT_URN, comment_id=REPLY_ID
        )
        now = int(time.time() * 1000)
        self.notify(4406001, "COMMENT", COMMENT_URN, now - 600_000)
        self.notify(4406002, "LIKE", None, now - 500_000)
        self.notify(4406003, "SHARE_MENTION", MENTION_POST_URN, now - 400_000)

    def add_comment(
        self,
        actor: str,
        obj: str,
        text: str,
        *,
        parent: str | None = None,
        comment_id: str | None = None,
        created_ms: int = BASE_TIME_MS,
    ) -> dict[str, Any]:
        cid = comment_id or str(next(self._ids))
        urn = f"urn:li:comment:({obj},{cid})"
        comment: dict[str, Any] = {
            "id": cid,
            "commentUrn": urn,
            "actor": actor,
            "object": obj,
            "message": {"text": text, "attributes": []},
            "created": {"actor": actor, "time": created_ms},
            "lastModified": {"actor": actor, "time": created_ms},
        }
        if parent is not None:
            comment["parentComment"] = parent
        self.comments[urn] = comment
        return comment

    def notify(self, notification_id: int, action: str, activity: str | None, at: int) -> None:
        self.notifications.append(
            {
                "notificationId": notification_id,
                "organizationalEntity": self.org_urn,
                "action": action,
                "sourcePost": POST_URN,
                **({"generatedActivity": activity} if activity else {}),
                "lastModifiedAt": at,
            }
        )

    def comments_by(self, actor: str) -> list[dict[str, Any]]:
        return [c for c in self.comments.values() if c["actor"] == actor]

    # -- transport -------------------------------------------------------------------------

    async def handle(self, request: httpx.Request) -> httpx.Response:
        if self.canned:
            self.requests.append(request)
            return self.canned.popleft()
        return await super().handle(request)

    def failure(self, failure: Failure, request: httpx.Request) -> httpx.Response:
        if failure is Failure.RATE_LIMITED:
            return httpx.Response(
                429,
                headers=self.rate_limit_headers,
                json={
                    "status": 429,
                    "message": "Resource level throttle limit for calls to this resource is "
                    "reached.",
                },
            )
        if failure is Failure.EXPIRED_TOKEN:
            return error(
                401, "The token used in the request has expired", "EXPIRED_ACCESS_TOKEN", 65601
            )
        if failure is Failure.NOT_FOUND:
            return error(404, "Not Found", "NOT_FOUND")
        return error(500, "Internal Server Error", "INTERNAL_SERVER_ERROR")

    def token_expired(self) -> bool:
        expiry = self.token_expires_at
        return expiry is not None and expiry <= datetime.now(UTC)

    def _refused(
        self, request: httpx.Request, needs: frozenset[str] = frozenset()
    ) -> httpx.Response | None:
        """What LinkedIn answers to a request it will not serve, before any routing."""
        if request.headers.get("authorization") != f"Bearer {self.access_token}":
            return error(401, "Invalid access token", "INVALID_ACCESS_TOKEN", 65600)
        if self.token_revoked:
            return error(
                401, "The token used in the request has been revoked", "REVOKED_ACCESS_TOKEN"
            )
        if self.token_expired():
            return error(
                401, "The token used in the request has expired", "EXPIRED_ACCESS_TOKEN", 65601
            )
        lacking = sorted(needs & self.missing_scopes)
        if lacking:
            return error(
                403,
                f"Not enough permissions to access: {request.method} {request.url.path}",
                "ACCESS_DENIED",
                100,
            )
        if request.headers.get("x-restli-protocol-version") != "2.0.0":
            return error(400, "X-Restli-Protocol-Version 2.0.0 is required", "BAD_REQUEST")
        if not _VERSION.fullmatch(request.headers.get("linkedin-version", "")):
            return error(
                400,
                "A version must be present. Please specify a version by adding the "
                "LinkedIn-Version header.",
                "VERSION_MISSING",
            )
        # Rest.li 2.0: "All URNs must be URL encoded" — an unescaped URN in the path fails.
        if b"/urn:" in request.url.raw_path:
            return error(400, "Syntax exception in path variables", "ILLEGAL_ARGUMENT")
        return None

    def route(
        self, method: str, path: str, handler: Any, needs: frozenset[str] = frozenset()
    ) -> None:
        def guarded(request: httpx.Request, match: re.Match[str]) -> httpx.Response:
            refused = self._refused(request, needs)
            return refused if refused is not None else handler(request, match)

        super().route(method, path, guarded)

    # -- Comments API ----------------------------------------------------------------------

    def _get_comment(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        comment = self._comment_under(match["target"], match["id"])
        if comment is None:
            return error(404, "Comment not found", "NOT_FOUND")
        return httpx.Response(200, json=comment)

    def _list_comments(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        target = match["target"]
        if target not in self.posts and target not in self.comments:
            return error(404, f"{target} not found", "NOT_FOUND")
        found = [c for c in self.comments.values() if self._is_under(c, target)]
        start = int(request.url.params.get("start", "0"))
        count = int(request.url.params.get("count", "10"))
        page = found[start : start + count]
        return httpx.Response(
            200,
            json={
                "elements": page,
                "paging": {"start": start, "count": count, "total": len(found)},
            },
        )

    def _create_comment(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        target = match["target"]
        try:
            body = json.loads(request.content)
        except ValueError:
            return error(400, "Invalid JSON body", "BAD_REQUEST")
        if not isinstance(body, dict):
            return error(400, "Invalid JSON body", "BAD_REQUEST")
        message = body.get("message")
        text = message.get("text") if isinstance(message, dict) else None
        for name, value in (("actor", body.get("actor")), ("object", body.get("object"))):
            if not isinstance(value, str) or not value:
                return error(422, f"/{name} :: field is required but not found", "FIELD_MISSING")
        if not isinstance(text, str) or not text:
            return error(422, "/message/text :: field is required but not found", "FIELD_MISSING")
        if body["actor"] != self.org_urn:
            return error(403, "Not enough permissions to comment as this actor", "ACCESS_DENIED")
        if target not in self.posts and target not in self.comments:
            return error(404, f"{target} not found", "NOT_FOUND")
        parent = body.get("parentComment")
        if target in self.comments and parent != target:
            return error(400, "parentComment must be the comment commented on", "BAD_REQUEST")
        created = self.add_comment(
            body["actor"], body["object"], text, parent=parent if isinstance(parent, str) else None
        )
        return httpx.Response(201, headers={"x-restli-id": created["id"]}, json=created)

    def _delete_comment(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        if request.url.params.get("actor") != self.org_urn:
            return error(403, "Not enough permissions to delete this comment", "ACCESS_DENIED", 100)
        comment = self._comment_under(match["target"], match["id"])
        if comment is None:
            return error(404, "Comment not found", "NOT_FOUND")
        del self.comments[comment["commentUrn"]]
        return httpx.Response(204)

    def _comment_under(self, target: str, comment_id: str) -> dict[str, Any] | None:
        for comment in self.comments.values():
            if comment["id"] == comment_id and (
                comment["object"] == target or comment.get("parentComment") == target
            ):
                return comment
        return None

    @staticmethod
    def _is_under(comment: dict[str, Any], target: str) -> bool:
        if target.startswith("urn:li:comment:"):
            return bool(comment.get("parentComment") == target)
        return bool(comment["object"] == target and "parentComment" not in comment)

    # -- Posts API -------------------------------------------------------------------------

    def _get_post(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        post = self.posts.get(match["urn"])
        if post is None:
            return error(404, "Post not found", "NOT_FOUND")
        return httpx.Response(200, json={"id": match["urn"], **post})

    # -- channel health --------------------------------------------------------------------

    def _introspect(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        form = dict(parse_qsl(request.content.decode()))
        if form.get("client_id") != self.client_id or not form.get("token"):
            # Documented: 400 "Invalid client id or token"; the OAuth error body is assumed.
            return httpx.Response(
                400,
                json={
                    "error": "invalid_request",
                    "error_description": "Invalid client id or token",
                },
            )
        if form.get("client_secret") != self.client_secret:
            return httpx.Response(
                401, json={"error": "invalid_client", "error_description": "Invalid client secret"}
            )
        if form["token"] != self.access_token:
            return httpx.Response(
                400,
                json={
                    "error": "invalid_request",
                    "error_description": "Invalid client id or token",
                },
            )
        now = int(time.time())
        body: dict[str, Any] = {
            "active": True,
            "client_id": self.client_id,
            "authorized_at": now - 86400,
            "created_at": now - 86400,
            "status": "active",
            "scope": ",".join(s for s in GRANTED_SCOPES if s not in self.missing_scopes),
            "auth_type": "3L",
        }
        if self.token_expires_at is not None:
            body["expires_at"] = int(self.token_expires_at.timestamp())
        if self.token_revoked:
            body.update(active=False, status="revoked")
        elif self.token_expired():
            body.update(active=False, status="expired")
        return httpx.Response(200, json=body)

    def _subscription(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        expected = (
            f"developerApplication:urn:li:developerApplication:{self.application_id},"
            f"user:urn:li:person:{self.subscriber},"
            f"entity:{self.org_urn},"
            "eventType:ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS"
        )
        if match["key"] != expected or not self.subscription_active:
            return error(404, "Subscription not found", "NOT_FOUND")
        return httpx.Response(
            200,
            json={
                "developerApplication": f"urn:li:developerApplication:{self.application_id}",
                "user": f"urn:li:person:{self.subscriber}",
                "entity": self.org_urn,
                "eventType": "ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS",
                "webhook": WEBHOOK_URL,
            },
        )

    # -- notifications pull finder ---------------------------------------------------------

    def _pull(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        params = request.url.params
        if params.get("q") != "criteria":
            return error(400, "Unsupported finder", "BAD_REQUEST")
        if params.get("organizationalEntity") != self.org_urn:
            return error(403, "Not an administrator of this organization", "ACCESS_DENIED", 100)
        raw = request.url.query.decode()
        if "actions=List(" not in raw or "timeRange=(start:" not in raw:
            return error(400, "actions and timeRange must be Rest.li 2.0 structures", "BAD_REQUEST")
        actions = _LIST.fullmatch(params.get("actions", ""))
        window = _RANGE.fullmatch(params.get("timeRange", ""))
        if actions is None or window is None:
            return error(400, "Invalid actions or timeRange", "BAD_REQUEST")
        wanted = set(actions["items"].split(","))
        start, end = int(window["start"]), int(window["end"])
        found = [
            n
            for n in self.notifications
            if n["action"] in wanted and start <= n["lastModifiedAt"] <= end
        ]
        offset = int(params.get("start", "0"))
        count = int(params.get("count", "10"))
        return httpx.Response(
            200,
            json={
                "elements": found[offset : offset + count],
                "paging": {"start": offset, "count": count, "total": len(found)},
            },
        )
