"""Draw a confusion matrix to a PNG (needs the optional `plot` extra: matplotlib)."""

from __future__ import annotations

import pathlib
from typing import Any


def plot_confusion(scores: dict[str, Any], path: pathlib.Path) -> None:
    """Write the confusion matrix of `scores` (from `classifiers.evaluate.score`) to `path`."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import pyplot
    except ImportError:
        raise OSError("--plot needs matplotlib: pip install 'sourcecheck[plot]'") from None
    labels, matrix = scores["labels"], scores["confusion_matrix"]
    figure, axes = pyplot.subplots(figsize=(6, 5))
    image = axes.imshow(matrix, cmap="Blues")
    axes.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
    axes.set_yticks(range(len(labels)), labels)
    axes.set_xlabel("predicted")
    axes.set_ylabel("true label")
    axes.set_title(f"macro-F1 {scores['macro_f1']:.3f} on {scores['count']} sentences")
    peak = max((max(row) for row in matrix), default=0)
    for i, row in enumerate(matrix):
        for j, value in enumerate(row):
            axes.text(
                j, i, str(value), ha="center", va="center", color="white" if value > peak / 2 else "black"
            )
    figure.colorbar(image, ax=axes)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    pyplot.close(figure)
