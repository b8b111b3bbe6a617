"""Label sentences with the model and explain each label in words a reader understands."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from classifiers.article_context import article_keys
from classifiers.cues import Cues, Span, read_cues_in_order
from classifiers.features import Item, ModelInput, article_step, as_input
from classifiers.labels import ATTRIBUTED, OPINION, UNATTRIBUTED
from classifiers.model import Model


@dataclass(frozen=True, slots=True)
class Prediction:
    """The label of one sentence, how sure the model is, and why."""

    label: str
    score: float
    scores: dict[str, float]
    cues: list[Span]
    source: Span | None
    reason: str


def _quoted(text: str, spans: Sequence[Span], limit: int = 3) -> str:
    """Quote the distinct words of `spans`, at most `limit` of them."""
    words = list(dict.fromkeys(text[start:end] for start, end in spans))[:limit]
    return ", ".join(f"“{word}”" for word in words)


def _evidence(label: str, cues: Cues) -> list[Span]:
    if label == ATTRIBUTED:
        return sorted(cues.attribution)
    if label == UNATTRIBUTED:
        return sorted(cues.vague + cues.passive) or sorted(cues.facts)
    if label == OPINION:
        return sorted(cues.opinion)
    return []


def explain(label: str, text: str, cues: Cues, evidence: Sequence[Span]) -> str:
    """Return one plain sentence saying why `text` got `label`."""
    words = _quoted(text, evidence)
    if label == ATTRIBUTED:
        if cues.source is not None:
            source = text[cues.source[0] : cues.source[1]]
            return f"The sentence names its source: {source}" + (f" ({words})." if words else ".")
        return "It reports what a source named nearby said" + (f" ({words})." if words else ".")
    if label == UNATTRIBUTED:
        if cues.vague:
            return f"The only source is vague ({_quoted(text, cues.vague)}): nobody a reader can check."
        if cues.passive:
            return (
                f"{_quoted(text, cues.passive)} hides who believes or reports this, so it cannot be checked."
            )
        if words:
            return f"It states checkable facts ({words}) without saying where they come from."
        return "It states a checkable fact without saying where it comes from."
    if label == OPINION:
        if words:
            return f"Wording such as {words} makes this the writer's own judgement or prediction."
        if cues.counts.get("question"):
            return "A question the writer puts to the reader: it argues, and reports nothing a source said."
        if cues.counts.get("first_second_person"):
            return "The writer speaks for themselves or to the reader (“I”, “we”, “you”): their own view."
        return "It reads as the writer's own judgement, not traced to any source."
    return "A heading, scene-setting or common knowledge: nothing here needs a source."


#: At most this many sentences, and this much text (~20 ms of work), are scored between two
#: calls of `classify`'s `between_batches`, so that one huge page cannot hide from a deadline.
BATCH_SENTENCES = 500
BATCH_CHARS = 20_000


def _batches(inputs: Sequence[ModelInput]) -> Iterator[list[ModelInput]]:
    batch: list[ModelInput] = []
    chars = 0
    for item in inputs:
        size = len(item.text) + len(item.context)
        if batch and (len(batch) >= BATCH_SENTENCES or chars + size > BATCH_CHARS):
            yield batch
            batch, chars = [], 0
        batch.append(item)
        chars += size
    if batch:
        yield batch


def classify(
    model: Model, items: Sequence[Item], between_batches: Callable[[], None] = lambda: None
) -> list[Prediction]:
    """Label each sentence: a `ModelInput`, or a `(text, context)` pair read as a paragraph alone.

    Sentences are scored alone in batches, calling `between_batches` before each (it may raise
    to stop), and then each beside the rest of its article."""
    if not items:
        return []
    inputs: list[ModelInput] = []
    all_cues: list[Cues] = []
    first_stage = []
    step = article_step(model.pipeline)
    for batch in _batches([as_input(item) for item in items]):
        between_batches()
        batch_cues = read_cues_in_order(batch)
        read = [item._replace(cues=cues) for item, cues in zip(batch, batch_cues, strict=True)]
        first_stage.append(step.sentence_probabilities(read))
        inputs += batch
        all_cues += batch_cues
    probabilities = step.in_article(np.vstack(first_stage), article_keys(inputs))
    labels = [str(label) for label in model.pipeline.classes_]
    rows = probabilities.round(4).tolist()
    predictions = []
    best_columns = probabilities.argmax(axis=1).tolist()
    for item, cues, row, best in zip(inputs, all_cues, rows, best_columns, strict=True):
        label = labels[best]
        evidence = _evidence(label, cues)
        predictions.append(
            Prediction(
                label=label,
                score=row[best],
                scores=dict(zip(labels, row, strict=True)),
                cues=evidence,
                source=cues.source if label == ATTRIBUTED else None,
                reason=explain(label, item.text, cues, evidence),
            )
        )
    return predictions
