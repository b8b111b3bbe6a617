// The service worker: the one place that calls the API. The toolbar popup and tests
// both go through globalThis.sourcecheck.checkTab(tabId); a tooltip's correction comes
// as a SEND_FEEDBACK message from the page.
/* global SOURCECHECK_MESSAGES, SOURCECHECK_CONTENT_SCRIPTS, SOURCECHECK_DEFAULTS, SOURCECHECK_SITES, SOURCECHECK_POLICY */
if (typeof importScripts === "function" && typeof SOURCECHECK_MESSAGES === "undefined") {
  importScripts("messages.js", "policy.js");
}
globalThis.browser ??= chrome;

const MESSAGES = SOURCECHECK_MESSAGES;
const REQUEST_TIMEOUT_MS = 15000;
const ANALYZE_ROUTE = "/api/v1/analyze";
const FEEDBACK_ROUTE = "/api/v1/feedback";
const MAX_NOTE_CHARS = 500; // the API's limit on a reader's note
const FLAGGED = new Set(["unattributed", "opinion"]);
const lastResults = new Map(); // tab id -> {url, result}: "show more" re-marks without a second call

// Where a check's time goes, kept only when the display benchmark asks (checkTab's `timed`):
// each lap is the time since the one before; `inner` takes durations another context measured.
class Laps {
  constructor(on) {
    this.on = on;
    this.phases = {};
    this.last = performance.now();
  }

  lap(name) {
    if (!this.on) return;
    const now = performance.now();
    this.phases[name] = (this.phases[name] ?? 0) + now - this.last;
    this.last = now;
  }

  inner(phases) {
    if (this.on) for (const [name, ms] of Object.entries(phases)) this.phases[name] = ms;
  }
}

class ApiError extends Error {
  constructor(kind, message, { status = null, type = null, retryAfter = null } = {}) {
    super(message);
    this.kind = kind;
    this.status = status;
    this.type = type;
    this.retryAfter = retryAfter;
  }
}

// The reader's settings; the API key stays on this device (storage.local), never synced.
async function settings() {
  const [stored, { apiKey = "" }] = await Promise.all([
    browser.storage.sync.get(SOURCECHECK_DEFAULTS),
    browser.storage.local.get("apiKey"),
  ]);
  return { ...SOURCECHECK_DEFAULTS, ...stored, apiKey };
}

async function readPage(tabId, laps) {
  try {
    const [{ result }] = await browser.scripting.executeScript({
      target: { tabId },
      func: () => {
        const started = performance.now();
        return { html: document.documentElement.outerHTML, url: location.href, serialise: performance.now() - started };
      },
    });
    const { serialise, ...page } = result;
    laps.inner({ "read.serialise": serialise });
    return page;
  } catch (error) {
    throw new ApiError("unreadable", error.message);
  }
}

