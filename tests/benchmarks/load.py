"""Load the production server with concurrent clients and print what it sustains.

    python -m tests.benchmarks.load [--clients 8] [--seconds 60] [--workers N]

Starts `sourcecheck serve` (gunicorn) on a free loopback port, then each client
posts the seed pages and the development pages of `../shared/bench/extraction/`
in turn for a fixed time (ten of them are not in English: the server refuses those,
with a 422 that counts as an answer, and the English pages' own rate is printed too).
Prints throughput, latency percentiles (all pages, and the median-size page alone),
errors, and the workers' memory; then checks that the server still answers
a normal request. Traffic stays on 127.0.0.1 and stops by itself.
"""

from __future__ import annotations

import argparse
import gzip
import os
import pathlib
import statistics
import sys
import tempfile
import threading
import time

import requests

from tests.benchmarks.extraction import DEFAULT_BENCH
from tests.conftest import page_html, running_api

# A page in another language is answered, with a refusal: a 422 that names its language.
NOT_ENGLISH = -422
ANSWERED = (200, NOT_ENGLISH)


def load_pages(bench: pathlib.Path) -> list[tuple[str, str]]:
    pages = [(slug, page_html(slug)) for slug in ("seed-blog", "seed-wire")]
    for path in sorted((bench / "html").glob("*.html.gz")):
        pages.append((path.name[:12], gzip.decompress(path.read_bytes()).decode("utf-8", "replace")))
    return pages


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] if ordered else float("nan")


def rss_megabytes(pid: int) -> float:
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def server_processes(port: int) -> list[int]:
    """Return the pids of the gunicorn master and workers listening for this run."""
    found = []
    for entry in pathlib.Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "serve" in command and f"--port {port}" in command:
            found.append(int(entry.name))
            found += [int(child) for child in _children(int(entry.name))]
    return sorted(set(found))


def _children(pid: int) -> list[str]:
    try:
        return (pathlib.Path(f"/proc/{pid}/task/{pid}/children").read_text()).split()
    except OSError:
        return []


def client(url: str, pages: list[tuple[str, str]], offset: int, stop: float, results: list) -> None:
    session = requests.Session()
    index = offset
    while time.monotonic() < stop:
        name, html = pages[index % len(pages)]
        index += 1
        started = time.perf_counter()
        try:
            response = session.post(f"{url}/api/v1/analyze", json={"html": html}, timeout=30)
            status = response.status_code
            if status == 422 and response.json().get("type", "").endswith(":not-english"):
                status = NOT_ENGLISH
        except requests.RequestException:
            status = 0
        results.append((name, status, (time.perf_counter() - started) * 1000))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--bench", type=pathlib.Path, default=DEFAULT_BENCH)
    args = parser.parse_args()
    pages = load_pages(args.bench)
    # Every client here shares one address; the per-client limit would measure itself.
    os.environ["SOURCECHECK_RATE_LIMIT"] = "1000000 per minute"
    sizes = sorted(len(html) for _, html in pages)
    median_page = min(pages, key=lambda page: abs(len(page[1]) - statistics.median(sizes)))
    with tempfile.TemporaryDirectory() as workdir, running_api(pathlib.Path(workdir), args.workers) as url:
        port = int(url.rsplit(":", 1)[1])
        for _, html in pages[:4]:
            requests.post(f"{url}/api/v1/analyze", json={"html": html}, timeout=30)
        results: list[tuple[str, int, float]] = []
        stop = time.monotonic() + args.seconds
        threads = [
            threading.Thread(target=client, args=(url, pages, i * 7, stop, results))
            for i in range(args.clients)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        peak: dict[int, float] = {}
        while any(thread.is_alive() for thread in threads):
            for pid in server_processes(port):
                try:
                    peak[pid] = max(peak.get(pid, 0.0), rss_megabytes(pid))
                except OSError:
                    pass
            time.sleep(1)
        elapsed = time.monotonic() - started
        after = requests.post(f"{url}/api/v1/analyze", json={"html": page_html("seed-wire")}, timeout=30)
    latencies = [ms for _, status, ms in results if status in ANSWERED]
    median_latencies = [ms for name, status, ms in results if name == median_page[0] and status == 200]
    errors = [status for _, status, _ in results if status not in ANSWERED]
    refused = sum(1 for _, status, _ in results if status == NOT_ENGLISH)
    print(
        f"{len(pages)} pages (2 seed pages + the pages of {args.bench}), {args.clients} clients, "
        f"{args.workers} workers, {elapsed:.0f} s"
    )
    print(
        f"requests: {len(results)}, throughput {len(results) / elapsed:.1f} pages/s, errors {len(errors)}"
        + (f" (statuses {sorted(set(errors))})" if errors else "")
    )
    english = len(results) - refused
    print(
        f"of them {refused} pages not in English, refused with 422 not-english; "
        f"the {english} others: {english / elapsed:.1f} pages/s"
    )
    print(
        f"latency, all pages:   p50 {percentile(latencies, 0.5):.0f} ms, "
        f"p95 {percentile(latencies, 0.95):.0f} ms, p99 {percentile(latencies, 0.99):.0f} ms"
    )
    print(
        f"latency, median-size page ({len(median_page[1]) / 1024:.0f} KB, {len(median_latencies)} requests): "
        f"p50 {percentile(median_latencies, 0.5):.0f} ms, p95 {percentile(median_latencies, 0.95):.0f} ms, "
        f"p99 {percentile(median_latencies, 0.99):.0f} ms"
    )
    print("peak memory (RSS): " + ", ".join(f"pid {pid} {mb:.0f} MB" for pid, mb in sorted(peak.items())))
    print(f"afterwards: a normal request answered {after.status_code}")
    sys.exit(0 if after.status_code == 200 else 1)


if __name__ == "__main__":
    main()
