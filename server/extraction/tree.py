"""Parse a page into a BeautifulSoup tree."""

from __future__ import annotations

import warnings

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning


def parse_html(html: str) -> BeautifulSoup:
    """Parse HTML with lxml into a tree whose class lists stay plain strings."""
    with warnings.catch_warnings():
        # XHTML and text that looks like a URL are still pages to us: no warning to give.
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        # Class lists stay plain strings: splitting every attribute costs a tenth of the parse.
        return BeautifulSoup(html.replace("\x00", ""), "lxml", multi_valued_attributes=None)
