"""Connector SDK: the data model, the connector contract and the built-in connectors.

This package imports nothing else of Passerelle's, so a third-party connector depends on it
alone.
"""

from connecteurs.base import AccountContext, Capability, Connecteur, ConnecteurOptions, Manifest
from connecteurs.errors import (
    AuthError,
    ConnecteurError,
    InvalidRequest,
    NotFound,
    PermanentError,
    RateLimited,
    RetryableError,
    TransientError,
    UnsupportedAction,
)

__all__ = [
    "AccountContext",
    "AuthError",
    "Capability",
    "Connecteur",
    "ConnecteurError",
    "ConnecteurOptions",
    "InvalidRequest",
    "Manifest",
    "NotFound",
    "PermanentError",
    "RateLimited",
    "RetryableError",
    "TransientError",
    "UnsupportedAction",
]
