"""The connector contract (DESIGN §3): one class per platform, registered under the
``passerelle.connecteurs`` entry-point group, described by a :class:`Manifest`."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from connecteurs.errors import UnsupportedAction
from connecteurs.models import ActionResult, Interaction, ModerationAction, Platform


class Capability(StrEnum):
    WEBHOOK = "webhook"
    POLL = "poll"
    REPLY = "reply"
    HIDE = "hide"
    UNHIDE = "unhide"
    DELETE = "delete"
    BLOCK = "block"
    DIRECT_MESSAGE = "direct_message"
    PUBLISH = "publish"
    METRICS = "metrics"


class ConnecteurOptions(BaseModel):
    """Base of a connector's own settings (the ``options`` table of an account)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Manifest(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    platform: Platform
    version: str
    capabilities: frozenset[Capability]
    options_model: type[ConnecteurOptions] = ConnecteurOptions


class AccountContext(BaseModel):
    """What a connector instance is given: its account, resolved secrets and options."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    account: str
    secrets: Mapping[str, str] = {}
    options: ConnecteurOptions = ConnecteurOptions()
    base_url: str | None = None


class Connecteur:
    """Base class of every connector.

    Subclasses set :attr:`manifest` and override the methods of the capabilities they
    declare. Every action receives an ``idempotency_key`` (workflow id + step) so that a
    retried activity can find its own earlier post instead of posting twice.
    """

    manifest: ClassVar[Manifest]

    def __init__(self, context: AccountContext) -> None:
        self.context = context

    def supports(self, capability: Capability) -> bool:
        return capability in self.manifest.capabilities

    def _unsupported(self, capability: Capability) -> UnsupportedAction:
        return UnsupportedAction(
            f"connector {self.manifest.name!r} does not support {capability.value!r} "
            f"(declared: {sorted(c.value for c in self.manifest.capabilities)})"
        )

    async def parse(self, body: bytes, headers: Mapping[str, str]) -> list[Interaction]:
        raise self._unsupported(Capability.WEBHOOK)

    async def reply(
        self, interaction: Interaction, text: str, *, idempotency_key: str
    ) -> ActionResult:
        raise self._unsupported(Capability.REPLY)

    async def send_direct_message(
        self, interaction: Interaction, text: str, *, idempotency_key: str
    ) -> ActionResult:
        raise self._unsupported(Capability.DIRECT_MESSAGE)

    async def moderate(
        self, interaction: Interaction, action: ModerationAction, *, idempotency_key: str
    ) -> ActionResult:
        raise self._unsupported(Capability(action.value))

    async def aclose(self) -> None:
        """Release connections; called when the worker stops."""


def options_for(manifest: Manifest, raw: Mapping[str, Any]) -> ConnecteurOptions:
    return manifest.options_model.model_validate(dict(raw))
