// The extension in Debian's Firefox ESR, installed as a temporary add-on and driven by
// puppeteer-core over WebDriver BiDi, against the real API on the sample pages.
//   node --test tests/js/
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { available, launch } from "./browsers.mjs";
import { ROOT, serveFiles, sourcecheckCommand, startAll, startApi } from "./servers.mjs";

const API_KEY = "production-key-for-the-test";
let firefox;
let api;
let keyedApi;
let files;
// Corrections sent to the test API stay in a folder of its own, never in the user's data directory.
const feedbackDir = mkdtempSync(path.join(os.tmpdir(), "sourcecheck-firefox-"));
const FEEDBACK_DB = `sqlite:///${path.join(feedbackDir, "feedback.sqlite3")}`;

before(async () => {
  assert.ok(available("firefox"), "Debian's firefox-esr is not installed (apt-get install firefox-esr); .ci/run installs it");
  [api, keyedApi, files] = await startAll([
    startApi({ SOURCECHECK_FEEDBACK_DB: FEEDBACK_DB }),
    // README's production recipe: an API key and a CORS allowlist.
    startApi({ SOURCECHECK_API_KEY: API_KEY, SOURCECHECK_CORS_ORIGINS: '["https://newsroom.example"]' }),
    serveFiles(ROOT),
  ]);
  firefox = await launch("firefox", path.join(ROOT, "extension"));
  await firefox.call("setSync", { apiUrl: api.url });
});

after(async () => {
  await firefox?.close();
  await Promise.all([api?.stop(), keyedApi?.stop(), files?.stop()]);
  rmSync(feedbackDir, { recursive: true, force: true });
});

let opened = 0;
async function open(relative) {
  // A query of its own, so that no other tab has the same URL.
  const url = `${files.url}/${relative}?tab=${++opened}`;
  const page = await firefox.browser.newPage();
  await page.goto(url, { waitUntil: "load" });
  const tabId = await firefox.call("tabIdOf", url);
  assert.ok(tabId !== null, `no tab has ${url}`);
  return { page, tabId };
}

async function check(tabId) {
  const reply = await firefox.call("checkTab", tabId);
  assert.ok(reply.ok, JSON.stringify(reply.error));
  return reply.result;
}

const squeeze = (text) => text.replace(/\s+/g, "");
const readMarks = () => {
  const found = {};
  for (const mark of document.querySelectorAll("sourcecheck-mark")) {
    const entry = (found[mark.dataset.sentence] ??= { label: mark.dataset.label, text: "", stops: 0 });
    entry.text += mark.textContent;
    entry.stops += mark.tabIndex === 0 ? 1 : 0;
  }
  return found;
};

