"""The extension in a real Chromium (Debian's), against the real API, on the sample pages."""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import pathlib
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator

import pytest
import requests
from playwright.sync_api import BrowserContext, Worker, sync_playwright

from tests.benchmarks.news import default_min_score
from tests.conftest import ROOT, free_port, page_html, running_api

pytestmark = [pytest.mark.browser, pytest.mark.server]

EXTENSION = ROOT / "extension"
# The flags the Node browser tests use too, in one file.
CHROMIUM_FLAGS = json.loads((ROOT / "tests" / "js" / "chromium-flags.json").read_text(encoding="utf-8"))


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("Debian's chromium is not installed (apt-get install chromium); .ci/run installs it")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def serving_pages() -> Iterator[str]:
    """Serve the checkout over HTTP on loopback; yield the URL of `samples/pages`."""
    handler = functools.partial(_QuietHandler, directory=str(ROOT))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/samples/pages"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def extension_browser(profile: pathlib.Path, api_url: str) -> Iterator[tuple[BrowserContext, Worker]]:
    """Run Debian's Chromium with the extension loaded and pointed at `api_url`."""
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=_chromium(),
            headless=True,
            args=[
                *CHROMIUM_FLAGS,
                f"--disable-extensions-except={EXTENSION}",
                f"--load-extension={EXTENSION}",
            ],
            ignore_default_args=["--disable-extensions"],
        )
        try:
            worker = (
                context.service_workers[0]
                if context.service_workers
                else context.wait_for_event("serviceworker")
            )
            worker.evaluate("url => chrome.storage.sync.set({apiUrl: url})", api_url)
            yield context, worker
        finally:
            context.close()


@pytest.fixture(scope="module")
def pages_url():
    with serving_pages() as url:
        yield url


@pytest.fixture(scope="module")
def api_url(tmp_path_factory):
    with running_api(tmp_path_factory.mktemp("api")) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory, api_url):
    with extension_browser(tmp_path_factory.mktemp("profile"), api_url) as launched:
        yield launched


def _open(browser, url: str):
    context, worker = browser
    page = context.new_page()
    page.goto(url)
    tab_id = worker.evaluate("async url => (await chrome.tabs.query({url}))[0].id", url)
    return page, tab_id


def _check(browser, tab_id: int) -> dict:
    return browser[1].evaluate("id => globalThis.sourcecheck.checkTab(id)", tab_id)


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


