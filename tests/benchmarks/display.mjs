// What a reader sees: the extension on the development pages of ../shared/bench/extraction/,
// served locally, in Debian's Chromium and Firefox ESR, against a warm local API.
//
//   node tests/benchmarks/display.mjs [--browser chromium|firefox|both] [--extension DIR]...
//                                     [--bench DIR] [--limit N] [--phases] [--json]
//
// Per browser it prints: the share of the flags the extension lists that are marked in
// visible text with exactly their text, marks in hidden elements, empty marks, pages whose
// innerText marking changed, pages where clearing did not restore body.innerHTML, the median
// share of sentences highlighted, click-to-last-mark p50/p90 (checkTab, API warm), pages where
// the popup's counts, its list, the badge and the marks disagree, and console errors from the
// extension. Each page is first left to settle; pages whose body keeps changing on its own
// (page scripts) are left out of the two DOM-equality figures and counted apart. Beside each
// check, the same page goes straight to the API from here: the anchor for the timings.
// Given --extension more than once, each browser runs once per extension, side by side, and
// every page is checked by each in turn (the order alternating page by page), so that two
// versions are compared in the same spells of a machine whose speed drifts.
// With --phases the extension also reports where each check's time went, and the p50 of each
// phase is printed: read (the settings and executeScript of outerHTML; read.serialise is the
// outerHTML call in the page), encode (JSON.stringify), fetch (to the response's headers;
// fetch.* split it by Resource Timing), response (body and JSON.parse), policy, inject (what
// is left of loading the content scripts, which starts before the fetch), place (the message
// round trip; place.* are its parts in the page: clear, index, locate, wrap, listen), badge.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { available, launch } from "../js/browsers.mjs";
import { ROOT, serveFiles, startApi } from "../js/servers.mjs";

const FLAGGED = new Set(["unattributed", "opinion"]);
const READER_NAMES = { "No source given": "unattributed", "Writer's opinion": "opinion" };
const SETTLE_STEP_MS = 250;
const SETTLED_MS = 1000; // a body unchanged this long is taken as settled
const SETTLE_LIMIT_MS = 6000; // a page still changing after this counts apart

const { values: args } = parseArgs({
  options: {
    browser: { type: "string", default: "both" },
    extension: { type: "string", multiple: true, default: [path.join(ROOT, "extension")] },
    bench: { type: "string", default: process.env.SOURCECHECK_BENCH ?? path.join(ROOT, "..", "shared", "bench") },
    limit: { type: "string", default: "0" },
    json: { type: "boolean", default: false },
    phases: { type: "boolean", default: false },
  },
});

// Runs in the article page: the marks as a reader has them.
function readMarks() {
  const fold = (text) => text.replace(/[\s\u00ad\u200b-\u200d\u2060\ufeff]+/g, "");
  const visible = (el) =>
    el.checkVisibility({ visibilityProperty: true, contentVisibilityAuto: true }) && !el.closest('[aria-hidden="true"]');
  const bySentence = {};
  let hidden = 0;
  let empty = 0;
  for (const mark of document.querySelectorAll("sourcecheck-mark")) {
    const entry = (bySentence[mark.dataset.sentence] ??= { label: mark.dataset.label, text: "", hidden: 0 });
    if (!fold(mark.textContent)) empty++;
    if (visible(mark)) entry.text += mark.textContent;
    else {
      entry.hidden++;
      hidden++;
    }
  }
  for (const entry of Object.values(bySentence)) entry.text = fold(entry.text);
  return { bySentence, hidden, empty, innerText: document.body.innerText, innerHTML: document.body.innerHTML };
}

function readPopup() {
  const counts = {};
  for (const li of document.querySelectorAll("#counts li")) {
    const match = /^(.*?):\s*(\d+)/.exec(li.textContent.trim());
    if (match) counts[match[1].trim()] = Number(match[2]);
  }
  return {
    error: document.querySelector("#error:not([hidden])")?.innerText ?? null,
    counts,
    listed: document.querySelectorAll("#flagged li").length,
  };
}

const fold = (text) => text.replace(/[\s\u00ad\u200b-\u200d\u2060\ufeff]+/g, "");
const median = (values) => {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : null;
};

async function waitForPopup(popup) {
  for (let i = 0; i < 200; i++) {
    const done = await popup
      .evaluate(() => !document.querySelector("#summary")?.hidden || !document.querySelector("#error")?.hidden)
      .catch(() => false);
    if (done) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// The anchor: the same page straight to the API from here, timed beside the extension's
// check, so that a slow spell of the machine shows in both.
async function timeApiAlone(apiUrl, html, url) {
  const started = performance.now();
  const response = await fetch(`${apiUrl}/api/v1/analyze`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ html, url }),
  });
  await response.arrayBuffer();
  return performance.now() - started;
}

