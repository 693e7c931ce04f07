"""The pytest plugin of the conformance kit (registered under ``pytest11``).

Options:
    --conformite NAME[,NAME]   connectors ``ConformanceSuite``'s default ``subject`` fixture
                               loads from the ``passerelle.conformite`` entry points.
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
        help="comma-separated connector names to check (entry points of passerelle.conformite)",
    )
    group.addoption(
        "--conformite-strict",
        action="store_true",
        default=False,
        help="fail, instead of skip, a check the connector cannot run without an exemption",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "conformite: a check of the connector conformance kit")