def split_sentence(page) -> str | None:
    """Return the id of a marked sentence that runs through inline markup (several marks)."""
    return page.evaluate(
        """() => {
            const counts = {};
            for (const m of document.querySelectorAll('sourcecheck-mark')) {
                counts[m.dataset.sentence] = (counts[m.dataset.sentence] ?? 0) + 1;
            }
            return Object.keys(counts).find((id) => counts[id] > 1);
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
    expected = browser[1].evaluate(
        """([sentences, byline, minScore]) => SOURCECHECK_POLICY.shown(
            sentences, {labels: ["unattributed", "opinion"], minScore, byline}).map((s) => s.id)""",
        [analysis["sentences"], analysis["article"]["byline"], default_min_score()],
    )
    assert [s["id"] for s in result["flagged"]] == expected
    assert result["counts"] == {
        label: sum(s["label"] == label for s in result["flagged"]) for label in ("unattributed", "opinion")
    }
    assert result["placed"] == len(result["flagged"]) >= 3
    marked = _marked(page)
    assert len(marked) == len(result["flagged"])
    for sentence in result["flagged"]:
        entry = marked[str(sentence["id"])]
        assert entry["label"] == sentence["label"]
        assert _squeeze(entry["text"]) == _squeeze(sentence["text"])
    badge = browser[1].evaluate("id => chrome.action.getBadgeText({tabId: id})", tab_id)
    assert badge == str(len(result["flagged"]))
    page.close()


def _tooltip(page) -> dict:
    return page.evaluate(
        """() => {
            const host = document.querySelector('sourcecheck-tooltip');
            const box = host && host.shadowRoot.querySelector('.tip');
            return {role: host && host.getAttribute('role'), id: host && host.id,
                    shown: Boolean(box && !box.hidden), text: box ? box.innerText : ''};
        }"""
    )


def test_the_tooltip_explains_a_mark_in_plain_words(browser, pages_url):
    page, tab_id = _open(browser, f"{pages_url}/seed-blog/page.html")
    result = browser[1].evaluate("id => globalThis.sourcecheck.checkTab(id)", tab_id)
    first = result["flagged"][0]
    mark = page.locator(f'sourcecheck-mark[data-sentence="{first["id"]}"][tabindex="0"]')
    mark.focus()
    tip = _tooltip(page)
    name = {"unattributed": "No source given", "opinion": "Writer's opinion or prediction"}[first["label"]]
    assert tip["shown"] and tip["role"] == "dialog"
    assert name in tip["text"]
    assert first["reason"] in tip["text"]
    assert mark.get_attribute("aria-describedby") == tip["id"]
    page.keyboard.press("Escape")
    assert not _tooltip(page)["shown"]
    page.close()


def test_a_tooltip_opened_by_the_pointer_hides_when_the_page_scrolls(browser, pages_url):
    page, tab_id = _open(browser, f"{pages_url}/explainer-heatwave/page.html")
    page.set_viewport_size({"width": 800, "height": 300})
    result = _check(browser, tab_id)
    mark = page.locator(f'sourcecheck-mark[data-sentence="{result["flagged"][-1]["id"]}"]').first
    mark.scroll_into_view_if_needed()
    page.wait_for_timeout(200)
    mark.hover()
    assert _tooltip(page)["shown"]
    at = page.evaluate("() => window.scrollY")
    page.evaluate("() => window.scrollBy(0, window.scrollY > 50 ? -50 : 50)")
    assert page.evaluate("() => window.scrollY") != at
    page.wait_for_function(
        "() => document.querySelector('sourcecheck-tooltip').shadowRoot.querySelector('.tip').hidden"
    )
    page.close()


def test_each_sentence_is_one_tab_stop_and_its_focus_ring_covers_every_fragment(browser, pages_url):
    page, tab_id = _open(browser, _fixture_url(pages_url, "structure.html"))
    result = _check(browser, tab_id)
    stops = page.evaluate(
        """() => [...document.querySelectorAll('[tabindex="0"]')]
            .filter((el) => el.matches('sourcecheck-mark')).map((el) => el.dataset.sentence)"""
    )
    assert sorted(map(int, stops)) == sorted(s["id"] for s in result["flagged"])
    split = split_sentence(page)
    assert split is not None, "the fixture has a sentence that runs through inline markup"
    page.focus(f'sourcecheck-mark[data-sentence="{split}"][tabindex="0"]')
    ringed = page.evaluate(
        """id => [...document.querySelectorAll(`sourcecheck-mark[data-sentence="${id}"]`)]
            .map((m) => getComputedStyle(m).outlineStyle)""",
        split,
    )
    assert len(ringed) > 1 and all(style == "solid" for style in ringed)
    others = page.evaluate(
        """id => [...document.querySelectorAll('sourcecheck-mark')]
            .filter((m) => m.dataset.sentence !== id).map((m) => getComputedStyle(m).outlineStyle)""",
        split,
    )
    assert all(style == "none" for style in others)
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.dataset.sentence ?? null")
    assert focused != split, "Tab leaves the sentence, not its next fragment"
    page.close()


def test_marks_rest_quietly_and_take_their_full_style_on_hover(browser, pages_url):
    page, tab_id = _open(browser, f"{pages_url}/seed-blog/page.html")
    result = _check(browser, tab_id)
    by_label: dict[str, int] = {}
    for sentence in result["flagged"]:
        by_label.setdefault(sentence["label"], sentence["id"])
    read = """id => {
        const s = getComputedStyle(document.querySelector(`sourcecheck-mark[data-sentence="${id}"]`));
        return {bg: s.backgroundColor, line: s.textDecorationLine, style: s.textDecorationStyle,
                thickness: s.textDecorationThickness}; }"""
    resting = {label: page.evaluate(read, sid) for label, sid in by_label.items()}
    for style in resting.values():
        assert style["bg"] == "rgba(0, 0, 0, 0)", "no background at rest"
        assert style["line"] == "underline" and style["thickness"] == "1px"
    if len(resting) == 2:
        assert resting["unattributed"]["style"] != resting["opinion"]["style"], "told apart without colour"
    some = next(iter(by_label.values()))
    page.locator(f'sourcecheck-mark[data-sentence="{some}"]').first.hover()
    hovered = page.evaluate(read, some)
    assert hovered["bg"] != "rgba(0, 0, 0, 0)" and hovered["thickness"] == "2px"
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


@contextlib.contextmanager
def _api_down(worker):
    """Point the extension at a port nobody listens on, then put the real API back."""
    saved = worker.evaluate("async () => (await chrome.storage.sync.get('apiUrl')).apiUrl")
    worker.evaluate("url => chrome.storage.sync.set({apiUrl: url})", f"http://127.0.0.1:{free_port()}")
    try:
        yield
    finally:
        worker.evaluate("url => chrome.storage.sync.set({apiUrl: url})", saved)


def test_an_unreachable_api_is_reported(browser, pages_url):
    page, tab_id = _open(browser, f"{pages_url}/seed-wire/page.html")
    with _api_down(browser[1]):
        message = browser[1].evaluate(
            "id => globalThis.sourcecheck.checkTab(id).then(() => 'none', e => `${e.kind}: ${e.message}`)",
            tab_id,
        )
    assert message.startswith("unreachable: ")
    page.close()


def _fixture_url(pages_url: str, name: str) -> str:
    return pages_url.replace("/samples/pages", f"/tests/fixtures/{name}")


def test_marks_keep_tables_lists_links_and_inline_markup_intact(browser, pages_url):
    page, tab_id = _open(browser, _fixture_url(pages_url, "structure.html"))
    shape = """() => ({
        rows: document.querySelectorAll('table tr').length,
        cells: [...document.querySelectorAll('td')].map(td => td.textContent),
        items: [...document.querySelectorAll('li')].map(li => li.textContent),
        links: [...document.querySelectorAll('a')].map(a => [a.getAttribute('href'), a.textContent]),
        inline: document.querySelectorAll('em, strong, b').length,
    })"""
    before_shape = page.evaluate(shape)
    before_html = page.evaluate("() => document.body.innerHTML")
    result = _check(browser, tab_id)
    assert result["placed"] == len(result["flagged"]) >= 4
    assert page.evaluate(shape) == before_shape
    assert page.evaluate(
        "() => [...document.querySelectorAll('sourcecheck-mark')].every(m => !m.children.length)"
    )
    inside_link = page.evaluate("() => document.querySelectorAll('a sourcecheck-mark').length")
    assert inside_link >= 1, "a flagged sentence running through a link is marked inside the link"
    browser[1].evaluate("id => globalThis.sourcecheck.clearTab(id)", tab_id)
    assert page.evaluate("() => document.body.innerHTML") == before_html
    page.close()


def test_a_page_edited_after_loading_still_gets_its_highlights(browser, pages_url, api_url):
    page, tab_id = _open(browser, f"{pages_url}/seed-blog/page.html")
    analysis = requests.post(
        f"{api_url}/api/v1/analyze", json={"html": page_html("seed-blog")}, timeout=30
    ).json()
    by_start = {s["text"][:30]: s for s in analysis["sentences"]}
    edited = by_start["The call, believed to be the f"]
    spaced = by_start["Despite these challenges, the "]
    page.evaluate(
        """() => {
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                node.data = node.data
                    .replace("heightened tensions", "growing tensions")
                    .replace("the leaders’ dialogue signals", "the leaders’   dialogue\\n  signals");
            }
        }"""
    )
    worker = browser[1]
    _inject_content_script(worker, tab_id)
    placed = worker.evaluate(
        "([id, sentences]) => chrome.tabs.sendMessage(id, {type: 'sourcecheck/show-highlights', sentences})",
        [tab_id, [edited, spaced]],
    )
    assert sorted(placed) == sorted([edited["id"], spaced["id"]])
    marked = _marked(page)
    assert "growing tensions" in marked[str(edited["id"])]["text"]
    assert _squeeze(marked[str(spaced["id"])]["text"]) == _squeeze(spaced["text"])
    page.close()


def _popup(browser, tab_id: int):
    context, worker = browser
    extension_id = worker.url.split("/")[2]
    popup = context.new_page()
    popup.goto(f"chrome-extension://{extension_id}/popup.html?tab={tab_id}")
    return popup


def test_the_popup_shows_the_summary_and_scrolls_to_a_sentence(browser, pages_url):
    page, tab_id = _open(browser, f"{pages_url}/seed-wire/page.html")
    popup = _popup(browser, tab_id)
    popup.wait_for_selector("#summary:not([hidden])")
    assert "name their source" in popup.inner_text("#share")
    sources = popup.inner_text("#sources")
    assert "Trump" in sources and "ministry" in sources.lower()
    assert popup.inner_text("#counts") == "No source given: 0\nWriter's opinion: 0"
    assert popup.is_visible("#none-flagged")
    assert all("(" not in name for name in sources.splitlines()), "names only"
    popup.close()
    page.close()
    page, tab_id = _open(browser, f"{pages_url}/seed-blog/page.html")
    popup = _popup(browser, tab_id)
    popup.wait_for_selector("#flagged li")
    flagged = popup.locator("#flagged li button")
    marked = page.evaluate(
        "() => new Set([...document.querySelectorAll('sourcecheck-mark')].map(m => m.dataset.sentence)).size"
    )
    counts = [int(line.rsplit(": ", 1)[1]) for line in popup.inner_text("#counts").splitlines()]
    badge = browser[1].evaluate("id => chrome.action.getBadgeText({tabId: id})", tab_id)
    assert flagged.count() == marked == sum(counts) == int(badge)
    flagged.first.click()
    page.wait_for_selector("sourcecheck-mark.sourcecheck-pulse")
    popup.click("#clear")
    popup.wait_for_selector("#status:has-text('cleared')")
    assert page.evaluate("() => document.querySelectorAll('sourcecheck-mark').length") == 0
    popup.close()
    page.close()


def _popup_error(browser, tab_id: int) -> dict[str, str]:
    """Open the popup for a tab and read back the error it shows."""
    popup = _popup(browser, tab_id)
    popup.wait_for_selector("#error:not([hidden])")
    shown = {part: popup.inner_text(f"#error-{part}") for part in ("title", "detail", "help")}
    popup.close()
    return shown


def test_the_popup_explains_an_unreachable_api(browser, pages_url):
    page, tab_id = _open(browser, f"{pages_url}/seed-wire/page.html")
    with _api_down(browser[1]):
        shown = _popup_error(browser, tab_id)
    assert shown["title"] == "The sourcecheck server is not running"
    assert "sourcecheck serve" in shown["help"]
    page.close()


def test_the_popup_words_an_api_error_plainly(browser, pages_url):
    page, tab_id = _open(browser, _fixture_url(pages_url, "empty.html"))
    shown = _popup_error(browser, tab_id)
    assert shown["title"] == "No article found on this page"
    assert "422" not in " ".join(shown.values())
    assert "Open a single news article" in shown["help"]
    page.close()


def test_options_are_saved_to_sync_storage_and_used(browser, pages_url, api_url):
    context, worker = browser
    extension_id = worker.url.split("/")[2]
    options = context.new_page()
    options.goto(f"chrome-extension://{extension_id}/options.html")
    assert options.input_value("#apiUrl") == api_url
    options.check('input[value="attributed"]')
    options.fill("#disabledSites", "www.example.org")
    options.click("button[type=submit]")
    options.wait_for_selector("#status:has-text('Saved')")
    stored = worker.evaluate("() => chrome.storage.sync.get(null)")
    try:
        assert set(stored["labels"]) == {"unattributed", "opinion", "attributed"}
        assert stored["disabledSites"] == ["www.example.org"]
        page, tab_id = _open(browser, f"{pages_url}/seed-wire/page.html")
        result = _check(browser, tab_id)
        labels = page.evaluate(
            "() => [...document.querySelectorAll('sourcecheck-mark')].map(m => m.dataset.label)"
        )
        assert "attributed" in labels, "the quiet attributed style is shown once turned on"
        assert result["flagged"] == [] or all(s["label"] != "attributed" for s in result["flagged"])
        page.close()
    finally:
        worker.evaluate(
            "() => chrome.storage.sync.set({labels: ['unattributed', 'opinion'], disabledSites: []})"
        )
    options.close()


def test_listed_sites_are_checked_automatically_and_switched_off_ones_are_not(browser, pages_url):
    worker = browser[1]
    worker.evaluate("() => chrome.storage.sync.set({autoSites: ['127.0.0.1']})")
    try:
        page, _ = _open(browser, f"{pages_url}/seed-blog/page.html")
        page.wait_for_selector("sourcecheck-mark", timeout=15000)
        page.close()
        worker.evaluate("() => chrome.storage.sync.set({disabledSites: ['127.0.0.1']})")
        page, _ = _open(browser, f"{pages_url}/seed-blog/page.html")
        page.wait_for_timeout(1500)
        assert page.evaluate("() => document.querySelectorAll('sourcecheck-mark').length") == 0
        page.close()
    finally:
        worker.evaluate("() => chrome.storage.sync.set({autoSites: [], disabledSites: []})")


def test_web_ext_lint_finds_no_errors_and_no_warnings():
    web_ext = shutil.which("web-ext")
    if web_ext is None:
        pytest.fail("web-ext is not installed (npm install --global web-ext); .ci/run installs it")
    report = subprocess.run(
        [web_ext, "lint", "--source-dir", str(EXTENSION), "--output", "json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    summary = json.loads(report.stdout)
    assert summary["summary"]["errors"] == 0, summary["errors"]
    assert summary["summary"]["warnings"] == 0, summary["warnings"]


def test_a_long_list_is_collapsed_and_the_popup_works_by_keyboard(browser, pages_url):
    page, tab_id = _open(browser, _fixture_url(pages_url, "long-column.html"))
    popup = _popup(browser, tab_id)
    popup.wait_for_selector("#flagged li")
    total = popup.locator("#flagged li").count()
    assert total > 10
    assert popup.locator("#flagged li:visible").count() == 10
    assert popup.inner_text("#show-all") == f"Show all {total}"
    box = popup.evaluate("() => document.querySelector('#flagged li button').getBoundingClientRect().top")
    marker = popup.evaluate("() => document.querySelector('#flagged li').getBoundingClientRect().top")
    assert abs(box - marker) < 2, "the number sits beside the item's first line"
    assert popup.evaluate("() => document.body.scrollHeight") > popup.evaluate(
        "() => document.body.clientHeight"
    ), "the popup scrolls instead of growing past its bound"
    assert popup.evaluate("() => document.body.clientHeight") <= 600
    popup.focus("#show-all")
    popup.keyboard.press("Enter")
    assert popup.locator("#flagged li:visible").count() == total
    assert popup.evaluate(
        "() => document.activeElement.closest('li') === document.querySelectorAll('#flagged li')[10]"
    )
    popup.keyboard.press("Enter")
    page.wait_for_selector("sourcecheck-mark.sourcecheck-pulse")
    popup.close()
    page.close()


def test_show_more_reveals_the_less_confident_flags_and_everything_still_agrees(browser, pages_url):
    worker = browser[1]
    page, tab_id = _open(browser, f"{pages_url}/pressrelease-battery/page.html")
    popup = _popup(browser, tab_id)
    popup.wait_for_selector("#summary:not([hidden])")
    before = popup.locator("#flagged li").count()
    more = popup.locator("#more")
    assert more.is_visible(), "this page has flags below the default threshold"
    extra = int(more.inner_text().split()[1])
    more.click()
    popup.wait_for_selector("#more:has-text('only the confident')")
    after = popup.locator("#flagged li").count()
    assert after == before + extra
    assert popup.inner_text("#threshold").startswith("Flags shown at 50%")
    badge = worker.evaluate("id => chrome.action.getBadgeText({tabId: id})", tab_id)
    marked = page.evaluate(
        "() => new Set([...document.querySelectorAll('sourcecheck-mark')].map(m => m.dataset.sentence)).size"
    )
    assert int(badge) == marked == after
    more.click()
    popup.wait_for_selector("#more:has-text('more, less confident')")
    assert popup.locator("#flagged li").count() == before
    popup.close()
    page.close()


@pytest.fixture(scope="module")
def keyed_api_url(tmp_path_factory):
    """The API as README's production recipe runs it: an API key and a CORS allowlist."""
    settings = {
        "SOURCECHECK_API_KEY": "production-key-for-the-test",
        "SOURCECHECK_CORS_ORIGINS": '["https://newsroom.example"]',
    }
    with running_api(tmp_path_factory.mktemp("keyed"), env=settings) as url:
        yield url, settings["SOURCECHECK_API_KEY"]


