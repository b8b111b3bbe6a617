"""Read each sentence beside the rest of its article: a second stage over the sentence model.

A sentence alone often cannot say whether "The city's plan is a disaster for renters" is a
claim a reporter owes a source for or a columnist's verdict; the article around it can. In a
column most sentences read as opinion, in a recipe most read as neutral, in a wire report
most are attributed. So the sentence model scores every sentence first, and a small logistic
regression then weighs each sentence's own scores against the mean scores of the other
sentences of its article (and how many there are).

The second stage must learn from scores the sentence model gives to sentences it has not seen,
or it would learn to trust them too much: `fit` cross-validates the sentence model by article
and trains the second stage on those held-out scores, then fits the sentence model on
everything. Each training sentence is also shown once as an article of its own, so that a
sentence read alone (`article` None) gets a sensible answer too.

On news-dev this took macro-F1 from 0.771 to 0.782 (classifier alone, same samples); the
held-out split of our samples, whose articles are tidier, moved from 0.912 to 0.907.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, cross_val_predict

#: Articles longer than this many other sentences count as this long.
ARTICLE_CAP = 20


def article_keys(items: Sequence[Any]) -> list[str]:
    """Return the article of each input; an input whose `article` is None is an article alone."""
    keys = []
    for row, item in enumerate(items):
        article = getattr(item, "article", None)
        keys.append(f"\0alone {row}" if article is None else str(article))
    return keys


def article_features(probabilities: np.ndarray, articles: Sequence[str]) -> np.ndarray:
    """Return, per sentence: the log of its own scores, the mean scores of the other sentences
    of its article (uniform when there are none), and how many others there are, capped."""
    probabilities = np.asarray(probabilities, dtype=float)
    _, owner = np.unique(np.asarray(articles, dtype=object), return_inverse=True)
    totals = np.zeros((owner.max(initial=-1) + 1, probabilities.shape[1]))
    np.add.at(totals, owner, probabilities)
    others = np.bincount(owner)[owner] - 1
    uniform = np.full(probabilities.shape[1], 1 / probabilities.shape[1])
    sum_of_others = totals[owner] - probabilities
    mean_of_others = np.where(others[:, None] == 0, uniform, sum_of_others / np.maximum(others, 1)[:, None])
    length = np.minimum(others, ARTICLE_CAP)[:, None] / ARTICLE_CAP
    return np.hstack([np.log(probabilities + 1e-4), mean_of_others, length])


class ArticleContext(ClassifierMixin, BaseEstimator):
    """A sentence model, then a logistic regression over each sentence's scores and its article's."""

    def __init__(self, sentence_model: Any, folds: int = 5, C: float = 1.0) -> None:
        self.sentence_model = sentence_model
        self.folds = folds
        self.C = C

    def fit(self, items: Sequence[Any], labels: Sequence[str]) -> ArticleContext:
        self.fit_and_cross_validate(items, labels)
        return self

    def fit_and_cross_validate(self, items: Sequence[Any], labels: Sequence[str]) -> np.ndarray:
        """Fit both stages; return each training sentence's scores from models that never saw its
        article, for the model card."""
        items, truth = list(items), np.asarray(labels)
        articles = article_keys(items)
        folds = GroupKFold(min(self.folds, len(set(articles))))
        held_out = cross_val_predict(
            self.sentence_model, items, truth, groups=articles, cv=folds, method="predict_proba"
        )
        in_articles = article_features(held_out, articles)
        alone = article_features(held_out, article_keys([None] * len(items)))
        second = LogisticRegression(C=self.C, max_iter=3000)
        cross_validated = cross_val_predict(
            second, in_articles, truth, groups=articles, cv=folds, method="predict_proba"
        )
        self.article_model_ = second.fit(np.vstack([in_articles, alone]), np.concatenate([truth, truth]))
        self.sentence_model_ = clone(self.sentence_model).fit(items, truth)
        if list(self.sentence_model_.classes_) != list(self.article_model_.classes_):
            raise ValueError("the sentence and the article stage learned different labels")
        self.classes_ = self.article_model_.classes_
        return np.asarray(cross_validated)

    def sentence_probabilities(self, items: Sequence[Any]) -> np.ndarray:
        """Score each sentence on its own, the first stage."""
        return np.asarray(self.sentence_model_.predict_proba(list(items)), dtype=float)

    def in_article(self, probabilities: np.ndarray, articles: Sequence[str]) -> np.ndarray:
        """Turn first-stage scores into final ones, each read beside its article's."""
        if len(probabilities) == 0:
            return np.zeros((0, len(self.classes_)))
        return np.asarray(self.article_model_.predict_proba(article_features(probabilities, articles)))

    def predict_proba(self, items: Sequence[Any]) -> np.ndarray:
        items = list(items)
        return self.in_article(self.sentence_probabilities(items), article_keys(items))

    def predict(self, items: Sequence[Any]) -> np.ndarray:
        return np.asarray(self.classes_[self.predict_proba(items).argmax(axis=1)])
