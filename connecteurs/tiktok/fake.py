"""A fake TikTok API for Business (Accounts API comment endpoints) for tests and the
conformance kit.

It checks requests the way TikTok does: the ``Access-Token`` header, the ``business_id``
the token is for, the required parameters, and it answers HTTP 200 with TikTok's envelope
``{"code", "message", "request_id", "data"}`` whether the call worked or not.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from connecteurs.testing import Failure, FakePlatform

BUSINESS_ID = "act.passerelle-business-0001"
ACCESS_TOKEN = "test-access-token-9b2d4f61c7e0"
CLIENT_SECRET = "test-client-secret-3f9c1e7a5d42"
VIDEO_ID = "7203946942097902849"
COMMENT_ID = "7247303576418566913"
REPLY_ID = "7247303576418566999"
#: The unique_identifier of the account's own comments (TikTok marks them ``owner``).
OWN_UNIQUE_IDENTIFIER = "+OWN/account/unique/identifier"
APP_ID = "7201234567890123457"
WEBHOOK_URL = "https://passerelle.example/webhooks/tiktok"
#: What the account owner granted (token_info's ``scope``), as TikTok spells the scopes.
GRANTED_SCOPES = ("user.info.basic", "video.list", "comment.list", "comment.list.manage")
READ = frozenset({"comment.list"})
MANAGE = frozenset({"comment.list.manage"})

# Tests point the connector at the fake's root; real calls carry /open_api/v1.3.
PREFIX = r"(?:/open_api/v1\.3)?"


@dataclass
class FakeComment:
    comment_id: str
    video_id: str
    text: str
    unique_identifier: str
    username: str
    create_time: int
    display_name: str = ""
    owner: bool = False
    parent_comment_id: str | None = None
    status: str = "PUBLIC"

    def as_api(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "comment_id": self.comment_id,
            "video_id": self.video_id,
            "unique_identifier": self.unique_identifier,
            "create_time": self.create_time,
            "text": self.text,
            "owner": self.owner,
            "status": self.status,
            "username": self.username,
            "display_name": self.display_name,
            "likes": 0,
            "replies": 0,
        }
        if self.parent_comment_id:
            item["parent_comment_id"] = self.parent_comment_id
        return item


def seed() -> dict[str, FakeComment]:
    """The comments of the documented fixtures (``fixtures/comment_insert.json``…)."""
    return {
        COMMENT_ID: FakeComment(
            comment_id=COMMENT_ID,
            video_id=VIDEO_ID,
            text="Where can I buy this jacket?",
            unique_identifier="+ABc1D2/E0fGhijklMNOrD34vDW/zDiZUNRH5Jyahue6OcA7b8ZpwnqXV9u1Uh+k",
            username="lucie.martin",
            display_name="Lucie",
            create_time=1687394416,
        ),
        REPLY_ID: FakeComment(
            comment_id=REPLY_ID,
            video_id=VIDEO_ID,
            text="Same question, is it in stock?",
            unique_identifier="+XYz9W8/V7uTsrqpoNMLkJ12hGF/eDcBAzyXWVUT3Srqpo9N8m7LkjiH6g5F4e+d",
            username="sam.r",
            display_name="Sam",
            create_time=1687394500,
            parent_comment_id=COMMENT_ID,
        ),
    }


@dataclass
class TiktokFake(FakePlatform):
    business_id: str = BUSINESS_ID
    access_token: str = ACCESS_TOKEN
    comments: dict[str, FakeComment] = field(default_factory=seed)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(7300000000000000001))
    request_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    app_id: str = APP_ID
    client_secret: str = CLIENT_SECRET
    token_expires_at: datetime | None = None
    token_revoked: bool = False
    missing_scopes: set[str] = field(default_factory=set)
    subscription_active: bool = True

    def __post_init__(self) -> None:
        self.route("GET", PREFIX + r"/business/comment/list/", self._list)
        self.route("GET", PREFIX + r"/business/comment/reply/list/", self._reply_list)
        self.route("POST", PREFIX + r"/business/comment/reply/create/", self._reply_create)
        self.route("POST", PREFIX + r"/business/comment/hide/", self._hide)
        self.route("POST", PREFIX + r"/tt_user/token_info/get/", self._token_info)
        self.route("GET", PREFIX + r"/business/get/", self._business_get)
        self.route("GET", PREFIX + r"/business/webhook/list/", self._webhook_list)

    # -- TikTok's envelope -------------------------------------------------------------

    def answer(self, code: int = 0, message: str = "OK", data: Any = None) -> httpx.Response:
        request_id = f"2023062212000{next(self.request_ids):04d}ABCDEF"
        body = {"code": code, "message": message, "request_id": request_id, "data": data or {}}
        return httpx.Response(200, json=body, headers={"X-Tt-Logid": request_id})

    def failure(self, failure: Failure, request: httpx.Request) -> httpx.Response:
        """TikTok's documented codes, always with HTTP 200 and no rate-limit header."""
        if failure is Failure.RATE_LIMITED:
            return self.answer(40100, "Too many requests. Please retry in some time.")
        if failure is Failure.EXPIRED_TOKEN:
            return self.answer(40102, "Access token has expired.")
        if failure is Failure.NOT_FOUND:
            return self.answer(40007, "The comment does not exist.")
        return self.answer(50000, "System error. Please try again later.")

    # -- checks every endpoint makes -----------------------------------------------------

    def _token_refused(self, token: str | None) -> httpx.Response | None:
        if not token:
            return self.answer(40104, "Access token is null.")
        if token != self.access_token or self.token_revoked:
            return self.answer(40105, "Access token is incorrect or has been revoked.")
        expiry = self.token_expires_at
        if expiry is not None and expiry <= datetime.now(UTC):
            return self.answer(40102, "Access token has expired.")
        return None

    def _refused(
        self,
        request: httpx.Request,
        fields: dict[str, Any],
        needs: frozenset[str] = frozenset(),
        names: tuple[str, ...] = ("business_id", "video_id"),
    ) -> httpx.Response | None:
        refusal = self._token_refused(request.headers.get("access-token"))
        if refusal is not None:
            return refusal
        lacking = sorted(needs & self.missing_scopes)
        if lacking:
            return self.answer(40001, f"Permission denied: scope {lacking[0]} is not authorized.")
        for name in names:
            if not isinstance(fields.get(name), str) or not fields[name]:
                return self.answer(40002, f"{name}: Missing data for required field.")
        if fields["business_id"] != self.business_id:
            return self.answer(40001, "No permission to operate this TikTok account.")
        return None

    def _comment(self, fields: dict[str, Any], *, top_level: bool) -> FakeComment | httpx.Response:
        comment_id = fields.get("comment_id")
        if not isinstance(comment_id, str) or not comment_id:
            return self.answer(40002, "comment_id: Missing data for required field.")
        comment = self.comments.get(comment_id)
        if comment is None or comment.video_id != fields["video_id"]:
            return self.answer(40007, "The comment does not exist.")
        if top_level and comment.parent_comment_id:
            return self.answer(40002, "comment_id: must be a top-level comment.")
        return comment

    # -- routes --------------------------------------------------------------------------

    def _list(self, request: httpx.Request, _: re.Match[str]) -> httpx.Response:
        params = dict(request.url.params)
        refused = self._refused(request, params, READ)
        if refused is not None:
            return refused
        wanted: list[str] | None = None
        if "comment_ids" in params:
            wanted = json.loads(params["comment_ids"])
        found = [
            c.as_api()
            for c in self.comments.values()
            if c.video_id == params["video_id"]
            and (c.comment_id in wanted if wanted is not None else not c.parent_comment_id)
        ]
        return self.answer(data={"comments": found, "cursor": len(found), "has_more": False})

    def _reply_list(self, request: httpx.Request, _: re.Match[str]) -> httpx.Response:
        params = dict(request.url.params)
        refused = self._refused(request, params, READ)
        if refused is not None:
            return refused
        root = self._comment(params, top_level=True)
        if isinstance(root, httpx.Response):
            return root
        replies = [c for c in self.comments.values() if c.parent_comment_id == root.comment_id]
        start = int(params.get("cursor", "0"))
        size = int(params.get("max_count", "20"))
        page = replies[start : start + size]
        return self.answer(
            data={
                "comments": [c.as_api() for c in page],
                "cursor": start + len(page),
                "has_more": start + len(page) < len(replies),
            }
        )

    def _reply_create(self, request: httpx.Request, _: re.Match[str]) -> httpx.Response:
        fields = _json(request)
        refused = self._refused(request, fields, MANAGE)
        if refused is not None:
            return refused
        root = self._comment(fields, top_level=True)
        if isinstance(root, httpx.Response):
            return root
        text = fields.get("text")
        if not isinstance(text, str) or not text.strip():
            return self.answer(40002, "text: Missing data for required field.")
        reply = FakeComment(
            comment_id=str(next(self.ids)),
            video_id=root.video_id,
            text=text,
            unique_identifier=OWN_UNIQUE_IDENTIFIER,
            username="passerelle.brand",
            create_time=int(time.time()),
            owner=True,
            parent_comment_id=root.comment_id,
        )
        self.comments[reply.comment_id] = reply
        return self.answer(data=reply.as_api())

    def _hide(self, request: httpx.Request, _: re.Match[str]) -> httpx.Response:
        fields = _json(request)
        refused = self._refused(request, fields, MANAGE)
        if refused is not None:
            return refused
        comment = self._comment(fields, top_level=False)
        if isinstance(comment, httpx.Response):
            return comment
        action = fields.get("action")
        if action not in ("HIDE", "UNHIDE"):
            return self.answer(40002, "action: Must be one of: HIDE, UNHIDE.")
        comment.status = "HIDDEN" if action == "HIDE" else "PUBLIC"
        return self.answer()

    # -- channel health --------------------------------------------------------------------

    def _token_info(self, request: httpx.Request, _: re.Match[str]) -> httpx.Response:
        fields = _json(request)
        if fields.get("app_id") != self.app_id:
            return self.answer(40001, "No permission to operate this app.")
        refusal = self._token_refused(fields.get("access_token"))
        if refusal is not None:
            return refusal
        scope = ",".join(s for s in GRANTED_SCOPES if s not in self.missing_scopes)
        return self.answer(
            data={"app_id": self.app_id, "creator_id": self.business_id, "scope": scope}
        )

    def _business_get(self, request: httpx.Request, _: re.Match[str]) -> httpx.Response:
        params = dict(request.url.params)
        refused = self._refused(request, params, frozenset({"user.info.basic"}), ("business_id",))
        if refused is not None:
            return refused
        return self.answer(data={"display_name": "Passerelle", "profile_image": ""})

    def _webhook_list(self, request: httpx.Request, _: re.Match[str]) -> httpx.Response:
        """No permission needed: the app authenticates with its id and secret."""
        params = dict(request.url.params)
        if params.get("app_id") != self.app_id or params.get("secret") != self.client_secret:
            return self.answer(40001, "No permission to operate this app.")
        if params.get("event_type") not in ("VIDEO", "COMMENT", "DIRECT_MESSAGE"):
            return self.answer(40002, "event_type: Must be one of: VIDEO, COMMENT, DIRECT_MESSAGE.")
        data: dict[str, Any] = {"app_id": self.app_id, "event_type": params["event_type"]}
        if self.subscription_active:
            data["callback_url"] = WEBHOOK_URL
        return self.answer(data=data)

    # -- for assertions --------------------------------------------------------------------

    def own_replies(self, under: str) -> list[FakeComment]:
        return [c for c in self.comments.values() if c.owner and c.parent_comment_id == under]


def _json(request: httpx.Request) -> dict[str, Any]:
    try:
        value = json.loads(request.content or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
