"""The feature steps of the model, each a named step of one scikit-learn Pipeline.

The model's input is a sequence of `(text, context)` pairs: the sentence and
the sentence before it. Everything from there to the label is inside the
pipeline, so the saved model is the whole model.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from classifiers.cues import FEATURE_NAMES, Cues, read_cues


class ModelInput(NamedTuple):
    """One sentence as the model reads it: its text, the sentence before, its block and place."""

    text: str
    context: str = ""
    kind: str = "paragraph"  # the extractor's block kind: paragraph, heading, list_item, quote, ...
    position: int = 0  # the sentence's index in the article


Pair = tuple[str, str]

# Weights of the two feature groups and C were chosen by grouped cross-validation on
# samples/ only; the held-out split and the benchmarks decide nothing.
# Character n-grams scored no better there and cost seven times the time.
WEIGHTS = {"words": 2.0, "cues": 1.0}
REGULARISATION_C = 3.0  # inverse L2 strength


@functools.lru_cache(maxsize=8192)
def cached_cues(text: str, context: str) -> Cues:
    """Read cues once per sentence, shared by the features and the explanation."""
    return read_cues(text, context)


def sentence_texts(pairs: Sequence[Pair]) -> list[str]:
    """Select the sentence text of each pair."""
    return [pair[0] for pair in pairs]


def cue_matrix(pairs: Sequence[Pair]) -> np.ndarray:
    """Turn each sentence's cues into a row of numbers in `FEATURE_NAMES` order."""
    in_order = operator.itemgetter(*FEATURE_NAMES)
    return np.array([in_order(cached_cues(pair[0], pair[1]).counts) for pair in pairs], dtype=float)


def build_pipeline() -> Pipeline:
    """Return the untrained model: word n-grams and cue features, then logistic regression."""
    words = Pipeline(
        [
            ("select", FunctionTransformer(sentence_texts)),
            ("tfidf", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)),
        ]
    )
    cues = Pipeline([("extract", FunctionTransformer(cue_matrix)), ("scale", StandardScaler())])
    features = FeatureUnion([("words", words), ("cues", cues)], transformer_weights=WEIGHTS)
    # No class re-weighting: predicting the rarer opinion class more often costs precision,
    # and a false flag costs a reader's trust more than a missed one.
    classifier = LogisticRegression(C=REGULARISATION_C, max_iter=5000)
    return Pipeline([("features", features), ("classifier", classifier)])
