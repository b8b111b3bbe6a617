"""Time the classifier on 1,000 sentences, model already loaded, on one core.

    python -m tests.benchmarks.classify_speed [--sentences N] [--repeat R]

Sentences come from `samples/` (pages and labelled sentences), cycled to N, each
with the sentence before as its context, as in an article. The process is pinned
to one CPU and BLAS to one thread, so the figure is one core's. Wall-clock and CPU
time are both printed: on a shared machine the two part when others take the core.
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

from classifiers.model import BUNDLED_MODEL, load_model  # noqa: E402
from classifiers.predict import classify  # noqa: E402
from classifiers.samples import read_jsonl  # noqa: E402

SAMPLES = pathlib.Path(__file__).resolve().parents[2] / "samples"


def sentences(count: int) -> list[tuple[str, str]]:
    """Return `count` sentences as an article presents them, each with the one before.

    Texts get a running number so no cache can answer for a sentence seen before;
    the context is the previous sentence, as `split_sentences` gives it.
    """
    pool = [s.text for path in sorted(SAMPLES.glob("**/*.jsonl")) for s in read_jsonl(path)]
    texts = [f"{text} ({i})" for i, text in enumerate(pool * (count // len(pool) + 1))][:count]
    return [(text, texts[i - 1] if i else "") for i, text in enumerate(texts)]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sentences", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--model", type=pathlib.Path, default=BUNDLED_MODEL)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    model = load_model(args.model)
    batch = sentences(args.sentences)
    classify(model, batch[:50])
    gc.collect()
    gc.freeze()  # as the server does once the model is loaded (server._settle)
    wall, cpu = [], []
    for _ in range(args.repeat):
        wall_started, cpu_started = time.perf_counter(), time.process_time()
        classify(model, batch)
        cpu.append((time.process_time() - cpu_started) * 1000)
        wall.append((time.perf_counter() - wall_started) * 1000)
    for name, times in (("wall clock", wall), ("CPU time", cpu)):
        print(
            f"{args.sentences} sentences, one core, {args.repeat} runs, {name}: median "
            f"{statistics.median(times):.1f} ms, best {min(times):.1f} ms, worst {max(times):.1f} ms"
        )


if __name__ == "__main__":
    main()
