"""Load, validate and fingerprint the labelled sentences in `samples/sentences/`.

The layout is `<dir>/train/*.jsonl` and `<dir>/test/*.jsonl`: the test split
is fixed by article and topic, and training never reads it. Readers'
corrections that an editor accepted are exported to `<dir>/feedback/*.jsonl`
and join the train split only, so the held-out scores stay comparable.
"""

from __future__ import annotations

import hashlib
import json
import pathlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from classifiers.features import ModelInput
from classifiers.labels import ATTRIBUTED, LABELS

TRAIN, TEST, FEEDBACK = "train", "test", "feedback"

#: The blocks a sentence may stand in besides a paragraph, as the extractor names them.
KINDS: frozenset[str] = frozenset({"paragraph", "heading", "list_item", "quote", "caption", "embed"})


class SampleError(ValueError):
    """A sample file is malformed; the message names file:line and why."""


@dataclass(frozen=True, slots=True)
class Sample:
    """One labelled sentence, as `labels.md` defines the format."""

    text: str
    label: str
    context: str = ""
    source: str | None = None
    cues: tuple[str, ...] = ()
    origin: str = ""
    kind: str = "paragraph"

    @property
    def input(self) -> ModelInput:
        """The sentence as the model reads it; its origin names the article it stands in."""
        return ModelInput(self.text, self.context, self.kind, article=self.origin or None)


def _check(record: object, where: str) -> Sample:
    if not isinstance(record, dict):
        raise SampleError(f"{where}: a sample must be a JSON object")
    text, label = record.get("text"), record.get("label")
    if not isinstance(text, str) or not text.strip():
        raise SampleError(f"{where}: 'text' must be a non-empty string")
    if label not in LABELS:
        raise SampleError(f"{where}: 'label' must be one of {', '.join(LABELS)}, not {label!r}")
    context = record.get("context") or ""
    if not isinstance(context, str):
        raise SampleError(f"{where}: 'context' must be a string")
    source = record.get("source")
    if source is not None:
        if not isinstance(source, str) or source not in text:
            raise SampleError(f"{where}: 'source' must be an exact substring of 'text'")
        if label != ATTRIBUTED:
            raise SampleError(f"{where}: only attributed samples name a 'source'")
    cues = record.get("cues") or []
    if not isinstance(cues, list) or not all(isinstance(c, str) and c in text for c in cues):
        raise SampleError(f"{where}: 'cues' must be a list of exact substrings of 'text'")
    origin = record.get("origin") or ""
    if not isinstance(origin, str):
        raise SampleError(f"{where}: 'origin' must be a string")
    kind = record.get("kind") or "paragraph"
    if kind not in KINDS:
        raise SampleError(f"{where}: 'kind' must be one of {', '.join(sorted(KINDS))}, not {kind!r}")
    return Sample(text, label, context, source, tuple(cues), origin, kind)


def read_jsonl(path: pathlib.Path) -> Iterator[Sample]:
    """Yield the samples of one file, raising `SampleError` at the first bad line."""
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise SampleError(f"{where}: not valid JSON ({error.msg})") from None
            yield _check(record, where)


def sample_files(samples_dir: pathlib.Path, split: str) -> list[pathlib.Path]:
    """Return the split's files in a stable order."""
    return sorted((samples_dir / split).glob("*.jsonl"))


def load_split(samples_dir: pathlib.Path, split: str) -> list[Sample]:
    """Load and validate every sample of one split."""
    files = sample_files(samples_dir, split)
    if not files:
        raise SampleError(f"{samples_dir / split}: no .jsonl files")
    return [sample for path in files for sample in read_jsonl(path)]


def load_training(samples_dir: pathlib.Path) -> list[Sample]:
    """Load the train split and the exported reader feedback beside it (if any)."""
    feedback = [sample for path in sample_files(samples_dir, FEEDBACK) for sample in read_jsonl(path)]
    return load_split(samples_dir, TRAIN) + feedback


def origin_kind(sample: Sample) -> str:
    """Name who wrote a sample, for the model card's counts: the origin up to its first ':' or ','.

    "sourcecheck authors: bank profits" is "sourcecheck authors"; "reader feedback, 2026-12-02,
    news.example" is "reader feedback".
    """
    kind = re.split(r"[:,]", sample.origin, maxsplit=1)[0].strip()
    return kind or "unknown"


def samples_digest(samples_dir: pathlib.Path) -> str:
    """Return a SHA-256 over every split's file names and bytes, to tie a model to its data."""
    digest = hashlib.sha256()
    for split in (TRAIN, TEST, FEEDBACK):
        for path in sample_files(samples_dir, split):
            digest.update(f"{split}/{path.name}\n".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