async function waitFor(page, predicate, what) {
  for (let i = 0; i < 150; i++) {
    if (await page.evaluate(predicate).catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const state = await page.evaluate(() => document.body.innerText.slice(-300)).catch((e) => e.message);
  assert.fail(`timed out waiting for ${what}; the page shows: ${state}`);
}

test("a check marks exactly the flagged sentences, one tab stop each, and the badge counts them", async () => {
  const { page, tabId } = await open("samples/pages/seed-blog/page.html");
  const before = await page.evaluate(() => ({ html: document.body.innerHTML, text: document.body.innerText }));
  const result = await check(tabId);
  assert.ok(result.flagged.length >= 3);
  assert.equal(result.placed, result.flagged.length);
  const marked = await page.evaluate(readMarks);
  assert.equal(Object.keys(marked).length, result.flagged.length);
  for (const sentence of result.flagged) {
    const entry = marked[sentence.id];
    assert.equal(entry.label, sentence.label);
    assert.equal(squeeze(entry.text), squeeze(sentence.text));
    assert.equal(entry.stops, 1);
  }
  assert.equal(await page.evaluate(() => document.body.innerText), before.text);
  assert.equal(await firefox.call("badge", tabId), String(result.flagged.length));
  await firefox.call("clearTab", tabId);
  assert.equal(await page.evaluate(() => document.body.innerHTML), before.html);
  assert.equal(await firefox.call("badge", tabId), "");
  await page.close();
});

test("a timed check reports its phases, and an untimed one carries none", async () => {
  const { page, tabId } = await open("samples/pages/seed-blog/page.html");
  const timed = await firefox.call("checkTab", { tabId, timed: true });
  assert.ok(timed.ok, JSON.stringify(timed.error));
  for (const name of ["read", "read.serialise", "encode", "fetch", "response", "inject", "place", "place.index", "place.wrap", "badge"]) {
    assert.ok(timed.result.phases[name] >= 0, `no phase ${name}: ${JSON.stringify(timed.result.phases)}`);
  }
  await firefox.call("clearTab", tabId);
  assert.equal((await check(tabId)).phases, undefined);
  await firefox.call("clearTab", tabId);
  await page.close();
});

test("marks go to the visible copy of a sentence with Firefox's own CSS", async () => {
  const html = readFileSync(path.join(ROOT, "tests", "js", "fixtures", "hidden-copies.html"), "utf-8");
  const analysis = await (
    await fetch(`${api.url}/api/v1/analyze`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ html }) })
  ).json();
  const { page, tabId } = await open("tests/js/fixtures/hidden-copies.html");
  const summaryAt = analysis.article.text.indexOf("Read the summary");
  const placed = await firefox.call("showSentences", { tabId, sentences: analysis.sentences, articleLength: analysis.article.text.length });
  // The closed <details> copy reaches the API but not the reader: it stays unmarked.
  assert.deepEqual(
    [...placed].sort(),
    analysis.sentences.filter((s) => s.start <= summaryAt).map((s) => s.id).sort(),
  );
  const where = await page.evaluate(() =>
    [...document.querySelectorAll("sourcecheck-mark")].map((m) => ({
      id: Number(m.dataset.sentence),
      visible: m.checkVisibility({ visibilityProperty: true }) && !m.closest('[aria-hidden="true"]'),
      inArticle: Boolean(m.closest("article")),
    })),
  );
  assert.ok(where.length && where.every((w) => w.visible));
  const story = analysis.sentences.filter((s) => s.end <= summaryAt).map((s) => s.id);
  assert.equal(story.length, 3);
  assert.ok(where.filter((w) => story.includes(w.id)).every((w) => w.inArticle));
  await page.close();
});

test("the tooltip is announced on focus and hides on Escape", async () => {
  const { page, tabId } = await open("samples/pages/seed-blog/page.html");
  const result = await check(tabId);
  const first = result.flagged[0];
  await page.focus(`sourcecheck-mark[data-sentence="${first.id}"][tabindex="0"]`);
  const tip = () => {
    const host = document.querySelector("sourcecheck-tooltip");
    const box = host.shadowRoot.querySelector(".tip");
    const focused = document.activeElement;
    return { role: host.getAttribute("role"), shown: !box.hidden, text: box.textContent, describedBy: focused.getAttribute("aria-describedby"), id: host.id };
  };
  const shown = await page.evaluate(tip);
  assert.equal(shown.role, "dialog");
  assert.ok(shown.shown);
  assert.ok(shown.text.includes(first.reason));
  assert.equal(shown.describedBy, shown.id);
  await page.keyboard.press("Escape");
  assert.equal((await page.evaluate(tip)).shown, false);
  await page.close();
});

