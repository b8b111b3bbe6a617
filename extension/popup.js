// The popup: asks the service worker to check the active tab and shows the summary.
// Every string from the server goes in with textContent.
/* global SOURCECHECK_MESSAGES */
globalThis.browser ??= chrome;
const MESSAGES = SOURCECHECK_MESSAGES;
const READER_NAMES = { unattributed: "No source given", opinion: "Writer's opinion", attributed: "Source named", neutral: "Neutral" };

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
  $("status").hidden = true;
  $("error").hidden = false;
  if (error.kind === "unreachable") {
    $("error-title").textContent = "The sourcecheck API is not running";
    $("error-detail").textContent = error.message;
    $("error-help").textContent = "Start it with: sourcecheck serve";
  } else {
    $("error-title").textContent = error.status ? `The API answered ${error.status}` : "Something went wrong";
    $("error-detail").textContent = error.message;
    $("error-help").textContent = "";
  }
}

function showResult(result) {
  const { summary } = result;
  $("status").hidden = true;
  $("summary").hidden = false;
  $("clear").hidden = false;
  $("title").textContent = result.title || "Untitled page";
  $("share").textContent =
    summary.attributed_share === null
      ? "No claims found."
      : `${Math.round(summary.attributed_share * 100)}% of claims name their source.`;
  $("counts").replaceChildren(
    ...Object.entries(summary.counts).map(([label, n]) => item("li", `${READER_NAMES[label]}: ${n}`, { "data-label": label })),
  );
  $("sources").replaceChildren(
    ...(summary.sources.length
      ? summary.sources.map((source) => item("li", `${source.name} (${source.sentences})`))
      : [item("li", "None")]),
  );
  $("flagged").replaceChildren(
    ...result.flagged.map((sentence) => {
      const li = document.createElement("li");
      const button = item("button", "", { type: "button", title: sentence.reason });
      button.append(item("span", READER_NAMES[sentence.label], { class: "tag" }), document.createTextNode(sentence.text));
      button.addEventListener("click", () => send({ type: MESSAGES.SCROLL_ACTIVE_TAB, id: sentence.id }));
      li.append(button);
      return li;
    }),
  );
}

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

function check() {
  $("status").hidden = false;
  $("status").textContent = "Checking this page…";
  $("error").hidden = true;
  send({ type: MESSAGES.CHECK_ACTIVE_TAB }).then((reply) => {
    if (!reply || !reply.ok) {
      showError(reply ? reply.error : { kind: "error", message: "No answer from the extension." });
    } else if (reply.value.disabled) {
      showSiteSwitch(reply.value.host, false);
      showDisabled(reply.value.host);
    } else {
      showSiteSwitch(reply.value.host, true);
      showResult(reply.value);
    }
  });
}

check();
