"""The frozen MiniLM encoder (classifiers.encoder) on the shipped int8 ONNX file."""

from __future__ import annotations

import json
import pathlib

import numpy as np

from classifiers import encoder

SENTENCES = pathlib.Path(__file__).resolve().parent.parent / "samples" / "sentences" / "train"


def test_shape_dtype_and_unit_norm() -> None:
    texts = ["Stocks fell on Tuesday.", "", "A" * 2000, "The minister said the plan would cost £2bn."]
    vectors = encoder.embed(texts)
    assert vectors.shape == (4, encoder.DIMENSIONS)
    assert vectors.dtype == np.float32
    assert np.all(np.isfinite(vectors))
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_paraphrases_are_closer_than_unrelated_sentences() -> None:
    a, b, c, d = encoder.embed(
        [
            "The central bank raised interest rates by half a percentage point.",
            "Interest rates were increased by the central bank by 0.5 points.",
            "The striker scored twice in the second half to win the match.",
            "Two late goals from the forward sealed the victory for the home side.",
        ]
    )
    assert a @ b > a @ c + 0.1 and a @ b > a @ d + 0.1
    assert c @ d > c @ a + 0.1 and c @ d > c @ b + 0.1


def _sample_texts(n: int) -> list[str]:
    texts: list[str] = []
    for path in sorted(SENTENCES.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    unique = sorted(set(texts))  # varied lengths and topics, in no particular length order
    return unique[:: max(1, len(unique) // n)][:n]


def test_a_text_gets_the_same_vector_whatever_its_neighbours() -> None:
    texts = _sample_texts(75)
    assert len(texts) == 75
    together = encoder.embed(texts)
    assert np.array_equal(together, np.concatenate([encoder.embed([t]) for t in texts]))
    assert np.array_equal(together, encoder.embed(texts[::-1])[::-1])
    assert len({row.tobytes() for row in together}) == 75


def test_empty_input() -> None:
    vectors = encoder.embed([])
    assert vectors.shape == (0, encoder.DIMENSIONS)
    assert vectors.dtype == np.float32
