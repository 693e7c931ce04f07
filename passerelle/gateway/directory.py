"""Which connector instance answers a delivery: by the URL's account, or by the accounts the
payload names when one URL serves many (Meta's ``entry[].id``, X's ``for_user_id``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from connecteurs.base import Connecteur, WebhookRequest
from connecteurs.models import Platform


class UnknownRoute(LookupError):
    """404: no such connector or account in the config."""


@dataclass(frozen=True)
class Resolved:
    """The connectors that handle a delivery, and the accounts it names that no config
    holds (refused: the gateway logs and counts them, and answers 404 if nothing is left)."""

    connectors: tuple[Connecteur, ...]
    unknown_accounts: tuple[str, ...] = ()


@dataclass
class Directory:
    """Connector instances by entry-point name, then by account id."""

    by_name: dict[str, dict[str, Connecteur]] = field(default_factory=dict)

    @classmethod
    def of(
        cls, connectors: Mapping[tuple[Platform, str], Connecteur], names: Mapping[str, str]
    ) -> Directory:
        """``names`` maps ``platform/account`` to the entry-point name the config gave it."""
        directory = cls()
        for (platform, account), connector in connectors.items():
            name = names[f"{platform.value}/{account}"]
            directory.by_name.setdefault(name, {})[account] = connector
        return directory

    def knows(self, name: str) -> bool:
        return name in self.by_name

    def resolve(self, name: str, account: str | None, request: WebhookRequest) -> Resolved:
        accounts = self.by_name.get(name)
        if not accounts:
            raise UnknownRoute(f"no account uses connector {name!r}")
        if account is not None:
            if account not in accounts:
                raise UnknownRoute(f"account {account!r} is not configured for {name!r}")
            return Resolved((accounts[account],))
        any_connector = next(iter(accounts.values()))
        named = tuple(dict.fromkeys(type(any_connector).accounts_in(request)))
        if not named:
            if len(accounts) == 1:
                return Resolved((any_connector,))
            raise UnknownRoute(
                f"several accounts use {name!r} and the payload does not say which: "
                f"post to /webhooks/{name}/{{account}}"
            )
        known = tuple(accounts[a] for a in named if a in accounts)
        unknown = tuple(a for a in named if a not in accounts)
        return Resolved(known, unknown)

    def all_for(self, name: str) -> tuple[Connecteur, ...]:
        return tuple(self.by_name.get(name, {}).values())
