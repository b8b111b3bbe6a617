// Unit tests of extension/feedback.js ("Is this right?") and errors.js's words for a
// correction that was not sent or a page the server will not read, in jsdom.
//   node --test tests/js/
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { JSDOM } from "jsdom";

const ROOT = new URL("../../", import.meta.url);
const SOURCES = ["errors.js", "feedback.js"].map((name) => readFileSync(new URL(`extension/${name}`, ROOT), "utf-8"));
const SENTENCE = { id: 3, text: "Officials say the bridge is unsafe.", label: "unattributed", score: 0.97 };

function load() {
  const { window } = new JSDOM("<!doctype html><body></body>", { runScripts: "outside-only" });
  for (const source of SOURCES) window.eval(source);
  return window;
}

// A control for SENTENCE whose sends are recorded and answered with `reply`.
function control(reply) {
  const window = load();
  const sent = [];
  const root = window.SOURCECHECK_FEEDBACK.control(SENTENCE, {
    send: async (readerLabel, note) => {
      sent.push({ readerLabel, note });
      return reply;
    },
    changed: () => {},
  });
  window.document.body.append(root);
  const buttons = () => [...root.querySelectorAll("button")].filter((b) => !b.closest("[hidden]"));
  const press = (name) => buttons().find((b) => b.textContent === name).click();
  const said = () => root.querySelector("[role=status]").textContent;
  return { window, root, sent, buttons, press, said };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

test("No offers the other labels in the reader's words and a short note", () => {
  const { root, press } = control({ ok: true, value: { id: 1 } });
  assert.equal(root.querySelector("fieldset"), null, "the choice opens on No");
  press("No");
  const offered = [...root.querySelectorAll("label.choice")].map((label) => label.textContent.trim());
  const names = load().SOURCECHECK_FEEDBACK.CHOICES;
  assert.deepEqual(offered, Object.entries(names).filter(([label]) => label !== SENTENCE.label).map(([, words]) => words));
  assert.equal(root.querySelector("textarea").getAttribute("maxlength"), "500");
  assert.equal(root.querySelector("[aria-expanded]").getAttribute("aria-expanded"), "true");
  assert.ok(root.querySelector("button.send").disabled, "nothing to send before a choice");
});

test("a chosen label and note are sent once, and the result replaces the control", async () => {
  const { window, root, sent, press, said, buttons } = control({ ok: true, value: { id: 7 } });
  press("No");
  const opinion = root.querySelector('input[value="opinion"]');
  opinion.checked = true;
  opinion.dispatchEvent(new window.Event("change"));
  const note = root.querySelector("textarea");
  note.value = "The writer's view.";
  note.dispatchEvent(new window.Event("input"));
  press("Send");
  await settle();
  assert.deepEqual(sent, [{ readerLabel: "opinion", note: "The writer's view." }]);
  assert.equal(said(), "Thanks, sent.");
  assert.deepEqual(buttons().map((b) => b.textContent), [], "one correction per sentence");
});

test("Yes confirms the model's own label", async () => {
  const { sent, press, said } = control({ ok: true, value: { id: 2 } });
  press("Yes");
  await settle();
  assert.deepEqual(sent, [{ readerLabel: SENTENCE.label, note: "" }]);
  assert.equal(said(), "Thanks, sent.");
});

const FAILURES = [
  [{ kind: "unreachable", message: "cannot be reached" }, ["The sourcecheck server is not running", "sourcecheck serve"]],
  [{ kind: "problem", status: 401, message: "Unauthorized" }, ["Wrong or missing API key", "options page"]],
  [{ kind: "problem", status: 429, retryAfter: 30, message: "Too many" }, ["Too many corrections", "wait 30 seconds"]],
  [{ kind: "problem", status: 503, message: "The feedback database cannot be reached." }, ["The correction was not sent (HTTP 503)"]],
];

for (const [error, words] of FAILURES) {
  test(`a failure is said in plain words: ${words[0]}`, async () => {
    const { sent, press, said, buttons } = control({ ok: false, error });
    press("Yes");
    await settle();
    for (const part of words) assert.ok(said().includes(part), `${said()} lacks ${part}`);
    assert.ok(buttons().some((b) => b.textContent === "Try again"));
    press("Try again");
    await settle();
    assert.equal(sent.length, 2);
  });
}

test("nothing in the tooltip is parsed as HTML", () => {
  const content = readFileSync(new URL("extension/content.js", ROOT), "utf-8");
  for (const source of [...SOURCES, content]) assert.ok(!/innerHTML|outerHTML|insertAdjacentHTML|DOMParser/.test(source));
});

test("a page the server will not read for its language says so, with the language", () => {
  const error = { kind: "problem", status: 422, type: "not-english", message: "The article is written in another language (ISO 639 code 'de')." };
  const words = load().SOURCECHECK_ERRORS.words(error);
  assert.equal(words.title, "This article is not in English");
  assert.ok(words.detail.includes("'de'"));
  assert.ok(words.help.includes("English news only"));
});
