import json

import pytest

from server.cli import main
from tests.conftest import PAGES, ROOT, SAMPLES


@pytest.fixture()
def run(capsys, test_model_path):
    """Run `sourcecheck ARGS...` in this process with the test model; return (status, out, err)."""

    def invoke(*args: str, model: bool = True) -> tuple[int, str, str]:
        extra = ["--model", str(test_model_path)] if model else []
        status = main([*args[:1], *extra, *args[1:]])
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return invoke


def test_analyze_prints_a_readable_report(run):
    status, out, _ = run("analyze", str(PAGES / "seed-blog" / "page.html"))
    assert status == 0
    assert out.startswith("Trump Discusses US-China Relations In Call With Xi Jinping\n")
    assert "sentences:" in out and "Claims with a named source:" in out
    assert "Popular posts" not in out


def test_analyze_json_is_the_api_response(run, client):
    status, out, _ = run("analyze", "--json", str(PAGES / "seed-wire" / "page.html"))
    assert status == 0
    result = json.loads(out)
    html = (PAGES / "seed-wire" / "page.html").read_text(encoding="utf-8")
    api = client.post("/api/v1/analyze", json={"html": html}).get_json()
    assert result["article"] == api["article"]
    assert [s["label"] for s in result["sentences"]] == [s["label"] for s in api["sentences"]]


def test_analyze_jsonl_keeps_order_and_reports_failures_in_line(run, tmp_path):
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>", encoding="utf-8")
    missing = tmp_path / "missing.html"
    inputs = [
        str(PAGES / "seed-blog" / "page.html"),
        str(empty),
        str(missing),
        str(PAGES / "seed-wire" / "page.html"),
    ]
    status, out, _ = run("analyze", "--jsonl", *inputs)
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == 4
    assert status == 1
    assert lines[0]["article"]["title"].startswith("Trump Discusses")
    assert lines[1]["input"] == str(empty) and lines[1]["error"]["status"] == 422
    assert lines[2]["input"] == str(missing) and lines[2]["error"]["status"] == 400
    assert lines[3]["article"]["title"].startswith("Xi, Trump")


def test_analyze_rejects_non_http_urls(run):
    status, _, err = run("analyze", "ftp://example.org/page.html")
    assert status == 1
    assert "ftp://example.org/page.html" in err


def test_classify_adds_prediction_and_scores_and_keeps_other_keys(run, tmp_path):
    path = tmp_path / "in.jsonl"
    rows = [
        {"text": "Officials say the bridge is unsafe.", "id": 7},
        {"text": "“We will fix it,” she added.", "context": "The mayor spoke on Monday."},
    ]
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")
    status, out, _ = run("classify", str(path))
    assert status == 0
    written = [json.loads(line) for line in out.splitlines()]
    assert [w["text"] for w in written] == [r["text"] for r in rows]
    assert written[0]["id"] == 7
    for row in written:
        assert row["prediction"] in row["scores"]
        assert row["scores"][row["prediction"]] == max(row["scores"].values())


def test_classify_names_the_bad_line(run, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"text": "Fine."}\n{"txt": "typo"}\n', encoding="utf-8")
    status, _, err = run("classify", str(path))
    assert status == 1
    assert f"{path}:2:" in err


HELD_OUT_FILE = SAMPLES / "test" / "rail-strike-drug-trial-antitrust-hard-mix.jsonl"


def test_evaluate_json_reports_macro_f1(run):
    status, out, _ = run("evaluate", "--json", str(HELD_OUT_FILE))
    assert status == 0
    scores = json.loads(out)
    assert 0 <= scores["macro_f1"] <= 1
    assert len(scores["confusion_matrix"]) == 4
    assert 0 <= scores["calibration_error"] < 0.2


def test_evaluate_plots_the_confusion_matrix(run, tmp_path):
    plot = tmp_path / "matrix.png"
    status, _, _ = run(
        "evaluate",
        str(HELD_OUT_FILE),
        "--plot",
        str(plot),
    )
    assert status == 0
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert plot.stat().st_size > 5000


