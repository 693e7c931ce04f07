"""The classifier contract (entry-point group ``passerelle.classifiers``)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from connecteurs.models import Classification, Interaction


@runtime_checkable
class Classifier(Protocol):
    """Turns an interaction into a :class:`Classification`.

    Implementations must be deterministic for a given version and must not do network I/O:
    they run inside an activity, and their ``name@version`` is recorded in every
    classification so an audit can tell which model decided.
    """

    name: str
    version: str

    def classify(self, interaction: Interaction) -> Classification:
        """Classify one interaction.

        Args:
            interaction: the message as received (``text``, ``author.locale`` and
                ``language`` may help).

        Returns:
            The classification, with ``classifier`` set to ``"{name}@{version}"``.
        """
        ...