def test_the_production_recipe_works_with_the_key_set_on_the_options_page(browser, pages_url, keyed_api_url):
    context, worker = browser
    url, key = keyed_api_url
    saved = worker.evaluate("async () => (await chrome.storage.sync.get('apiUrl')).apiUrl")
    worker.evaluate("u => chrome.storage.sync.set({apiUrl: u})", url)
    try:
        page, tab_id = _open(browser, f"{pages_url}/seed-blog/page.html")
        shown = _popup_error(browser, tab_id)
        assert shown["title"] == "Wrong or missing API key"
        extension_id = worker.url.split("/")[2]
        options = context.new_page()
        options.goto(f"chrome-extension://{extension_id}/options.html")
        assert options.input_value("#apiUrl") == url
        options.fill("#apiKey", key)
        options.click("button[type=submit]")
        options.wait_for_selector("#status:has-text('Saved')")
        options.close()
        assert worker.evaluate("() => chrome.storage.local.get('apiKey')") == {"apiKey": key}
        assert "apiKey" not in worker.evaluate("() => chrome.storage.sync.get(null)"), "never synced"
        popup = _popup(browser, tab_id)
        popup.wait_for_selector("#summary:not([hidden])")
        assert popup.locator("#flagged li").count() >= 3
        popup.close()
        assert page.evaluate("() => document.querySelectorAll('sourcecheck-mark').length") >= 3
        page.close()
    finally:
        worker.evaluate("u => chrome.storage.sync.set({apiUrl: u})", saved)
        worker.evaluate("() => chrome.storage.local.remove('apiKey')")


