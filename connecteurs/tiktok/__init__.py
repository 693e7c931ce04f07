"""TikTok connector: comments on an owned TikTok account through the TikTok API for
Business (``comment.update`` webhook; reply, hide, unhide)."""

from connecteurs.tiktok.connecteur import TiktokConnecteur, TiktokOptions

__all__ = ["TiktokConnecteur", "TiktokOptions"]
