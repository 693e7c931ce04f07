"""Meta Graph API connector: Facebook Pages (comments, Messenger) and Instagram accounts."""

from connecteurs.meta.connecteur import MetaConnecteur, MetaOptions

__all__ = ["MetaConnecteur", "MetaOptions"]
