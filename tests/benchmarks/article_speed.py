"""Time whole articles through extraction, sentence splitting and classification on one core.

    python -m tests.benchmarks.article_speed [--bench DIR] [--repeat R]

Each page of news-dev (`../shared/bench/`, read at run time) goes through `analyze`
with the model already loaded, R times, interleaved page by page so that a slow
spell of the machine touches every page alike. The process is pinned to one CPU
and BLAS to one thread. It prints the p50 and p90 over pages of each page's
median CPU time, and the time of the median-sized article (the target: 150 ms). A page the
server refuses (one not in English) is left out.
"""

from __future__ import annotations

import argparse
import gc
import os
import pathlib
import statistics
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from classifiers.model import BUNDLED_MODEL, Model, load_model  # noqa: E402
from server.analysis import analyze  # noqa: E402
from server.problems import Problem  # noqa: E402
from tests.benchmarks.news import DEFAULT_BENCH, LIMITS, GoldPage, load_pages  # noqa: E402


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _is_read(page: GoldPage, model: Model) -> bool:
    """Analyze a page once, which also warms the model; False when it is refused (not English)."""
    try:
        analyze(page.html, page.url, model, LIMITS)
    except Problem:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--bench", type=pathlib.Path, default=DEFAULT_BENCH)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--model", type=pathlib.Path, default=BUNDLED_MODEL)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    model = load_model(args.model)
    pages = [page for page in load_pages(args.bench) if _is_read(page, model)]
    gc.collect()
    gc.freeze()  # as the server does once the model is loaded
    cpu: dict[str, list[float]] = {page.id: [] for page in pages}
    wall: dict[str, list[float]] = {page.id: [] for page in pages}
    sentences: dict[str, int] = {}
    for _ in range(args.repeat):
        for page in pages:
            wall_started, cpu_started = time.perf_counter(), time.process_time()
            result = analyze(page.html, page.url, model, LIMITS)
            cpu[page.id].append((time.process_time() - cpu_started) * 1000)
            wall[page.id].append((time.perf_counter() - wall_started) * 1000)
            sentences[page.id] = len(result["sentences"])
    per_page_cpu = {page_id: statistics.median(times) for page_id, times in cpu.items()}
    per_page_wall = {page_id: statistics.median(times) for page_id, times in wall.items()}
    by_size = sorted(sentences, key=sentences.__getitem__)
    median_page = by_size[len(by_size) // 2]
    print(f"{len(pages)} news-dev pages read (any refused as not English left out), {args.repeat} runs each")
    print("one core, model loaded")
    for name, times in (("CPU time", per_page_cpu), ("wall clock", per_page_wall)):
        values = list(times.values())
        print(
            f"{name}: p50 {_percentile(values, 0.5):.1f} ms, p90 {_percentile(values, 0.9):.1f} ms, "
            f"median-sized article ({sentences[median_page]} sentences) {times[median_page]:.1f} ms"
        )


if __name__ == "__main__":
    main()
