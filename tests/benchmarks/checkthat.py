"""Evaluate the model on CheckThat! subjectivity data labelled by others (opinion vs not).

    python -m tests.benchmarks.checkthat [--model PATH] [--data DIR]

`SUBJ` is our `opinion`; `OBJ` is any other label. Prints macro-F1 over SUBJ/OBJ,
the lab's measure, for each file. The data stays in `../shared`; never train on it.
Last, it lists any sentence of `samples/` that copies a benchmark sentence.
"""

from __future__ import annotations

import argparse
import csv
import pathlib
import re

from sklearn.metrics import classification_report, f1_score

from classifiers.labels import OPINION
from classifiers.model import BUNDLED_MODEL, load_model
from classifiers.predict import classify
from classifiers.samples import read_jsonl

DEFAULT_DATA = pathlib.Path(__file__).resolve().parents[3] / "shared" / "bench" / "sentences"
FILES = ("checkthat-subjectivity-en/train_en.tsv", "checkthat-subjectivity-en/dev_en.tsv")


def read_tsv(path: pathlib.Path) -> tuple[list[str], list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [row["sentence"] for row in rows], [row["label"] for row in rows]


NEAR_COPY = 0.7  # share of distinct words in common that makes a sample a copy of a benchmark sentence
SAMPLES = pathlib.Path(__file__).resolve().parents[2] / "samples"


def _words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", text.lower()))


def near_copies(benchmark: list[str]) -> list[str]:
    """Return the sample sentences that copy a benchmark sentence: the data must stay out of samples/."""
    bench = [_words(text) for text in benchmark]
    copies = []
    for sample in (s for path in sorted(SAMPLES.glob("**/*.jsonl")) for s in read_jsonl(path)):
        words = _words(sample.text)
        for other in bench:
            if min(len(words), len(other)) >= NEAR_COPY * max(len(words), len(other)) and (
                len(words & other) >= NEAR_COPY * len(words | other)
            ):
                copies.append(sample.text)
                break
    return copies


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", type=pathlib.Path, default=BUNDLED_MODEL)
    parser.add_argument("--data", type=pathlib.Path, default=DEFAULT_DATA)
    parser.add_argument("--report", action="store_true", help="print per-class precision and recall")
    args = parser.parse_args()
    model = load_model(args.model)
    everything_text, everything_truth, everything_predicted = [], [], []
    for name in FILES:
        sentences, truth = read_tsv(args.data / name)
        predicted = [
            "SUBJ" if p.label == OPINION else "OBJ" for p in classify(model, [(s, "") for s in sentences])
        ]
        everything_text += sentences
        everything_truth += truth
        everything_predicted += predicted
        print(
            f"{name}: {len(sentences)} sentences, macro-F1 {f1_score(truth, predicted, average='macro'):.3f}"
        )
        if args.report:
            print(classification_report(truth, predicted, digits=3))
    macro = f1_score(everything_truth, everything_predicted, average="macro")
    print(f"all: {len(everything_truth)} sentences, macro-F1 {macro:.3f}")
    copies = near_copies(everything_text)
    print(f"samples that copy a benchmark sentence: {len(copies)}")
    for text in copies:
        print(f"  {text}")


if __name__ == "__main__":
    main()
