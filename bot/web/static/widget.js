/*
 * The doctor-support chat widget: one custom element in an open Shadow DOM, styled with a constructable
 * stylesheet (so it works under a host's strict CSP), text-only rendering, no cookies, no framework.
 *
 * Embedding, one tag:
 *   <script src="https://assistant.example/widget.js" data-server="https://assistant.example" defer></script>
 * data- options: data-lang ("en" | "nb"), data-color (accent colour), data-position ("right" | "left"),
 * data-exit-url (where "quick exit" goes). The standalone page uses <doctor-support-chat mode="page">.
 *
 * Privacy: a random conversation id lives in sessionStorage (this tab only), created at the first message;
 * the transcript is kept there too, so a reload keeps the conversation. Quick exit and "delete my
 * conversation" clear both; delete also removes the conversation on the server.
 */
(() => {
  "use strict";

  const script = document.currentScript;
  const options = (script && script.dataset) || {};
  const SERVER = (options.server || (script ? new URL(script.src, location.href).origin : location.origin)).replace(/\/$/, "");
  const STORE_KEY = "doctor-support:" + SERVER;
  const EXIT_URL = options.exitUrl || "https://www.yr.no/";
  // Not across days: the server deletes conversations after a day, so an older one is not shown again.
  const KEEP_MS = 24 * 60 * 60 * 1000;
  // What the page's language switch sends, silently, so a conversation going on goes on in the page's new language
  // (the assistant asks the open question again in it: bot/core/form.py).
  const SWITCH_WORDS = { nb: "på norsk", en: "in English" };

  const LABELS = {
    en: {
      title: "Support for doctors",
      subtitle: "Anonymous self-assessment",
      banner: "In acute danger call 113. Legevakt 116 117. Mental Helse, any hour: 116 123.",
      log: "Conversation",
      input: "Your message",
      send: "Send",
      typing: "The assistant is writing…",
      exit: "Quick exit",
      exitHint: "Leave this page at once and clear the conversation from this browser",
      del: "Delete my conversation",
      deleted: "Your conversation was deleted, here and on the server.",
      deleteFailed: "The conversation could not be deleted on the server just now. Please try again.",
      retry: "Try again",
      failed: "Your message was not sent: the connection failed. Your words are still in the box.",
      reconnecting: "Connecting again…",
      tooLong: "Please keep a message under 2000 characters.",
      open: "Talk about how you are doing (anonymous). Acute danger: 113",
      close: "Close the chat",
      you: "You",
      bot: "Assistant",
    },
    nb: {
      title: "Støtte for leger",
      subtitle: "Anonym egenvurdering",
      banner: "Ved akutt fare: ring 113. Legevakt: 116 117. Mental Helse (hele døgnet): 116 123.",
      log: "Samtale",
      input: "Din melding",
      send: "Send",
      typing: "Assistenten skriver…",
      exit: "Forlat siden",
      exitHint: "Forlat siden med en gang og slett samtalen fra denne nettleseren",
      del: "Slett samtalen min",
      deleted: "Samtalen din er slettet, både her og på serveren.",
      deleteFailed: "Det gikk ikke å slette samtalen på serveren akkurat nå. Prøv igjen.",
      retry: "Prøv igjen",
      failed: "Meldingen ble ikke sendt fordi forbindelsen ble brutt. Teksten din står fortsatt i feltet.",
      reconnecting: "Kobler til igjen…",
      tooLong: "Meldingen kan ha høyst 2000 tegn.",
      open: "Snakk om hvordan du har det (anonymt). Akutt fare: ring 113",
      close: "Lukk chatten",
      you: "Du",
      bot: "Assistent",
    },
  };

  // Waits before trying a message again by itself (about 11 s in all: a web server restarts in less).
  const RETRY_DELAYS_MS = [1000, 3000, 7000];
  const RETRIED_STATUS = [429, 502, 503, 504];

  const CSS = `
    :host { --accent: #00508c; --accent-text: #ffffff; --bg: #ffffff; --text: #1a1a1a; --muted: #4a4a4a;
      --bot-bg: #eef2f6; --me-bg: #00508c; --me-text: #ffffff; --danger: #a4161a;
      font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 1rem; color: var(--text); }
    * { box-sizing: border-box; }
    .panel { display: flex; flex-direction: column; height: 100%; background: var(--bg); }
    :host([mode="page"]) .panel { min-height: 20rem; }
    :host(:not([mode="page"])) .panel { position: fixed; bottom: 5.5rem; right: 1rem; width: min(26rem, calc(100vw - 2rem));
      height: min(40rem, calc(100vh - 7rem)); border-radius: 0.75rem; box-shadow: 0 0.5rem 2rem rgba(0,0,0,.25);
      z-index: 2147483000; overflow: hidden; }
    :host([position="left"]:not([mode="page"])) .panel { right: auto; left: 1rem; }
    .panel[hidden] { display: none; }
    header { background: var(--accent); color: var(--accent-text); padding: 0.5rem 0.75rem; display: flex;
      align-items: center; gap: 0.5rem; flex-wrap: wrap; }
    header h1, header h2 { margin: 0; font-size: 1.05rem; flex: 1 1 auto; }
    header p { margin: 0; font-size: 0.85rem; width: 100%; order: 3; }
    .banner { background: #fff4e5; color: #3d2600; border-bottom: 1px solid #e0c9a6; padding: 0.5rem 0.75rem;
      font-size: 0.95rem; font-weight: 600; }
    .banner a { color: #3d2600; }
    .log { flex: 1 1 auto; overflow-y: auto; padding: 0.75rem; display: flex; flex-direction: column; gap: 0.5rem; }
    .msg { margin: 0; max-width: 85%; padding: 0.5rem 0.75rem; border-radius: 0.75rem; white-space: pre-wrap; overflow-wrap: anywhere;
      line-height: 1.4; }
    .msg.bot { background: var(--bot-bg); align-self: flex-start; }
    .msg.me { background: var(--me-bg); color: var(--me-text); align-self: flex-end; }
    .msg.note { background: transparent; color: var(--muted); font-style: italic; align-self: center; text-align: center; }
    .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
    .choices { display: flex; flex-wrap: wrap; gap: 0.5rem; align-self: flex-start; }
    button { font: inherit; min-height: 2.75rem; min-width: 2.75rem; padding: 0.4rem 0.8rem; border-radius: 0.5rem;
      cursor: pointer; border: 2px solid var(--accent); background: var(--bg); color: var(--accent); }
    button.primary { background: var(--accent); color: var(--accent-text); }
    header button { border-color: var(--accent-text); background: transparent; color: var(--accent-text); }
    header button.exit { background: var(--danger); border-color: #ffffff; color: #ffffff; font-weight: 700; }
    button:focus-visible, textarea:focus-visible, a:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
    .typing { color: var(--muted); font-style: italic; padding: 0 0.75rem 0.25rem; min-height: 1.5rem; }
    .typing span { display: inline-block; animation: blink 1.2s infinite; }
    @keyframes blink { 50% { opacity: 0.3; } }
    @media (prefers-reduced-motion: reduce) { .typing span { animation: none; } }
    form { display: flex; gap: 0.5rem; padding: 0.5rem 0.75rem 0.75rem; border-top: 1px solid #d0d7de; flex-wrap: wrap; }
    label.sr { }
    textarea { flex: 1 1 12rem; font: inherit; min-height: 2.75rem; max-height: 8rem; padding: 0.5rem; border: 2px solid #5a6570;
      border-radius: 0.5rem; resize: vertical; color: var(--text); background: var(--bg); }
    .tools { display: flex; justify-content: flex-end; padding: 0 0.75rem 0.5rem; }
    .tools button { border-color: #5a6570; color: #333; font-size: 0.9rem; }
    .launcher { position: fixed; bottom: 1rem; right: 1rem; z-index: 2147483000; background: var(--accent);
      color: var(--accent-text); border-color: var(--accent); border-radius: 2rem; padding: 0.6rem 1rem; max-width: calc(100vw - 2rem);
      box-shadow: 0 0.25rem 1rem rgba(0,0,0,.25); }
    :host([position="left"]) .launcher { right: auto; left: 1rem; }
  `;

  function newConversationId() {
    const bytes = new Uint8Array(18);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  class DoctorSupportChat extends HTMLElement {
    constructor() {
      super();
      this.attachShadow({ mode: "open" });
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      this.shadowRoot.adoptedStyleSheets = [sheet];
      this.state = this.load();
      this.busy = false;
    }

    // "nb" or "en": data-lang, else the page's own language. The conversation starts in it (sent with the first,
    // silent greeting); from then on the doctor's own words decide.
    get lang() {
      const lang = (this.getAttribute("lang") || options.lang || document.documentElement.lang || "en").slice(0, 2);
      return lang === "nb" || lang === "no" || lang === "nn" ? "nb" : "en";
    }

    get labels() {
      return LABELS[this.lang];
    }

    load() {
      try {
        const saved = JSON.parse(sessionStorage.getItem(STORE_KEY) || "null");
        const fresh = saved && typeof saved.updated === "number" && Date.now() - saved.updated < KEEP_MS;
        if (fresh && typeof saved.id === "string" && Array.isArray(saved.transcript)) return saved;
      } catch (_) { /* a broken entry is simply not used */ }
      return { id: null, transcript: [] };
    }

    save() {
      this.state.updated = Date.now();
      try { sessionStorage.setItem(STORE_KEY, JSON.stringify(this.state)); } catch (_) { /* private mode: keep in memory */ }
    }

    forget() {
      try { sessionStorage.removeItem(STORE_KEY); } catch (_) { /* nothing stored */ }
      this.state = { id: null, transcript: [] };
    }

    connectedCallback() {
      if (this.shadowRoot.childElementCount) return;
      const L = this.labels;
      if (options.color && /^#[0-9a-fA-F]{3,8}$/.test(options.color)) this.style.setProperty("--accent", options.color);
      if (options.position === "left") this.setAttribute("position", "left");
      const page = this.getAttribute("mode") === "page";

      // The widget's own language on its text, so a screen reader on a host page in another language reads it
      // with the right voice; a reply in the other language carries its own (render).
      this.panel = el("section", { class: "panel", "aria-label": L.title, lang: this.lang });
      const header = el("header");
      header.append(el(page ? "h1" : "h2", {}, L.title));
      this.exitButton = el("button", { type: "button", class: "exit", title: L.exitHint }, L.exit);
      this.exitButton.addEventListener("click", () => this.quickExit());
      header.append(this.exitButton);
      if (!page) {
        const close = el("button", { type: "button", "aria-label": L.close }, "×");
        close.addEventListener("click", () => this.toggle(false));
        header.append(close);
      }
      header.append(el("p", {}, L.subtitle));

      const banner = el("p", { class: "banner", role: "note" }, L.banner);
      this.log = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-label": L.log, tabindex: "0" });
      this.typing = el("div", { class: "typing", role: "status" });

      const form = el("form");
      const inputId = "dsc-input";
      form.append(el("label", { class: "sr", for: inputId }, L.input));
      this.input = el("textarea", { id: inputId, rows: "1", maxlength: "2000", autocomplete: "off" });
      this.input.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
      });
      this.sendButton = el("button", { type: "submit", class: "primary" }, L.send);
      form.append(this.input, this.sendButton);
      form.addEventListener("submit", (event) => { event.preventDefault(); this.send(this.input.value, true); });

      const tools = el("div", { class: "tools" });
      const del = el("button", { type: "button" }, L.del);
      del.addEventListener("click", () => this.deleteConversation());
      tools.append(del);

      this.panel.append(header, banner, this.log, this.typing, form, tools);
      this.shadowRoot.append(this.panel);
      if (!page) {
        this.launcher = el("button", { type: "button", class: "launcher", "aria-expanded": "false", lang: this.lang }, L.open);
        this.launcher.addEventListener("click", () => this.toggle(this.panel.hidden));
        this.shadowRoot.append(this.launcher);
        this.panel.hidden = !this.state.id;
        this.launcher.setAttribute("aria-expanded", String(!this.panel.hidden));
      }
      for (const item of this.state.transcript) this.render(item, false);
      if (!this.state.transcript.length && page) this.send("hello", false);
      if (page && this.state.transcript.length) this.followPageLanguage();
    }

    // The page was loaded again in the other language (its switch): the conversation follows, once. A plain reload
    // in the same page language changes nothing, even when the doctor's own words took the conversation elsewhere.
    followPageLanguage() {
      const before = this.state.pageLang;
      this.state.pageLang = this.lang;
      this.save();
      if (before && before !== this.lang && this.state.lang && this.state.lang !== this.lang) {
        this.send(SWITCH_WORDS[this.lang], false);
      }
    }

    toggle(open) {
      this.panel.hidden = !open;
      this.launcher.setAttribute("aria-expanded", String(open));
      if (open) {
        this.input.focus();
        if (!this.state.transcript.length) this.send("hello", false);
      } else {
        this.launcher.focus();
      }
    }

    render(item, store) {
      const L = this.labels;
      if (item.from === "note") {
        this.log.append(el("p", { class: "msg note" }, item.text));
      } else {
        const bubble = el("p", { class: "msg " + (item.from === "me" ? "me" : "bot") });
        if (item.lang === "nb" || item.lang === "en") bubble.setAttribute("lang", item.lang);
        bubble.append(el("span", { class: "sr" }, (item.from === "me" ? L.you : L.bot) + ": "));
        bubble.append(document.createTextNode(item.text || ""));
        this.log.append(bubble);
      }
      if (store) { this.state.transcript.push(item); this.save(); }
      this.log.scrollTop = this.log.scrollHeight;
    }

    showChoices(buttons) {
      this.clearChoices();
      if (!buttons || !buttons.length) return;
      this.choices = el("div", { class: "choices", role: "group" });
      for (const choice of buttons) {
        const b = el("button", { type: "button" }, choice.title);
        b.addEventListener("click", () => this.send(choice.payload, false, choice.title));
        this.choices.append(b);
      }
      this.log.append(this.choices);
      this.log.scrollTop = this.log.scrollHeight;
    }

    clearChoices() {
      if (this.choices) { this.choices.remove(); this.choices = null; }
    }

    setTyping(on, note) {
      this.typing.textContent = "";
      if (on) this.typing.append(el("span", {}, note || this.labels.typing));
    }

    // One message to the server. A dropped phone connection, a server restarting or a moment of overload is
    // tried again by itself (RETRY_DELAYS_MS); only then is the doctor asked to press "Try again".
    async post(message, lang) {
      for (let attempt = 0; ; attempt++) {
        let reply = null;
        try {
          reply = await fetch(SERVER + "/api/message", {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ sender: this.state.id, message, lang }),
            credentials: "omit",
            referrerPolicy: "no-referrer",
          });
        } catch (error) {
          if (attempt >= RETRY_DELAYS_MS.length) throw error;
        }
        if (reply && !RETRIED_STATUS.includes(reply.status)) return reply;
        if (attempt >= RETRY_DELAYS_MS.length) return reply;
        let wait = RETRY_DELAYS_MS[attempt];
        if (reply && reply.status === 429) wait = Math.min(10, Number(reply.headers.get("Retry-After")) || 2) * 1000;
        this.setTyping(true, this.labels.reconnecting);
        await new Promise((resolve) => setTimeout(resolve, wait));
        this.setTyping(true);
      }
    }

    async send(text, fromInput, shownAs) {
      const L = this.labels;
      const message = (text || "").trim();
      if (!message || this.busy) return;
      if (message.length > 2000) { this.render({ from: "note", text: L.tooLong }, false); return; }
      if (!this.state.id) { this.state.id = newConversationId(); this.save(); }
      this.busy = true;
      this.sendButton.disabled = true;
      if (this.retryNote) { this.retryNote.remove(); this.retryNote = null; }
      const silent = !fromInput && !shownAs;  // the greeting that opens a conversation
      if (!silent) { this.clearChoices(); this.render({ from: "me", text: shownAs || message }, true); }
      this.setTyping(true);
      try {
        // Every message carries the language the doctor is reading (the greeting's: the page's), which the assistant
        // takes only when the words cannot tell ("ja", "ok"): so a restart, which forgets the language, keeps it.
        const reply = await this.post(message, silent ? this.lang : this.state.lang || this.lang);
        if (silent) this.state.lang = this.state.pageLang = this.lang;  // the greeting or a switch: in this language
        if (!reply.ok) {
          let said = "";
          try { said = (await reply.json()).error || ""; } catch (_) { /* not JSON: the general note */ }
          const error = new Error("status " + reply.status);
          if (reply.status >= 400 && reply.status < 500 && said) error.note = said;
          throw error;
        }
        const data = await reply.json();
        if (fromInput) this.input.value = "";
        let buttons = [];
        for (const m of data.messages || []) {
          if (m.lang === "nb" || m.lang === "en") this.state.lang = m.lang;  // the language the conversation is in
          if (m.text) this.render({ from: "bot", text: m.text, lang: m.lang }, true);
          if (m.buttons && m.buttons.length) buttons = m.buttons;
        }
        this.showChoices(buttons);
      } catch (error) {
        if (!silent) {
          // The message did not get through: take its bubble back out; the words stay in the box to send again.
          this.state.transcript.pop();
          this.save();
          if (this.log.lastElementChild) this.log.lastElementChild.remove();
        }
        if (fromInput) this.input.value = message;
        this.retryNote = el("div", { class: "choices" });
        this.retryNote.append(el("p", { class: "msg note", role: "alert" }, (error && error.note) || L.failed));
        const again = el("button", { type: "button" }, L.retry);
        again.addEventListener("click", () => this.send(fromInput ? this.input.value : message, fromInput, shownAs));
        this.retryNote.append(again);
        this.log.append(this.retryNote);
      } finally {
        this.setTyping(false);
        this.busy = false;
        this.sendButton.disabled = false;
      }
    }

    async deleteConversation() {
      const L = this.labels;
      const id = this.state.id;
      if (id) {
        try {
          const reply = await fetch(SERVER + "/api/conversations/" + encodeURIComponent(id), {
            method: "DELETE", credentials: "omit", referrerPolicy: "no-referrer",
          });
          if (!reply.ok) throw new Error("status " + reply.status);
        } catch (_) {
          this.log.append(el("p", { class: "msg note", role: "alert" }, L.deleteFailed));
          return;
        }
      }
      this.forget();
      this.clearChoices();
      this.log.replaceChildren(el("p", { class: "msg note" }, L.deleted));
    }

    quickExit() {
      this.forget();
      this.log.replaceChildren();
      location.replace(EXIT_URL);
    }
  }

  if (!customElements.get("doctor-support-chat")) customElements.define("doctor-support-chat", DoctorSupportChat);
  if (options.mode !== "page" && !document.querySelector("doctor-support-chat")) {
    const mount = () => document.body.append(document.createElement("doctor-support-chat"));
    if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
  }
})();
