"""Send readers' corrections from concurrent clients and print what the server sustains.

    python -m tests.benchmarks.feedback_load [--clients 8] [--seconds 60] [--workers 2] [--db URL]

Starts `sourcecheck serve` (gunicorn) on a free loopback port with the feedback
store on a fresh SQLite file, or on `--db` (e.g. the PostgreSQL of
`.ci/postgres start DIR`; its feedback tables are emptied first). Each client
posts distinct corrections for the given time; prints requests, errors and
latency percentiles. The target is p99 under 100 ms with 0 errors.
"""

from __future__ import annotations

import argparse
import itertools
import pathlib
import sys
import tempfile
import threading
import time
from typing import Any

import requests

from tests.benchmarks.load import percentile
from tests.conftest import running_api

P99_TARGET_MS = 100.0


def _correction(number: int) -> dict[str, Any]:
    return {
        "url": f"https://news.example/story-{number % 50}",
        "text": f"Benchmark sentence {number} is what the writer thinks.",
        "context": "The sentence before.",
        "model_label": "unattributed",
        "model_score": 0.62,
        "model_version": "bench",
        "reader_label": "opinion",
    }


def _empty(url: str) -> None:
    from server.feedback.store import database_url, make_engine, metadata

    engine = make_engine(database_url(url, pathlib.Path.cwd))
    with engine.begin() as connection:
        metadata.drop_all(connection)
    engine.dispose()


def run(url: str, clients: int, seconds: float) -> tuple[int, int, list[float]]:
    """Post corrections from `clients` threads for `seconds`; return requests, errors, latencies (ms)."""
    numbers = itertools.count()
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]
    deadline = time.monotonic() + seconds

    def client() -> None:
        with requests.Session() as session:
            while time.monotonic() < deadline:
                with lock:
                    number = next(numbers)
                started = time.perf_counter()
                try:
                    ok = session.post(
                        f"{url}/api/v1/feedback", json=_correction(number), timeout=10
                    ).status_code
                except requests.RequestException:
                    ok = 0
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(elapsed)
                    errors[0] += ok not in (200, 201)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies), errors[0], latencies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--db", default=None, help="a postgresql:// URL; default: a fresh SQLite file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as workdir:
        db = args.db or f"sqlite:///{workdir}/feedback.sqlite3"
        if args.db:
            _empty(args.db)
        env = {"SOURCECHECK_FEEDBACK_DB": db, "SOURCECHECK_RATE_LIMIT": "1000000 per minute"}
        with running_api(pathlib.Path(workdir), args.workers, env) as url:
            requests_sent, errors, latencies = run(url, args.clients, args.seconds)
    kind = "PostgreSQL" if db.startswith("postgres") else "SQLite"
    p50, p99 = percentile(latencies, 0.50), percentile(latencies, 0.99)
    print(
        f"{kind}: {args.clients} clients x {args.seconds:g} s, {args.workers} workers: "
        f"{requests_sent} requests ({requests_sent / args.seconds:.0f}/s), {errors} errors, "
        f"p50 {p50:.1f} ms, p99 {p99:.1f} ms (target < {P99_TARGET_MS:g} ms)"
    )
    return 0 if errors == 0 and p99 < P99_TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
