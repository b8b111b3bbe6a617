"""Extract the article body and its metadata from a news page, in one pass over the tree.

The walk turns the page into text blocks (paragraph, heading, list item, block
quote), skipping subtrees that are never article prose. Each block remembers
the elements above it; blocks then vote for the container that holds the
story, as Readability's scoring does, and only that container's blocks are
kept, minus link lists and boilerplate lines.
"""

from __future__ import annotations

import functools
import json
import re
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from bs4 import (
    BeautifulSoup,
    Comment,
    MarkupResemblesLocatorWarning,
    NavigableString,
    Tag,
    XMLParsedAsHTMLWarning,
)
from bs4.element import CData, Declaration, Doctype, ProcessingInstruction

PARAGRAPH, HEADING, LIST_ITEM, QUOTE = "paragraph", "heading", "list_item", "quote"

MIN_SCORING_CHARS = 25  # shorter blocks (captions, labels) do not vote for a container
MAX_LINK_DENSITY = 0.5  # a block mostly made of link text is navigation, not prose
BOILERPLATE_VOTE = 0.25  # a paragraph inside a "related" or "share" box votes a quarter
SIBLING_SHARE = 0.2  # a sibling container scoring this share of the best one is kept too
ISLAND_SHARE = 0.4  # another container of prose this strong, near the best one, is story too
ISLAND_MAX_LEVELS = 5  # "near": their common ancestor is at most this far above the best one
MAX_ELEMENTS = 200_000  # pages larger than this are refused (Readability aborts similarly)
MAX_CONTAINER_DEPTH = 256  # deeper wrappers count as their ancestor, bounding work on hostile nesting

_NOT_TEXT = frozenset({Comment, CData, ProcessingInstruction, Declaration, Doctype})
_METADATA_TAGS = frozenset({"meta", "link", "title", "script"})
_SKIPPED_TAGS = frozenset(
    """
script style noscript template svg canvas iframe object embed form button input select
textarea nav footer aside header figcaption dialog menu map audio video picture source
noembed
""".split()
)
_BLOCK_KINDS = {
    "p": PARAGRAPH,
    "h1": HEADING,
    "h2": HEADING,
    "h3": HEADING,
    "h4": HEADING,
    "h5": HEADING,
    "h6": HEADING,
    "li": LIST_ITEM,
    "dt": LIST_ITEM,
    "dd": LIST_ITEM,
    "blockquote": QUOTE,
    "pre": PARAGRAPH,
}
_BREAKING_TAGS = frozenset(
    """
div section article main td th tr table ul ol dl figure address center details summary
body html hr
""".split()
)
_SKIPPED_ROLES = frozenset(
    "navigation banner contentinfo complementary dialog alert search menu menubar toolbar".split()
)
_BOILERPLATE_ATTR = re.compile(
    r"comment|share|sharing|social|related|popular|recommend|most-?read|trending|sidebar"
    r"|newsletter|subscri|sign-?up|cookie|consent|advert|(?:^|[-_\s])ads?(?:$|[-_\s])|promo|sponsor"
    r"|footer|masthead|(?:^|[-_\s])nav|menu|breadcrumb|byline|author|caption|credit|(?:^|[-_\s])tags?"
    r"(?:$|[-_\s])|pagination|pager|toolbar|outbrain|taboola|disqus|modal|popup|overlay|skip-?link"
    r"|sr-only|visually-hidden|print-only|read-?more|more-?stories|also-?read|signup|paywall",
    re.IGNORECASE,
)
_NEVER_BOILERPLATE = frozenset({"html", "body", "main", "article"})
_CONTENT_ATTR = re.compile(r"article|body|content|entry|main|story|post-?text|column", re.IGNORECASE)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_BOILERPLATE_LINE = re.compile(
    r"^(?:advertisement|advertising|sponsored(?: content)?|comments?(?: \(\d+\))?|\d+ comments?"
    r"|share(?: this(?: article| story)?)?(?: on \w+)?|related(?: coverage| articles?| stories| content"
    r"| posts| links)?|read (?:more|next)|see also|more from .{0,40}|popular posts from this blog"
    r"|(?:most )?(?:popular|read|viewed|shared)(?: now| this week| stories| articles)?|recommended"
    r"(?: for you| stories| articles)?|trending(?: now)?|you (?:may|might) also like|sign up .{0,60}"
    r"|subscribe .{0,60}|follow us .{0,40}|(?:photo|image|picture|credit)s?(?: credit)?:? .{0,80}"
    r"|skip to (?:main )?content|back to top|print|email|loading\W*|(?:previous|next)(?: article| post)?"
    r"|tags?:.{0,120}|filed under:?.{0,120}|copyright .{0,120}|©.{0,120}|all rights reserved.{0,60})[.:!]?$",
    re.IGNORECASE,
)
_PROMO_LINE = re.compile(
    r"\b(?:sign up (?:for|to)|subscribe (?:to|for|now)|follow @?\w+ on (?:twitter|x|facebook|instagram))\b"
    r"|^(?:in )?this .{0,60}\b(?:file )?(?:photo|image|picture)\b|^related [\w ]{0,20}:",
    re.IGNORECASE,
)
_TIMESTAMP = re.compile(r"\b(?:1[89]|20)\d\d\b|\b\d{1,2}:\d\d\b|^(?:updated|published|posted)\b", re.I)
MAX_PROMO_CHARS = 200  # a longer block that mentions subscribing is probably part of the story
MAX_TIMESTAMP_WORDS = 12  # "Published Monday, November 18, 2019 8:22AM EST" and the like
_LEAD_IN = re.compile(r"^[^.!?]{1,60}:$")
_WHITESPACE = re.compile(r"\s+")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")  # two <br>s in a row end a paragraph


