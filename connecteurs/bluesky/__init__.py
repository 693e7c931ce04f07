"""Bluesky (AT Protocol) connector: polled notifications in, XRPC actions out."""

from connecteurs.bluesky.connecteur import (
    BlueskyConnecteur,
    BlueskyOptions,
    PollCursor,
    parse_notifications,
)

__all__ = ["BlueskyConnecteur", "BlueskyOptions", "PollCursor", "parse_notifications"]
