// "Is this right?": the part of a sentence's tooltip where the reader confirms its label or
// says which it is, sent once per sentence per page view. Built with createElement and
// textContent only: nothing is parsed as HTML. Loaded as a classic script in the page,
// before content.js.
/* global SOURCECHECK_ERRORS */
globalThis.SOURCECHECK_FEEDBACK = (() => {
  // The labels in the reader's words, in the order they are offered.
  const CHOICES = Object.freeze({
    unattributed: "No source given",
    opinion: "Writer's opinion",
    attributed: "Source named",
    neutral: "Neither",
  });
  const NOTE_MAX_CHARS = 500; // the API's limit on a note
  const ASK = "ask"; // Yes / No
  const CHOOSE = "choose"; // the other labels and a note
  const SENDING = "sending";
  const SENT = "sent";
  const FAILED = "failed";
  let ids = 0; // for the ids that tie labels to their fields inside one tooltip

  function element(tag, attributes = {}, text = "") {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    if (text) node.textContent = text;
    return node;
  }

  function button(text, onClick, attributes = {}) {
    const node = element("button", { type: "button", ...attributes }, text);
    node.addEventListener("click", onClick);
    return node;
  }

  // What the reader is told about a reply from the service worker.
  function replyWords(reply) {
    if (reply && reply.ok) return ["Thanks, sent."];
    const error = reply ? reply.error : { kind: "error", message: "No answer from the extension." };
    const words = SOURCECHECK_ERRORS.words(error, SOURCECHECK_ERRORS.CORRECTION);
    return [words.title, words.help || words.detail].filter(Boolean);
  }

  function askRow(sentence, act) {
    const question = element("p", { class: "ask", id: `sourcecheck-ask-${++ids}` }, "Is this right?");
    const row = element("div", { class: "row", role: "group", "aria-labelledby": question.id });
    const no = button("No", () => act.toggleChoices(), { "aria-expanded": "false" });
    row.append(button("Yes", () => act.send(sentence.label, "")), no);
    return { parts: [question, row], no };
  }

  function choiceFields(sentence, state, act) {
    const fieldset = element("fieldset", { class: "choices" });
    fieldset.append(element("legend", {}, "What is it?"));
    const group = `sourcecheck-choice-${++ids}`;
    const send = button("Send", () => act.send(state.choice, state.note), { class: "send" });
    send.disabled = !state.choice;
    for (const [label, words] of Object.entries(CHOICES)) {
      if (label === sentence.label) continue;
      const radio = element("input", { type: "radio", name: group, value: label });
      radio.checked = state.choice === label;
      radio.addEventListener("change", () => {
        state.choice = label;
        send.disabled = false;
      });
      const option = element("label", { class: "choice" });
      option.append(radio, document.createTextNode(` ${words}`));
      fieldset.append(option);
    }
    const noteId = `sourcecheck-note-${++ids}`;
    const note = element("textarea", { id: noteId, maxlength: String(NOTE_MAX_CHARS), rows: "2" });
    note.value = state.note;
    note.addEventListener("input", () => (state.note = note.value));
    fieldset.append(element("label", { for: noteId, class: "note-label" }, "Note (optional)"), note, send);
    return [fieldset];
  }

  function resultLines(state, act) {
    const lines = state.said.map((line, index) => element("p", { class: index ? "help" : "said" }, line));
    if (state.step === FAILED) lines.push(button("Try again", act.retry));
    return lines;
  }

  // The control for one sentence, kept for the page view and put back in its tooltip each time
  // it opens. `send(readerLabel, note)` resolves the service worker's reply; `changed()` is told
  // whenever the control changed size.
  function control(sentence, { send, changed }) {
    const state = { step: ASK, choice: null, note: "", said: [], last: null };
    const root = element("div", { class: "feedback" });
    const controls = element("div");
    // Stays in place while its lines change, so focus on it survives and the result is read out.
    const status = element("div", { class: "result", role: "status", tabindex: "-1" });
    root.append(controls, status);
    const act = {
      toggleChoices() {
        state.step = state.step === CHOOSE ? ASK : CHOOSE;
        draw();
        if (state.step === CHOOSE) root.querySelector("input[type=radio]").focus({ preventScroll: true });
      },
      send: (readerLabel, note) => deliver({ readerLabel, note }),
      retry: () => deliver(state.last),
    };
    const ask = askRow(sentence, act);
    controls.append(...ask.parts);

    // Only what changed is replaced: a node taken out with focus in it would close the tooltip.
    function draw() {
      const asking = state.step === ASK || state.step === CHOOSE;
      ask.no.setAttribute("aria-expanded", String(state.step === CHOOSE));
      controls.querySelector(".choices")?.remove();
      if (state.step === CHOOSE) controls.append(...choiceFields(sentence, state, act));
      controls.hidden = !asking;
      status.replaceChildren(...(asking ? [] : resultLines(state, act)));
      changed();
    }

    async function deliver(correction) {
      const hadFocus = root.contains(root.getRootNode().activeElement ?? null);
      state.last = correction;
      state.step = SENDING;
      state.said = ["Sending…"];
      if (hadFocus) status.focus({ preventScroll: true }); // before its button goes
      draw();
      const reply = await send(correction.readerLabel, correction.note);
      state.step = reply && reply.ok ? SENT : FAILED;
      state.said = replyWords(reply);
      draw();
    }

    draw();
    return root;
  }

  return Object.freeze({ CHOICES, NOTE_MAX_CHARS, control, replyWords });
})();
