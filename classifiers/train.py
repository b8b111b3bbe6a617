"""Train the model from `samples/sentences/`, score it, and write it with its model card."""

from __future__ import annotations

import datetime
import pathlib
import platform
from collections import Counter
from collections.abc import Callable
from importlib import metadata
from typing import Any

import numpy as np

from classifiers import encoder
from classifiers.cues import read_cues_in_order
from classifiers.evaluate import score
from classifiers.features import article_step, build_pipeline, cue_digest, feature_names, full_features
from classifiers.model import MODEL_NAME, save_model
from classifiers.samples import TEST, load_split, load_training, origin_kind, samples_digest

MODEL_VERSION = "0.1.0"
_LIBRARIES = ("scikit-learn", "numpy", "scipy", "skops", "textblob", "sentencex", "onnxruntime", "tokenizers")

Progress = Callable[[str], None]
#: The steps `train` reports, in order, so a caller can size a progress bar.
STEPS = ("validating samples", "cross-validating and training", "scoring the held-out split", "saving")


def _library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in _LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def _score(truth: list[str], classes: np.ndarray, probabilities: np.ndarray) -> dict[str, Any]:
    predicted = [str(label) for label in classes[probabilities.argmax(axis=1)]]
    return score(truth, predicted, probabilities.max(axis=1).tolist())


def train(
    samples_dir: pathlib.Path, out: pathlib.Path, progress: Progress = lambda step: None
) -> dict[str, Any]:
    """Train on the train split and accepted reader feedback, cross-validate, score the test split,
    save; return the card."""
    progress("validating samples")
    train_set = load_training(samples_dir)
    test_set = load_split(samples_dir, TEST)
    # Read once here: the quick and the full model both use the cues, in every fold.
    inputs = [s.input for s in train_set]
    inputs = [item._replace(cues=cues) for item, cues in zip(inputs, read_cues_in_order(inputs), strict=True)]
    labels = [s.label for s in train_set]
    progress("cross-validating and training")
    pipeline = build_pipeline()
    cv_probabilities = article_step(pipeline).fit_and_cross_validate(inputs, labels)
    progress("scoring the held-out split")
    test_probabilities = pipeline.predict_proba([s.input for s in test_set])
    card = {
        "name": MODEL_NAME,
        "version": MODEL_VERSION,
        "trained_at": datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat(),
        "labels": [str(label) for label in pipeline.classes_],
        "libraries": _library_versions(),
        "samples_digest": samples_digest(samples_dir),
        "samples": {
            "train": len(train_set),
            "test": len(test_set),
            "train_by_origin": dict(sorted(Counter(origin_kind(s) for s in train_set).items())),
        },
        "features": {**feature_names(), "total": len(full_features(pipeline).get_feature_names_out())},
        "cue_digest": cue_digest(inputs),
        "encoder": {"file": encoder.MODEL_PATH.name, "sha256": encoder.model_digest()},
        "scores": {
            "cross_validation": _score(labels, pipeline.classes_, cv_probabilities),
            "test": _score([s.label for s in test_set], pipeline.classes_, test_probabilities),
        },
    }
    progress("saving")
    save_model(pipeline, card, out)
    return card
