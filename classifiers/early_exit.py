"""Answer from a quick model where it is sure, and run the full model only on the rest.

The sentence encoder is most of the time of a page (about 80 % of it), but on many
sentences ("..., the ministry said.", a heading, a list of specifications) the word n-grams
and cues alone already agree with it. The quick model is the same pipeline without the
encoder; where its top probability reaches `confident` and its label is one of
`quick_labels`, its answer stands and the sentence is never embedded. Leaving the flags out
of `quick_labels` means every highlight a reader is shown is the full model's call. Both
models are trained on the same samples, so `sourcecheck train` still retrains the whole
thing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.pipeline import Pipeline


class EarlyExit(ClassifierMixin, BaseEstimator):
    """Two classifiers over the same inputs and labels: `quick` first, `full` where it is unsure."""

    def __init__(
        self, quick: Pipeline, full: Pipeline, quick_labels: tuple[str, ...] = (), confident: float = 0.9
    ) -> None:
        self.quick = quick
        self.full = full
        self.quick_labels = quick_labels
        self.confident = confident

    def fit(self, items: Sequence[Any], labels: Sequence[str]) -> EarlyExit:
        self.quick_ = clone(self.quick).fit(items, labels)
        self.full_ = clone(self.full).fit(items, labels)
        if list(self.quick_.classes_) != list(self.full_.classes_):
            raise ValueError("the quick and the full model learned different labels")
        self.classes_ = self.full_.classes_
        return self

    def unsure(self, quick_probabilities: np.ndarray) -> np.ndarray:
        """Return the rows the quick model may not answer alone: those the full model answers."""
        best = quick_probabilities.argmax(axis=1)
        may_answer = np.isin(self.classes_[best], list(self.quick_labels))
        sure = quick_probabilities[np.arange(len(best)), best] >= self.confident
        return np.flatnonzero(~(may_answer & sure))

    def predict_proba(self, items: Sequence[Any]) -> np.ndarray:
        items = list(items)
        probabilities = np.asarray(self.quick_.predict_proba(items), dtype=float)
        rows = self.unsure(probabilities)
        if rows.size:
            probabilities[rows] = self.full_.predict_proba([items[row] for row in rows])
        return probabilities

    def predict(self, items: Sequence[Any]) -> np.ndarray:
        return np.asarray(self.classes_[self.predict_proba(items).argmax(axis=1)])
