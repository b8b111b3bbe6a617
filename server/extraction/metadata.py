"""Read an article's title, byline, publication date, language and URL.

Sources, best first: JSON-LD (schema.org Article), OpenGraph and the common
`<meta>` names, then the visible page (`<h1>`, `<time>`, byline boxes, even
inside `<header>` and `<footer>`), and last htmldate's search of the page
for a dateline. Dates come out as ISO 8601; titles lose the site name that
`<title>` and `og:title` often append; bylines lose "By", "Written by" and
the like, and the date a byline box often holds.
"""

from __future__ import annotations

import html as html_entities
import json
import logging
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from bs4 import Tag

from server.extraction.dates import iso_date
from server.extraction.walk import Walk

log = logging.getLogger(__name__)

MAX_BYLINE_CHARS = 100  # longer "author" boxes are biographies, not bylines
MAX_SITE_NAME_WORDS = 6
# htmldate reads this much of a page, where datelines stand (it takes 0.7 s a megabyte, uninterruptibly).
DATE_SEARCH_CHARS = 400_000  # a title's tail longer than this is part of the title, not a site name
_DATE_LIKE = re.compile(
    r"\d{1,4}[-/.:]\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\.? \d"
    r"|\b(?:updated|published|posted|modified)\b|\b\d+ (?:min|hour|day|week)s? ago\b",
    re.I,
)
_BYLINE_PREFIX = re.compile(
    r"^(?:(?:written|words|reporting|reported|story|text|posted|published|compiled|interview|analysis"
    r"|opinion|commentary|photos?)\s+by|by|von|par|por|di|door|av|af|przez|från|words|text|author|autor"
    r"|auteur|reporter|texto|текст|автор)\b\s*[:\-–]?\s*",
    re.IGNORECASE,
)
# Lines of a byline box that are not the name: a handle, a reading time, a lone word or mark.
_NOT_A_NAME = re.compile(
    r"^(?:@\w+|\d+\s*(?:min|minute)s?(?: read)?|at|on|in|by|[\W_]*)$|\bread\b|\bfollow\b", re.I
)
_CONNECTORS = ("and", "und", "et", "y", "e", "&", ",")
_TITLE_SEPARATOR = re.compile(r"(\s+[|\-–—·•»:]{1,2}\s+)")
_WHITESPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
_PUBLISHED_NAMES = (
    "article:published_time",
    "article:published",
    "og:published_time",
    "datepublished",
    "publishdate",
    "publish-date",
    "publish_date",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.created",
    "dc.date",
    "date",
    "article.published",
    "cxenseparse:recs:publishtime",
)
_FALLBACKS = {
    "title": ("og:title", "twitter:title", "title"),
    "byline": ("author", "article:author", "byl", "dc.creator", "sailthru.author", "parsely-author"),
    "language": ("og:locale", "content-language", "language", "dc.language"),
    "site_name": ("og:site_name", "application-name", "twitter:site"),
}


@dataclass(frozen=True, slots=True)
class Metadata:
    title: str | None
    byline: str | None
    published: str | None
    language: str | None
    url: str | None


def _clean(value: object) -> str | None:
    """A string value as a reader sees it: entities decoded, whitespace collapsed."""
    if not isinstance(value, str):
        return None
    return _WHITESPACE.sub(" ", html_entities.unescape(value)).strip() or None


def _iter_json_ld(scripts: list[Tag]) -> Iterator[dict[str, Any]]:
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
                pending.extend(v for k, v in item.items() if k in ("@graph", "mainEntity"))
                yield item


def _person_name(value: object, graph: dict[str, dict[str, Any]]) -> str | None:
    """The name of a JSON-LD author: a string, a Person, a reference into the graph, or a list."""
    if isinstance(value, str):
        return None if value.startswith(("http://", "https://")) else _clean(value)
    if isinstance(value, dict):
        if "name" not in value and isinstance(value.get("@id"), str):
            value = graph.get(value["@id"], {})
        return _person_name(value.get("name"), graph)
    if isinstance(value, list):
        names = [name for name in (_person_name(v, graph) for v in value) if name]
        return ", ".join(dict.fromkeys(names)) or None
    return None


def _keep_first(meta: dict[str, str | None], key: str, value: str | None) -> None:
    if value and not meta.get(key):
        meta[key] = value


def _is_article(item: dict[str, Any]) -> bool:
    kind = item.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and ("Article" in k or "Posting" in k or k == "Report") for k in kinds)


def _declared(walk: Walk) -> dict[str, str | None]:
    """Read what the page declares in JSON-LD, OpenGraph and <meta> tags."""
    by_name: dict[str, list[Tag]] = defaultdict(list)
    for tag in walk.metadata:
        by_name[tag.name].append(tag)
    scripts = [t for t in by_name["script"] if "ld+json" in str(t.get("type") or "").lower()]
    meta: dict[str, str | None] = {}
    items = list(_iter_json_ld(scripts))
    graph = {item["@id"]: item for item in items if isinstance(item.get("@id"), str)}
    for item in items:
        if item.get("@type") == "WebSite":
            _keep_first(meta, "site_name", _clean(item.get("name")))
        if not _is_article(item):
            _keep_first(meta, "any_published", _clean(item.get("datePublished")))
            continue
        _keep_first(meta, "title", _clean(item.get("headline")))
        _keep_first(meta, "byline", _person_name(item.get("author"), graph))
        _keep_first(meta, "published", _clean(item.get("datePublished")))
        _keep_first(meta, "language", _clean(item.get("inLanguage")))
        publisher = item.get("publisher")
        if isinstance(publisher, dict):
            _keep_first(meta, "site_name", _clean(publisher.get("name")))
    properties: dict[str, str] = {}
    for tag in by_name["meta"]:
        content = _clean(tag.get("content"))
        if not content:
            continue
        names = [tag.get("property"), tag.get("name"), tag.get("http-equiv")]
        for key in [str(name) for name in names if name] + str(tag.get("itemprop") or "").split():
            properties.setdefault(key.lower(), content)
    for name, keys in _FALLBACKS.items():
        if not meta.get(name):
            meta[name] = next((properties[k] for k in keys if k in properties), None)
    if not iso_date(meta.get("published")):
        meta["published"] = next(
            (properties[k] for k in _PUBLISHED_NAMES if iso_date(properties.get(k))), None
        )
    canonical = next((t.get("href") for t in by_name["link"] if t.get("rel") == "canonical"), None)
    meta["url"] = (canonical if isinstance(canonical, str) else None) or properties.get("og:url")
    titles = by_name["title"]
    meta["page_title"] = _clean(titles[0].get_text(" ")) if titles else None
    return meta