@dataclass(frozen=True, slots=True)
class Block:
    """One block of the article body: `text` is `Article.text[start:end]`."""

    kind: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Article:
    """An article body as plain text, its blocks and its metadata."""

    title: str | None
    byline: str | None
    published: str | None
    language: str | None
    url: str | None
    text: str
    blocks: tuple[Block, ...]


class PageTooLargeError(ValueError):
    """The page has more elements than we agree to walk."""


@dataclass(frozen=True, slots=True, eq=False)
class _Container:
    """A container element in the walk, linked to the one around it; equal only to itself."""

    parent: _Container | None
    depth: int
    boilerplate: bool = False  # its class or id reads as boilerplate ("share", "related", ...)
    under_boilerplate: bool = False  # it or a container around it is boilerplate

    def lineage(self) -> Iterator[_Container]:
        node: _Container | None = self
        while node is not None:
            yield node
            node = node.parent


@dataclass(slots=True)
class _RawBlock:
    kind: str
    text: str
    link_chars: int
    container: _Container


@dataclass(slots=True)
class _Walk:
    """State of the single walk over the tree."""

    blocks: list[_RawBlock] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    link_chars: int = 0
    kind: str = PARAGRAPH
    container: _Container = field(default_factory=lambda: _Container(None, 0))
    containers: list[_Container] = field(default_factory=list)
    bylines: list[str] = field(default_factory=list)
    metadata: list[Tag] = field(default_factory=list)  # <meta>, <link>, <title>, JSON-LD scripts
    first_heading: Tag | None = None
    first_time: str | None = None  # the first <time datetime="..."> on the page
    language: str | None = None
    elements: int = 0

    def flush(self) -> None:
        if self.parts:
            raw = "".join(self.parts)
            for piece in _PARAGRAPH_BREAK.split(raw) if "\n" in raw else (raw,):
                text = " ".join(piece.split())
                if text:
                    share = len(text) / max(len(raw), 1)
                    self.blocks.append(
                        _RawBlock(self.kind, text, int(self.link_chars * share), self.container)
                    )
        self.parts = []
        self.link_chars = 0


