"""`sourcecheck feedback`: list, review, export as samples, stats, purge; and training on the export."""

import json

import pytest

from server.cli import main
from server.feedback.store import Correction, FeedbackStore
from tests.conftest import SAMPLES


@pytest.fixture()
def store(feedback_db, monkeypatch):
    monkeypatch.setenv("SOURCECHECK_FEEDBACK_DB", feedback_db)
    opened = FeedbackStore.open(feedback_db)
    yield opened
    opened.engine.dispose()


def add(store: FeedbackStore, text: str, reader: str, model: str = "unattributed", version: str = "1") -> int:
    correction = Correction(text, model, 0.7, version, reader, "https://news.example/a?x=1", "Before.")
    return store.add(correction)[0]


def run(capsys, *args: str) -> tuple[int, str, str]:
    status = main(["feedback", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_list_accept_reject_and_filters(store, capsys):
    a = add(store, "The mayor is wrong.", "opinion")
    b = add(store, "Rates rose.", "neutral")
    status, out, _ = run(capsys, "list")
    assert status == 0
    assert "unattributed→opinion" in out and "The mayor is wrong." in out and "2 corrections" in out
    assert run(capsys, "accept", str(a), "--label", "opinion")[0] == 0
    assert run(capsys, "reject", str(b))[0] == 0
    status, out, _ = run(capsys, "list", "--status", "accepted", "--jsonl")
    [row] = [json.loads(line) for line in out.splitlines()]
    assert (row["id"], row["status"], row["corrected_label"]) == (a, "accepted", "opinion")
    assert run(capsys, "list", "--since", "2999-01-01")[1].strip().endswith("0 corrections")
    status, _, err = run(capsys, "accept", "12345")
    assert status == 1 and "12345" in err


def test_export_writes_samples_once_and_refuses_an_edited_file(store, capsys, tmp_path):
    a = add(store, "The mayor is wrong.", "opinion")
    run(capsys, "accept", str(a))
    out_dir = tmp_path / "feedback"
    status, out, _ = run(capsys, "export", "--out", str(out_dir))
    assert status == 0
    [exported] = list(out_dir.glob("*.jsonl"))
    assert exported.name.startswith("reader-feedback-20") and exported.name.endswith(".jsonl")
    [sample] = [json.loads(line) for line in exported.read_text().splitlines()]
    assert sample["text"] == "The mayor is wrong." and sample["label"] == "opinion"
    assert sample["origin"].startswith("reader feedback, 20") and sample["origin"].endswith(", news.example")
    assert run(capsys, "export", "--out", str(out_dir))[1].strip() == "Nothing new to export."
    assert len(exported.read_text().splitlines()) == 1
    exported.write_text(exported.read_text() + '{"text": "Mine.", "label": "neutral"}\n')
    b = add(store, "Prices will soar.", "opinion")
    run(capsys, "accept", str(b))
    status, _, err = run(capsys, "export", "--out", str(out_dir))
    assert status == 1 and "was changed" in err and exported.name in err
    assert "Prices will soar." not in exported.read_text()


def test_stats_per_label_and_version(store, capsys):
    add(store, "A.", "unattributed", version="1")
    add(store, "B.", "opinion", version="1")
    add(store, "C.", "neutral", model="neutral", version="2")
    status, out, _ = run(capsys, "stats")
    assert status == 0
    lines = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.strip()}
    assert lines["unattributed"] == ["2", "1", "50%"]
    assert lines["neutral"] == ["1", "1", "100%"]
    assert lines["2"] == ["1", "1", "100%"]


def test_purge_deletes_what_came_before(store, capsys):
    add(store, "A.", "opinion")
    status, out, _ = run(capsys, "purge", "--before", "2999-01-01")
    assert status == 0 and "Deleted 1 correction" in out
    assert store.count() == 0


def test_train_learns_from_the_export_and_counts_it(store, capsys, tmp_path):
    a = add(store, "The new stadium is a shameful waste of money.", "opinion")
    run(capsys, "accept", str(a))
    samples = tmp_path / "samples"
    name = "news-narrative-facts-and-events.jsonl"
    for split in ("train", "test"):
        (samples / split).mkdir(parents=True)
        (samples / split / name).write_bytes((SAMPLES / split / name).read_bytes())
    test_before = (samples / "test" / name).read_bytes()
    assert run(capsys, "export", "--out", str(samples / "feedback"))[0] == 0
    out = tmp_path / "model.skops"
    assert main(["train", str(samples), "--out", str(out)]) == 0
    card = json.loads(out.with_suffix(".json").read_text())
    train_lines = len((samples / "train" / name).read_text().splitlines())
    assert card["samples"]["train_by_origin"]["reader feedback"] == 1
    assert card["samples"]["train"] == train_lines + 1
    assert (samples / "test" / name).read_bytes() == test_before  # the held-out split got nothing