def test_train_writes_a_model_and_card_atomically(run, tmp_path):
    # Two whole beats of each split: the same code path as all of samples/, in seconds.
    samples = tmp_path / "samples"
    for split, names in {
        "train": ("news-narrative-facts-and-events.jsonl", "reviews-deals-and-advice-columns.jsonl"),
        "test": ("news-narrative-facts-and-events.jsonl", "reviews-deals-and-advice-columns.jsonl"),
    }.items():
        (samples / split).mkdir(parents=True)
        for name in names:
            (samples / split / name).write_bytes((SAMPLES / split / name).read_bytes())
    out = tmp_path / "models" / "trained.skops"
    status, printed, _ = run("train", str(samples), "--out", str(out), model=False)
    assert status == 0
    assert out.exists() and out.with_suffix(".json").exists()
    card = json.loads(out.with_suffix(".json").read_text())
    assert card["samples"]["test"] > 0
    assert "macro-F1" in printed
    assert sorted(p.name for p in out.parent.iterdir()) == ["trained.json", "trained.skops"]


def test_train_stops_at_a_malformed_sample_and_writes_nothing(run, tmp_path):
    for split in ("train", "test"):
        (tmp_path / split).mkdir()
        (tmp_path / split / "a.jsonl").write_text('{"text": "A.", "label": "neutral"}\n', encoding="utf-8")
    (tmp_path / "train" / "b.jsonl").write_text('{"text": "B.", "label": "gossip"}\n', encoding="utf-8")
    out = tmp_path / "model.skops"
    status, _, err = run("train", str(tmp_path), "--out", str(out), model=False)
    assert status == 1
    assert "b.jsonl:1:" in err and "gossip" in err
    assert not out.exists()


def test_version(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith("sourcecheck ")


def test_analyze_refuses_a_binary_file_with_one_line(run, tmp_path):
    binary = tmp_path / "photo.html"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    status, out, err = run("analyze", str(binary))
    assert status == 1
    assert err.strip() == f"{binary}: a binary file, not an HTML page"
    assert out == ""


def test_analyze_refuses_a_file_over_the_body_limit(run, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCECHECK_MAX_CONTENT_LENGTH", "10000")
    big = tmp_path / "big.html"
    big.write_text("<p>" + "word " * 5000 + "</p>", encoding="utf-8")
    status, _, err = run("analyze", str(big))
    assert status == 1
    assert len(err.strip().splitlines()) == 1
    assert "over the 10,000-byte limit" in err


def test_analyze_says_which_schemes_it_reads(run):
    for url in ("ftp://example.org/page.html", "file:///etc/passwd", "javascript://alert(1)"):
        status, _, err = run("analyze", url)
        assert status == 1
        assert err.strip().startswith(f"{url}: only http and https URLs can be read")


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b'{"text": "Fine."}\n{"text": "caf\xe9"}\n', "not UTF-8"),
        (b'{"text": "Fine."}\n{"text": "cut off\n', "not valid JSON"),
        (b'{"text": "Fine."}\n{"text": "\\ud800 broken"}\n', "lone surrogate"),
        (b'{"text": "Fine."}\n{"text": "A.", "kind": 3}\n', "'kind' must be a string"),
        (b'{"text": "Fine."}\n' + b"[" * 100_000 + b"\n", "not valid JSON"),
    ],
    ids=["latin-1", "truncated", "surrogate", "kind", "deep"],
)
def test_classify_names_file_and_line_of_malformed_json_lines(run, tmp_path, content, why):
    path = tmp_path / "in.jsonl"
    path.write_bytes(content)
    status, _, err = run("classify", str(path))
    assert status == 1
    assert err.startswith(f"sourcecheck: {path}:2: ")
    assert why in err
    assert "Traceback" not in err


def test_help_loads_neither_flask_nor_the_model():
    import subprocess
    import sys

    code = (
        "import sys, server.cli\n"
        "try:\n    server.cli.main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('flask', 'sklearn', 'skops', 'bs4', 'requests') if m in sys.modules))"
    )
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert shown.stdout.strip().splitlines()[-1] == "[]"
