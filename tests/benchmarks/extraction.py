"""Benchmark article extraction against trafilatura and readability-lxml on the same pages.

    pip install '.[bench]'
    python -m tests.benchmarks.extraction [--pages DIR] [--show-worst N]

Reads the development pages of `../shared/bench/extraction/` (never copied into the
project) and prints, for each extractor, the benchmark's precision, recall and F1
(4-token shingles, per-page means) and the median and p95 CPU milliseconds per page.

Times are CPU time (`time.process_time`), with the extractors interleaved page by
page in one process (the order rotating from page to page), so that a slow spell of
a shared machine weighs on all of them alike; the ratios of our median and p95 to
trafilatura's are the figures to compare between runs.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import pathlib
import re
import statistics
import time
from collections.abc import Callable
from typing import Any

from server.extract import extract_article

DEFAULT_BENCH = pathlib.Path(__file__).resolve().parents[3] / "shared" / "bench" / "extraction"
SHINGLE = 4
_TOKEN = re.compile(r"\w+")

Extractor = Callable[[str, str], str]


def shingles(text: str) -> collections.Counter[tuple[str, ...]]:
    """Return the multiset of 4-token shingles; a shorter text is one shorter shingle."""
    tokens = _TOKEN.findall(text or "")
    if not tokens:
        return collections.Counter()
    if len(tokens) < SHINGLE:
        return collections.Counter([tuple(tokens)])
    return collections.Counter(tuple(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1))


def page_scores(extracted: str, truth: str) -> tuple[float | None, float | None]:
    """Return (precision, recall) of one page; None where the benchmark leaves the page out."""
    got, want = shingles(extracted), shingles(truth)
    overlap = sum((got & want).values())
    precision = overlap / sum(got.values()) if got else None
    recall = overlap / sum(want.values()) if want else None
    return precision, recall


def ours(html: str, url: str) -> str:
    article = extract_article(html, url)
    return article.text if article else ""


def trafilatura_default(html: str, url: str) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url, include_comments=False) or ""


def readability(html: str, url: str) -> str:
    import lxml.html
    from readability import Document

    summary = Document(html, url=url).summary(html_partial=True)
    return lxml.html.fromstring(summary).text_content() if summary.strip() else ""


EXTRACTORS: dict[str, Extractor] = {
    "sourcecheck": ours,
    "trafilatura": trafilatura_default,
    "readability-lxml": readability,
}


def load_pages(bench: pathlib.Path) -> list[tuple[str, str, str, str]]:
    truth = json.loads((bench / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id, entry in sorted(truth.items()):
        html = gzip.decompress((bench / "html" / f"{page_id}.html.gz").read_bytes()).decode(
            "utf-8", "replace"
        )
        pages.append((page_id, entry.get("url") or "", html, entry.get("articleBody") or ""))
    return pages


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def run(
    extractors: dict[str, Extractor], pages: list[tuple[str, str, str, str]]
) -> dict[str, dict[str, Any]]:
    """Run every extractor on every page, interleaved, and score each one."""
    names = list(extractors)
    for name in names:  # imports and first-call caches are not part of a page's time
        extractors[name](pages[0][2], pages[0][1])
    outcomes: dict[str, list[tuple[str, str, float]]] = {name: [] for name in names}
    for number, (page_id, url, html, _) in enumerate(pages):
        for name in names[number % len(names) :] + names[: number % len(names)]:
            started = time.process_time()
            try:
                text = extractors[name](html, url)
            except Exception as error:  # a benchmark reports a crash as an empty result
                text = ""
                print(f"  {name} on {page_id[:12]}: {type(error).__name__}: {error}")
            outcomes[name].append((page_id, text, (time.process_time() - started) * 1000))
    truths = {page_id: truth for page_id, _, _, truth in pages}
    return {name: _score(outcomes[name], truths) for name in names}


def _score(outcomes: list[tuple[str, str, float]], truths: dict[str, str]) -> dict[str, Any]:
    precisions, recalls, per_page = [], [], []
    for page_id, text, _ in outcomes:
        precision, recall = page_scores(text, truths[page_id])
        if precision is not None:
            precisions.append(precision)
        if recall is not None:
            recalls.append(recall)
        per_page.append((page_id, precision, recall))
    precision = statistics.fmean(precisions) if precisions else 0.0
    recall = statistics.fmean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    times = [milliseconds for _, _, milliseconds in outcomes]
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "median_ms": statistics.median(times),
        "p95_ms": _percentile(times, 0.95),
        "per_page": per_page,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=pathlib.Path, default=DEFAULT_BENCH, help="the benchmark folder")
    parser.add_argument("--only", choices=sorted(EXTRACTORS), action="append", help="run only these")
    parser.add_argument("--show-worst", type=int, default=0, metavar="N", help="list our N worst pages")
    args = parser.parse_args()
    pages = load_pages(args.pages)
    names = args.only or list(EXTRACTORS)
    results = run({name: EXTRACTORS[name] for name in names}, pages)
    print(f"{len(pages)} pages from {args.pages}\n")
    print(f"{'extractor':<18}{'precision':>10}{'recall':>10}{'F1':>8}{'CPU ms p50':>12}{'p95':>8}")
    for name, result in results.items():
        print(
            f"{name:<18}{result['precision']:>10.3f}{result['recall']:>10.3f}{result['f1']:>8.3f}"
            f"{result['median_ms']:>12.1f}{result['p95_ms']:>8.1f}"
        )
    if "sourcecheck" in results and "trafilatura" in results:
        ours, theirs = results["sourcecheck"], results["trafilatura"]
        print(
            f"\nCPU time, sourcecheck / trafilatura: median {ours['median_ms'] / theirs['median_ms']:.2f}, "
            f"p95 {ours['p95_ms'] / theirs['p95_ms']:.2f}"
        )
    if args.show_worst and "sourcecheck" in results:

        def page_f1(row: tuple[str, float | None, float | None]) -> float:
            _, p, r = row
            p, r = p or 0.0, r or 0.0
            return 2 * p * r / (p + r) if p + r else 0.0

        def shown(value: float | None) -> str:
            return "none" if value is None else f"{value:.3f}"

        print("\nworst pages for sourcecheck (id, precision, recall):")
        for row in sorted(results["sourcecheck"]["per_page"], key=page_f1)[: args.show_worst]:
            print(f"  {row[0]}  P={shown(row[1])}  R={shown(row[2])}")


if __name__ == "__main__":
    main()
