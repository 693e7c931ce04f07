"""The forum's API on 127.0.0.1, for the connector's tests and the conformance kit."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import httpx

from connecteurs.testing import FakePlatform, body_json

TOKEN = "forum-token-9b1f3c7a55"


@dataclass
class FakeForum(FakePlatform):
    posts: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.route("GET", "/api/posts", self.list_posts)
        self.route("POST", "/api/posts", self.create_post)
        self.route("GET", "/api/me", self.me)

    def add(
        self, post_id: str, body: str, author: str = "u-1", reply_to: str | None = None
    ) -> None:
        self.posts.append(
            {
                "id": post_id,
                "author": {"id": author, "name": f"user {author}"},
                "body": body,
                "created_at": "2026-11-23T14:00:00Z",
                "reply_to": reply_to,
            }
        )

    def authorized(self, request: httpx.Request) -> bool:
        return request.headers.get("authorization") == f"Bearer {TOKEN}"

    def me(self, request: httpx.Request, _: re.Match[str]) -> httpx.Response:
        if not self.authorized(request):
            return httpx.Response(401, json={"error": "invalid token"})
        return httpx.Response(200, json={"id": "forum-account", "name": "The forum team"})

    def list_posts(self, request: httpx.Request, _: re.Match[str]) -> httpx.Response:
        if not self.authorized(request):
            return httpx.Response(401, json={"error": "invalid token"})
        token = request.url.params.get("client_token")
        if token:
            return httpx.Response(
                200, json={"posts": [p for p in self.posts if p.get("client_token") == token]}
            )
        after = request.url.params.get("after")
        ids = [p["id"] for p in self.posts]
        start = ids.index(after) + 1 if after in ids else 0
        public = [{k: v for k, v in p.items() if k != "client_token"} for p in self.posts[start:]]
        return httpx.Response(200, json={"posts": public})

    def create_post(self, request: httpx.Request, _: re.Match[str]) -> httpx.Response:
        if not self.authorized(request):
            return httpx.Response(401, json={"error": "invalid token"})
        document = body_json(request)
        if document["reply_to"] not in {p["id"] for p in self.posts}:
            return httpx.Response(404, json={"error": "no such post"})
        if any(p.get("client_token") == document["client_token"] for p in self.posts):
            return httpx.Response(409, json={"error": "client_token already used"})
        post_id = f"p-{len(self.posts) + 1}"
        self.add(post_id, document["body"], author="forum-account", reply_to=document["reply_to"])
        self.posts[-1]["client_token"] = document["client_token"]
        return httpx.Response(201, json={"id": post_id})


def seeded() -> FakeForum:
    forum = FakeForum()
    forum.add("p-1", "Is the Tuesday group open to newcomers?")
    forum.add("p-2", "Same question for Thursday!", author="u-2", reply_to="p-1")
    return forum
