"""Classifiers: turn an interaction into a :class:`~connecteurs.models.Classification`."""

from plugins.classifiers.base import Classifier
from plugins.classifiers.mots_cles import MotsClesClassifier

__all__ = ["Classifier", "MotsClesClassifier"]
