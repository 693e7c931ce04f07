"""The forum's API, as its (fictional) documentation describes it:

- ``GET /api/posts?after=<id>`` → ``{"posts": [{"id", "author": {"id", "name"}, "body",
  "created_at", "reply_to"}]}``, oldest first; ``Authorization: Bearer <token>``.
- ``POST /api/posts`` ``{"reply_to", "body", "client_token"}`` → ``{"id"}``; a repeated
  ``client_token`` is refused with 409, and ``GET /api/posts?client_token=`` finds the post.
- Errors: 429 with Retry-After, 401 for a bad token, 404 for a deleted post.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import ClassVar

from pydantic import BaseModel

from connecteurs.base import Capability, Manifest, PollResult
from connecteurs.http import HttpConnecteur
from connecteurs.models import (
    ActionResult,
    Author,
    ChannelCheck,
    Interaction,
    InteractionKind,
    Platform,
)


class Post(BaseModel):
    id: str
    author: dict[str, str]
    body: str
    created_at: datetime
    reply_to: str | None = None


class Page(BaseModel):
    posts: list[Post]


class ForumConnecteur(HttpConnecteur):
    manifest: ClassVar[Manifest] = Manifest(
        name="forum",
        platform=Platform.WEBHOOK,  # Platform is a closed enum: the nearest generic one
        version="0.1.0",
        capabilities=frozenset({Capability.POLL, Capability.REPLY}),
        secrets=("token",),
        reply_lookup=True,
        documentation=("https://forum.example/docs/api",),
        reauthorize=(
            "Create a new API token in the forum's admin panel (Settings → API tokens) with "
            "the read and post scopes, store it where the account's `token` secret points, "
            "then run `passerelle channels recheck`."
        ),
    )
    default_base_url = "https://forum.example"

    def auth_headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.context.secret('token')}"}

    async def check_health(self) -> ChannelCheck:
        """The forum's `/api/me` says whose token this is; a 401 becomes AuthError."""
        me = (await self.request("GET", "/api/me")).json()
        return ChannelCheck(token_valid=me.get("id") == self.context.account)

    async def poll(self, cursor: str | None) -> PollResult:
        params = {"after": cursor} if cursor else {}
        page = Page.model_validate((await self.request("GET", "/api/posts", params=params)).json())
        posts = [p for p in page.posts if p.author.get("id") != self.context.account]
        newest = page.posts[-1].id if page.posts else cursor
        return PollResult(interactions=tuple(self._interaction(p) for p in posts), cursor=newest)

    def _interaction(self, post: Post) -> Interaction:
        account = self.context.account
        return Interaction(
            id=Interaction.make_id(self.platform, account, post.id),
            platform=self.platform,
            account=account,
            external_id=post.id,
            kind=InteractionKind.REPLY if post.reply_to else InteractionKind.COMMENT,
            author=Author(id=post.author["id"], handle=post.author.get("name", post.author["id"])),
            text=post.body,
            parent_id=post.reply_to,
            thread_id=post.reply_to,
            created_at=post.created_at,
            received_at=datetime.now(UTC),
        )

    async def reply(
        self, interaction: Interaction, text: str, *, idempotency_key: str
    ) -> ActionResult:
        token = hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]
        earlier = await self.request("GET", "/api/posts", params={"client_token": token})
        found = Page.model_validate(earlier.json()).posts
        if found:  # a retry after the forum accepted the first attempt
            return ActionResult(action="reply", ok=True, platform_ref=found[0].id)
        body = {"reply_to": interaction.external_id, "body": text, "client_token": token}
        created = await self.request("POST", "/api/posts", json=body)
        return ActionResult(action="reply", ok=True, platform_ref=str(created.json()["id"]))
