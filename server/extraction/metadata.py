"""Read an article's title, byline, publication date, language and URL.

Sources, best first: JSON-LD (schema.org Article), OpenGraph and the common
`<meta>` names, then the visible page (`<h1>`, `<time>`, byline boxes).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from bs4 import Tag

from server.extraction.walk import Walk

MAX_BYLINE_CHARS = 100  # longer "author" boxes are biographies, not bylines
_DATE_LIKE = re.compile(
    r"\d{1,4}[-/.:]\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\.? \d", re.I
)
_WHITESPACE = re.compile(r"\s+")
_FALLBACKS = {
    "title": ("og:title", "twitter:title", "title"),
    "byline": ("author", "article:author", "byl", "dc.creator", "sailthru.author"),
    "published": ("article:published_time", "datepublished", "date", "pubdate", "dc.date", "publish-date"),
    "language": ("og:locale", "content-language", "language", "dc.language"),
}


@dataclass(frozen=True, slots=True)
class Metadata:
    title: str | None
    byline: str | None
    published: str | None
    language: str | None
    url: str | None


def _iter_json_ld(scripts: list[Tag]) -> Iterator[dict]:
    for script in scripts:
        try:
            data = json.loads(script.string or "")
        except (ValueError, TypeError, RecursionError):
            continue
        pending = [data]
        while pending:
            item = pending.pop()
            if isinstance(item, list):
                pending.extend(item)
            elif isinstance(item, dict):
                pending.extend(v for k, v in item.items() if k == "@graph")
                yield item


def _person_name(value: object) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        return _person_name(value.get("name"))
    if isinstance(value, list):
        names = [name for name in map(_person_name, value) if name]
        return ", ".join(names) or None
    return None


def _declared(walk: Walk) -> dict[str, str | None]:
    """Read what the page declares in JSON-LD, OpenGraph and <meta> tags."""
    by_name: dict[str, list[Tag]] = defaultdict(list)
    for tag in walk.metadata:
        by_name[tag.name].append(tag)
    scripts = [t for t in by_name["script"] if "ld+json" in str(t.get("type") or "").lower()]
    meta: dict[str, str | None] = {}
    for item in _iter_json_ld(scripts):
        kind = item.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if not any(isinstance(k, str) and ("Article" in k or "Posting" in k or k == "Report") for k in kinds):
            continue
        meta.setdefault("title", item.get("headline") if isinstance(item.get("headline"), str) else None)
        meta.setdefault("byline", _person_name(item.get("author")))
        published = item.get("datePublished")
        meta.setdefault("published", published if isinstance(published, str) else None)
        language = item.get("inLanguage")
        meta.setdefault("language", language if isinstance(language, str) else None)
    properties: dict[str, str] = {}
    for tag in by_name["meta"]:
        key = tag.get("property") or tag.get("name") or tag.get("itemprop") or tag.get("http-equiv")
        content = tag.get("content")
        if isinstance(key, str) and isinstance(content, str) and content.strip():
            properties.setdefault(key.lower(), content.strip())
    for name, keys in _FALLBACKS.items():
        if not meta.get(name):
            meta[name] = next((properties[k] for k in keys if k in properties), None)
    canonical = next((t.get("href") for t in by_name["link"] if t.get("rel") == "canonical"), None)
    meta["url"] = (canonical if isinstance(canonical, str) else None) or properties.get("og:url")
    titles = by_name["title"]
    meta["page_title"] = _WHITESPACE.sub(" ", titles[0].get_text(" ")).strip() or None if titles else None
    return meta


def _visible_title(walk: Walk, page_title: str | None) -> str | None:
    if walk.first_heading is not None:
        text = _WHITESPACE.sub(" ", walk.first_heading.get_text(" ")).strip()
        if text:
            return text
    return page_title


def _visible_byline(walk: Walk) -> str | None:
    for text in walk.byline_texts:
        if text and len(text) <= MAX_BYLINE_CHARS and not _DATE_LIKE.search(text):
            return text
    return None


def read_metadata(walk: Walk, url: str | None) -> Metadata:
    """Return the article's metadata from what the walk collected."""
    meta = _declared(walk)
    byline = meta.get("byline") or _visible_byline(walk)
    if byline:
        byline = re.sub(r"^by\s+", "", byline, flags=re.IGNORECASE).strip() or None
    return Metadata(
        title=meta.get("title") or _visible_title(walk, meta.get("page_title")),
        byline=byline,
        published=meta.get("published") or walk.first_time,
        language=walk.language or meta.get("language"),
        url=meta.get("url") or url,
    )
