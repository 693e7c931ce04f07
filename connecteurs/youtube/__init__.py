"""YouTube Data API v3 connector (polling; reply and comment moderation)."""

from connecteurs.youtube.connecteur import YoutubeConnecteur, YoutubeOptions

__all__ = ["YoutubeConnecteur", "YoutubeOptions"]