async function measurePage(driver, pageUrl, errors, apiUrl) {
  const page = await driver.browser.newPage();
  page.on("console", (message) => {
    const where = message.location()?.url ?? "";
    if (message.type() === "error" && (where.startsWith(driver.origin) || /sourcecheck/i.test(message.text()))) errors.push(message.text());
  });
  try {
    await page.goto(pageUrl, { waitUntil: "load", timeout: 20000 });
  } catch {
    // a page whose load event never comes is still read as it stands
  }
  const tabId = await driver.call("tabIdOf", pageUrl);
  // Let the page's own scripts settle: its body unchanged for SETTLED_MS, or give up.
  let before = await page.evaluate(readMarks);
  let stable = false;
  for (let waited = 0, still = 0; waited < SETTLE_LIMIT_MS && still < SETTLED_MS; waited += SETTLE_STEP_MS) {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_STEP_MS));
    const now = await page.evaluate(readMarks);
    still = now.innerHTML === before.innerHTML ? still + SETTLE_STEP_MS : 0;
    stable = still >= SETTLED_MS;
    before = now;
  }
  const html = await page.evaluate(() => document.documentElement.outerHTML);
  const checked = await driver.call("checkTab", { tabId, timed: args.phases });
  const row = { url: pageUrl, stable, ok: checked.ok };
  if (!checked.ok) {
    row.error = checked.error;
    await page.close();
    return row;
  }
  const { result, elapsed } = checked;
  const marked = await page.evaluate(readMarks);
  row.elapsed = elapsed;
  row.apiAlone = await timeApiAlone(apiUrl, html, pageUrl);
  if (result.phases) row.phases = result.phases;
  row.listed = result.flagged.length;
  row.listedMarked = result.flagged.filter((s) => marked.bySentence[s.id]?.text === fold(s.text)).length;
  row.hidden = marked.hidden;
  row.empty = marked.empty;
  row.innerTextSame = marked.innerText === before.innerText;
  const total = Object.values(result.summary.counts).reduce((a, b) => a + b, 0);
  const shownIds = Object.entries(marked.bySentence).filter(([, e]) => e.text).length;
  row.share = total ? shownIds / total : 0;
  await driver.call("clearTab", tabId);
  row.restored = (await page.evaluate(() => document.body.innerHTML)) === before.innerHTML;

  // The popup re-checks the page; its counts, list, the badge and the marks must agree.
  const popup = await driver.openExtensionPage(`popup.html?tab=${tabId}`);
  popup.on("console", (message) => message.type() === "error" && errors.push(`popup: ${message.text()}`));
  popup.on("pageerror", (error) => errors.push(`popup: ${error.message}`));
  await waitForPopup(popup);
  const shown = await popup.evaluate(readPopup);
  const badge = Number((await driver.call("badge", tabId)) || 0);
  const after = await page.evaluate(readMarks);
  const flaggedMarks = Object.values(after.bySentence).filter((e) => FLAGGED.has(e.label)).length;
  const countSum = Object.entries(shown.counts)
    .filter(([name]) => READER_NAMES[name])
    .reduce((a, [, n]) => a + n, 0);
  row.popup = { ...shown, badge, flaggedMarks, countSum };
  row.agree = !shown.error && countSum === shown.listed && shown.listed === badge && badge === flaggedMarks;
  await popup.close();
  await driver.call("clearTab", tabId);
  await page.close();
  return row;
}

function summarise(rows, errors) {
  const ok = rows.filter((r) => r.ok);
  const stable = ok.filter((r) => r.stable);
  const listed = ok.reduce((a, r) => a + r.listed, 0);
  const listedMarked = ok.reduce((a, r) => a + r.listedMarked, 0);
  const times = ok.map((r) => r.elapsed);
  const overheads = ok.map((r) => r.elapsed - r.apiAlone);
  return {
    pages: rows.length,
    checked: ok.length,
    refused: rows.filter((r) => !r.ok && !r.unreadable).map((r) => r.error?.status ?? r.error?.kind),
    unreadable_pages: rows.filter((r) => r.unreadable).length,
    listed_flags: listed,
    listed_marked_visible_share: listed ? listedMarked / listed : null,
    marks_in_hidden_elements: ok.reduce((a, r) => a + r.hidden, 0),
    empty_marks: ok.reduce((a, r) => a + r.empty, 0),
    pages_changing_by_themselves: ok.length - stable.length,
    inner_text_changed_pages: stable.filter((r) => !r.innerTextSame).length,
    clear_not_restored_pages: stable.filter((r) => !r.restored).length,
    median_share_highlighted: median(ok.map((r) => r.share)),
    pages_over_half_highlighted: ok.filter((r) => r.share > 0.5).length,
    click_to_last_mark_ms_p50: median(times),
    click_to_last_mark_ms_p90: quantile(times, 0.9),
    api_alone_ms_p50: median(ok.map((r) => r.apiAlone)),
    extension_overhead_ms_p50: median(overheads),
    popup_disagreeing_pages: ok.filter((r) => !r.agree).length,
    console_errors: errors.length,
    console_error_samples: [...new Set(errors)].slice(0, 5),
    ...(args.phases && { phase_ms_p50: phaseMedians(ok) }),
  };
}

