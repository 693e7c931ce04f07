"""What the conformance kit needs to check the forum connector."""

from __future__ import annotations

from datetime import UTC, datetime

from connecteurs.conformite import ConformanceSubject, http_opener
from connecteurs.models import Author, Interaction, InteractionKind, Platform
from passerelle_forum.connecteur import ForumConnecteur
from passerelle_forum.fake import TOKEN, seeded


def subject() -> ConformanceSubject:
    now = datetime.now(UTC)
    return ConformanceSubject(
        name="forum",
        connecteur=ForumConnecteur,
        account="forum-account",
        platform=Platform.WEBHOOK,
        secrets={"token": TOKEN},
        open=http_opener(ForumConnecteur, seeded),
        target=Interaction(
            id=Interaction.make_id(Platform.WEBHOOK, "forum-account", "p-1"),
            platform=Platform.WEBHOOK,
            account="forum-account",
            external_id="p-1",
            kind=InteractionKind.COMMENT,
            author=Author(id="u-1", handle="user u-1"),
            text="Is the Tuesday group open to newcomers?",
            created_at=now,
            received_at=now,
        ),
    )