def _visible_title(walk: Walk) -> str | None:
    if walk.first_heading is None:
        return None
    return _clean(walk.first_heading.get_text(" "))


def _squeezed(text: str) -> str:
    return "".join(_WORD.findall(text.lower()))


def _names_site(part: str, site_names: list[str]) -> bool:
    """Return whether one end of a title names the site ("The Verge", "nytimes.com", "WSJ")."""
    squeezed = _squeezed(part)
    if len(squeezed) < 2 or len(part.split()) > MAX_SITE_NAME_WORDS:
        return False
    return any(
        squeezed == name or (len(squeezed) >= 4 and squeezed in name) or (len(name) >= 3 and name in squeezed)
        for name in site_names
        if name
    )


def strip_site_name(title: str, site_names: list[str], heading: str | None) -> str:
    """Drop the site's name from either end of a title ("Story - Site", "Site | Story")."""
    if heading and len(heading) < len(title) and _squeezed(heading) and title.startswith(heading):
        if _TITLE_SEPARATOR.match(title[len(heading) :]):
            return heading  # the visible headline, with the separator and site name after it
    names = [_squeezed(name) for name in site_names if name]
    pieces = _TITLE_SEPARATOR.split(title)  # parts, with the separators between them at odd places
    while len(pieces) > 1 and _names_site(pieces[-1], names):
        del pieces[-2:]
    while len(pieces) > 1 and _names_site(pieces[0], names):
        del pieces[:2]
    return "".join(pieces)


def _site_names(meta: dict[str, str | None], url: str | None) -> list[str]:
    names = [meta.get("site_name") or ""]
    host = urlsplit(meta.get("url") or url or "").hostname or ""
    labels = [label for label in host.split(".") if label not in ("www", "m", "amp", "com", "org", "net")]
    if labels:
        names.append(labels[0])  # "nytimes" of www.nytimes.com, "bbc" of www.bbc.co.uk
    return [name.lstrip("@") for name in names if name]


def clean_byline(text: str | None) -> str | None:
    """Return a byline without its lead word ("By", "Von", "Written by", "Words:")."""
    if not text or "://" in text:
        return None
    text = _WHITESPACE.sub(" ", text).strip(" |,;:-–—·•")
    stripped = _BYLINE_PREFIX.sub("", text, count=1).strip(" |,;:-–—·•")
    return stripped or None


def _byline_from_box(box: Tag) -> str | None:
    """Read the author from a byline box; lines that give a date or a label are left out."""
    lines = [_WHITESPACE.sub(" ", line).strip() for line in box.get_text("\n").split("\n")]
    names = [line for line in lines if line and not _DATE_LIKE.search(line) and not _NOT_A_NAME.search(line)]
    while names and names[-1].lower() in _CONNECTORS:
        names.pop()
    text = " ".join(names)
    if not text or len(text) > MAX_BYLINE_CHARS:
        return None
    return clean_byline(text)


def _visible_byline(walk: Walk) -> str | None:
    for box in walk.byline_boxes:
        byline = _byline_from_box(box)
        if byline:
            return byline
    return None


def _visible_date(walk: Walk) -> str | None:
    """The `<time>` marked as the publication date, else the first one that reads as a date."""
    marked = [t for t in walk.times if t.get("itemprop") == "datePublished" or "pubdate" in t.attrs]
    for tag in marked + walk.times:
        value = iso_date(str(tag.get("datetime")))
        if value:
            return value
    return None


def _searched_date(html: str, url: str | None) -> str | None:
    """Ask htmldate, which reads datelines and URLs; it parses the page again, so it comes last."""
    from htmldate import find_date

    try:
        found = find_date(html[:DATE_SEARCH_CHARS], url=url, original_date=True, extensive_search=True)
    except Exception as error:  # a third party's guess at a date must never cost the article
        log.debug("metadata: htmldate failed (%s: %s)", type(error).__name__, error)
        return None
    return iso_date(found)


def read_metadata(walk: Walk, html: str, url: str | None) -> Metadata:
    """Return the article's metadata from what the walk collected (and the page, for a dateline)."""
    meta = _declared(walk)
    heading = _visible_title(walk)
    title = meta.get("title") or heading or meta.get("page_title")
    if title:
        title = strip_site_name(title, _site_names(meta, url), heading)
    byline = clean_byline(meta.get("byline")) or _visible_byline(walk)
    published = iso_date(meta.get("published")) or _visible_date(walk) or _searched_date(html, url)
    log.debug("metadata: title %r, byline %r, published %r", title, byline, published)
    return Metadata(
        title=title,
        byline=byline,
        published=published,
        language=walk.language or meta.get("language"),
        url=meta.get("url") or url,
    )
