"""One walk over the parsed tree, turning it into raw text blocks, each in its container.

Blocks are paragraphs, headings, list items and block quotes. Each remembers
the chain of containers (block-level wrappers) above it, so that
`server.extraction.body` can let blocks vote for the container of the story.
The walk also collects what metadata needs: `<meta>`-like tags, the first
`<h1>` and `<time datetime>`, the page language and byline candidates.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from bs4 import Comment, NavigableString, Tag
from bs4.element import CData, Declaration, Doctype, ProcessingInstruction

from server.extraction.boilerplate import (
    REGION_TAGS,
    attr_text,
    is_skipped,
    looks_boilerplate,
    vote_weight,
)

PARAGRAPH, HEADING, LIST_ITEM, QUOTE = "paragraph", "heading", "list_item", "quote"

MAX_ELEMENTS = 200_000  # pages larger than this are refused (Readability aborts similarly)
MAX_CONTAINER_DEPTH = 256  # deeper wrappers count as their ancestor, bounding work on hostile nesting
CHECK_EVERY_ELEMENTS = 2000  # how often a long walk asks whether it has run out of time

_NOT_TEXT = frozenset({Comment, CData, ProcessingInstruction, Declaration, Doctype})
_METADATA_TAGS = frozenset({"meta", "link", "title", "script"})
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
body html hr form
""".split()
)
_BYLINE_ATTR = re.compile(r"byline|author|writer|contributor|(?:^|[-_\s])by(?:$|[-_\s])", re.I)
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")  # two <br>s in a row end a paragraph
_PLAIN_WORD = re.compile(r"[^\W\d_]+")


class PageTooLargeError(ValueError):
    """The page has more elements than we agree to walk."""


@dataclass(frozen=True, slots=True, eq=False)
class Container:
    """A container element in the walk, linked to the one around it; equal only to itself."""

    parent: Container | None
    depth: int
    boilerplate: bool = False  # its class or id reads as boilerplate ("share", "related", ...)
    under_boilerplate: bool = False  # it or a container around it is boilerplate
    element: Tag | None = None  # the wrapper itself, named in the debug log
    weight: float = 1.0  # what the prose inside it counts for, by its and its wrappers' class words

    def label(self) -> str:
        """Name the container as a person finds it in the page: tag, class and id."""
        if self.element is None:
            return "(document)"
        attrs = self.element.attrs
        marks = "".join(f' {name}="{str(attrs[name])[:50]}"' for name in ("id", "class") if attrs.get(name))
        return f"<{self.element.name}{marks}>"

    def lineage(self) -> Iterator[Container]:
        node: Container | None = self
        while node is not None:
            yield node
            node = node.parent


@dataclass(slots=True)
class RawBlock:
    """A block of text as the walk found it, before the body is chosen."""

    kind: str
    text: str
    link_chars: int
    container: Container
    plain_words: int = 0  # words outside links: a link-heavy sentence still has its own


@dataclass(slots=True)
class Walk:
    """State of the single walk over the tree, and what it found."""

    blocks: list[RawBlock] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    link_chars: int = 0
    plain_words: int = 0
    kind: str = PARAGRAPH
    container: Container = field(default_factory=lambda: Container(None, 0))
    containers: list[Container] = field(default_factory=list)
    byline_boxes: list[Tag] = field(default_factory=list)  # elements named "byline", "author", ...
    metadata: list[Tag] = field(default_factory=list)  # <meta>, <link>, <title>, JSON-LD scripts
    first_heading: Tag | None = None
    times: list[Tag] = field(default_factory=list)  # <time datetime="..."> elements, in page order
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
                        RawBlock(
                            self.kind,
                            text,
                            int(self.link_chars * share),
                            self.container,
                            round(self.plain_words * share),
                        )
                    )
        self.parts = []
        self.link_chars = 0
        self.plain_words = 0

    def enter(self, tag: Tag, boilerplate: bool) -> None:
        """Open a container below the current one (past the depth cap, the current one stands in)."""
        parent = self.container
        if parent.depth < MAX_CONTAINER_DEPTH:
            # A form is entered, since some frameworks wrap the whole page in one (ASP.NET), but
            # what lies in a form inside the story (a newsletter or comment box) is not story.
            wrapper = boilerplate or tag.name == "form"
            under = boilerplate or parent.under_boilerplate
            weight = parent.weight * vote_weight(tag) if tag.attrs else parent.weight
            self.container = Container(parent, parent.depth + 1, wrapper, under, tag, weight)
            self.containers.append(self.container)


