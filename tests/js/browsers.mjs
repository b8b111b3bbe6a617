// Launch Debian's Chromium or Firefox ESR with the extension loaded, driven by puppeteer-core
// (CDP for Chromium, WebDriver BiDi for Firefox; never a downloaded browser), and reach the
// extension's own context the same way in both.
import puppeteer from "puppeteer-core";
import { existsSync, readFileSync } from "node:fs";

export const EXECUTABLES = { chromium: "/usr/bin/chromium", firefox: "/usr/bin/firefox-esr" };
const GECKO_ID = "sourcecheck@sourcecheck.example";
// Firefox draws an extension's internal UUID at random per profile; pinning it lets tests
// open moz-extension:// pages without asking the browser for it.
export const FIREFOX_UUID = "0b7c1f4e-2d35-4c4b-9c2a-5f0e9d1a7b11";
// The network is closed: send everything but loopback to a port nobody listens on, so a
// page's third-party assets fail at once instead of waiting on DNS.
const DEAD_PROXY = { host: "127.0.0.1", port: 9 };
const CHROMIUM_FLAGS = [
  // The flags the Python browser tests use too, in one file.
  ...JSON.parse(readFileSync(new URL("./chromium-flags.json", import.meta.url), "utf8")),
  `--proxy-server=http://${DEAD_PROXY.host}:${DEAD_PROXY.port}`,
];
const FIREFOX_PREFS = {
  "extensions.webextensions.uuids": JSON.stringify({ [GECKO_ID]: FIREFOX_UUID }),
  "network.proxy.type": 1,
  "network.proxy.http": DEAD_PROXY.host,
  "network.proxy.http_port": DEAD_PROXY.port,
  "network.proxy.ssl": DEAD_PROXY.host,
  "network.proxy.ssl_port": DEAD_PROXY.port,
  "network.proxy.no_proxies_on": "localhost, 127.0.0.1",
  "network.proxy.allow_hijacking_localhost": false,
  "browser.shell.checkDefaultBrowser": false,
  "datareporting.policy.dataSubmissionEnabled": false,
};

export function available(kind) {
  return existsSync(EXECUTABLES[kind]);
}

// Runs inside the extension (Chromium's service worker, or a Firefox extension page next to
// the background page). Returns plain JSON so both protocols carry it back unchanged.
async function inExtension(op, arg) {
  const api = globalThis.browser ?? globalThis.chrome;
  const background = globalThis.sourcecheck ? globalThis : await api.runtime.getBackgroundPage();
  const plain = (value) => (value === undefined ? null : JSON.parse(JSON.stringify(value)));
  switch (op) {
    case "tabIdOf": {
      // tabs.query({url}) misses URLs with a port in Firefox: filter all tabs instead.
      const tabs = await api.tabs.query({});
      const tab = tabs.find((t) => t.url === arg);
      return tab ? tab.id : null;
    }
    case "checkTab": {
      // A tab id, or {tabId, timed} for the phases of the check too.
      const { tabId, timed = false } = typeof arg === "number" ? { tabId: arg } : arg;
      const started = performance.now();
      try {
        const result = await background.sourcecheck.checkTab(tabId, { timed });
        return plain({ ok: true, elapsed: performance.now() - started, result });
      } catch (error) {
        return { ok: false, error: { kind: error.kind ?? "error", status: error.status ?? null, message: String(error.message) } };
      }
    }
    case "showSentences": {
      // What checkTab does after the API answers, with sentences a test chose.
      const { tabId, sentences, articleLength } = arg;
      await api.scripting.executeScript({ target: { tabId }, files: [...background.SOURCECHECK_CONTENT_SCRIPTS] });
      return api.tabs.sendMessage(tabId, { type: "sourcecheck/show-highlights", sentences, articleLength });
    }
    case "clearTab":
      return plain(await background.sourcecheck.clearTab(arg));
    case "badge":
      return api.action.getBadgeText({ tabId: arg });
    case "setSync":
      await api.storage.sync.set(arg);
      return true;
    case "setLocal":
      await api.storage.local.set(arg);
      return true;
    case "getLocal":
      return plain(await api.storage.local.get(arg));
    case "getSync":
      return plain(await api.storage.sync.get(arg));
    default:
      throw new Error(`unknown op ${op}`);
  }
}

async function gotoExtensionPage(page, url, kind) {
  if (kind === "firefox") {
    // puppeteer never sees a moz-extension:// navigation finish; the page is usable anyway.
    page.goto(url, { timeout: 5000 }).catch(() => {});
    for (let i = 0; i < 50; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const ready = await page.evaluate(() => location.protocol === "moz-extension:" && document.readyState === "complete").catch(() => false);
      if (ready) return page;
    }
    throw new Error(`${url} did not open`);
  }
  await page.goto(url);
  return page;
}

export async function launch(kind, extensionDir) {
  let browser;
  let origin;
  let context; // where inExtension runs
  if (kind === "chromium") {
    browser = await puppeteer.launch({
      executablePath: EXECUTABLES.chromium,
      headless: true,
      pipe: true,
      enableExtensions: [extensionDir],
      args: CHROMIUM_FLAGS,
    });
    const target = await browser.waitForTarget((t) => t.type() === "service_worker" && t.url().endsWith("/service-worker.js"));
    origin = target.url().split("/").slice(0, 3).join("/");
    context = await target.worker();
  } else {
    browser = await puppeteer.launch({
      browser: "firefox",
      executablePath: EXECUTABLES.firefox,
      headless: true,
      args: ["--remote-allow-system-access"],
      extraPrefsFirefox: FIREFOX_PREFS,
    });
    await browser.installExtension(extensionDir);
    origin = `moz-extension://${FIREFOX_UUID}`;
    context = await gotoExtensionPage(await browser.newPage(), `${origin}/options.html`, kind);
  }
  return {
    kind,
    browser,
    origin,
    call: (op, arg = null) => context.evaluate(inExtension, op, arg),
    // Re-points the extension context after a test changes the options page it lives in.
    async openExtensionPage(path) {
      return gotoExtensionPage(await browser.newPage(), `${origin}/${path}`, kind);
    },
    async close() {
      await browser.close();
    },
  };
}
