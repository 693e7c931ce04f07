"""A fake Graph API for the meta connector's tests and the conformance kit.

It serves the routes the connector uses under ``/v21.0``, answers the way Graph does
(``{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}`` with HTTP 400
for client errors), checks the ``Authorization: Bearer`` header and the required
parameters, and keeps state: comments and their replies, hidden flags, blocked users,
messages sent. Shapes follow:

- https://developers.facebook.com/docs/graph-api/guides/error-handling
- https://developers.facebook.com/docs/graph-api/overview/rate-limiting
- https://developers.facebook.com/docs/graph-api/reference/comment
- https://developers.facebook.com/docs/instagram-platform/comment-moderation
- https://developers.facebook.com/docs/messenger-platform/send-api-reference
- https://developers.facebook.com/docs/facebook-login/access-tokens/debugging-and-error-handling
  (``debug_token`` answer, expired-token error 190/463)
- https://developers.facebook.com/docs/graph-api/reference/page/subscribed_apps/

The channel's state is set on the instance: ``token_expires_at`` (``None``: never, as a
long-lived page token; in the past: every call answers 190/463 "Session has expired"),
``token_revoked`` (every call answers 190/460), ``missing_scopes`` (left out of
``debug_token``'s ``scopes``; ``subscribed_apps`` refuses without ``pages_manage_metadata``)
and ``subscription_active`` (``False``: the app is not in the page's ``subscribed_apps``).
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx

from connecteurs.testing import Failure, FakePlatform

FIXTURES = Path(__file__).parent / "fixtures"
PAGE_ID = "104729384756"
IG_ID = "17841400000000001"
PAGE_TOKEN = "test-page-token-5b8e2f4a91c7d3"
API_VERSION = "v21.0"
APP_ID = "1234567890123456"

#: The comments the fake knows from the start (those of the fixtures).
FB_COMMENT = "901_1001"
FB_AUTHOR = "5550001112223"
IG_COMMENT = "17865799348089039"
IG_AUTHOR = "1789000111222333"
MESSENGER_USER = "6100200300400"
IG_MESSAGING_USER = IG_AUTHOR

NOT_FOUND_MESSAGE = (
    "Unsupported {method} request. Object with ID '{id}' does not exist, cannot be loaded "
    "due to missing permissions, or does not support this operation. Please read the Graph "
    "API documentation at https://developers.facebook.com/docs/graph-api"
)


@dataclass
class Comment:
    id: str
    platform: str  # "facebook" or "instagram"
    author_id: str
    author_name: str
    text: str
    parent: str | None = None
    hidden: bool = False
    created_time: str = "2025-11-06T12:00:00+0000"


@dataclass
class Sent:
    """A message the account sent through the Send API."""

    id: str
    account: str
    recipient: dict[str, str]
    text: str
    created_time: str


def fixture(name: str) -> Any:
    """A fresh copy of a documented answer in ``fixtures/``."""
    return json.loads((FIXTURES / name).read_text())


def graph_error(
    code: int,
    message: str,
    *,
    status: int = 400,
    subcode: int | None = None,
    kind: str = "OAuthException",
    transient: bool | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """A Graph error answer in the documented shape."""
    error: dict[str, Any] = {"message": message, "type": kind, "code": code}
    if subcode is not None:
        error["error_subcode"] = subcode
    if transient is not None:
        error["is_transient"] = transient
    error["fbtrace_id"] = "AbCdEfGhIjK"
    return httpx.Response(status, json={"error": error}, headers=headers)


def params_of(request: httpx.Request) -> dict[str, Any]:
    """Query, form and JSON parameters together, as Graph reads them."""
    params: dict[str, Any] = dict(request.url.params)
    content_type = request.headers.get("content-type", "")
    if "application/json" in content_type:
        body = json.loads(request.content or b"{}")
        if isinstance(body, dict):
            params.update(body)
    elif request.content:
        params.update(parse_qsl(request.content.decode()))
    return params


@dataclass
class MetaFake(FakePlatform):
    token: str = PAGE_TOKEN
    page_id: str = PAGE_ID
    ig_id: str = IG_ID
    api_version: str = API_VERSION
    comments: dict[str, Comment] = field(default_factory=dict)
    blocked: dict[str, list[str]] = field(default_factory=dict)
    outbox: list[Sent] = field(default_factory=list)
    private_replied: set[str] = field(default_factory=set)
    #: Estimated minutes to regain access announced when RATE_LIMITED is injected.
    regain_minutes: int = 5
    app_id: str = APP_ID
    #: When the page token stops working (``None``: never, ``expires_at: 0``).
    token_expires_at: datetime | None = None
    #: ``data_access_expires_at`` of debug_token (``None``: left out).
    data_access_expires_at: datetime | None = None
    missing_scopes: set[str] = field(default_factory=set)
    subscription_active: bool = True
    subscribed_fields: list[str] = field(default_factory=lambda: ["feed", "messages"])
    token_revoked: bool = False
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self.seed()
        v = re.escape(self.api_version)
        obj = r"(?P<id>[^/]+)"
        self.route("GET", rf"/{v}/debug_token", self.debug_token)
        self.route("GET", rf"/{v}/{obj}/subscribed_apps", self.subscribed_apps)
        self.route("GET", rf"/{v}/{obj}/(?P<edge>comments|replies)", self.list_replies)
        self.route("POST", rf"/{v}/{obj}/(?P<edge>comments|replies)", self.create_reply)
        self.route("POST", rf"/{v}/{obj}/messages", self.send_message)
        self.route("GET", rf"/{v}/{obj}/conversations", self.conversations)
        self.route("POST", rf"/{v}/{obj}/blocked", self.block)
        self.route("POST", rf"/{v}/{obj}/mentions", self.reply_to_mention)
        self.route("POST", rf"/{v}/{obj}", self.update_comment)
        self.route("DELETE", rf"/{v}/{obj}", self.delete_comment)

    def seed(self) -> None:
        self.comments[FB_COMMENT] = Comment(
            FB_COMMENT, "facebook", FB_AUTHOR, "Camille Tremblay", "Ma commande n'est pas arrivée."
        )
        self.comments[IG_COMMENT] = Comment(
            IG_COMMENT, "instagram", IG_AUTHOR, "camille.t", "Le lien en bio ne fonctionne pas"
        )

    # -- Graph's gate: every call needs the page token in the Authorization header --------

    async def handle(self, request: httpx.Request) -> httpx.Response:
        if not self.pending:
            refusal = self.token_refusal(request)
            if refusal is not None:
                self.requests.append(request)
                return refusal
        return await super().handle(request)

    def token_refusal(self, request: httpx.Request) -> httpx.Response | None:
        """Graph's answer to a call with a token it will not take, or ``None``."""
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return graph_error(190, "Invalid OAuth access token - Cannot parse access token")
        if self.token_revoked:
            return graph_error(
                190,
                "Error validating access token: The session has been invalidated because the "
                "user changed their password or Facebook has changed the session for security "
                "reasons.",
                subcode=460,
            )
        expiry = self.token_expires_at
        if expiry is not None and expiry <= datetime.now(UTC):
            return graph_error(
                190,
                f"Error validating access token: Session has expired on "
                f"{expiry:%A, %d-%b-%y %H:%M:%S} UTC.",
                subcode=463,
            )
        return None

    def not_routed(self, request: httpx.Request) -> httpx.Response:
        return graph_error(
            100, f"Unknown path components: {request.url.path}", kind="OAuthException"
        )

    def failure(self, failure: Failure, request: httpx.Request) -> httpx.Response:
        """Graph's documented answers: throttling and expired tokens are HTTP 400 with a
        code; a Business Use Case limit says when access comes back, in minutes."""
        if failure is Failure.RATE_LIMITED:
            usage = {
                self.page_id: [
                    {
                        "type": "pages",
                        "call_count": 100,
                        "total_cputime": 12,
                        "total_time": 25,
                        "estimated_time_to_regain_access": self.regain_minutes,
                    }
                ]
            }
            return graph_error(
                80001,
                "There have been too many calls to this Page account. Wait a bit and try again.",
                headers={"x-business-use-case-usage": json.dumps(usage)},
            )
        if failure is Failure.EXPIRED_TOKEN:
            return graph_error(
                190,
                "Error validating access token: Session has expired on Thursday, 06-Nov-25 "
                "04:00:00 PST. The current time is Thursday, 06-Nov-25 05:00:00 PST.",
                subcode=463,
                headers={"www-authenticate": 'OAuth "Facebook Platform" "invalid_token"'},
            )
        if failure is Failure.NOT_FOUND:
            parts = request.url.path.strip("/").split("/")
            target = parts[1] if len(parts) > 1 else request.url.path
            return graph_error(
                100,
                NOT_FOUND_MESSAGE.format(method=request.method.lower(), id=target),
                subcode=33,
                kind="GraphMethodException",
            )
        return graph_error(
            2,
            "An unexpected error has occurred. Please retry your request later.",
            status=500,
            transient=True,
        )

    # -- helpers -------------------------------------------------------------------------

    def new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids)}"

    def now(self) -> str:
        return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")

    def missing(self, request: httpx.Request, object_id: str) -> httpx.Response:
        return graph_error(
            100,
            NOT_FOUND_MESSAGE.format(method=request.method.lower(), id=object_id),
            subcode=33,
            kind="GraphMethodException",
        )

    def own_id(self, platform: str) -> str:
        return self.ig_id if platform == "instagram" else self.page_id

    def reply_json(self, comment: Comment) -> dict[str, Any]:
        if comment.platform == "instagram":
            return {
                "id": comment.id,
                "from": {"id": comment.author_id, "username": comment.author_name},
                "text": comment.text,
                "timestamp": comment.created_time,
            }
        return {
            "id": comment.id,
            "from": {"id": comment.author_id, "name": comment.author_name},
            "message": comment.text,
            "created_time": comment.created_time,
        }

    def replies_of(self, comment_id: str) -> list[Comment]:
        return [c for c in self.comments.values() if c.parent == comment_id]

    # -- routes --------------------------------------------------------------------------

    def debug_token(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        """The token's metadata (``fixtures/debug_token.json`` with this channel's state);
        another token than the caller's is described as invalid, as Graph does."""
        inspected = params_of(request).get("input_token")
        if not inspected:
            return graph_error(100, "(#100) The parameter input_token is required")
        data: dict[str, Any] = fixture("debug_token.json")["data"]
        data["app_id"] = self.app_id
        data["issued_at"] = int((datetime.now(UTC) - timedelta(days=10)).timestamp())
        if inspected != self.token:
            data.update(
                is_valid=False,
                scopes=[],
                error={"code": 190, "subcode": 467, "message": "Invalid OAuth access token."},
            )
            return httpx.Response(200, json={"data": data})
        expires = self.token_expires_at
        data["expires_at"] = int(expires.timestamp()) if expires is not None else 0
        data["scopes"] = [s for s in data["scopes"] if s not in self.missing_scopes]
        data["granular_scopes"] = [
            g for g in data["granular_scopes"] if g["scope"] not in self.missing_scopes
        ]
        if self.data_access_expires_at is None:
            del data["data_access_expires_at"]
        else:
            data["data_access_expires_at"] = int(self.data_access_expires_at.timestamp())
        return httpx.Response(200, json={"data": data})

    def subscribed_apps(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        """``fixtures/subscribed_apps.json``: this app with its fields, or nothing."""
        if match["id"] != self.page_id:
            return self.missing(request, match["id"])
        for scope in ("pages_manage_metadata", "pages_show_list"):
            if scope in self.missing_scopes:
                # The edge documents error 200 "Permissions error"; the wording is assumed.
                return graph_error(200, f"(#200) Permissions error: requires {scope}")
        apps: list[dict[str, Any]] = fixture("subscribed_apps.json")["data"]
        for app in apps:
            app["id"] = self.app_id
            app["subscribed_fields"] = list(self.subscribed_fields)
        return httpx.Response(200, json={"data": apps if self.subscription_active else []})

    def edge_matches(self, comment: Comment, edge: str) -> bool:
        """Facebook comments have a ``comments`` edge, Instagram comments ``replies``."""
        return (comment.platform == "instagram") == (edge == "replies")

    def list_replies(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        comment = self.comments.get(match["id"])
        if comment is None:
            return self.missing(request, match["id"])
        if not self.edge_matches(comment, match["edge"]):
            return graph_error(
                100, f"(#100) Tried accessing nonexisting field ({match['edge']}) on node type"
            )
        replies = [self.reply_json(c) for c in self.replies_of(comment.id)]
        if params_of(request).get("order") == "reverse_chronological":
            replies.reverse()
        return httpx.Response(200, json={"data": replies, "paging": {}})

    def create_reply(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        parent = self.comments.get(match["id"])
        if parent is None:
            return self.missing(request, match["id"])
        if not self.edge_matches(parent, match["edge"]):
            return graph_error(100, f"(#100) Unsupported edge {match['edge']}")
        message = params_of(request).get("message")
        if not isinstance(message, str) or not message.strip():
            return graph_error(100, "(#100) The parameter message is required")
        if parent.platform == "instagram" and (parent.parent is not None or parent.hidden):
            # Instagram: replies only to top-level comments, never to hidden ones.
            return graph_error(100, "(#100) Cannot reply to this comment")
        platform = parent.platform
        reply = Comment(
            id=self.new_id("reply-"),
            platform=platform,
            author_id=self.own_id(platform),
            author_name="boutique.exemple" if platform == "instagram" else "Boutique Exemple",
            text=message,
            parent=parent.id,
            created_time=self.now(),
        )
        self.comments[reply.id] = reply
        return httpx.Response(200, json={"id": reply.id})

    def update_comment(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        comment = self.comments.get(match["id"])
        if comment is None:
            return self.missing(request, match["id"])
        name = "hide" if comment.platform == "instagram" else "is_hidden"
        value = params_of(request).get(name)
        if value not in ("true", "false", True, False):
            return graph_error(100, f"(#100) The parameter {name} is required")
        comment.hidden = value in ("true", True)
        return httpx.Response(200, json={"success": True})

    def delete_comment(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        if self.comments.pop(match["id"], None) is None:
            return self.missing(request, match["id"])
        return httpx.Response(200, json={"success": True})

    def block(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        if match["id"] != self.page_id:
            return self.missing(request, match["id"])
        params = params_of(request)
        answer: dict[str, bool] = {}
        for name in ("user", "uid", "psid", "asid"):
            if name not in params:
                continue
            try:
                ids = json.loads(params[name])
            except ValueError:
                ids = str(params[name]).split(",")
            for user in ids if isinstance(ids, list) else [ids]:
                self.blocked.setdefault(name, []).append(str(user))
                answer[str(user)] = True
        if not answer:
            return graph_error(100, "(#100) One of user, uid, psid or asid is required")
        return httpx.Response(200, json=answer)

    def send_message(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        account = match["id"]
        if account not in (self.page_id, self.ig_id):
            return self.missing(request, account)
        params = params_of(request)
        recipient, message = params.get("recipient"), params.get("message")
        if not isinstance(recipient, dict) or not recipient:
            return graph_error(100, "(#100) The parameter recipient is required")
        if params.get("messaging_type") not in ("RESPONSE", "UPDATE", "MESSAGE_TAG"):
            return graph_error(100, "(#100) Param messaging_type must be a valid messaging type")
        if not isinstance(message, dict) or not str(message.get("text", "")).strip():
            return graph_error(100, "(#100) The parameter message is required")
        comment_id = recipient.get("comment_id")
        if comment_id is not None:
            if comment_id not in self.comments:
                return self.missing(request, str(comment_id))
            if comment_id in self.private_replied:
                # Meta allows one private reply per comment (the exact code is not
                # documented: an invalid-parameter error stands for it).
                return graph_error(100, "(#100) Activity already replied to")
            self.private_replied.add(comment_id)
        sent = Sent(
            id=self.new_id("m_"),
            account=account,
            recipient={str(k): str(v) for k, v in recipient.items()},
            text=str(message["text"]),
            created_time=self.now(),
        )
        self.outbox.append(sent)
        to = recipient.get("id") or "psid-of-commenter"
        return httpx.Response(200, json={"recipient_id": to, "message_id": sent.id})

    def conversations(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        account = match["id"]
        user = params_of(request).get("user_id")
        if not user:
            return graph_error(100, "(#100) The parameter user_id is required")
        messages = [
            {
                "id": s.id,
                "message": s.text,
                "from": {"id": s.account},
                "created_time": s.created_time,
            }
            for s in reversed(self.outbox)
            if s.account == account and s.recipient.get("id") == user
        ]
        data = [{"id": f"t_{user}", "messages": {"data": messages}}] if messages else []
        return httpx.Response(200, json={"data": data})

    def reply_to_mention(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        if match["id"] != self.ig_id:
            return self.missing(request, match["id"])
        params = params_of(request)
        for name in ("media_id", "message"):
            if not params.get(name):
                return graph_error(100, f"(#100) The parameter {name} is required")
        reply = Comment(
            id=self.new_id("mention-reply-"),
            platform="instagram",
            author_id=self.ig_id,
            author_name="boutique.exemple",
            text=str(params["message"]),
            parent=str(params.get("comment_id") or params["media_id"]),
            created_time=self.now(),
        )
        self.comments[reply.id] = reply
        return httpx.Response(200, json={"id": reply.id})