// POST `body` to one of the API's routes; any failure becomes an ApiError that
// SOURCECHECK_ERRORS words for the reader.
async function callApi(options, route, body, laps = new Laps(false)) {
  const headers = { "Content-Type": "application/json" };
  if (options.apiKey) headers.Authorization = `Bearer ${options.apiKey}`;
  let response;
  try {
    const encoded = JSON.stringify(body);
    laps.lap("encode");
    response = await fetch(new URL(route, options.apiUrl), {
      method: "POST",
      headers,
      body: encoded,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch {
    throw new ApiError("unreachable", `The sourcecheck API at ${options.apiUrl} cannot be reached.`);
  }
  laps.lap("fetch");
  const answer = await response.json().catch(() => null);
  laps.lap("response");
  if (laps.on) laps.inner(requestTiming(response.url));
  if (!response.ok) {
    const detail = answer && typeof answer.detail === "string" ? answer.detail : `HTTP ${response.status}`;
    const type = answer && typeof answer.type === "string" ? answer.type.split(":").pop() : null;
    const retryAfter = Number(response.headers.get("Retry-After")) || null;
    throw new ApiError("problem", detail, { status: response.status, type, retryAfter });
  }
  return answer;
}

// The fetch phase split by Resource Timing: waiting for a connection, sending until the
// first byte back (upload and server time), and reading the body.
function requestTiming(url) {
  const entry = performance.getEntriesByName(url, "resource").at(-1);
  performance.clearResourceTimings();
  if (!entry) return {};
  const { startTime, requestStart, responseStart, responseEnd } = entry;
  return { "fetch.queue": requestStart - startTime, "fetch.wait": responseStart - requestStart, "fetch.body": responseEnd - responseStart };
}

async function setBadge(tabId, count) {
  await Promise.all([
    browser.action.setBadgeBackgroundColor({ tabId, color: "#8a1c1c" }),
    browser.action.setBadgeText({ tabId, text: count ? String(count) : "" }),
  ]);
}

async function analysis(tabId, options, page, reuse, laps) {
  const last = lastResults.get(tabId);
  if (reuse && last && last.url === page.url) return last.result;
  const result = await callApi(options, ANALYZE_ROUTE, page, laps);
  lastResults.set(tabId, { url: page.url, result });
  return result;
}

function countByLabel(sentences) {
  const counts = { unattributed: 0, opinion: 0 };
  for (const sentence of sentences) counts[sentence.label] = (counts[sentence.label] ?? 0) + 1;
  return counts;
}

// Each shown sentence with what a correction of it needs: the sentence before it (what the
// model read as its context) and the model's version.
function withFeedbackFields(shown, result) {
  const index = new Map(result.sentences.map((sentence, at) => [sentence.id, at]));
  return shown.map((sentence) => ({
    ...sentence,
    context: result.sentences[index.get(sentence.id) - 1]?.text ?? "",
    modelVersion: result.model.version,
  }));
}

function injectContent(tabId) {
  const injecting = browser.scripting.executeScript({ target: { tabId }, files: [...SOURCECHECK_CONTENT_SCRIPTS] });
  injecting.catch(() => {}); // awaited once the API answers; an API error first must not leave it unhandled
  return injecting;
}

// Have the content script (being injected: `injecting`) mark the sentences; resolve the ids
// it placed.
async function placeMarks(tabId, injecting, sentences, articleLength, laps) {
  await injecting;
  laps.lap("inject");
  const message = { type: MESSAGES.SHOW_HIGHLIGHTS, sentences, articleLength, timed: laps.on || undefined };
  const reply = await browser.tabs.sendMessage(tabId, message);
  laps.lap("place");
  if (!laps.on) return new Set(reply);
  laps.inner(reply.phases);
  return new Set(reply.ids);
}

const flagsIn = (sentences) => sentences.filter((sentence) => FLAGGED.has(sentence.label));

// Check a tab: mark what the display policy shows, and report only what was placed, so
// the badge, the popup's counts and its list all count the same marks. With `more`, the
// flags down to the policy's lower threshold are shown too.
async function checkTab(tabId, { more = false, timed = false } = {}) {
  const laps = new Laps(timed);
  const [options, page] = await Promise.all([settings(), readPage(tabId, laps)]);
  laps.lap("read");
  // The content scripts load while the API works: they take a new tab's process tens of
  // milliseconds in Firefox, and are needed only once the API answers.
  const injecting = injectContent(tabId);
  const result = await analysis(tabId, options, page, more, laps);
  const shownAt = (minScore) =>
    SOURCECHECK_POLICY.shown(result.sentences, { labels: options.labels, minScore, byline: result.article.byline });
  const lowest = Math.min(options.minScore, SOURCECHECK_POLICY.SHOW_MORE_MIN_SCORE);
  const minScore = more ? lowest : options.minScore;
  const shown = shownAt(minScore);
  laps.lap("policy");
  const placedIds = await placeMarks(tabId, injecting, withFeedbackFields(shown, result), result.article.text.length, laps);
  const placed = shown.filter((sentence) => placedIds.has(sentence.id));
  const flagged = flagsIn(placed);
  await setBadge(tabId, flagged.length);
  laps.lap("badge");
  return {
    ...(timed && { phases: laps.phases }),
    title: result.article.title,
    summary: result.summary,
    counts: countByLabel(flagged),
    flagged: flagged.map(({ id, label, score, text, reason }) => ({ id, label, score, text, reason })),
    placed: placed.length,
    unplaced: shown.length - placed.length,
    minScore,
    more: more ? 0 : flagsIn(shownAt(lowest)).length - flagsIn(shown).length,
  };
}

async function activeTabId() {
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
  if (!tab) throw new ApiError("no-tab", "There is no active tab to check.");
  return tab.id;
}

async function clearTab(tabId) {
  lastResults.delete(tabId);
  await setBadge(tabId, 0);
  return browser.tabs.sendMessage(tabId, { type: MESSAGES.CLEAR_HIGHLIGHTS }).catch(() => 0);
}

async function tabHost(tabId) {
  const tab = await browser.tabs.get(tabId).catch(() => null);
  return tab && tab.url ? SOURCECHECK_SITES.hostOf(tab.url) : "";
}

// The popup's entry point: check the tab unless the reader switched sourcecheck off there.
async function checkFromPopup(tabId, more) {
  const [options, host] = await Promise.all([settings(), tabHost(tabId)]);
  if (host && options.disabledSites.includes(host)) return { disabled: true, host };
  return { ...(await checkTab(tabId, { more })), host };
}

async function setSiteEnabled(host, enabled) {
  const { disabledSites } = await settings();
  const others = disabledSites.filter((site) => site !== host);
  await browser.storage.sync.set({ disabledSites: enabled ? others : [...others, host] });
  return enabled;
}

// The page's address without its query and fragment, which can carry ids of the reader;
// nothing for a page that is not on the web.
function pageAddress(url) {
  try {
    const { protocol, origin, pathname } = new URL(url);
    return protocol === "http:" || protocol === "https:" ? `${origin}${pathname}` : null;
  } catch {
    return null;
  }
}

// The request body of a correction: the fields the API takes and nothing else from the page.
function feedbackBody(correction) {
  const body = {
    text: correction.text,
    model_label: correction.modelLabel,
    model_score: correction.modelScore,
    model_version: correction.modelVersion,
    reader_label: correction.readerLabel,
  };
  const url = pageAddress(correction.url);
  const note = (correction.note ?? "").trim().slice(0, MAX_NOTE_CHARS);
  if (url) body.url = url;
  if (correction.context) body.context = correction.context;
  if (note) body.note = note;
  return body;
}

// Send a reader's correction of one sentence; resolve the id the server stored it under.
async function sendFeedback(correction) {
  const { id } = await callApi(await settings(), FEEDBACK_ROUTE, feedbackBody(correction));
  return { id };
}

async function route(message) {
  const tabId = message.tabId ?? null;
  switch (message.type) {
    case MESSAGES.CHECK_ACTIVE_TAB:
      return checkFromPopup(tabId ?? (await activeTabId()), Boolean(message.more));
    case MESSAGES.CLEAR_ACTIVE_TAB:
      return clearTab(tabId ?? (await activeTabId()));
    case MESSAGES.SCROLL_ACTIVE_TAB:
      return browser.tabs.sendMessage(tabId ?? (await activeTabId()), { type: MESSAGES.SCROLL_TO, id: message.id });
    case MESSAGES.SET_SITE_ENABLED:
      return setSiteEnabled(message.host, message.enabled);
    case MESSAGES.SEND_FEEDBACK:
      return sendFeedback(message.correction);
    default:
      throw new Error(`sourcecheck: unknown message ${message.type}`);
  }
}

// Automatic checking: only on the sites the reader listed (and granted), never elsewhere.
browser.tabs.onRemoved.addListener((tabId) => lastResults.delete(tabId));

browser.tabs.onUpdated.addListener(async (tabId, change, tab) => {
  if (change.status === "loading") lastResults.delete(tabId);
  if (change.status !== "complete" || !tab.url) return;
  const options = await settings();
  if (!SOURCECHECK_SITES.matches(tab.url, options.autoSites)) return;
  if (SOURCECHECK_SITES.matches(tab.url, options.disabledSites)) return;
  checkTab(tabId).catch((error) => console.warn("sourcecheck: automatic check failed:", error.message));
});

browser.runtime.onMessage.addListener((message, sender, sendResponse) => {
  route(message).then(
    (value) => sendResponse({ ok: true, value }),
    (error) =>
      sendResponse({
        ok: false,
        error: {
          kind: error.kind ?? "error",
          status: error.status ?? null,
          type: error.type ?? null,
          retryAfter: error.retryAfter ?? null,
          message: error.message,
        },
      }),
  );
  return true;
});

globalThis.sourcecheck = { checkTab, clearTab };
