"""The model a process serves, known by the digest of its file."""

from __future__ import annotations

import hashlib
import pathlib
from dataclasses import dataclass

from classifiers.model import Model, load_model


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

    The file is hashed before and after loading; a file replaced meanwhile is read again.
    """
    for _ in range(3):
        before = file_digest(path) if path.is_file() else ""
        model = load_model(path)
        if file_digest(path) == before:
            return ServedModel(model, before)
    return ServedModel(model, file_digest(path))
