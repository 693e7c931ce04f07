"""E-mail connector: signed raw messages in through the gateway, threaded replies out over
SMTP."""

from __future__ import annotations

from connecteurs.email.connecteur import EmailConnecteur, EmailOptions

__all__ = ["EmailConnecteur", "EmailOptions"]
