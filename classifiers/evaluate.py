"""Score predictions against labels: per-label precision, recall, F1, the confusion matrix,
and how well the model's confidence matches how often it is right."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from classifiers.labels import LABELS

CALIBRATION_BINS = 10


def calibration_error(correct: Sequence[bool], confidence: Sequence[float]) -> float:
    """Return the expected calibration error: the gap between confidence and accuracy.

    Predictions fall into ten bins of equal width by their confidence; each bin's gap
    between mean confidence and share correct is weighted by its share of predictions.
    A score of 0.9 should be right nine times in ten; the reader is shown it as such.
    """
    hits, sure = np.asarray(correct, dtype=float), np.asarray(confidence, dtype=float)
    if not len(hits):
        return 0.0
    bins = np.minimum((sure * CALIBRATION_BINS).astype(int), CALIBRATION_BINS - 1)
    gaps = [abs(sure[bins == b].mean() - hits[bins == b].mean()) * np.mean(bins == b) for b in set(bins)]
    return float(sum(gaps))


def score(
    truth: Sequence[str], predicted: Sequence[str], confidence: Sequence[float] | None = None
) -> dict[str, Any]:
    """Return per-label scores, macro-F1 and the confusion matrix (rows: truth, columns: predicted).

    Given the probability of each predicted label, also the expected calibration error.
    """
    labels = list(LABELS)
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=labels, zero_division=0
    )
    scores = {
        "labels": labels,
        "per_label": {
            label: {
                "precision": round(float(precision[i]), 4),
                "recall": round(float(recall[i]), 4),
                "f1": round(float(f1[i]), 4),
                "support": int(support[i]),
            }
            for i, label in enumerate(labels)
        },
        "macro_f1": round(
            float(f1_score(truth, predicted, labels=labels, average="macro", zero_division=0)), 4
        ),
        "accuracy": round(sum(t == p for t, p in zip(truth, predicted, strict=True)) / max(len(truth), 1), 4),
        "confusion_matrix": confusion_matrix(truth, predicted, labels=labels).tolist(),
        "count": len(truth),
    }
    if confidence is not None:
        correct = [t == p for t, p in zip(truth, predicted, strict=True)]
        scores["calibration_error"] = round(calibration_error(correct, confidence), 4)
    return scores


def format_scores(scores: dict[str, Any]) -> str:
    """Render scores as a plain-text table for a terminal."""
    lines = [f"{'label':<14}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}"]
    for label, row in scores["per_label"].items():
        lines.append(
            f"{label:<14}{row['precision']:>10.3f}{row['recall']:>10.3f}{row['f1']:>10.3f}{row['support']:>10}"
        )
    lines.append(f"{'macro-F1':<14}{scores['macro_f1']:>30.3f}")
    if "calibration_error" in scores:
        error = scores["calibration_error"]
        lines.append(f"{'calibration':<14}{error:>30.3f}  (expected gap between score and accuracy)")
    lines.append("")
    lines.append("confusion matrix (rows: true label, columns: predicted)")
    header = "".join(f"{label[:12]:>14}" for label in scores["labels"])
    lines.append(f"{'':<14}{header}")
    for label, row in zip(scores["labels"], scores["confusion_matrix"], strict=True):
        lines.append(f"{label:<14}" + "".join(f"{n:>14}" for n in row))
    return "\n".join(lines)
