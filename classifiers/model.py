"""Save and load the model safely: skops with an explicit list of trusted types.

A model is two files side by side: `NAME.skops` (the whole Pipeline) and
`NAME.json` (its model card: version, library versions, samples digest, scores).
"""

from __future__ import annotations

import json
import os
import pathlib
import tempfile
import zipfile
from dataclasses import dataclass
from typing import Any

import skops.io
from sklearn.pipeline import Pipeline

MODEL_NAME = "sourcecheck-sentences"
BUNDLED_MODEL = pathlib.Path(__file__).parent / "models" / "sourcecheck.skops"

#: Every type a saved model may hold beyond the scikit-learn, NumPy and SciPy types
#: that skops trusts by default.
#: Loading refuses anything else, so a tampered file cannot run code.
TRUSTED_TYPES: tuple[str, ...] = (
    "classifiers.article_context.ArticleContext",
    "classifiers.early_exit.EarlyExit",
    "classifiers.features.cue_feature_names",
    "classifiers.features.cue_matrix",
    "classifiers.features.embedding_feature_names",
    "classifiers.features.sentence_embeddings",
    "classifiers.features.sentence_texts",
    "classifiers.features.structure_feature_names",
    "classifiers.features.structure_matrix",
    "classifiers.features.text_feature_name",
)


class ModelError(RuntimeError):
    """A model file is missing, unreadable or holds types we do not trust."""


@dataclass(frozen=True)
class Model:
    """A loaded pipeline and the card that says what made it."""

    pipeline: Pipeline
    card: dict[str, Any]
    path: pathlib.Path

    @property
    def version(self) -> str:
        return str(self.card.get("version", "unknown"))


def card_path(model_path: pathlib.Path) -> pathlib.Path:
    """Return where the model card of `model_path` lives."""
    return model_path.with_suffix(".json")


def untrusted_types(model_path: pathlib.Path) -> list[str]:
    """List the types in a saved model that are not in `TRUSTED_TYPES`."""
    found = skops.io.get_untrusted_types(file=model_path)
    return sorted(set(found) - set(TRUSTED_TYPES))


def load_model(model_path: pathlib.Path = BUNDLED_MODEL) -> Model:
    """Load a model and its card, refusing any type outside `TRUSTED_TYPES`."""
    model_path = pathlib.Path(model_path)
    try:
        unknown = untrusted_types(model_path)
        if unknown:
            raise ModelError(f"{model_path}: refusing untrusted types {', '.join(unknown)}")
        pipeline = skops.io.load(model_path, trusted=list(TRUSTED_TYPES))
        card = json.loads(card_path(model_path).read_text(encoding="utf-8"))
    except ModelError:
        raise
    except (OSError, ValueError, TypeError, KeyError, zipfile.BadZipFile) as error:
        raise ModelError(f"{model_path}: cannot load model ({error})") from error
    if not isinstance(pipeline, Pipeline):
        raise ModelError(f"{model_path}: does not hold a scikit-learn Pipeline")
    return Model(pipeline, card, model_path)


def _write_atomically(path: pathlib.Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False) as tmp:
        tmp.write(data)
    os.chmod(tmp.name, 0o644)
    os.replace(tmp.name, path)


def save_model(pipeline: Pipeline, card: dict[str, Any], model_path: pathlib.Path) -> None:
    """Write the model and its card; a reader never sees one half-written."""
    _write_atomically(pathlib.Path(model_path), skops.io.dumps(pipeline, compression=zipfile.ZIP_DEFLATED))
    card_bytes = (json.dumps(card, indent=2, sort_keys=True) + "\n").encode()
    _write_atomically(card_path(pathlib.Path(model_path)), card_bytes)
