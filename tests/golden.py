"""Golden pages: `samples/pages/<slug>/` holds `page.html`, `expected.json` and `labels.jsonl`.

`expected.json` is what the extractor returns for the page, reviewed by a person.
After an intended change to extraction, rewrite them and review the diff:

    python tests/golden.py --update
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
PAGES = ROOT / "samples" / "pages"
METADATA = ("title", "byline", "published", "language", "url", "text")


def page_dirs() -> list[pathlib.Path]:
    """Return every golden page folder, sorted."""
    return sorted(path for path in PAGES.iterdir() if (path / "page.html").is_file())


def read_html(page: pathlib.Path) -> str:
    from server.fetch import decode_html

    return decode_html((page / "page.html").read_bytes())


def extracted(page: pathlib.Path) -> dict[str, object]:
    """Return what the extractor makes of one page, in the shape of `expected.json`."""
    from server.extract import extract_article

    article = extract_article(read_html(page))
    if article is None:
        return {}
    fields = dataclasses.asdict(article)
    return {name: fields[name] for name in METADATA}


def expected(page: pathlib.Path) -> dict[str, object]:
    return json.loads((page / "expected.json").read_text(encoding="utf-8"))


def update() -> None:
    for page in page_dirs():
        data = json.dumps(extracted(page), indent=2, ensure_ascii=False) + "\n"
        (page / "expected.json").write_text(data, encoding="utf-8")
        print(f"wrote {page.relative_to(ROOT)}/expected.json")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--update", action="store_true", help="rewrite every expected.json")
    if parser.parse_args().update:
        update()
