"""The README's connector table says what each manifest declares (docs that drift lie)."""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path

import pytest

from connecteurs.base import Capability
from plugins.discovery import CONNECTORS, discover

README = Path(__file__).parents[2] / "README.md"
COLUMNS = {
    "reply": Capability.REPLY,
    "DM": Capability.DIRECT_MESSAGE,
    "hide": Capability.HIDE,
    "delete": Capability.DELETE,
    "block": Capability.BLOCK,
}


def table() -> dict[str, dict[str, str]]:
    section = README.read_text(encoding="utf-8").split("\n## Connectors\n", 1)[1]
    lines = section.split("\n## ", 1)[0].splitlines()
    rows = [line for line in lines if line.startswith("| `")]
    header = next(line for line in lines if line.startswith("| connector"))
    names = [cell.strip() for cell in header.strip("|").split("|")]
    found = {}
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        found[cells[0].strip("`")] = dict(zip(names, cells, strict=True))
    return found


def built_in() -> list[str]:
    """Passerelle's own connectors (a third party's, installed for a test, is not in the
    README)."""
    return sorted(
        ep.name
        for ep in entry_points(group=CONNECTORS)
        if ep.dist is not None and ep.dist.name == "passerelle"
    )


@pytest.mark.parametrize("name", built_in())
def test_each_connector_row_matches_its_manifest(name: str) -> None:
    manifest = discover(CONNECTORS).plugins[name].manifest
    row = table()[name]
    for column, capability in COLUMNS.items():
        claimed = row[column].startswith("✓")
        assert claimed == (capability in manifest.capabilities), (name, column, row[column])
    arrives = row["arrives by"]
    assert ("poll" in arrives) == (Capability.POLL in manifest.capabilities), (name, arrives)
    assert sorted(p.value for p in manifest.platforms) == sorted(row["platforms"].split(", "))
