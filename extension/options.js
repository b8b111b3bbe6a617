// The options page: settings live in storage.sync, the API key in storage.local (it stays
// on this device); new hosts are asked for when saved.
/* global SOURCECHECK_DEFAULTS, SOURCECHECK_SITES */
globalThis.browser ??= chrome;
const form = document.getElementById("options");
const status = document.getElementById("status");

const lines = (text) => text.split("\n").map((line) => line.trim()).filter(Boolean);

async function load() {
  const options = { ...SOURCECHECK_DEFAULTS, ...(await browser.storage.sync.get(SOURCECHECK_DEFAULTS)) };
  form.apiUrl.value = options.apiUrl;
  form.apiKey.value = (await browser.storage.local.get({ apiKey: "" })).apiKey;
  for (const box of form.querySelectorAll('input[name="labels"]')) box.checked = options.labels.includes(box.value);
  form.minScore.value = String(options.minScore);
  document.getElementById("minScoreValue").textContent = `${Math.round(options.minScore * 100)}%`;
  form.autoSites.value = options.autoSites.join("\n");
  form.disabledSites.value = options.disabledSites.join("\n");
}

form.minScore.addEventListener("input", () => {
  document.getElementById("minScoreValue").textContent = `${Math.round(Number(form.minScore.value) * 100)}%`;
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  let apiUrl;
  try {
    apiUrl = new URL(form.apiUrl.value).origin;
  } catch {
    status.textContent = "The API address is not a valid URL.";
    return;
  }
  const autoSites = lines(form.autoSites.value).map(SOURCECHECK_SITES.hostOf).filter(Boolean);
  // Match patterns without a port match every port; Firefox finds none in one that has one.
  const api = new URL(apiUrl);
  const origins = [`${api.protocol}//${api.hostname}/*`, ...autoSites.map((host) => `*://${host}/*`)];
  // Asked at the moment the reader saves (a user gesture), never up front, and only for
  // what is not granted yet.
  const held = await browser.permissions.contains({ origins }).catch(() => false);
  const granted = held || (await browser.permissions.request({ origins }).catch(() => false));
  if (!granted) {
    status.textContent = "Not saved: sourcecheck needs permission to reach the API and the listed sites.";
    return;
  }
  await browser.storage.sync.set({
    apiUrl,
    labels: [...form.querySelectorAll('input[name="labels"]:checked')].map((box) => box.value),
    minScore: Number(form.minScore.value),
    autoSites,
    disabledSites: lines(form.disabledSites.value).map(SOURCECHECK_SITES.hostOf).filter(Boolean),
  });
  const apiKey = form.apiKey.value.trim();
  if (apiKey) await browser.storage.local.set({ apiKey });
  else await browser.storage.local.remove("apiKey");
  status.textContent = "Saved.";
});

load();
