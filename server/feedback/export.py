"""Write accepted corrections as samples (labels.md's format), one file per month.

A file is only ever appended to, and only while its bytes are what the last
export left: `.exported.json` beside the files records each file's SHA-256 and
the ids written, so an item is never written twice and a file a person edited
is never overwritten.
"""

from __future__ import annotations

import hashlib
import json
import pathlib
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit

from server.feedback import ACCEPTED
from server.feedback.store import FeedbackStore, Item

MANIFEST = ".exported.json"
ORIGIN_PREFIX = "reader feedback"


class ExportRefused(RuntimeError):
    """An export would overwrite a person's edit; the message says which file and what to do."""


@dataclass(frozen=True)
class ExportResult:
    written: dict[str, int]  # file name -> samples appended
    skipped: int  # accepted items exported before


def file_name(item: Item) -> str:
    """Name a file by what it holds: reader feedback received in one month."""
    return f"reader-feedback-{item.created_at:%Y-%m}.jsonl"


def sample(item: Item) -> dict[str, str]:
    """Return the item as a sample; `origin` groups it by day and site in cross-validation."""
    site = urlsplit(item.url).hostname if item.url else None
    record = {
        "text": item.text,
        "label": item.label,
        "origin": f"{ORIGIN_PREFIX}, {item.created_at:%Y-%m-%d}, {site or 'unknown site'}",
    }
    if item.context:
        record["context"] = item.context
    return record


def _digest(path: pathlib.Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _manifest(out: pathlib.Path) -> dict[str, dict[str, object]]:
    path = out / MANIFEST
    if not path.exists():
        return {"files": {}, "ids": {}}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {"files": dict(data.get("files", {})), "ids": dict(data.get("ids", {}))}


def _check_untouched(path: pathlib.Path, recorded: object) -> None:
    if not path.exists():
        if recorded is not None:
            raise ExportRefused(
                f"{path} was exported before and is gone; restore it, or remove its entry from "
                f"{path.parent / MANIFEST} to export its month again"
            )
        return
    if recorded != _digest(path):
        raise ExportRefused(
            f"{path} was changed since sourcecheck wrote it (its SHA-256 is not the one in {MANIFEST}); "
            "nothing was written. Move your edits to a file of your own name, or delete this file "
            f"and its entry in {MANIFEST} to export its month afresh"
        )


def export(store: FeedbackStore, out: pathlib.Path) -> ExportResult:
    """Append the accepted, not yet exported corrections to their month's file."""
    out.mkdir(parents=True, exist_ok=True)
    manifest = _manifest(out)
    files, exported_ids = manifest["files"], manifest["ids"]
    pending: dict[str, list[Item]] = defaultdict(list)
    skipped = 0
    for item in store.items(status=ACCEPTED):
        if item.exported_at is not None or str(item.id) in exported_ids:
            skipped += 1
            continue
        pending[file_name(item)].append(item)
    for name in pending:  # refuse before writing anything
        _check_untouched(out / name, files.get(name))
    written = {}
    for name, items in sorted(pending.items()):
        path = out / name
        with path.open("a", encoding="utf-8") as sink:
            for item in items:
                sink.write(json.dumps(sample(item), ensure_ascii=False) + "\n")
        files[name] = _digest(path)
        exported_ids.update({str(item.id): name for item in items})
        _write_manifest(out, manifest)
        store.mark_exported([item.id for item in items])
        written[name] = len(items)
    return ExportResult(written, skipped)


def _write_manifest(out: pathlib.Path, manifest: dict[str, dict[str, object]]) -> None:
    temporary = out / (MANIFEST + ".tmp")
    temporary.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    temporary.replace(out / MANIFEST)
