"""Classifiers: turn an interaction into a :class:`~connecteurs.models.Classification`.

The keyword rules are imported on first use, not with the package: compiling their lexicons
takes about half a second, and every module that only needs the :class:`Classifier`
protocol (activities, the CLI's ``--help``) imports this package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from plugins.classifiers.base import Classifier

if TYPE_CHECKING:
    from plugins.classifiers.mots_cles import MotsClesClassifier

__all__ = ["Classifier", "MotsClesClassifier"]


def __getattr__(name: str) -> Any:
    if name == "MotsClesClassifier":
        from plugins.classifiers.mots_cles import MotsClesClassifier

        return MotsClesClassifier
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
