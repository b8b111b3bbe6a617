// The service worker: the one place that calls the API. The toolbar popup and tests
// both go through globalThis.sourcecheck.checkTab(tabId).
/* global SOURCECHECK_MESSAGES, SOURCECHECK_DEFAULTS, SOURCECHECK_SITES */
if (typeof importScripts === "function" && typeof SOURCECHECK_MESSAGES === "undefined") {
  importScripts("messages.js");
}
globalThis.browser ??= chrome;

const MESSAGES = SOURCECHECK_MESSAGES;
const REQUEST_TIMEOUT_MS = 15000;
const FLAGGED = new Set(["unattributed", "opinion"]);

class ApiError extends Error {
  constructor(kind, message, status = null) {
    super(message);
    this.kind = kind;
    this.status = status;
  }
}

async function settings() {
  const stored = await browser.storage.sync.get(SOURCECHECK_DEFAULTS);
  return { ...SOURCECHECK_DEFAULTS, ...stored };
}

async function readPage(tabId) {
  const [{ result }] = await browser.scripting.executeScript({
    target: { tabId },
    func: () => ({ html: document.documentElement.outerHTML, url: location.href }),
  });
  return result;
}

async function callApi(apiUrl, page) {
  let response;
  try {
    response = await fetch(new URL("/api/v1/analyze", apiUrl), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(page),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    throw new ApiError("unreachable", `The sourcecheck API at ${apiUrl} cannot be reached.`);
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const detail = body && typeof body.detail === "string" ? body.detail : `HTTP ${response.status}`;
    throw new ApiError("problem", detail, response.status);
  }
  return body;
}

function shownSentences(result, options) {
  return result.sentences.filter(
    (sentence) => options.labels.includes(sentence.label) && sentence.score >= options.minScore,
  );
}

async function setBadge(tabId, count) {
  await browser.action.setBadgeBackgroundColor({ tabId, color: "#8a1c1c" });
  await browser.action.setBadgeText({ tabId, text: count ? String(count) : "" });
}

async function checkTab(tabId) {
  const options = await settings();
  const page = await readPage(tabId);
  const result = await callApi(options.apiUrl, page);
  const shown = shownSentences(result, options);
  await browser.scripting.executeScript({ target: { tabId }, files: ["messages.js", "content.js"] });
  const placed = await browser.tabs.sendMessage(tabId, { type: MESSAGES.SHOW_HIGHLIGHTS, sentences: shown });
  const flagged = shown.filter((sentence) => FLAGGED.has(sentence.label));
  await setBadge(tabId, flagged.length);
  return {
    title: result.article.title,
    summary: result.summary,
    flagged: flagged.map(({ id, label, score, text, reason }) => ({ id, label, score, text, reason })),
    placed,
  };
}

async function activeTabId() {
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
  if (!tab) throw new ApiError("no-tab", "There is no active tab to check.");
  return tab.id;
}

async function clearTab(tabId) {
  await setBadge(tabId, 0);
  return browser.tabs.sendMessage(tabId, { type: MESSAGES.CLEAR_HIGHLIGHTS }).catch(() => 0);
}

async function tabHost(tabId) {
  const tab = await browser.tabs.get(tabId).catch(() => null);
  return tab && tab.url ? SOURCECHECK_SITES.hostOf(tab.url) : "";
}

// The popup's entry point: check the tab unless the reader switched sourcecheck off there.
async function checkFromPopup(tabId) {
  const [options, host] = await Promise.all([settings(), tabHost(tabId)]);
  if (host && options.disabledSites.includes(host)) return { disabled: true, host };
  return { ...(await checkTab(tabId)), host };
}

async function setSiteEnabled(host, enabled) {
  const { disabledSites } = await settings();
  const others = disabledSites.filter((site) => site !== host);
  await browser.storage.sync.set({ disabledSites: enabled ? others : [...others, host] });
  return enabled;
}

async function route(message) {
  const tabId = message.tabId ?? null;
  switch (message.type) {
    case MESSAGES.CHECK_ACTIVE_TAB:
      return checkFromPopup(tabId ?? (await activeTabId()));
    case MESSAGES.CLEAR_ACTIVE_TAB:
      return clearTab(tabId ?? (await activeTabId()));
    case MESSAGES.SCROLL_ACTIVE_TAB:
      return browser.tabs.sendMessage(tabId ?? (await activeTabId()), { type: MESSAGES.SCROLL_TO, id: message.id });
    case MESSAGES.SET_SITE_ENABLED:
      return setSiteEnabled(message.host, message.enabled);
    default:
      throw new Error(`sourcecheck: unknown message ${message.type}`);
  }
}

// Automatic checking: only on the sites the reader listed (and granted), never elsewhere.
browser.tabs.onUpdated.addListener(async (tabId, change, tab) => {
  if (change.status !== "complete" || !tab.url) return;
  const options = await settings();
  if (!SOURCECHECK_SITES.matches(tab.url, options.autoSites)) return;
  if (SOURCECHECK_SITES.matches(tab.url, options.disabledSites)) return;
  checkTab(tabId).catch((error) => console.warn("sourcecheck: automatic check failed:", error.message));
});

browser.runtime.onMessage.addListener((message, sender, sendResponse) => {
  route(message).then(
    (value) => sendResponse({ ok: true, value }),
    (error) => sendResponse({ ok: false, error: { kind: error.kind ?? "error", status: error.status ?? null, message: error.message } }),
  );
  return true;
});

globalThis.sourcecheck = { checkTab, clearTab };
