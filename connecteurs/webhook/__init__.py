"""The generic signed-JSON connector, for any system that is not a built-in platform."""

from connecteurs.webhook.connecteur import WebhookConnecteur, WebhookOptions

__all__ = ["WebhookConnecteur", "WebhookOptions"]