def _is_hover_card(tag: Tag) -> bool:
    """Return whether an inline element is the pop-up card of the link just before it.

    Sites show a card on hover over a linked name: the name again, a few linked headlines and a
    "more" link to the same page as the name. Read as text it breaks the sentence around it.
    Such a card follows its link, repeats its target and has no words outside links.
    """
    previous = tag.previous_sibling
    while isinstance(previous, NavigableString) and not previous.strip():
        previous = previous.previous_sibling
    if not isinstance(previous, Tag) or previous.name != "a":
        return False
    target = previous.get("href")
    if not isinstance(target, str) or not target or tag.find("a", href=target) is None:
        return False
    for text in tag.find_all(string=True):
        if text.strip() and text.find_parent("a") is None:
            return False
    return True


def _names_byline(tag: Tag) -> bool:
    attrs = tag.attrs
    if attrs.get("itemprop") == "author" or "author" in str(attrs.get("rel") or "").split():
        return True
    marks = attr_text(tag)
    return bool(marks) and bool(_BYLINE_ATTR.search(marks))


def walk(root: Tag, max_elements: int, check_time: Callable[[], None]) -> Walk:
    """Walk the tree once, without recursion, turning it into raw text blocks."""
    state = Walk()
    # Each stack entry is a node to visit, or a marker that restores state when a tag closes.
    stack: list[object] = [root]
    in_link = 0
    in_region = 0  # inside a <header>, <footer> or <aside>: read for metadata, not for text
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
            elif marker == "close-region":
                in_region -= 1
            continue
        kind = type(node)
        if kind is NavigableString or (kind is not Tag and isinstance(node, NavigableString)):
            if in_region or kind in _NOT_TEXT:
                continue
            text = str(node)
            state.parts.append(text)
            if in_link:
                state.link_chars += len(text.strip())
            else:
                state.plain_words += len(_PLAIN_WORD.findall(text))
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
        if name == "html":
            lang = node.get("lang")
            state.language = lang.strip() or None if isinstance(lang, str) else None
        elif name == "h1" and state.first_heading is None:
            state.first_heading = node
        elif name == "time" and isinstance(node.get("datetime"), str):
            state.times.append(node)
        if is_skipped(node):
            continue
        if node.attrs and _names_byline(node):
            state.byline_boxes.append(node)
        if in_region or name in REGION_TAGS:
            in_region += 1
            stack.append(("close-region", None))
            stack.extend(reversed(node.contents))
            continue
        boilerplate = looks_boilerplate(node)
        if name == "br":
            state.parts.append("\n")
            continue
        if name in _BLOCK_KINDS:
            state.flush()
            stack.append(("close-block", (state.kind, state.container)))
            if not (state.kind == QUOTE and name == "p"):
                state.kind = _BLOCK_KINDS[name]
            if boilerplate:
                state.enter(node, boilerplate)
        elif boilerplate and name not in _BREAKING_TAGS:
            continue  # an inline credit, label or share link
        elif name != "a" and name not in _BREAKING_TAGS and _is_hover_card(node):
            continue
        elif name in _BREAKING_TAGS:
            state.flush()
            stack.append(("close-break", state.container))
            state.enter(node, boilerplate)
        elif name == "a":
            in_link += 1
            stack.append(("close-link", None))
        stack.extend(reversed(node.contents))
    state.flush()
    return state
