"""The shipped model: one-vs-rest linear weights over hashed features, with a decision
threshold per category, in ``weights.npz`` next to this module.

File format (a plain zip of ``.npy`` arrays, readable with ``numpy.load`` and no pickle):

* ``classes``: the category names, one per column;
* ``weights``: ``float16``, ``(BUCKETS, classes)``;
* ``bias``, ``thresholds``: ``float32``, one per class; a class fires when
  ``bias + scale * sum(weights[buckets])`` reaches its threshold (both are logits);
* ``bucket_bits``: the hashing width the weights were trained with.

Only the categories where the model helped in cross-validation are shipped (the training
report lists the others and why): a column the model may never use costs memory and time
on every message.

:func:`save` writes the zip with fixed timestamps so that the same training run gives the
same bytes, and the same SHA-256 in the training report.
"""

from __future__ import annotations

import functools
import hashlib
import io
import zipfile
from pathlib import Path

import numpy as np
import numpy.typing as npt

from plugins.classifiers.modele.features import BUCKET_BITS, BUCKETS, Features

WEIGHTS_PATH = Path(__file__).with_name("weights.npz")
REPORT_PATH = Path(__file__).with_name("report.json")
_FIXED_DATE = (1980, 1, 1, 0, 0, 0)


class LinearModel:
    """Weights ``(BUCKETS, classes)``, and a bias and a threshold (logits) per class."""

    def __init__(
        self,
        classes: tuple[str, ...],
        weights: npt.NDArray[np.float32],
        bias: npt.NDArray[np.float32],
        thresholds: npt.NDArray[np.float32],
    ) -> None:
        self.classes = classes
        self.weights = weights
        self.bias = bias
        self.thresholds = thresholds
        # Plain floats for the per-message arithmetic: a handful of numbers, where each
        # numpy call would cost more than the sums.
        self.bias_list: list[float] = bias.tolist()
        self.threshold_list: list[float] = thresholds.tolist()

    def rows(self, features: Features) -> npt.NDArray[np.float32]:
        """The weights of every feature occurrence, ``(occurrences, classes)``."""
        return self.weights.take(features.buckets, axis=0)

    def logits(
        self, features: Features, rows: npt.NDArray[np.float32] | None = None
    ) -> list[float]:
        """One logit per class (``rows``: :meth:`rows`, when already at hand)."""
        if not len(features.buckets):
            return list(self.bias_list)
        summed: list[float] = (self.rows(features) if rows is None else rows).sum(axis=0).tolist()
        scale = features.scale
        return [b + s * scale for b, s in zip(self.bias_list, summed, strict=True)]

    def top_features(
        self, features: Features, rows: npt.NDArray[np.float32], column: int, count: int
    ) -> list[tuple[str, float]]:
        """The ``count`` features that raised one class's logit most, with what they added.

        Only the leading ``3 * count`` occurrences are looked at (a partial sort: this runs
        for every category found). A feature is counted by its bucket, so its repeats add
        up (and so would another n-gram hashed into the same bucket: the model cannot tell
        them apart); it is named after its first occurrence."""
        each = rows[:, column]
        window = min(len(each), 3 * count)
        if window == 0:
            return []
        leading = each.argpartition(len(each) - window)[-window:]
        totals: dict[int, list[float]] = {}  # bucket -> [sum, first index]
        for index, value, bucket in zip(
            leading.tolist(),
            each[leading].tolist(),
            features.buckets[leading].tolist(),
            strict=True,
        ):
            if bucket in totals:
                totals[bucket][0] += value
                totals[bucket][1] = min(totals[bucket][1], index)
            else:
                totals[bucket] = [value, index]
        ranked = sorted(totals.values(), key=lambda item: (-item[0], item[1]))[:count]
        scale = features.scale
        return [(features.name(int(index)), value * scale) for value, index in ranked if value > 0]


def save(
    path: Path,
    classes: tuple[str, ...],
    weights: npt.NDArray[np.floating],
    bias: npt.NDArray[np.floating],
    thresholds: npt.NDArray[np.floating],
) -> str:
    """Write the model and return the SHA-256 of the file."""
    arrays: dict[str, npt.NDArray[np.generic]] = {
        "classes": np.array(classes, dtype=np.str_),
        "weights": np.asarray(weights, dtype=np.float16),
        "bias": np.asarray(bias, dtype=np.float32),
        "thresholds": np.asarray(thresholds, dtype=np.float32),
        "bucket_bits": np.array(BUCKET_BITS, dtype=np.int32),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            member = io.BytesIO()
            np.lib.format.write_array(member, array, allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, member.getvalue(), compresslevel=9)
    data = buffer.getvalue()
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def read(path: Path) -> LinearModel:
    """Load a weights file written by :func:`save`."""
    with np.load(path, allow_pickle=False) as data:
        if int(data["bucket_bits"]) != BUCKET_BITS:
            raise ValueError(f"{path}: weights hashed into 2**{int(data['bucket_bits'])} buckets")
        weights = data["weights"].astype(np.float32)
        if weights.ndim != 2 or weights.shape[0] != BUCKETS:
            raise ValueError(f"{path}: weights of shape {weights.shape}")
        classes = tuple(str(c) for c in data["classes"])
        bias = data["bias"].astype(np.float32)
        thresholds = data["thresholds"].astype(np.float32)
    if not len(classes) == weights.shape[1] == len(bias) == len(thresholds):
        raise ValueError(f"{path}: classes, weights, bias and thresholds do not line up")
    return LinearModel(classes, weights, bias, thresholds)


@functools.cache
def shipped() -> LinearModel:
    """The model shipped with the package, loaded once per process."""
    return read(WEIGHTS_PATH)
