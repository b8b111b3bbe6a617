"""Rules that mark an element or a line of text as not part of the story.

Element rules read how a page is built (class and id words, hidden markers,
ARIA roles); line rules read the text of one block (share prompts, credits,
bare timestamps). `server.extraction.body` applies them after choosing the body.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable

from bs4 import Tag

log = logging.getLogger(__name__)

SKIPPED_TAGS = frozenset(
    """
script style noscript template svg canvas iframe object embed button input select
textarea nav figcaption dialog menu map audio video picture source noembed
""".split()
)
# Page regions that are never body, though they hold its metadata: read for byline, date and title.
REGION_TAGS = frozenset({"header", "footer", "aside"})
_SKIPPED_ROLES = frozenset(
    "navigation banner contentinfo complementary dialog alert search menu menubar toolbar".split()
)
_BOILERPLATE_ATTR = re.compile(
    r"comment|share|sharing|social|related|popular|recommend|most-?read|trending|sidebar"
    r"|newsletter|subscri(?!ber)|sign-?up|cookie|consent|advert|(?:^|[-_\s])ads?(?:$|[-_\s])|sponsor"
    r"|footer|masthead|(?:^|[-_\s])nav|menu|breadcrumb|byline|author|caption|credit|(?:^|[-_\s])tags?"
    r"(?:$|[-_\s])|pagination|pager|toolbar|outbrain|taboola|disqus|modal|popup|overlay|skip-?link"
    r"|sr-only|visually-hidden|print-only|read-?more|more-?stories|also-?read|signup",
    re.IGNORECASE,
)
# Words that say who may read a part of the page, or how it is sold, not that it is not story: the
# story's own container often carries them, so they weigh its votes down and never veto it.
_ACCESS_ATTR = re.compile(
    r"paywall|premium|locked|promo|subscriber|metered|gated|regwall|members?-only|exclusive", re.IGNORECASE
)
ACCESS_VOTE = 0.5
_NEVER_BOILERPLATE = frozenset({"html", "body", "main", "article"})
_CONTENT_ATTR = re.compile(r"article|body|content|entry|main|story|post-?text|column", re.IGNORECASE)
# An embedded post is article body (labels.md: attributed to its account), whatever social words
# its classes hold.
_EMBED_ATTR = re.compile(
    r"tweet|instagram-media|tiktok-embed|fb-post|facebook-post|embedded-post|social-embed|embed-social"
    r"|bluesky-embed|mastodon-embed|reddit-embed|threads-embed",
    re.IGNORECASE,
)
# Class names that hide an element from readers on screen (responsive ones, "hidden-xs", do not).
_HIDDEN_CLASS = re.compile(
    r"(?:^|\s)(?:hidden|is-hidden|u-hidden|hide|d-none|invisible|sr-only|sr-only-focusable|screen-reader-only"
    r"|screen-reader-text|visually-?hidden|visuallyhidden|offscreen|print-only|printonly|show-for-print"
    r"|visible-print|only-print)(?:$|\s)",
    re.IGNORECASE,
)
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
# The words a dateline is made of; a short line with at most one word besides these is a timestamp.
_DATE_WORDS = re.compile(
    r"\d+(?:st|nd|rd|th|am|pm|h)?|[ap]\.?m\.?|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?"
    r"|july?|aug(?:ust)?|sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|mon(?:day)?|tue(?:s|sday)?"
    r"|wed(?:nesday)?|thu(?:rs|rsday)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?|today|yesterday|updated"
    r"|published|posted|last|modified|on|at|by|and|of|the|ago|mins?|minutes?|hours?|hrs?|days?|[apm]"
    r"|utc|gmt|cet|cest|et|pt|bst|ist|est|edt|pst|pdt|cst|cdt|mst|mdt",
    re.IGNORECASE,
)
_WORD_TOKEN = re.compile(r"[^\W_]+(?:\.(?=\w))?")
_BY_LINE = re.compile(r"^by [A-Z][\w.'’\- ]{1,60}$", re.IGNORECASE)
# Lines that close a story without being part of it: credits, the writer's bio, calls to action.
_CLOSING_LINE = re.compile(
    r"^\(?(?:(?:additional )?reporting|writing|editing|edited|compiled|produced|research) by\b"
    r"|^(?:did you )?(?:like|enjoy|love)d? (?:this|the) (?:story|article|post|piece)\b"
    r"|^follow (?:us|[\w.@]+(?: [\w.]+)?) on\b|^(?:sign up|subscribe|register) (?:for|to|now|here)\b"
    r"|^(?:contact|email|e-mail|reach) (?:the )?(?:author|reporter|writer|us)\b"
    r"|^[\w.'’\- ]{2,40} (?:is|was) (?:a|an|the) (?:[\w-]+ ){0,5}(?:reporter|writer|correspondent|editor"
    r"|journalist|columnist|contributor|producer)\b",
    re.IGNORECASE,
)
MAX_CLOSING_CHARS = 300  # a longer last paragraph is story, whatever its first words
_LEAD_IN = re.compile(r"^[^.!?]{1,60}:$")
# "Related coverage:" is a label; "Twitter seemed confused by the campaign:" is a sentence that
# introduces an embed the walk does not read, and is story.
MAX_LABEL_WORDS = 5
MAX_LINK_DENSITY = 0.5  # a block mostly made of link text is navigation, not prose
# ... unless the words between its links make a sentence of their own ("X has been eliminated from
# Y."): navigation and "Read more: <headline>" have a separator or a label there, not a clause.
MIN_CLAUSE_WORDS = 4
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*$")
MAX_PROMO_CHARS = 200  # a longer block that mentions subscribing is probably part of the story
MAX_TIMESTAMP_WORDS = 12  # "Published Monday, November 18, 2019 8:22AM EST" and the like


def attr_text(tag: Tag) -> str:
    """Return the class and id of a tag as one string (class lists are kept unsplit)."""
    attrs = tag.attrs
    if "class" not in attrs and "id" not in attrs:
        return ""
    return f"{attrs.get('class') or ''} {attrs.get('id') or ''}"


MAX_CACHED_MARKS = 256  # real class strings are shorter; the caches then hold at most ~3 MB


def _cached_by_marks(judge: Callable[[str], bool]) -> Callable[[str], bool]:
    """Judge each class string once, since pages repeat the same few; a huge one is judged
    afresh, as a unique 4 MB class attribute would otherwise stay in the cache."""
    cached = functools.lru_cache(maxsize=4096)(judge)

    def judged(marks: str) -> bool:
        return judge(marks) if len(marks) > MAX_CACHED_MARKS else cached(marks)

    return judged


@_cached_by_marks
def _names_boilerplate(marks: str) -> bool:
    """Pages repeat the same few class strings, so each is judged once."""
    if _EMBED_ATTR.search(marks):
        return False
    return bool(_BOILERPLATE_ATTR.search(marks)) and not _CONTENT_ATTR.search(marks)


def is_skipped(tag: Tag) -> bool:
    """Return whether a subtree is never article prose, whatever its surroundings."""
    if tag.name in SKIPPED_TAGS:
        return True
    attrs = tag.attrs
    if not attrs:
        return False
    if "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    if attrs.get("role") in _SKIPPED_ROLES:
        return True
    classes = attrs.get("class")
    if isinstance(classes, str) and _hidden_class(classes):
        return True
    style = attrs.get("style")
    return isinstance(style, str) and bool(_HIDDEN_STYLE.search(style))


@_cached_by_marks
def _hidden_class(classes: str) -> bool:
    return bool(_HIDDEN_CLASS.search(classes))


@_cached_by_marks
def _names_access(marks: str) -> bool:
    return bool(_ACCESS_ATTR.search(marks))


def vote_weight(tag: Tag) -> float:
    """Return how much the prose inside an element counts for its class words: 1, or less."""
    marks = attr_text(tag)
    return ACCESS_VOTE if marks and _names_access(marks) else 1.0


def looks_boilerplate(tag: Tag) -> bool:
    """Return whether the class or id names boilerplate; the article body may still be inside."""
    if tag.name in _NEVER_BOILERPLATE:
        return False
    marks = attr_text(tag)
    if tag.name == "figure":
        return not _holds_embed(tag, marks)  # its text is a caption, unless it frames a post or quote
    return bool(marks) and _names_boilerplate(marks)


def _holds_embed(figure: Tag, marks: str) -> bool:
    if _EMBED_ATTR.search(marks) or figure.find("blockquote") is not None:
        return True
    return any(_EMBED_ATTR.search(attr_text(tag)) for tag in figure.find_all(class_=True))


def is_link_list(text: str, link_chars: int, plain_words: int) -> bool:
    """Return whether a block is mostly links, not a sentence that links much of itself."""
    if link_chars / len(text) <= MAX_LINK_DENSITY:
        return False
    return plain_words < MIN_CLAUSE_WORDS or not _SENTENCE_END.search(text)


def ends_sentence(text: str) -> bool:
    """Return whether a block ends as a sentence does, with its closing quote or bracket."""
    return bool(_SENTENCE_END.search(text))


def line_rule(text: str, link_chars: int, byline: str | None, plain_words: int = 0) -> str | None:
    """Return the name of the rule that makes one block's text boilerplate, or None."""
    if _BOILERPLATE_LINE.match(text):
        return "boilerplate line"
    if is_link_list(text, link_chars, plain_words):
        return "link-dense"
    if len(text) <= MAX_PROMO_CHARS and _PROMO_LINE.search(text):
        return "promotion"
    if len(text.split()) <= MAX_TIMESTAMP_WORDS and _TIMESTAMP.search(text) and _is_dateline(text):
        return "timestamp"
    if byline and len(text) < len(byline) + 12 and byline.lower() in text.lower():
        return "byline"
    if _BY_LINE.match(text) and len(text) < 60:
        return "byline"
    return None


def _is_dateline(text: str) -> bool:
    """Return whether a short line is a date and time, not a line that merely mentions a year."""
    if text.rstrip("”’\"'").endswith((".", "?", "!")) and not text.rstrip().endswith(("a.m.", "p.m.")):
        return False
    words = _WORD_TOKEN.findall(text)
    return sum(1 for word in words if not _DATE_WORDS.fullmatch(word.rstrip("."))) <= 1


def is_closing_line(text: str) -> bool:
    """Return whether a line at the end of a story is a credit, a bio or a call to action."""
    return len(text) <= MAX_CLOSING_CHARS and bool(_CLOSING_LINE.search(text))


def is_lead_in(text: str) -> bool:
    """A short line ending in a colon ("Related coverage:") introduces what follows."""
    return bool(_LEAD_IN.match(text)) and len(text.split()) <= MAX_LABEL_WORDS