def _attr_text(tag: Tag) -> str:
    """Return the class and id of a tag as one string (class lists are kept unsplit)."""
    attrs = tag.attrs
    if "class" not in attrs and "id" not in attrs:
        return ""
    return f"{attrs.get('class') or ''} {attrs.get('id') or ''}"


MAX_CACHED_MARKS = 256  # real class strings are shorter; the cache then holds at most ~1 MB


@functools.lru_cache(maxsize=4096)
def _names_boilerplate(marks: str) -> bool:
    """Pages repeat the same few class strings, so each is judged once."""
    return bool(_BOILERPLATE_ATTR.search(marks)) and not _CONTENT_ATTR.search(marks)


def _is_skipped(tag: Tag) -> bool:
    """Return whether a subtree is never article prose, whatever its surroundings."""
    if tag.name in _SKIPPED_TAGS:
        return True
    attrs = tag.attrs
    if not attrs:
        return False
    if "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    if attrs.get("role") in _SKIPPED_ROLES:
        return True
    style = attrs.get("style")
    return isinstance(style, str) and bool(_HIDDEN_STYLE.search(style))


def _looks_boilerplate(tag: Tag) -> bool:
    """Return whether the class or id names boilerplate; the article body may still be inside."""
    if tag.name in _NEVER_BOILERPLATE:
        return False
    marks = _attr_text(tag)
    if len(marks) > MAX_CACHED_MARKS:  # a huge, unique class string would stay in the cache
        return bool(_BOILERPLATE_ATTR.search(marks)) and not _CONTENT_ATTR.search(marks)
    return bool(marks) and _names_boilerplate(marks)


_DATE_LIKE = re.compile(
    r"\d{1,4}[-/.:]\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\.? \d", re.I
)
MAX_BYLINE_CHARS = 100  # longer "author" boxes are biographies, not bylines


def _note_byline(state: _Walk, node: Tag) -> None:
    text = _WHITESPACE.sub(" ", node.get_text(" ")).strip()
    if text and len(text) <= MAX_BYLINE_CHARS and not _DATE_LIKE.search(text):
        state.bylines.append(text)


def _enter(state: _Walk, boilerplate: bool) -> None:
    """Open a container below the current one (past the depth cap, the current one stands in)."""
    parent = state.container
    if parent.depth < MAX_CONTAINER_DEPTH:
        state.container = _Container(
            parent, parent.depth + 1, boilerplate, boilerplate or parent.under_boilerplate
        )
        state.containers.append(state.container)


CHECK_EVERY_ELEMENTS = 2000  # how often a long walk asks whether it has run out of time


def _walk(root: Tag, max_elements: int, check_time: Callable[[], None]) -> _Walk:
    """Walk the tree once, without recursion, turning it into raw text blocks."""
    state = _Walk()
    # Each stack entry is a node to visit, or a marker that restores state when a tag closes.
    stack: list[object] = [root]
    in_link = 0
    while stack:
        node = stack.pop()
        if isinstance(node, tuple):
            marker, payload = node
            if marker == "close-block":
                state.flush()
                state.kind, state.container = payload
            elif marker == "close-link":
                in_link -= 1
            elif marker == "close-break":
                state.flush()
                state.container = payload
            continue
        kind = type(node)
        if kind is NavigableString or (kind is not Tag and isinstance(node, NavigableString)):
            if kind in _NOT_TEXT:
                continue
            text = str(node)
            state.parts.append(text)
            if in_link:
                state.link_chars += len(text.strip())
            continue
        if not isinstance(node, Tag):
            continue
        state.elements += 1
        if state.elements > max_elements:
            raise PageTooLargeError(f"the page has more than {max_elements:,} elements")
        if state.elements % CHECK_EVERY_ELEMENTS == 0:
            check_time()
        name = node.name
        if name in _METADATA_TAGS:
            state.metadata.append(node)
            continue
        lang, when = node.get("lang"), node.get("datetime")
        if name == "html" and isinstance(lang, str):
            state.language = lang.strip() or None
        elif name == "h1" and state.first_heading is None:
            state.first_heading = node
        elif name == "time" and state.first_time is None and isinstance(when, str):
            state.first_time = when.strip() or None
        if _is_skipped(node):
            continue
        boilerplate = _looks_boilerplate(node)
        if boilerplate:
            marks = _attr_text(node).lower()
            if "byline" in marks or "author" in marks:
                _note_byline(state, node)
        if name == "br":
            state.parts.append("\n")
            continue
        if name in _BLOCK_KINDS:
            state.flush()
            stack.append(("close-block", (state.kind, state.container)))
            if not (state.kind == QUOTE and name == "p"):
                state.kind = _BLOCK_KINDS[name]
            if boilerplate:
                _enter(state, boilerplate)
        elif boilerplate and name not in _BREAKING_TAGS:
            continue  # an inline credit, label or share link
        elif name in _BREAKING_TAGS:
            state.flush()
            stack.append(("close-break", state.container))
            _enter(state, boilerplate)
        elif name == "a":
            in_link += 1
            stack.append(("close-link", None))
        stack.extend(reversed(node.contents))
    state.flush()
    return state


