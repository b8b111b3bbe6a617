"""The `sourcecheck` command: serve, analyze, classify, train, evaluate, feedback."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import pathlib
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from server.config import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    KEEPALIVE_SECONDS,
    REQUEST_TIMEOUT_SECONDS,
    THREADS_PER_WORKER,
    Settings,
    SettingsError,
    package_version,
)

# Every other import waits for the command that needs it: `sourcecheck --help` loads no model.
if TYPE_CHECKING:
    from classifiers.model import Model
    from server.served import ServedModel

# Training runs from a checkout: samples in, the model file that ships with the package out.
DEFAULT_SAMPLES = pathlib.Path("samples/sentences")
DEFAULT_MODEL_OUT = pathlib.Path("classifiers/models/sourcecheck.skops")
BINARY_SNIFF_BYTES = 8192  # how much of a file is looked at to tell a binary file from a page
MAX_CONTROL_SHARE = 0.05  # pages have almost no control characters; compressed data has ~12 %
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\x1b")


class InputError(ValueError):
    """An input the command will not read; the message names it and says why."""


def _serve(args: argparse.Namespace) -> int:
    try:
        Settings.load()
    except SettingsError as error:
        sys.stderr.write(f"sourcecheck serve: {error}\n")
        return 2
    from server import create_app

    if args.dev:
        create_app().run(host=args.host, port=args.port)
        return 0
    from server.wsgi import GunicornServer

    options = {
        "bind": f"{args.host}:{args.port}",
        "workers": args.workers or os.cpu_count() or 1,
        "worker_class": "server.wsgi.ProblemThreadWorker",
        "threads": THREADS_PER_WORKER,
        "keepalive": KEEPALIVE_SECONDS,
        "timeout": REQUEST_TIMEOUT_SECONDS,
        "graceful_timeout": REQUEST_TIMEOUT_SECONDS,
        "preload_app": True,
        "accesslog": "-",
    }
    GunicornServer(create_app, options).run()
    return 0


def _looks_binary(head: bytes) -> bool:
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte < 32 and byte not in _TEXT_CONTROLS)
    return controls > MAX_CONTROL_SHARE * max(len(head), 1)


def read_input(source: str, settings: Settings) -> tuple[str, str | None]:
    """Return `(html, url)` for a saved page or an http(s) URL; refuse anything else with `InputError`
    (its message is shown after the source's name)."""
    from server.fetch import decode_html, fetch_url

    if "://" in source:
        scheme = source.split("://", 1)[0].lower()
        if scheme not in {"http", "https"}:
            raise InputError(f"only http and https URLs can be read, not {scheme}://")
        return fetch_url(source), source
    path = pathlib.Path(source)
    if path.is_dir():
        raise InputError("a directory, not a saved page")
    size = path.stat().st_size
    if size > settings.max_content_length:
        raise InputError(
            f"{size:,} bytes, over the {settings.max_content_length:,}-byte limit "
            "(SOURCECHECK_MAX_CONTENT_LENGTH)"
        )
    data = path.read_bytes()
    if _looks_binary(data[:BINARY_SNIFF_BYTES]):
        raise InputError("a binary file, not an HTML page")
    return decode_html(data), None


def _analyze_one(source: str, served: ServedModel, settings: Settings) -> dict[str, Any]:
    from server.analysis import Limits, analyze

    html, url = read_input(source, settings)
    result = analyze(html, url, served.model, Limits.from_settings(settings))
    return {**result, "model": {**result["model"], "digest": served.digest}}


def _failure(source: str, error: Exception) -> dict[str, Any]:
    from server.problems import Problem, problem_body

    if isinstance(error, Problem):
        body = problem_body(error.code or 422, error.title, error.description or "", error.slug)
    else:
        body = problem_body(400, "Cannot read input", str(error), "unreadable-input")
    return {"input": source, "error": body}


def _print_report(source: str, result: dict[str, Any], out: TextIO) -> None:
    from classifiers.labels import FLAGGED, READER_NAMES

    article, summary = result["article"], result["summary"]
    out.write(f"{article['title'] or '(untitled)'}\n{source}\n")
    counts = ", ".join(f"{n} {label}" for label, n in summary["counts"].items())
    out.write(f"{len(result['sentences'])} sentences: {counts}\n")
    if summary["attributed_share"] is not None:
        out.write(f"Claims with a named source: {summary['attributed_share']:.0%}\n")
    flagged = [s for s in result["sentences"] if s["label"] in FLAGGED]
    for sentence in flagged:
        out.write(f"\n  [{READER_NAMES[sentence['label']]}, {sentence['score']:.0%}] {sentence['text']}\n")
        out.write(f"    {sentence['reason']}\n")
    if not flagged:
        out.write("\nNo sentence flagged.\n")
    out.write("\n")


@contextlib.contextmanager
def _extraction_log_shown(shown: bool) -> Iterator[None]:
    """While shown, print on stderr why each container won or lost and why each block was dropped."""
    if not shown:
        yield
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("explain: %(message)s"))
    extraction_log = logging.getLogger("server.extraction")
    level = extraction_log.level
    extraction_log.addHandler(handler)
    extraction_log.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        extraction_log.removeHandler(handler)
        extraction_log.setLevel(level)


