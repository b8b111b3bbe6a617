"""The whole path for one page: HTML -> article -> sentences -> predictions -> report."""

from __future__ import annotations

import time
from typing import Any

from classifiers.model import MODEL_NAME, Model
from classifiers.predict import classify
from classifiers.sentences import split_sentences
from server.extract import Article, PageTooLargeError, extract_article
from server.problems import Problem
from server.report import sentence_entry, summarize


def _milliseconds(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)


def _article_fields(article: Article) -> dict[str, Any]:
    return {
        "title": article.title,
        "byline": article.byline,
        "published": article.published,
        "url": article.url,
        "language": article.language,
        "text": article.text,
    }


def analyze(
    html: str, url: str | None, model: Model, *, max_elements: int, context_chars: int
) -> dict[str, Any]:
    """Analyze one page; raise `Problem` (422) when it has no article body or is too large."""
    started = time.perf_counter()
    try:
        article = extract_article(html, url, max_elements=max_elements)
    except PageTooLargeError as error:
        raise Problem(
            422, "page-too-large", "Page too large", f"{error}; the limit is {max_elements:,}."
        ) from None
    if article is None:
        raise Problem(
            422,
            "no-article",
            "No article found",
            "No article body was found in this page: it has no run of paragraphs that reads as a story.",
        )
    extracted = time.perf_counter()
    sentences = split_sentences(article.text, [(block.start, block.end) for block in article.blocks])
    predictions = classify(model, [(sentence.text, sentence.context) for sentence in sentences])
    entries = [
        sentence_entry(article.text, sentence, prediction, context_chars)
        for sentence, prediction in zip(sentences, predictions, strict=True)
    ]
    return {
        "article": _article_fields(article),
        "sentences": entries,
        "summary": summarize(entries),
        "model": {"name": MODEL_NAME, "version": model.version},
        "timing_ms": {
            "extract": round((extracted - started) * 1000, 2),
            "classify": _milliseconds(extracted),
            "total": _milliseconds(started),
        },
    }
