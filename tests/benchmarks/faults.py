"""Kill a worker under load, then hold steady load, and print what the server survived.

    python -m tests.benchmarks.faults [--clients 8] [--seconds 60] [--steady-seconds 300] [--workers 2]

Phase 1: `--clients` clients post the seed and development pages for `--seconds`
to `sourcecheck serve` (gunicorn, `--workers` workers); halfway, one worker is
killed with SIGKILL. Prints requests, errors (and their share), and how long the
master took to have every worker back. Phase 2: the same load for
`--steady-seconds`, with each worker's resident memory sampled every 10 s; prints
the samples and each worker's growth from the first minute to the last.
Traffic stays on 127.0.0.1; the server stops at the end.
"""

from __future__ import annotations

import argparse
import collections
import os
import pathlib
import signal
import statistics
import tempfile
import threading
import time

from tests.benchmarks.extraction import DEFAULT_BENCH
from tests.benchmarks.load import client, load_pages, rss_megabytes
from tests.conftest import running_server

SAMPLE_SECONDS = 10
WARM_UP_REQUESTS = 4


def workers_of(master: int) -> list[int]:
    try:
        children = pathlib.Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    return [int(pid) for pid in children]


def _run_clients(url: str, pages: list, clients: int, seconds: float) -> tuple[list, list[threading.Thread]]:
    results: list[tuple[str, int, float]] = []
    stop = time.monotonic() + seconds
    threads = [
        threading.Thread(target=client, args=(url, pages, i * 7, stop, results)) for i in range(clients)
    ]
    for thread in threads:
        thread.start()
    return results, threads


def _breakdown(statuses: list[int]) -> str:
    """Say how many of each failure: 0 is a connection lost (a killed worker's requests in flight)."""
    counts = collections.Counter(statuses)
    return ", ".join(f"{n} x {status or 'connection lost'}" for status, n in sorted(counts.items()))


def kill_phase(url: str, master: int, pages: list, args: argparse.Namespace) -> None:
    expected = len(workers_of(master))
    results, threads = _run_clients(url, pages, args.clients, args.seconds)
    time.sleep(args.seconds / 2)
    victim = workers_of(master)[0]
    os.kill(victim, signal.SIGKILL)
    killed_at = time.monotonic()
    back = None
    while back is None and time.monotonic() - killed_at < 60:
        alive = [pid for pid in workers_of(master) if pid != victim]
        if len(alive) >= expected:
            back = time.monotonic() - killed_at
        time.sleep(0.05)
    for thread in threads:
        thread.join()
    errors = [status for _, status, _ in results if status != 200]
    share = len(errors) / max(len(results), 1)
    print(
        f"phase 1: {args.clients} clients, {args.seconds:.0f} s, {expected} workers, "
        "one SIGKILLed at the half"
    )
    print(
        f"  requests {len(results)}, errors {len(errors)} ({share:.2%})"
        + (f": {_breakdown(errors)}" if errors else "")
    )
    print(
        f"  workers back to {expected}: " + (f"after {back:.2f} s" if back is not None else "not within 60 s")
    )


def steady_phase(url: str, master: int, pages: list, args: argparse.Namespace) -> None:
    results, threads = _run_clients(url, pages, args.clients, args.steady_seconds)
    samples: dict[int, list[float]] = {}
    while any(thread.is_alive() for thread in threads):
        for pid in workers_of(master):
            try:
                samples.setdefault(pid, []).append(rss_megabytes(pid))
            except OSError:
                pass
        time.sleep(SAMPLE_SECONDS)
    errors = [status for _, status, _ in results if status != 200]
    print(
        f"phase 2: {args.clients} clients, {args.steady_seconds:.0f} s steady, RSS every {SAMPLE_SECONDS} s"
    )
    shown = f": {_breakdown(errors)}" if errors else ""
    print(f"  requests {len(results)}, errors {len(errors)}{shown}")
    per_minute = 60 // SAMPLE_SECONDS
    for pid, values in sorted(samples.items()):
        if not values:
            continue
        first, last = statistics.mean(values[:per_minute]), statistics.mean(values[-per_minute:])
        shown = " ".join(f"{value:.0f}" for value in values)
        print(
            f"  worker {pid}: {shown} MB; "
            f"first minute {first:.0f}, last minute {last:.0f} ({last - first:+.0f} MB)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--steady-seconds", type=float, default=300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--bench", type=pathlib.Path, default=DEFAULT_BENCH)
    args = parser.parse_args()
    pages = load_pages(args.bench)
    # Every client here shares one address; the per-client limit would measure itself.
    env = {"SOURCECHECK_RATE_LIMIT": "1000000 per minute"}
    with tempfile.TemporaryDirectory() as workdir:
        with running_server(pathlib.Path(workdir), args.workers, env) as server:
            warm, threads = _run_clients(server.url, pages[:WARM_UP_REQUESTS], 1, 5)
            for thread in threads:
                thread.join()
            kill_phase(server.url, server.process.pid, pages, args)
            if args.steady_seconds > 0:
                steady_phase(server.url, server.process.pid, pages, args)


if __name__ == "__main__":
    main()