def _analyze(args: argparse.Namespace) -> int:
    with _extraction_log_shown(args.explain):
        return _analyze_inputs(args)


def _analyze_inputs(args: argparse.Namespace) -> int:
    from server.fetch import FetchError
    from server.problems import Problem
    from server.served import load_served

    settings = Settings.load()
    if args.json and len(args.inputs) != 1:
        sys.stderr.write("sourcecheck analyze --json takes one input; use --jsonl for several\n")
        return 2
    served = load_served(args.model or settings.model_path)
    status = 0
    for source in args.inputs:
        try:
            result = _analyze_one(source, served, settings)
        except (Problem, FetchError, InputError, OSError, UnicodeError) as error:
            status = 1
            failure = _failure(source, error)
            if args.jsonl:
                print(json.dumps(failure, ensure_ascii=False), flush=True)
            elif args.json:
                print(json.dumps(failure["error"], ensure_ascii=False))
            else:
                sys.stderr.write(f"{source}: {failure['error']['detail']}\n")
            continue
        if args.jsonl:
            print(json.dumps(result, ensure_ascii=False), flush=True)
        elif args.json:
            print(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            _print_report(source, result, sys.stdout)
    return status


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


_OPTIONAL_TEXT_FIELDS = ("context", "kind", "article")


def _read_records(path: pathlib.Path) -> Iterable[tuple[int, dict[str, Any]]]:
    """Yield each line's record; refuse a malformed line with `InputError` naming file:line."""
    with path.open("rb") as lines:
        for number, raw in enumerate(lines, start=1):
            where = f"{path}:{number}"
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as error:
                raise InputError(f"{where}: not UTF-8 (byte {error.start + 1} of the line)") from None
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except (ValueError, RecursionError) as error:
                reason = error.msg if isinstance(error, json.JSONDecodeError) else "nested too deeply"
                raise InputError(f"{where}: not valid JSON ({reason})") from None
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                raise InputError(f"{where}: each line needs a string 'text'")
            for key in _OPTIONAL_TEXT_FIELDS:
                if not isinstance(record.get(key) or "", str):
                    raise InputError(f"{where}: '{key}' must be a string")
            if any(_has_lone_surrogate(record.get(key) or "") for key in ("text", *_OPTIONAL_TEXT_FIELDS)):
                raise InputError(f"{where}: invalid Unicode (a lone surrogate escape)")
            yield number, record


def _classify(args: argparse.Namespace) -> int:
    from classifiers.features import PARAGRAPH, ModelInput
    from classifiers.predict import classify

    model = _load(args.model)
    records = [record for _, record in _read_records(args.file)]
    inputs = [
        ModelInput(
            record["text"],
            record.get("context") or "",
            str(record.get("kind") or PARAGRAPH),
            article=record.get("article") or None,
        )
        for record in records
    ]
    for record, prediction in zip(records, classify(model, inputs), strict=True):
        record["prediction"] = prediction.label
        record["scores"] = prediction.scores
        print(json.dumps(record, ensure_ascii=False))
    return 0


def _train(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from classifiers.evaluate import format_scores
    from classifiers.train import STEPS, train

    with tqdm(total=len(STEPS), desc="training", unit="step", file=sys.stderr) as bar:

        def progress(step: str) -> None:
            bar.set_postfix_str(step)
            bar.update(1)

        card = train(args.samples_dir, args.out, progress)
    scores = card["scores"]
    print(f"Model written to {args.out} (samples digest {card['samples_digest'][:12]})\n")
    print(f"Cross-validation on the train split ({card['samples']['train']} sentences):")
    print(format_scores(scores["cross_validation"]))
    print(f"\nHeld-out test split ({card['samples']['test']} sentences):")
    print(format_scores(scores["test"]))
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from classifiers.evaluate import format_scores, score
    from classifiers.predict import classify
    from classifiers.samples import read_jsonl

    model = _load(args.model)
    samples = list(read_jsonl(args.file))
    predictions = classify(model, [sample.input for sample in samples])
    scores = score([s.label for s in samples], [p.label for p in predictions], [p.score for p in predictions])
    if args.json:
        print(json.dumps(scores))
    else:
        print(format_scores(scores))
    if args.plot:
        from classifiers.plot import plot_confusion

        plot_confusion(scores, args.plot)
    return 0


def _load(path: pathlib.Path | None) -> Model:
    from classifiers.model import load_model

    return load_model(path or Settings.load().model_path)


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of the `sourcecheck` command line."""
    parser = argparse.ArgumentParser(prog="sourcecheck", description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the API (gunicorn; --dev for Flask's server)")
    serve.add_argument("--host", default=DEFAULT_HOST)
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve.add_argument("--workers", type=int, default=None, help="default: the number of cores")
    serve.add_argument("--dev", action="store_true", help="Flask's development server")
    serve.set_defaults(run=_serve)

    analyze = commands.add_parser("analyze", help="analyze saved pages or URLs")
    form = analyze.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="the API's response for one input")
    form.add_argument("--jsonl", action="store_true", help="one API response per line per input")
    analyze.add_argument("--model", type=pathlib.Path, default=None)
    analyze.add_argument(
        "--explain", action="store_true", help="show on stderr why extraction kept or dropped each part"
    )
    analyze.add_argument("inputs", nargs="+", metavar="PATH_OR_URL")
    analyze.set_defaults(run=_analyze)

    classify_command = commands.add_parser("classify", help="label sentences from a JSON Lines file")
    classify_command.add_argument("file", type=pathlib.Path, metavar="FILE.jsonl")
    classify_command.add_argument("--model", type=pathlib.Path, default=None)
    classify_command.set_defaults(run=_classify)

    train = commands.add_parser("train", help="train the model from labelled samples")
    train.add_argument(
        "samples_dir", type=pathlib.Path, nargs="?", default=DEFAULT_SAMPLES, metavar="SAMPLES_DIR"
    )
    train.add_argument("--out", type=pathlib.Path, default=DEFAULT_MODEL_OUT)
    train.set_defaults(run=_train)

    evaluate = commands.add_parser("evaluate", help="score the model on a labelled JSON Lines file")
    evaluate.add_argument("file", type=pathlib.Path, metavar="FILE.jsonl")
    evaluate.add_argument("--model", type=pathlib.Path, default=None)
    evaluate.add_argument("--json", action="store_true", help="print the scores as one JSON object")
    evaluate.add_argument("--plot", type=pathlib.Path, default=None, metavar="PNG")
    evaluate.set_defaults(run=_evaluate)

    from server.feedback.cli import add_parser as add_feedback

    add_feedback(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return its exit status."""
    args = build_parser().parse_args(argv)
    try:
        status: int = args.run(args)
        return status
    except BrokenPipeError:
        return 0
    except Exception as error:
        if not _is_user_error(error):
            raise
        sys.stderr.write(f"sourcecheck: {error}\n")
        return 1


def _is_user_error(error: Exception) -> bool:
    """Whether an error is about the input or the setup (one line), not a bug (a traceback)."""
    if isinstance(error, OSError | InputError | SettingsError):
        return True
    from server.feedback.store import StoreUnavailable

    if isinstance(error, StoreUnavailable):
        return True
    from classifiers.model import ModelError
    from classifiers.samples import SampleError

    return isinstance(error, ModelError | SampleError)


if __name__ == "__main__":
    sys.exit(main())