// The p50 of each phase over the pages checked, in the order the check runs them, with
// what the phases leave unexplained of the whole (the call into the extension and back).
function phaseMedians(rows) {
  const names = [...new Set(rows.flatMap((r) => Object.keys(r.phases ?? {})))];
  const round = (ms) => Math.round(ms * 10) / 10;
  const outer = (phases) => Object.entries(phases).filter(([name]) => !name.includes("."));
  const rest = rows.map((r) => r.elapsed - outer(r.phases ?? {}).reduce((a, [, ms]) => a + ms, 0));
  const medians = Object.fromEntries(names.map((name) => [name, round(median(rows.map((r) => r.phases?.[name] ?? 0)))]));
  return { ...medians, unaccounted: round(median(rest)), api_alone: round(median(rows.map((r) => r.apiAlone))) };
}

async function measureOrSkip(run, url, apiUrl) {
  try {
    return await measurePage(run.driver, url, run.errors, apiUrl);
  } catch (error) {
    // A page that navigates itself away (a script redirect) cannot be read back.
    for (const page of await run.driver.browser.pages()) if (page.url().startsWith("http")) await page.close().catch(() => {});
    return { url, ok: false, unreadable: true, error: { kind: String(error.message).slice(0, 80) } };
  }
}

// One browser per extension directory, each page checked by all of them in turn.
async function runBrowser(kind, pageUrls, apiUrl) {
  const runs = [];
  try {
    for (const dir of args.extension) runs.push({ dir, driver: await launch(kind, path.resolve(dir)), errors: [], rows: [] });
    for (const run of runs) {
      await run.driver.call("setSync", { apiUrl });
      // Warm the API and the extension on one page before timing anything.
      await measurePage(run.driver, pageUrls[0], [], apiUrl);
    }
    for (const [i, url] of pageUrls.entries()) {
      for (const run of i % 2 ? [...runs].reverse() : runs) run.rows.push(await measureOrSkip(run, url, apiUrl));
    }
    return runs.map(({ dir, errors, rows }) => ({ extension: dir, summary: summarise(rows, errors), rows }));
  } finally {
    for (const run of runs) await run.driver.close();
  }
}

async function main() {
  const htmlDir = path.join(args.bench, "extraction", "html");
  const truth = JSON.parse(readFileSync(path.join(args.bench, "extraction", "ground-truth.json"), "utf-8"));
  let ids = Object.keys(truth).sort();
  if (Number(args.limit)) ids = ids.slice(0, Number(args.limit));
  const pages = await serveFiles(htmlDir, { gzipped: true });
  const base = pages.url;
  const api = await startApi();
  const kinds = args.browser === "both" ? ["chromium", "firefox"] : [args.browser];
  const results = {};
  try {
    for (const kind of kinds) {
      if (!available(kind)) throw new Error(`${kind} is not installed`);
      results[kind] = await runBrowser(kind, ids.map((id) => `${base}/${id}.html`), api.url);
    }
  } finally {
    await api.stop();
    await pages.stop();
  }
  if (args.json) {
    console.log(JSON.stringify(results, null, 2));
    return;
  }
  console.log(`${ids.length} development pages of ${htmlDir}`);
  for (const [kind, runs] of Object.entries(results)) {
    for (const { extension, summary } of runs) printSummary(`${kind}, extension ${extension}`, summary);
  }
}

function printSummary(title, summary) {
  console.log(`\n== ${title}`);
  const { phase_ms_p50: phases, ...figures } = summary;
  for (const [name, value] of Object.entries(figures)) {
    const shown = typeof value === "number" && !Number.isInteger(value) ? value.toFixed(3) : JSON.stringify(value);
    console.log(`${name.replaceAll("_", " ")}: ${shown}`);
  }
  if (phases) console.log(`phase ms p50: ${Object.entries(phases).map(([name, ms]) => `${name} ${ms}`).join(", ")}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
