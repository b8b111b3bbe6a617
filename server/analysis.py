"""The whole path for one page: HTML -> article -> sentences -> predictions -> report."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

from classifiers.model import MODEL_NAME, Model
from classifiers.predict import classify
from classifiers.sentences import split_sentences
from server.config import MAX_PAGE_TIME_LIMIT_SECONDS, Settings
from server.extract import Article, PageTooLargeError, extract_article
from server.language import ENGLISH, written_language
from server.problems import Problem
from server.report import sentence_entry, summarize

#: Every sentence of a page stands in one article: the page's.
PAGE = "page"
_START_TAG = re.compile(r"<[A-Za-z]")


@dataclass(frozen=True)
class Limits:
    """What one page may cost; read from the app's configuration."""

    max_elements: int
    max_text_chars: int
    # CPU seconds of the request's own thread: what the page costs, whatever its neighbours cost.
    time_limit_seconds: float
    context_chars: int
    # Wall-clock seconds, however busy the machine: a page is cut off well before gunicorn's
    # request timeout would kill its worker.
    wall_limit_seconds: float = MAX_PAGE_TIME_LIMIT_SECONDS

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            max_elements=settings.max_elements,
            max_text_chars=settings.max_text_chars,
            time_limit_seconds=settings.page_time_limit_seconds,
            context_chars=settings.quote_context_chars,
        )


def _too_slow(limit: float) -> Problem:
    return Problem(
        422, "page-too-slow", "Page took too long", f"Reading this page took more than {limit:g} seconds."
    )


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


def _count_start_tags(html: str, limit: int) -> int:
    """Count what could open an element, cheaply: a parser builds at most one element per `<`."""
    if html.count("<") <= limit:
        return 0
    return sum(1 for _ in _START_TAG.finditer(html))


def _refuse_oversized(html: str, limits: Limits) -> None:
    """Refuse a page with too many elements before a parser spends seconds building its tree."""
    tags = _count_start_tags(html, limits.max_elements)
    if tags > limits.max_elements:
        raise Problem(
            422,
            "page-too-large",
            "Page too large",
            f"The page has {tags:,} tags; the limit is {limits.max_elements:,} elements.",
        )


def _extract(html: str, url: str | None, limits: Limits, check_time: Any) -> Article:
    _refuse_oversized(html, limits)
    try:
        article = extract_article(html, url, max_elements=limits.max_elements, check_time=check_time)
    except PageTooLargeError as error:
        raise Problem(
            422, "page-too-large", "Page too large", f"{error}; the limit is {limits.max_elements:,}."
        ) from None
    if article is None:
        raise Problem(
            422,
            "no-article",
            "No article found",
            "No article body was found in this page: it has no run of paragraphs that reads as a story.",
        )
    if len(article.text) > limits.max_text_chars:
        raise Problem(
            422,
            "article-too-long",
            "Article too long",
            f"The article has {len(article.text):,} characters; the limit is {limits.max_text_chars:,}.",
        )
    return article


def _refuse_other_languages(article: Article) -> None:
    """Refuse an article the model cannot read, rather than mark it with guesses."""
    language = written_language([article.text[block.start : block.end] for block in article.blocks])
    if language not in (None, ENGLISH):
        raise Problem(
            422,
            "not-english",
            "Article not in English",
            f"The article is written in another language (ISO 639 code {language!r}); "
            "sourcecheck reads English only.",
        )


def analyze(html: str, url: str | None, model: Model, limits: Limits) -> dict[str, Any]:
    """Analyze one page; raise `Problem` (422) when it has no article in English or costs too much."""
    started = time.perf_counter()
    cpu_deadline = time.thread_time() + limits.time_limit_seconds
    wall_deadline = time.monotonic() + limits.wall_limit_seconds

    def check_time() -> None:
        if time.thread_time() > cpu_deadline:
            raise _too_slow(limits.time_limit_seconds)
        if time.monotonic() > wall_deadline:
            raise _too_slow(limits.wall_limit_seconds)

    article = _extract(html, url, limits, check_time)
    _refuse_other_languages(article)
    extracted = time.perf_counter()
    sentences = split_sentences(
        article.text, [(block.start, block.end) for block in article.blocks], [b.kind for b in article.blocks]
    )
    check_time()
    inputs = [sentence.input._replace(article=PAGE) for sentence in sentences]
    predictions = classify(model, inputs, check_time)
    entries = [
        sentence_entry(article.text, sentence, prediction, limits.context_chars)
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
