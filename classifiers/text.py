"""Small text helpers shared by the readers of a sentence: words, quotations, spans."""

from __future__ import annotations

import re

Span = tuple[int, int]

_WORD_CHARS = re.compile(r"[a-z]+")
WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*|\d[\d,.]*%?")
# A ’ inside a word is an apostrophe, so single curly quotes count only once closed.
QUOTED = re.compile(r"“[^”]*”?|\"[^\"]*\"?|«[^»]*»?|‘(?!\d)(?:[^‘’]|’(?=\w))*’(?!\w)")
_QUOTE_MARK = re.compile(r"[“”«»\"‘]")
# Text before the first quote mark, when that mark closes: "It has to change," she said.
_CONTINUED_QUOTE = re.compile(r"[^“”«»\"]*(?:[”»]|[.,!?;]\"(?=\s|$))")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def word_matches(text: str) -> list[re.Match[str]]:
    """Return the words of `text`, each with its span."""
    return list(WORD.finditer(text))


def lower_in_place(text: str) -> str:
    """Lower-case `text` so that every offset still points at the same character.

    Patterns of lower-case words run on this text without `re.IGNORECASE`, which
    makes the regex engine two to four times slower. A few letters grow when
    lower-cased ("İ"); a text holding one is lowered from A to Z only.
    """
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text.translate(_ASCII_LOWER)


def vocabulary_of(text: str) -> frozenset[str]:
    """Return the lower-case letter runs of `text`, to tell cheaply which patterns can match."""
    return frozenset(_WORD_CHARS.findall(text.lower()))


def spans(
    pattern: re.Pattern[str], text: str, vocabulary: frozenset[str], triggers: frozenset[str]
) -> list[Span]:
    """Return the spans of `pattern` in `text`, running it only when a word it needs is there."""
    if vocabulary.isdisjoint(triggers):
        return []
    return [m.span() for m in pattern.finditer(text)]


def trimmed(text: str, span: Span) -> Span:
    """Drop the punctuation and spaces a pattern needed for context from a span's edges."""
    start, end = span
    while start < end and not text[start].isalnum():
        start += 1
    return start, end


def continued_quote(text: str) -> int:
    """Return where a quotation opened in an earlier sentence ends in `text`, or 0.

    A straight mark closes only if the sentence holds an odd number of them.
    """
    match = _CONTINUED_QUOTE.match(text)
    if match is None or (match.group().endswith('"') and text.count('"') % 2 == 0):
        return 0
    return match.end()


def quotations(text: str) -> list[Span]:
    """Return the spans of the quoted passages of `text`, quote marks included."""
    if _QUOTE_MARK.search(text) is None:
        return []
    start = continued_quote(text)
    found = [(0, start)] if start else []
    return found + [match.span() for match in QUOTED.finditer(text, start)]


def unquoted(text: str, quoted: list[Span]) -> str:
    """Blank out the `quoted` spans, keeping every offset: words inside quotes are the speaker's."""
    for start, end in quoted:
        text = text[:start] + " " * (end - start) + text[end:]
    return text