test("a reader confirms a highlight from its tooltip by keyboard and the correction is stored", async () => {
  const { page, tabId } = await open("samples/pages/seed-blog/page.html");
  const result = await check(tabId);
  const first = result.flagged[0];
  await page.focus(`sourcecheck-mark[data-sentence="${first.id}"][tabindex="0"]`);
  await page.keyboard.press("Tab");
  const focused = () => document.querySelector("sourcecheck-tooltip").shadowRoot.activeElement?.textContent;
  assert.equal(await page.evaluate(focused), "Yes");
  await page.keyboard.press("Enter");
  await waitFor(page, () => document.querySelector("sourcecheck-tooltip").shadowRoot.querySelector(".result").textContent.includes("Thanks, sent"), "the tooltip to say it was sent");
  const listed = execFileSync(sourcecheckCommand(), ["feedback", "list", "--jsonl"], { env: { ...process.env, SOURCECHECK_FEEDBACK_DB: FEEDBACK_DB, PYTHONWARNINGS: "ignore" }, encoding: "utf-8" });
  const items = listed.trim().split("\n").map((line) => JSON.parse(line));
  assert.equal(items.length, 1);
  assert.equal(items[0].text, first.text);
  assert.equal(items[0].reader_label, first.label);
  assert.equal(items[0].model_label, first.label);
  assert.equal(items[0].url, `${files.url}/samples/pages/seed-blog/page.html`, "sent without the query");
  await page.keyboard.press("Escape");
  assert.equal(await page.evaluate(() => document.activeElement.dataset.sentence), String(first.id));
  await page.close();
});

test("the popup's counts, its list, the badge and the marks agree", async () => {
  const { page, tabId } = await open("samples/pages/explainer-heatwave/page.html");
  const popup = await firefox.openExtensionPage(`popup.html?tab=${tabId}`);
  await waitFor(popup, () => !document.querySelector("#summary").hidden, "the popup's summary");
  const shown = await popup.evaluate(() => ({
    counts: [...document.querySelectorAll("#counts li")].map((li) => Number(li.textContent.split(": ")[1])),
    listed: document.querySelectorAll("#flagged li").length,
  }));
  const marked = Object.keys(await page.evaluate(readMarks)).length;
  const badge = Number(await firefox.call("badge", tabId));
  assert.ok(marked >= 1);
  assert.equal(shown.counts.reduce((a, b) => a + b, 0), shown.listed);
  assert.equal(shown.listed, marked);
  assert.equal(badge, marked);
  await popup.close();
  await page.close();
});

test("with README's production recipe, a wrong key is explained and the key from the options page works", async () => {
  await firefox.call("setSync", { apiUrl: keyedApi.url });
  try {
    const { page, tabId } = await open("samples/pages/seed-blog/page.html");
    const refused = await firefox.call("checkTab", tabId);
    assert.equal(refused.ok, false);
    assert.equal(refused.error.status, 401);
    const popup = await firefox.openExtensionPage(`popup.html?tab=${tabId}`);
    await waitFor(popup, () => !document.querySelector("#error").hidden, "the popup's error");
    assert.equal(await popup.evaluate(() => document.querySelector("#error-title").textContent), "Wrong or missing API key");
    await popup.close();

    const options = await firefox.openExtensionPage("options.html");
    await waitFor(options, () => document.querySelector("#apiUrl").value !== "", "the options to load");
    await options.type("#apiKey", API_KEY);
    await options.click("button[type=submit]");
    await waitFor(options, () => document.querySelector("#status").textContent === "Saved.", "the options to save");
    await options.close();
    assert.deepEqual(await firefox.call("getLocal", "apiKey"), { apiKey: API_KEY });
    assert.equal((await firefox.call("getSync", null)).apiKey, undefined, "the key is never synced");

    const result = await check(tabId);
    assert.ok(result.flagged.length >= 3);
    assert.equal(Object.keys(await page.evaluate(readMarks)).length, result.flagged.length);
    await page.close();
  } finally {
    await firefox.call("setSync", { apiUrl: api.url });
    await firefox.call("setLocal", { apiKey: "" });
  }
});

test("a screenshot of a page marked in Firefox", async () => {
  const { page, tabId } = await open("samples/pages/seed-blog/page.html");
  await page.setViewport({ width: 900, height: 640 });
  const result = await check(tabId);
  const selector = `sourcecheck-mark[data-sentence="${result.flagged[0].id}"][tabindex="0"]`;
  await page.evaluate((s) => document.querySelector(s).scrollIntoView({ block: "center" }), selector);
  await page.focus(selector);
  const folder = path.join(ROOT, "docs", "screenshots");
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, "firefox-marked-page.png");
  await page.screenshot({ path: file });
  assert.ok(statSync(file).size > 10000);
  await page.close();
});
