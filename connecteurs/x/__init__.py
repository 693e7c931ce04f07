"""The X (Twitter) connector: Account Activity API webhooks or mention polling, API v2 actions."""

from __future__ import annotations

from connecteurs.x.connecteur import XConnecteur, XOptions

__all__ = ["XConnecteur", "XOptions"]
