"""Benchmark article metadata against trafilatura's and htmldate's on the same pages.

    pip install '.[bench]'
    python -m tests.benchmarks.metadata [--pages DIR] [--show N]

Reads the development pages of `../shared/bench/extraction/` (never copied into the
project). The pages carry no metadata truth, so this counts what a reader can use:
the share of pages with a date in ISO 8601, with a byline (a name, not a sentence
or a date), and with a title that does not end or start with the site's name
(judged against the page's own `og:site_name` and the URL's host, read here with
lxml, independently of the extractor). Every date that is not ISO 8601 is listed.
"""

from __future__ import annotations

import argparse
import dataclasses
import pathlib
import re
from collections.abc import Callable
from urllib.parse import urlsplit

import lxml.html

from server.extract import extract_article
from tests.benchmarks.extraction import DEFAULT_BENCH, load_pages

ISO_8601 = re.compile(r"^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_SEPARATOR = re.compile(r"\s+[|\-–—·•»:]{1,2}\s+")
_WORD = re.compile(r"\w+")
MAX_BYLINE_CHARS = 100


@dataclasses.dataclass(frozen=True)
class Found:
    title: str | None = None
    byline: str | None = None
    date: str | None = None


Reader = Callable[[str, str], Found]


def ours(html: str, url: str) -> Found:
    article = extract_article(html, url)
    if article is None:
        return Found()
    return Found(article.title, article.byline, article.published)


def trafilatura_metadata(html: str, url: str) -> Found:
    import trafilatura

    document = trafilatura.extract_metadata(html, default_url=url)
    if document is None:
        return Found()
    return Found(document.title, document.author, document.date)


def htmldate_only(html: str, url: str) -> Found:
    from htmldate import find_date

    return Found(date=find_date(html, url=url, original_date=True))


READERS: dict[str, Reader] = {
    "sourcecheck": ours,
    "trafilatura": trafilatura_metadata,
    "htmldate": htmldate_only,
}


def _squeezed(text: str) -> str:
    return "".join(_WORD.findall(text.lower()))


def site_names(html: str, url: str) -> list[str]:
    """The site's own name (og:site_name) and the main label of its host, squeezed to letters."""
    names = []
    try:
        tree = lxml.html.fromstring(html)
        names += [str(v) for v in tree.xpath("//meta[@property='og:site_name']/@content")]
    except (ValueError, lxml.etree.ParserError):
        pass
    host = urlsplit(url).hostname or ""
    labels = [label for label in host.split(".") if label not in ("www", "m", "amp")]
    if labels:
        names.append(labels[0])
    return [squeezed for squeezed in map(_squeezed, names) if len(squeezed) >= 3]


def keeps_site_name(title: str, names: list[str]) -> bool:
    parts = _SEPARATOR.split(title)
    if len(parts) < 2:
        return False
    ends = (_squeezed(parts[0]), _squeezed(parts[-1]))
    return any(end and (name in end or end in name) for end in ends for name in names)


def plausible_byline(byline: str | None) -> bool:
    return bool(byline) and len(byline or "") <= MAX_BYLINE_CHARS and not re.search(r"\d", byline or "")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=pathlib.Path, default=DEFAULT_BENCH, help="the benchmark folder")
    parser.add_argument("--show", type=int, default=0, metavar="N", help="list N of our misses of each kind")
    args = parser.parse_args()
    pages = load_pages(args.pages)
    counts = {name: {"date": 0, "iso": 0, "byline": 0, "title": 0} for name in READERS}
    not_iso: dict[str, list[str]] = {name: [] for name in READERS}
    misses: dict[str, list[str]] = {"date": [], "byline": [], "title": []}
    for page_id, url, html, _ in pages:
        names = site_names(html, url)
        for name, reader in READERS.items():
            found = reader(html, url)
            tally = counts[name]
            if found.date:
                tally["date"] += 1
                if ISO_8601.match(found.date):
                    tally["iso"] += 1
                else:
                    not_iso[name].append(f"{page_id[:12]} {found.date!r}")
            tally["byline"] += plausible_byline(found.byline)
            clean_title = bool(found.title) and not keeps_site_name(found.title or "", names)
            tally["title"] += clean_title
            if name == "sourcecheck":
                if not (found.date and ISO_8601.match(found.date)):
                    misses["date"].append(f"{page_id[:12]} {url}")
                if not plausible_byline(found.byline):
                    misses["byline"].append(f"{page_id[:12]} {found.byline!r} {url}")
                if not clean_title:
                    misses["title"].append(f"{page_id[:12]} {found.title!r}")
    total = len(pages)
    print(f"{total} pages from {args.pages}\n")
    print(f"{'reader':<14}{'ISO date':>10}{'any date':>10}{'byline':>9}{'clean title':>13}")
    for name, tally in counts.items():
        byline = f"{tally['byline'] / total:.3f}" if name != "htmldate" else "-"
        title = f"{tally['title'] / total:.3f}" if name != "htmldate" else "-"
        print(f"{name:<14}{tally['iso'] / total:>10.3f}{tally['date'] / total:>10.3f}{byline:>9}{title:>13}")
    for name, dates in not_iso.items():
        print(f"\n{name}: {len(dates)} dates not in ISO 8601" + "".join(f"\n  {d}" for d in dates[:10]))
    if args.show:
        for kind, lines in misses.items():
            print(f"\nour pages without a usable {kind} ({len(lines)}):")
            for line in lines[: args.show]:
                print(f"  {line}")


if __name__ == "__main__":
    main()
