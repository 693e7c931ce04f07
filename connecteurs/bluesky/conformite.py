"""The Bluesky connector's subject for the conformance kit.

Bluesky has no webhooks (interactions arrive by polling listNotifications), so there are no
signed deliveries or handshake: the kit skips those checks because the manifest does not
declare ``webhook``. The target is Alice's reply to the account's own post, so every action
applies to it, hiding included (the account owns the thread's root post).
"""

from __future__ import annotations

from connecteurs.bluesky.connecteur import BlueskyConnecteur, parse_notifications
from connecteurs.bluesky.fake import ACCOUNT_DID, APP_PASSWORD, HANDLE, FakeBluesky, fixture
from connecteurs.conformite.subject import ConformanceSubject, http_opener
from connecteurs.models import Interaction

SECRETS = {"identifier": HANDLE, "app_password": APP_PASSWORD}
ALICE_REPLY = "at://did:plc:alice7xkq3njmt2xvq5fl6qz/app.bsky.feed.post/3kreply2alice"


def target() -> Interaction:
    found = parse_notifications(fixture("list_notifications.json"), ACCOUNT_DID)
    return next(i for i in found if i.external_id == ALICE_REPLY)


def subject() -> ConformanceSubject:
    return ConformanceSubject(
        name="bluesky",
        connecteur=BlueskyConnecteur,
        account=ACCOUNT_DID,
        secrets=SECRETS,
        open=http_opener(BlueskyConnecteur, FakeBluesky),
        target=target(),
    )