def _container_scores(blocks: list[_RawBlock]) -> dict[_Container, float]:
    scores: dict[_Container, float] = defaultdict(float)
    for block in blocks:
        if block.kind == HEADING or len(block.text) < MIN_SCORING_CHARS:
            continue
        if block.link_chars / len(block.text) > MAX_LINK_DENSITY:
            continue
        points = 1 + block.text.count(",") + min(len(block.text) / 100, 3)
        if block.container.under_boilerplate:
            points *= BOILERPLATE_VOTE
        # The block's container gets full points, the one above it half, the next a third.
        for depth, container in zip(range(3), block.container.lineage(), strict=False):
            scores[container] += points / (1 + depth)
    return scores


def _distance_to_common_ancestor(a: _Container, b: _Container) -> int:
    """Return how many levels above `a` the nearest container holding both lies."""
    around_b = set(b.lineage())
    for steps, node in enumerate(a.lineage()):
        if node in around_b:
            return steps
    return a.depth + 1


def _select(blocks: list[_RawBlock], containers: list[_Container]) -> list[_RawBlock]:
    """Keep the best-scoring container, its strong siblings, and strong containers nearby.

    Stories split by figures or ads into several wrappers leave more than one
    container of prose; those that score well and share an ancestor close to the
    best one are kept too.
    """
    scores = _container_scores(blocks)
    if not scores:
        return []
    best = max(scores, key=scores.__getitem__)
    keep = {best}
    if best.parent is not None:
        threshold = scores[best] * SIBLING_SHARE
        keep.update(c for c in containers if c.parent is best.parent and scores.get(c, 0) >= threshold)
    around_best = set(best.lineage())
    for container, value in scores.items():
        if (
            value >= scores[best] * ISLAND_SHARE
            and not container.under_boilerplate
            and container not in around_best
            and _distance_to_common_ancestor(best, container) <= ISLAND_MAX_LEVELS
        ):
            keep.add(container)
    return [block for block in blocks if _kept(block.container, keep)]


def _kept(container: _Container, keep: set[_Container]) -> bool:
    """Return whether a block's container lies in a kept one with no boilerplate in between."""
    for node in container.lineage():
        if node in keep:
            return True
        if node.boilerplate:
            return False
    return False


def _is_boilerplate(block: _RawBlock, byline: str | None) -> bool:
    text = block.text
    if _BOILERPLATE_LINE.match(text):
        return True
    if block.link_chars / len(text) > MAX_LINK_DENSITY:
        return True
    if len(text) <= MAX_PROMO_CHARS and _PROMO_LINE.search(text):
        return True
    if (
        len(text.split()) <= MAX_TIMESTAMP_WORDS
        and _TIMESTAMP.search(text)
        and not text.rstrip("”’\"'").endswith((".", "?", "!"))
    ):
        return True
    if byline and len(text) < len(byline) + 12 and byline.lower() in text.lower():
        return True
    return bool(re.match(r"^by [A-Z][\w.'’\- ]{1,60}$", text, re.IGNORECASE)) and len(text) < 60


