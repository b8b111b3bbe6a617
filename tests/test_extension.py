"""The extension in a real Chromium (Debian's), against the real API, on the sample pages."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading

import pytest
import requests
from playwright.sync_api import sync_playwright

from classifiers.samples import read_jsonl
from tests.conftest import PAGES, ROOT, free_port, page_html, running_api

EXTENSION = ROOT / "extension"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("Debian's chromium is not installed (apt-get install chromium); .ci/run installs it")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def pages_url():
    handler = functools.partial(_QuietHandler, directory=str(PAGES))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def api_url(tmp_path_factory):
    with running_api(tmp_path_factory.mktemp("api")) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory, api_url):
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("profile")),
            executable_path=_chromium(),
            headless=True,
            args=[
                *CHROMIUM_FLAGS,
                f"--disable-extensions-except={EXTENSION}",
                f"--load-extension={EXTENSION}",
            ],
            ignore_default_args=["--disable-extensions"],
        )
        worker = (
            context.service_workers[0] if context.service_workers else context.wait_for_event("serviceworker")
        )
        worker.evaluate("url => chrome.storage.sync.set({apiUrl: url})", api_url)
        yield context, worker
        context.close()


def _open(browser, url: str):
    context, worker = browser
    page = context.new_page()
    page.goto(url)
    tab_id = worker.evaluate("async url => (await chrome.tabs.query({url}))[0].id", url)
    return page, tab_id


def _marked(page) -> dict[str, dict[str, str]]:
    """Return {sentence id: {"label": ..., "text": ...}} read back from the page's marks."""
    return page.evaluate(
        """() => {
            const found = {};
            for (const mark of document.querySelectorAll("sourcecheck-mark")) {
                const entry = found[mark.dataset.sentence] ??= {label: mark.dataset.label, text: ""};
                entry.text += mark.textContent;
            }
            return found;
        }"""
    )


def _squeeze(text: str) -> str:
    return "".join(text.split())


def test_check_tab_marks_the_flagged_sentences_of_the_seed_blog(browser, pages_url, api_url):
    page, tab_id = _open(browser, f"{pages_url}/seed-blog/page.html")
    result = browser[1].evaluate("id => globalThis.sourcecheck.checkTab(id)", tab_id)
    analysis = requests.post(
        f"{api_url}/api/v1/analyze", json={"html": page_html("seed-blog")}, timeout=30
    ).json()
    expected = [
        s["id"]
        for s in analysis["sentences"]
        if s["label"] in {"unattributed", "opinion"} and s["score"] >= 0.5
    ]
    assert [s["id"] for s in result["flagged"]] == expected
    assert result["placed"] == len(result["flagged"]) >= 3
    marked = _marked(page)
    assert len(marked) == len(result["flagged"])
    for sentence in result["flagged"]:
        entry = marked[str(sentence["id"])]
        assert entry["label"] == sentence["label"]
        assert _squeeze(entry["text"]) == _squeeze(sentence["text"])
    labelled = {s.text: s.label for s in read_jsonl(PAGES / "seed-blog" / "labels.jsonl")}
    assert all(labelled[s["text"]] in {"unattributed", "opinion"} for s in result["flagged"])
    badge = browser[1].evaluate("id => chrome.action.getBadgeText({tabId: id})", tab_id)
    assert badge == str(len(result["flagged"]))
    page.close()


def test_the_tooltip_explains_a_mark_in_plain_words(browser, pages_url):
    page, tab_id = _open(browser, f"{pages_url}/seed-blog/page.html")
    result = browser[1].evaluate("id => globalThis.sourcecheck.checkTab(id)", tab_id)
    first = result["flagged"][0]
    page.locator(f'sourcecheck-mark[data-sentence="{first["id"]}"]').first.focus()
    tip = page.evaluate(
        "() => document.querySelector('sourcecheck-tooltip').shadowRoot.querySelector('.tip').innerText"
    )
    name = {"unattributed": "No source given", "opinion": "Writer's opinion or prediction"}[first["label"]]
    assert name in tip
    assert first["reason"] in tip
    page.close()


def test_clearing_restores_the_page_exactly(browser, pages_url):
    page, tab_id = _open(browser, f"{pages_url}/explainer-heatwave/page.html")
    before = page.evaluate("() => document.body.innerHTML")
    result = browser[1].evaluate("id => globalThis.sourcecheck.checkTab(id)", tab_id)
    assert result["placed"] >= 1
    assert page.evaluate("() => document.body.innerHTML") != before
    assert page.evaluate("() => document.querySelectorAll('table tr').length") == 4
    browser[1].evaluate("id => globalThis.sourcecheck.clearTab(id)", tab_id)
    assert page.evaluate("() => document.body.innerHTML") == before
    assert browser[1].evaluate("id => chrome.action.getBadgeText({tabId: id})", tab_id) == ""
    page.close()


def test_the_wire_report_is_left_almost_unmarked(browser, pages_url):
    page, tab_id = _open(browser, f"{pages_url}/seed-wire/page.html")
    result = browser[1].evaluate("id => globalThis.sourcecheck.checkTab(id)", tab_id)
    assert len(result["flagged"]) <= 1
    assert result["summary"]["attributed_share"] >= 0.9
    page.close()


def test_an_unreachable_api_is_reported(browser, pages_url):
    page, tab_id = _open(browser, f"{pages_url}/seed-wire/page.html")
    worker = browser[1]
    saved = worker.evaluate("async () => (await chrome.storage.sync.get('apiUrl')).apiUrl")
    worker.evaluate("url => chrome.storage.sync.set({apiUrl: url})", f"http://127.0.0.1:{free_port()}")
    try:
        message = worker.evaluate(
            "id => globalThis.sourcecheck.checkTab(id).then(() => 'none', e => `${e.kind}: ${e.message}`)",
            tab_id,
        )
    finally:
        worker.evaluate("url => chrome.storage.sync.set({apiUrl: url})", saved)
    assert message.startswith("unreachable: ")
    page.close()
