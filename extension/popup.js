// The popup: asks the service worker to check the active tab and shows what was marked.
// Its counts, its list and the badge all come from the marks placed. Every string from the
// server goes in with textContent.
/* global SOURCECHECK_MESSAGES, SOURCECHECK_ERRORS */
globalThis.browser ??= chrome;
const MESSAGES = SOURCECHECK_MESSAGES;
const READER_NAMES = { unattributed: "No source given", opinion: "Writer's opinion", attributed: "Source named", neutral: "Neutral" };
const COLLAPSED_ITEMS = 10; // a longer list shows this many and a "Show all N" button

const $ = (id) => document.getElementById(id);
// Tests open the popup as a page and name the tab it is about; the toolbar popup does not.
const requestedTab = Number(new URLSearchParams(location.search).get("tab")) || undefined;
const send = (message) => browser.runtime.sendMessage({ ...message, tabId: requestedTab });

function item(tag, text, attributes = {}) {
  const element = document.createElement(tag);
  element.textContent = text;
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  return element;
}

function showError(error) {
  const words = SOURCECHECK_ERRORS.words(error, SOURCECHECK_ERRORS.CHECK);
  $("status").hidden = true;
  $("error").hidden = false;
  $("error-title").textContent = words.title;
  $("error-detail").textContent = words.detail;
  $("error-help").textContent = words.help;
  $("open-options").hidden = !words.options;
}

function showCounts(counts) {
  $("counts").replaceChildren(
    ...Object.entries(counts).map(([label, n]) => item("li", `${READER_NAMES[label]}: ${n}`, { "data-label": label })),
  );
}

function showSources(sources) {
  $("sources").replaceChildren(...(sources.length ? sources.map((source) => item("li", source.name)) : [item("li", "None")]));
}

function showFlagged(flagged) {
  $("none-flagged").hidden = flagged.length > 0;
  $("flagged").replaceChildren(
    ...flagged.map((sentence, index) => {
      const li = document.createElement("li");
      li.hidden = index >= COLLAPSED_ITEMS;
      const button = item("button", "", { type: "button", title: sentence.reason });
      button.append(item("span", READER_NAMES[sentence.label], { class: "tag", "data-label": sentence.label }), document.createTextNode(sentence.text));
      button.addEventListener("click", () => send({ type: MESSAGES.SCROLL_ACTIVE_TAB, id: sentence.id }));
      li.append(button);
      return li;
    }),
  );
  $("show-all").hidden = flagged.length <= COLLAPSED_ITEMS;
  $("show-all").textContent = `Show all ${flagged.length}`;
}

function showResult(result) {
  const { summary } = result;
  $("status").hidden = true;
  $("error").hidden = true;
  $("summary").hidden = false;
  $("clear").hidden = false;
  $("title").textContent = result.title || "Untitled page";
  $("share").textContent =
    summary.attributed_share === null
      ? "No claims found."
      : `${Math.round(summary.attributed_share * 100)}% of claims name their source.`;
  showCounts(result.counts);
  $("threshold").textContent = `Flags shown at ${Math.round(result.minScore * 100)}% confidence or more.`;
  $("unplaced").hidden = !result.unplaced;
  $("unplaced").textContent = `${result.unplaced} more could not be found in the visible page and are left out.`;
  $("more").hidden = !showingMore && !result.more;
  $("more").textContent = showingMore ? "Show only the confident flags" : `Show ${result.more} more, less confident`;
  showSources(summary.sources);
  showFlagged(result.flagged);
}

let showingMore = false;

$("show-all").addEventListener("click", () => {
  for (const li of $("flagged").children) li.hidden = false;
  $("show-all").hidden = true;
  $("flagged").querySelector(`li:nth-child(${COLLAPSED_ITEMS + 1}) button`)?.focus();
});

$("more").addEventListener("click", () => check(!showingMore));

$("open-options").addEventListener("click", () => browser.runtime.openOptionsPage());

$("clear").addEventListener("click", async () => {
  await send({ type: MESSAGES.CLEAR_ACTIVE_TAB });
  $("summary").hidden = true;
  $("clear").hidden = true;
  $("status").hidden = false;
  $("status").textContent = "Highlights cleared.";
});

function showSiteSwitch(host, enabled) {
  if (!host) return;
  $("site").hidden = false;
  $("site-name").textContent = host;
  $("site-enabled").checked = enabled;
}

$("site-enabled").addEventListener("change", async () => {
  const enabled = $("site-enabled").checked;
  await send({ type: MESSAGES.SET_SITE_ENABLED, host: $("site-name").textContent, enabled });
  if (enabled) check();
  else {
    await send({ type: MESSAGES.CLEAR_ACTIVE_TAB });
    showDisabled($("site-name").textContent);
  }
});

function showDisabled(host) {
  $("summary").hidden = true;
  $("clear").hidden = true;
  $("status").hidden = false;
  $("status").textContent = `sourcecheck is off on ${host}.`;
}

function check(more = false) {
  $("status").hidden = false;
  $("status").textContent = "Checking this page…";
  $("error").hidden = true;
  send({ type: MESSAGES.CHECK_ACTIVE_TAB, more }).then((reply) => {
    if (!reply || !reply.ok) {
      showError(reply ? reply.error : { kind: "error", message: "No answer from the extension." });
    } else if (reply.value.disabled) {
      showSiteSwitch(reply.value.host, false);
      showDisabled(reply.value.host);
    } else {
      showingMore = more;
      showSiteSwitch(reply.value.host, true);
      showResult(reply.value);
    }
  });
}

check();
