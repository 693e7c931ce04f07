"""A sample third-party connector: a forum whose API is polled for new posts."""

from passerelle_forum.connecteur import ForumConnecteur

__all__ = ["ForumConnecteur"]
