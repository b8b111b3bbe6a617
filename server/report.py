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
# A source's name never holds a pronoun nor ends on a function word: "It allows him to" is a
# clause the attribution cues misread, not someone the article names.
_NOT_IN_NAMES = frozenset("i it he she we they you him her us them this these those who which what".split())
_NOT_LAST_IN_NAMES = frozenset("to of and or the a an that for with by in on at from as".split())


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
        "kind": sentence.kind,
        "label": prediction.label,
        "score": prediction.score,
        "scores": prediction.scores,
        "cues": [_span(sentence.text, sentence.start, cue) for cue in prediction.cues],
        "source": _span(sentence.text, sentence.start, prediction.source) if prediction.source else None,
        "reason": prediction.reason,
        "quote": _quote(article_text, sentence, context_chars),
    }


def _name_words(name: str) -> list[str]:
    return re.findall(r"[\w'’.-]+", name.casefold())


def _same_source(short: str, full: str) -> bool:
    """Whether `short` names the source `full` names: its words are the end of `full`'s
    ("Trump" in "President-elect Donald Trump", "ministry" in "China's Foreign Ministry"),
    or `full` holds every capitalised word of it ("Donald Trump" in "President Donald J. Trump")."""
    short_words, full_words = _name_words(short), _name_words(full)
    if not short_words or len(short_words) > len(full_words):
        return False
    if full_words[-len(short_words) :] == short_words:
        return True
    capitalised = {w.casefold() for w in re.findall(r"[\w'’.-]+", short) if w[0].isupper()}
    return bool(capitalised) and capitalised <= set(full_words)


def _is_name(name: str) -> bool:
    words = _name_words(name)
    return bool(words) and not _NOT_IN_NAMES.intersection(words) and words[-1] not in _NOT_LAST_IN_NAMES


def _display_name(name: str) -> str:
    return _LEADING_ARTICLE.sub("", name.strip())


def _merge_sources(names: Sequence[str]) -> list[tuple[str, int]]:
    """Count mentions per source, each under its fullest name; a short form that could be
    either of two different sources ("the department") counts for neither."""
    fullest = sorted(set(names), key=lambda n: (-len(_name_words(n)), n))
    counts: Counter[str] = Counter()
    for name in names:
        matches = [full for full in fullest if _same_source(name, full)]
        longest = [m for m in matches if len(_name_words(m)) == len(_name_words(matches[0]))]
        if len({m.casefold() for m in longest}) == 1 or not _name_words(name):
            counts[longest[0] if longest else name] += 1
    return counts.most_common()


def summarize(entries: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Count labels, gather the sources named, and the share of claims that are attributed."""
    counts = Counter(entry["label"] for entry in entries)
    names = [
        _display_name(entry["source"]["text"])
        for entry in entries
        if entry["label"] == ATTRIBUTED and entry["source"] and _is_name(entry["source"]["text"])
    ]
    claims = sum(counts[label] for label in LABELS if label != NEUTRAL)
    return {
        "counts": {label: counts.get(label, 0) for label in LABELS},
        "sources": [{"name": name, "sentences": n} for name, n in _merge_sources(names)],
        "attributed_share": round(counts[ATTRIBUTED] / claims, 4) if claims else None,
    }
