"""The pytest plugin of the conformance kit (registered under ``pytest11``).

Options:
    --conformite NAME          the connector ``connecteurs.conformite.check`` loads from the
                               ``passerelle.conformite`` entry points (one per run).
    --conformite-strict        a check a connector cannot run fails instead of skipping,
                               unless the subject exempts it with a reason.
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("conformite", "Passerelle connector conformance kit")
    group.addoption(
        "--conformite",
        default="",
        help="the connector to check (an entry point of passerelle.conformite)",
    )
    group.addoption(
        "--conformite-strict",
        action="store_true",
        default=False,
        help="fail, instead of skip, a check the connector cannot run without an exemption",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "conformite: a check of the connector conformance kit")
