"""Split text into sentences that keep their character offsets."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import sentencex

from classifiers.features import PARAGRAPH, ModelInput

# sentencex ends a sentence inside initialisms such as "Sino-U.S." ("Sino-U." | "S. ties").
_BROKEN_INITIALISM_END = re.compile(r"(?:^|[\s\-])(?:[A-Z]\.)+$")
_INITIALISM_CONTINUATION = re.compile(r"^(?:[A-Z]\.)+[\s,;:)]")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a text: `text == source[start:end]`."""

    id: int
    start: int
    end: int
    text: str
    context: str = ""
    kind: str = PARAGRAPH  # the block it stands in, as the extractor names it

    @property
    def input(self) -> ModelInput:
        """The sentence as the model reads it."""
        return ModelInput(self.text, self.context, self.kind)


def _spans(paragraph: str, offset: int) -> Iterable[tuple[int, int]]:
    cursor = 0
    for piece in sentencex.segment("en", paragraph):
        stripped = piece.strip()
        if not stripped:
            continue
        start = paragraph.find(stripped, cursor)
        if start < 0:
            continue
        end = start + len(stripped)
        cursor = end
        yield offset + start, offset + end


def _merge_broken(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged:
            previous_start, previous_end = merged[-1]
            joinable = text[previous_end:start].strip() == ""
            if (
                joinable
                and _BROKEN_INITIALISM_END.search(text[previous_start:previous_end])
                and _INITIALISM_CONTINUATION.match(text[start:end])
            ):
                merged[-1] = (previous_start, end)
                continue
        merged.append((start, end))
    return merged


def split_sentences(
    text: str,
    paragraph_spans: Iterable[tuple[int, int]] | None = None,
    kinds: Iterable[str] | None = None,
) -> list[Sentence]:
    """Split `text` into sentences, never across the given paragraph spans.

    Without spans, blank lines separate paragraphs. `kinds` names the block of each
    span (paragraph, heading, list_item, ...); each sentence carries its block's kind,
    and the sentence before it as `context`, since "he added" needs its antecedent.
    """
    if paragraph_spans is None:
        paragraph_spans = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]*)*", text)]
    block_spans = list(paragraph_spans)
    block_kinds = list(kinds) if kinds is not None else [PARAGRAPH] * len(block_spans)
    spans: list[tuple[int, int, str]] = []
    for (start, end), kind in zip(block_spans, block_kinds, strict=True):
        spans.extend((a, b, kind) for a, b in _merge_broken(list(_spans(text[start:end], start)), text))
    sentences: list[Sentence] = []
    previous = ""
    for index, (start, end, kind) in enumerate(spans):
        sentence_text = text[start:end]
        sentences.append(Sentence(index, start, end, sentence_text, previous, kind))
        previous = sentence_text
    return sentences
