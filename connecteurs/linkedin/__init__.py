"""LinkedIn (Community Management API) connector: an organization's comments and mentions."""

from connecteurs.linkedin.connecteur import LinkedinConnecteur, LinkedinOptions

__all__ = ["LinkedinConnecteur", "LinkedinOptions"]
