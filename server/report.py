"""Turn sentences and their predictions into the highlights and summary a reader sees."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from classifiers.cues import Span
from classifiers.labels import ATTRIBUTED, LABELS, NEUTRAL
from classifiers.predict import Prediction
from classifiers.sentences import Sentence

_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)


def _span(text: str, offset: int, span: Span) -> dict[str, Any]:
    start, end = span
    return {"start": offset + start, "end": offset + end, "text": text[start:end]}


def _quote(article_text: str, sentence: Sentence, context_chars: int) -> dict[str, str]:
    return {
        "exact": sentence.text,
        "prefix": article_text[max(0, sentence.start - context_chars) : sentence.start],
        "suffix": article_text[sentence.end : sentence.end + context_chars],
    }


def sentence_entry(
    article_text: str, sentence: Sentence, prediction: Prediction, context_chars: int
) -> dict[str, Any]:
    """Return one sentence of the API response: offsets in `article.text`, label and why."""
    return {
        "id": sentence.id,
        "start": sentence.start,
        "end": sentence.end,
        "text": sentence.text,
        "label": prediction.label,
        "score": prediction.score,
        "scores": prediction.scores,
        "cues": [_span(sentence.text, sentence.start, cue) for cue in prediction.cues],
        "source": _span(sentence.text, sentence.start, prediction.source) if prediction.source else None,
        "reason": prediction.reason,
        "quote": _quote(article_text, sentence, context_chars),
    }


def _source_key(name: str) -> str:
    """Key a source by its head word, so "Trump" and "President-elect Donald Trump", or
    "the ministry" and "China's Foreign Ministry", count as one source."""
    words = re.findall(r"[\w'’-]+", name.casefold())
    return words[-1] if words else ""


def _display_name(name: str) -> str:
    return _LEADING_ARTICLE.sub("", name.strip())


def summarize(entries: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Count labels, gather the sources named, and the share of claims that are attributed."""
    counts = Counter(entry["label"] for entry in entries)
    names: dict[str, str] = {}
    mentions: Counter[str] = Counter()
    for entry in entries:
        if entry["label"] == ATTRIBUTED and entry["source"]:
            name = _display_name(entry["source"]["text"])
            key = _source_key(name)
            if len(name) > len(names.get(key, "")):
                names[key] = name  # the fullest form the article uses
            mentions[key] += 1
    claims = sum(counts[label] for label in LABELS if label != NEUTRAL)
    return {
        "counts": {label: counts.get(label, 0) for label in LABELS},
        "sources": [{"name": names[key], "sentences": n} for key, n in mentions.most_common()],
        "attributed_share": round(counts[ATTRIBUTED] / claims, 4) if claims else None,
    }