def _clean(blocks: list[_RawBlock], title: str | None, byline: str | None) -> list[_RawBlock]:
    kept = [b for b in blocks if not _is_boilerplate(b, byline)]
    if title:
        kept = [
            b for b in kept if not (b.kind == HEADING and b.text.strip().lower() == title.strip().lower())
        ]
    # A short lead-in ("Related coverage:") or heading with nothing of the story after it is a label.
    while kept and (kept[-1].kind == HEADING or _LEAD_IN.match(kept[-1].text)):
        kept.pop()
    return kept


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


def _metadata(walk: _Walk) -> dict[str, str | None]:
    """Read title, byline, date, language and URL from JSON-LD, OpenGraph and <meta> tags."""
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
    fallbacks = {
        "title": ("og:title", "twitter:title", "title"),
        "byline": ("author", "article:author", "byl", "dc.creator", "sailthru.author"),
        "published": (
            "article:published_time",
            "datepublished",
            "date",
            "pubdate",
            "dc.date",
            "publish-date",
        ),
        "language": ("og:locale", "content-language", "language", "dc.language"),
    }
    for name, keys in fallbacks.items():
        if not meta.get(name):
            meta[name] = next((properties[k] for k in keys if k in properties), None)
    canonical = next((t.get("href") for t in by_name["link"] if t.get("rel") == "canonical"), None)
    meta["url"] = (canonical if isinstance(canonical, str) else None) or properties.get("og:url")
    meta["language"] = walk.language or meta.get("language")
    meta["published"] = meta.get("published") or walk.first_time
    titles = by_name["title"]
    meta["page_title"] = _WHITESPACE.sub(" ", titles[0].get_text(" ")).strip() or None if titles else None
    return meta


def _visible_title(walk: _Walk, page_title: str | None) -> str | None:
    if walk.first_heading is not None:
        text = _WHITESPACE.sub(" ", walk.first_heading.get_text(" ")).strip()
        if text:
            return text
    return page_title


def _assemble(blocks: list[_RawBlock]) -> tuple[str, tuple[Block, ...]]:
    parts: list[str] = []
    out: list[Block] = []
    position = 0
    for block in blocks:
        if parts:
            parts.append("\n\n")
            position += 2
        out.append(Block(block.kind, position, position + len(block.text), block.text))
        parts.append(block.text)
        position += len(block.text)
    return "".join(parts), tuple(out)


def extract_article(
    html: str,
    url: str | None = None,
    *,
    max_elements: int = MAX_ELEMENTS,
    check_time: Callable[[], None] = lambda: None,
) -> Article | None:
    """Return the page's article, or None when it has no article body.

    Raises `PageTooLargeError` for pages with more than `max_elements` elements;
    `check_time` is called now and then during the walk and may raise to stop it.
    """
    if not html or not html.strip():
        return None
    with warnings.catch_warnings():
        # XHTML and text that looks like a URL are still pages to us: no warning to give.
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        # Class lists stay plain strings: splitting every attribute costs a tenth of the parse.
        soup = BeautifulSoup(html.replace("\x00", ""), "lxml", multi_valued_attributes=None)
    check_time()
    walk = _walk(soup, max_elements, check_time)
    meta = _metadata(walk)
    title = meta.get("title") or _visible_title(walk, meta.get("page_title"))
    byline = meta.get("byline") or (walk.bylines[0] if walk.bylines else None)
    if byline:
        byline = re.sub(r"^by\s+", "", byline, flags=re.IGNORECASE).strip() or None
    blocks = _clean(_select(walk.blocks, walk.containers), title, byline)
    if not any(b.kind != HEADING for b in blocks):
        return None
    text, final_blocks = _assemble(blocks)
    return Article(
        title=title,
        byline=byline,
        published=meta.get("published"),
        language=meta.get("language"),
        url=meta.get("url") or url,
        text=text,
        blocks=final_blocks,
    )
