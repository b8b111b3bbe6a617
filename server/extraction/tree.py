"""Parse a page into a lean BeautifulSoup tree.

Building BeautifulSoup's tree is most of extraction's time, so the builder
does less than bs4's own lxml builder, with the same tree as a result for
everything the walk reads: it hands lxml's attributes to the tree once,
without the namespace bookkeeping HTML never needs, and it does not build the
subtrees that are never read (scripts other than JSON-LD, styles, SVG,
`<noscript>`, `<template>`, media, form controls and `<nav>`). On the
development pages this halves the time of the parse; the tree the walk sees
is the same.
"""

from __future__ import annotations

import warnings
from typing import Any

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning
from bs4.builder._lxml import LXMLTreeBuilder
from bs4.element import AttributeDict

# Subtrees never read as text: code, graphics, media, form controls and navigation. None holds
# metadata the walk reads (JSON-LD scripts are kept).
UNBUILT_TAGS = frozenset(
    """
script style svg noscript template select textarea canvas map audio video picture iframe object
embed nav
""".split()
)


def _is_json_ld(tag: str, attrib: dict[str, str]) -> bool:
    return tag == "script" and "ld+json" in (attrib.get("type") or "").lower()


class _Attributes(AttributeDict):
    """A tag's attributes, stored as lxml gives them (always strings), without a check per value."""

    __setitem__ = dict.__setitem__


class LeanTreeBuilder(LXMLTreeBuilder):
    """bs4's lxml HTML builder, minus namespaces and the subtrees in `UNBUILT_TAGS`."""

    attribute_dict_class = _Attributes

    def __init__(self) -> None:
        # Class lists stay plain strings: splitting every attribute costs a tenth of the parse.
        super().__init__(multi_valued_attributes=None)
        self._unbuilt_depth = 0  # how deep the parser is inside a subtree left out

    def start(self, tag: Any, attrib: Any, nsmap: Any = None) -> None:
        if self._unbuilt_depth:
            self._unbuilt_depth += 1
        elif tag in UNBUILT_TAGS and not _is_json_ld(tag, attrib):
            self._unbuilt_depth = 1
        else:
            assert self.soup is not None
            self.soup.handle_starttag(tag, None, None, attrib)

    def end(self, tag: Any) -> None:
        if self._unbuilt_depth:
            self._unbuilt_depth -= 1
            return
        assert self.soup is not None
        self.soup.endData()
        self.soup.handle_endtag(tag)

    def data(self, data: Any) -> None:
        if not self._unbuilt_depth:
            assert self.soup is not None
            self.soup.handle_data(data)

    def comment(self, text: Any) -> None:
        if not self._unbuilt_depth:
            super().comment(text)

    def pi(self, target: str, data: str) -> None:
        if not self._unbuilt_depth:
            super().pi(target, data)


def parse_html(html: str) -> BeautifulSoup:
    """Parse HTML with lxml into a lean tree (see the module's docstring)."""
    with warnings.catch_warnings():
        # XHTML and text that looks like a URL are still pages to us: no warning to give.
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        return BeautifulSoup(html.replace("\x00", ""), builder=LeanTreeBuilder())
