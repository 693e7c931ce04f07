"""The YouTube connector's subject for the conformance kit.

YouTube has no webhook for comments (the connector polls), so there are no deliveries and
no handshake: the kit's webhook checks skip themselves because ``webhook`` is not declared.
"""

from __future__ import annotations

from datetime import UTC, datetime

from connecteurs.conformite.subject import ConformanceSubject, http_opener
from connecteurs.models import Author, Interaction, InteractionKind, Platform
from connecteurs.youtube.connecteur import YoutubeConnecteur
from connecteurs.youtube.fake import ACCESS_TOKEN, CHANNEL_ID, FakeYoutube

#: Alice's top-level comment in fixtures/comment_threads.json.
TARGET_ID = "UgzQk7R2vXbP4tN9sLw4AaABAg"


def target() -> Interaction:
    created = datetime(2024, 5, 2, 9, 15, tzinfo=UTC)
    return Interaction(
        id=Interaction.make_id(Platform.YOUTUBE, CHANNEL_ID, TARGET_ID),
        platform=Platform.YOUTUBE,
        account=CHANNEL_ID,
        external_id=TARGET_ID,
        kind=InteractionKind.COMMENT,
        author=Author(id="UCaliceViewer00000000001", handle="@alice", display_name="@alice"),
        text="Where can I buy the blue model?",
        thread_id=TARGET_ID,
        post_id="vidPasser01",
        created_at=created,
        received_at=created,
        reply_context={"video_id": "vidPasser01"},
    )


def subject() -> ConformanceSubject:
    return ConformanceSubject(
        name="youtube",
        connecteur=YoutubeConnecteur,
        account=CHANNEL_ID,
        platform=Platform.YOUTUBE,
        secrets={"access_token": ACCESS_TOKEN},
        open=http_opener(YoutubeConnecteur, FakeYoutube),
        target=target(),
    )