SCREENSHOTS = ROOT / "docs" / "screenshots"


def test_screenshots_of_a_marked_page_with_its_tooltip_and_of_the_popup(browser, pages_url):
    """Write the pictures README shows (docs/screenshots/), from the real extension."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context, worker = browser
    page, tab_id = _open(browser, f"{pages_url}/seed-blog/page.html")
    page.set_viewport_size({"width": 900, "height": 640})
    result = _check(browser, tab_id)
    mark = page.locator(f'sourcecheck-mark[data-sentence="{result["flagged"][1]["id"]}"]').first
    mark.scroll_into_view_if_needed()
    page.evaluate("() => window.scrollBy(0, -120)")
    mark.hover()
    assert _tooltip(page)["shown"]
    page.screenshot(path=str(SCREENSHOTS / "marked-page.png"))
    popup = _popup(browser, tab_id)
    popup.set_viewport_size({"width": 380, "height": 560})
    popup.wait_for_selector("#summary:not([hidden])")
    popup.screenshot(path=str(SCREENSHOTS / "popup.png"))
    for name in ("marked-page.png", "popup.png"):
        assert (SCREENSHOTS / name).stat().st_size > 10_000
    popup.close()
    page.close()


def _luminance(css_colour: str) -> float:
    red, green, blue = (float(part) for part in re.findall(r"[\d.]+", css_colour)[:3])
    return (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_popup_and_the_options_page_follow_the_colour_scheme(browser, pages_url, scheme):
    context, worker = browser
    page, tab_id = _open(browser, f"{pages_url}/seed-blog/page.html")
    popup = context.new_page()
    popup.emulate_media(color_scheme=scheme)
    popup.goto(f"chrome-extension://{worker.url.split('/')[2]}/popup.html?tab={tab_id}")
    popup.wait_for_selector("#summary:not([hidden])")
    options = context.new_page()
    options.emulate_media(color_scheme=scheme)
    options.goto(f"chrome-extension://{worker.url.split('/')[2]}/options.html")
    colours = """selector => { const s = getComputedStyle(document.querySelector(selector));
        return [s.backgroundColor, s.color]; }"""
    for shown, selector in (
        (popup, "body"),
        (popup, "#clear"),
        (popup, "#flagged button"),
        (options, "body"),
    ):
        background, text = shown.evaluate(colours, selector)
        if selector == "#flagged button":
            background = shown.evaluate(colours, "body")[0]
        dark = _luminance(background) < 0.3
        assert dark == (scheme == "dark"), f"{selector} background {background} in {scheme} mode"
        assert abs(_luminance(background) - _luminance(text)) > 0.5, f"{selector}: {text} on {background}"
    for field in ("#apiUrl", "#apiKey", "#autoSites"):
        background, text = options.evaluate(colours, field)
        assert abs(_luminance(background) - _luminance(text)) > 0.5, f"{field} in {scheme} mode"
    popup.close()
    options.close()
    page.close()


def test_marks_go_to_the_visible_copy_with_the_browsers_own_css(browser, pages_url, api_url):
    """anchor.js's unit fixture of hidden copies, in the real style engine, with the API's sentences."""
    url = pages_url.replace("/samples/pages", "/tests/js/fixtures/hidden-copies.html")
    page, tab_id = _open(browser, url)
    html = (ROOT / "tests" / "js" / "fixtures" / "hidden-copies.html").read_text(encoding="utf-8")
    analysis = requests.post(f"{api_url}/api/v1/analyze", json={"html": html}, timeout=30).json()
    sentences = [s for s in analysis["sentences"] if s["kind"] == "paragraph"]
    assert len(sentences) >= 3
    worker = browser[1]
    _inject_content_script(worker, tab_id)
    placed = worker.evaluate(
        """([id, sentences, length]) => chrome.tabs.sendMessage(id,
            {type: 'sourcecheck/show-highlights', sentences, articleLength: length})""",
        [tab_id, sentences, len(analysis["article"]["text"])],
    )
    # The extractor keeps the text of the closed <details> too; the reader cannot see it there,
    # and the article's copy of that sentence is taken already, so it is left unmarked.
    in_details = [
        s["id"] for s in sentences if s["id"] > 0 and s["start"] > analysis["article"]["text"].index("Read")
    ]
    assert in_details, "the fixture's closed <details> reaches the API"
    assert sorted(placed) == sorted(s["id"] for s in sentences if s["id"] not in in_details)
    where = page.evaluate(
        """() => [...document.querySelectorAll('sourcecheck-mark')].map((m) => ({
            id: Number(m.dataset.sentence),
            visible: m.checkVisibility({visibilityProperty: true}) && !m.closest('[aria-hidden="true"]'),
            inArticle: Boolean(m.closest('article')),
            text: m.textContent.trim().length > 0,
        }))"""
    )
    assert where and all(w["visible"] and w["text"] for w in where)
    story = {s["id"] for s in sentences if s["end"] <= analysis["article"]["text"].index("Read the summary")}
    assert len(story) == 3
    assert all(w["inArticle"] for w in where if w["id"] in story), "the article's copy, not a hidden one"
    page.close()


def _inject_content_script(worker, tab_id: int) -> None:
    """Load the content script into a tab as the service worker does, without an API call."""
    worker.evaluate(
        "id => chrome.scripting.executeScript("
        "{target: {tabId: id}, files: [...SOURCECHECK_CONTENT_SCRIPTS]})",
        tab_id,
    )
