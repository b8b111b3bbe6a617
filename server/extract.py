"""Extract the article body and its metadata from a news page.

The stages live in `server.extraction`, one module each: parse the tree,
walk it into text blocks, choose the container of the story and drop its
boilerplate, read the metadata. This module runs them in order and returns
a frozen `Article`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from server.extraction.body import clean, select
from server.extraction.metadata import read_metadata
from server.extraction.tree import parse_html
from server.extraction.walk import HEADING, MAX_ELEMENTS, PageTooLargeError, RawBlock, walk

__all__ = ["MAX_ELEMENTS", "Article", "Block", "PageTooLargeError", "extract_article"]


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


def _assemble(blocks: list[RawBlock]) -> tuple[str, tuple[Block, ...]]:
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
    soup = parse_html(html)
    check_time()
    found = walk(soup, max_elements, check_time)
    check_time()
    meta = read_metadata(found, html, url)
    blocks = clean(select(found.blocks, found.containers), meta.title, meta.byline)
    if not any(b.kind != HEADING for b in blocks):
        return None
    text, final_blocks = _assemble(blocks)
    return Article(
        title=meta.title,
        byline=meta.byline,
        published=meta.published,
        language=meta.language,
        url=meta.url,
        text=text,
        blocks=final_blocks,
    )
