"""Mastodon connector: mention notifications polled (and admin webhooks), replies, private
mentions and blocks through the instance's REST API."""

from connecteurs.mastodon.connecteur import (
    InstanceNotConfigured,
    MastodonConnecteur,
    MastodonOptions,
)

__all__ = ["InstanceNotConfigured", "MastodonConnecteur", "MastodonOptions"]
