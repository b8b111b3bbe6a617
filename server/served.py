"""The model a process serves, known by the digest of its file."""

from __future__ import annotations

import hashlib
import pathlib
from dataclasses import dataclass

from classifiers.model import Model, ModelError, load_model


@dataclass(frozen=True)
class ServedModel:
    """A loaded model and the SHA-256 of the file it was loaded from."""

    model: Model
    digest: str


def file_digest(path: pathlib.Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def load_served(path: pathlib.Path) -> ServedModel:
    """Load a model and its digest; raise `ModelError` when it cannot be loaded.

    The file is hashed before and after loading, so the digest is of the file that was read.
    """
    try:
        before = file_digest(path)
    except OSError as error:
        raise ModelError(f"{path}: cannot read the model file ({error})") from None
    model = load_model(path)
    if file_digest(path) != before:
        raise ModelError(f"{path}: the file changed while it was loaded; reload again")
    return ServedModel(model, before)
