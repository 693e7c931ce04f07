"""The webhook gateway (DESIGN §6): the front door of production traffic."""

from passerelle.gateway.app import Gateway, build_app
from passerelle.gateway.directory import Directory

__all__ = ["Directory", "Gateway", "build_app"]
