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
      banner: "Acute danger: 113 · Legevakt 116 117 · Mental Helse, any hour: 116 123",
      log: "Conversation",
      input: "Your message",
      choices: "Answer choices",
      progress: (n, of) => `Question ${n} of ${of}`,
      crisis: "Help now",
      send: "Send",
      typing: "The assistant is writing…",
      exit: "Quick exit",
      exitHint: "Leave this page at once and clear the conversation from this browser",
      del: "Delete my conversation",
      delShort: "Delete",
      confirm: "Delete this conversation, here and on the server?",
      confirmYes: "Delete",
      cancel: "Cancel",
      restart: "Start again",
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
      banner: "Akutt fare: 113 · Legevakt 116 117 · Mental Helse, hele døgnet: 116 123",
      log: "Samtale",
      input: "Din melding",
      choices: "Svaralternativer",
      progress: (n, of) => `Spørsmål ${n} av ${of}`,
      crisis: "Hjelp nå",
      send: "Send",
      typing: "Assistenten skriver…",
      exit: "Forlat siden",
      exitHint: "Forlat siden med en gang og slett samtalen fra denne nettleseren",
      del: "Slett samtalen min",
      delShort: "Slett",
      confirm: "Vil du slette samtalen, både her og på serveren?",
      confirmYes: "Slett",
      cancel: "Avbryt",
      restart: "Start på nytt",
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

  // The banner's numbers, as links (the relay does the same for the assistant's messages from the content file).
  const BANNER_LINKS = [
    { text: "113", href: "tel:113" },
    { text: "116 117", href: "tel:116117" },
    { text: "116 123", href: "tel:116123" },
  ];
  const SAFE_HREF = /^(tel:\+?[0-9]{3,15}|https:\/\/[a-z0-9.-]+\.[a-z]{2,}(\/[^\s"<>]*)?)$/i;

  // The focus ring: a dark ring with a light gap on light backgrounds, a light one with a dark gap on the accent
  // header (at least 3:1 against each: white, the bot bubble grey, the header blue, the red exit button).
  const CSS = `
    :host { --accent: #00508c; --accent-text: #ffffff; --bg: #ffffff; --text: #1a1a1a; --muted: #4a4a4a;
      --bot-bg: #eef2f6; --me-bg: #00508c; --me-text: #ffffff; --danger: #a4161a; --ring: #0b0c0c; --ring-gap: #ffffff;
      font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 1rem; color: var(--text); }
    * { box-sizing: border-box; }
    [hidden] { display: none !important; }
    .panel { display: flex; flex-direction: column; height: 100%; background: var(--bg); }
    :host([mode="page"]) .panel { min-height: 20rem; }
    :host(:not([mode="page"])) .panel { position: fixed; bottom: 1rem; right: 1rem; width: min(26rem, calc(100vw - 2rem));
      height: min(44rem, calc(100vh - 2rem)); height: min(44rem, calc(100dvh - 2rem)); border-radius: 0.75rem;
      box-shadow: 0 0.5rem 2rem rgba(0,0,0,.25); z-index: 2147483000; overflow: hidden; }
    :host([position="left"]:not([mode="page"])) .panel { right: auto; left: 1rem; }
    header { --ring: #ffffff; --ring-gap: #0b0c0c; background: var(--accent); color: var(--accent-text);
      padding: 0.375rem 0.5rem 0.375rem 0.75rem; display: flex; align-items: center; gap: 0.375rem; flex-wrap: wrap; }
    header h1, header h2 { margin: 0; font-size: 1.05rem; line-height: 1.2; flex: 1 1 6rem; min-width: 0; }
    header .subtitle { margin: 0; font-size: 0.85rem; width: 100%; order: 3; }
    header button { padding: 0.3rem 0.6rem; font-size: 0.95rem; }
    .banner { background: #fff4e5; color: #3d2600; border-bottom: 1px solid #e0c9a6; padding: 0.375rem 0.75rem;
      font-size: 0.95rem; font-weight: 600; margin: 0; line-height: 1.45; }
    .banner a { color: #3d2600; }
    a { color: #00467a; white-space: nowrap; text-underline-offset: 0.15em; }
    .confirm { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; padding: 0.5rem 0.75rem;
      background: #fdecea; border-bottom: 1px solid #e3a3a0; }
    .confirm p { margin: 0; flex: 1 1 100%; font-weight: 600; }
    .confirm button.danger { background: var(--danger); border-color: var(--danger); color: #ffffff; }
    .log { position: relative; flex: 1 1 auto; min-height: 6rem; overflow-y: auto; padding: 0.75rem; display: flex;
      flex-direction: column; gap: 0.5rem; }
    .msg { margin: 0; max-width: 85%; padding: 0.5rem 0.75rem; border-radius: 0.75rem; white-space: pre-wrap; overflow-wrap: anywhere;
      line-height: 1.4; }
    .msg.bot { background: var(--bot-bg); align-self: flex-start; }
    .msg.me { background: var(--me-bg); color: var(--me-text); align-self: flex-end; }
    .msg.note { background: transparent; color: var(--muted); font-style: italic; align-self: center; text-align: center; }
    .msg.crisis { background: #fff4f4; border: 3px solid var(--danger); max-width: 100%; align-self: stretch; white-space: normal; }
    .msg.crisis h2, .msg.crisis h3 { margin: 0 0 0.375rem; font-size: 1.15rem; color: #7a0f12; }
    .msg.crisis p { margin: 0 0 0.5rem; }
    .msg.crisis ul { list-style: none; margin: 0 0 0.5rem; padding: 0; display: flex; flex-direction: column; gap: 0.25rem; }
    .msg.crisis li { line-height: 1.5; }
    a.call { display: inline-flex; vertical-align: middle; margin: 0.125rem 0; align-items: center; justify-content: center; min-height: 2.75rem; min-width: 2.75rem;
      padding: 0.25rem 0.75rem; border: 2px solid var(--danger); border-radius: 0.5rem; background: #ffffff; color: #7a0f12;
      font-size: 1.15rem; font-weight: 700; text-decoration: none; }
    .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
    .panel > * { flex: 0 0 auto; }
    .panel > .log { flex: 1 1 auto; }
    .choices { display: flex; flex-wrap: wrap; gap: 0.5rem; padding: 0.5rem 0.75rem; max-height: 40%; overflow-y: auto;
      border-top: 1px solid #d0d7de; }
    .retry { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
    button { font: inherit; min-height: 2.75rem; min-width: 2.75rem; padding: 0.4rem 0.8rem; border-radius: 0.5rem;
      cursor: pointer; border: 2px solid var(--accent); background: var(--bg); color: var(--accent); }
    button[aria-disabled="true"] { opacity: 0.6; cursor: progress; }
    button.primary { background: var(--accent); color: var(--accent-text); }
    header button { border-color: var(--accent-text); background: transparent; color: var(--accent-text); }
    header button.exit { background: var(--danger); border-color: #ffffff; color: #ffffff; font-weight: 700; }
    :focus-visible { outline: 3px solid var(--ring); outline-offset: 2px; box-shadow: 0 0 0 2px var(--ring-gap); }
    .log:focus-visible { outline-offset: -3px; box-shadow: none; }
    .typing { color: var(--muted); font-style: italic; padding: 0 0.75rem; }
    .typing span { display: inline-block; animation: blink 1.2s infinite; }
    @keyframes blink { 50% { opacity: 0.3; } }
    @media (prefers-reduced-motion: reduce) { .typing span { animation: none; } }
    .progress:empty { padding: 0; }
    .progress { display: flex; align-items: center; gap: 0.5rem; padding: 0.25rem 0.75rem 0; font-size: 0.9rem; color: var(--muted); }
    .progress progress { flex: 1 1 auto; height: 0.5rem; accent-color: var(--accent); }
    form { display: flex; gap: 0.25rem 0.5rem; padding: 0.25rem 0.75rem 0.5rem; border-top: 1px solid #d0d7de; flex-wrap: wrap;
      align-items: flex-end; }
    form label { flex: 1 1 100%; font-size: 0.9rem; font-weight: 600; color: var(--muted); }
    textarea { flex: 1 1 12rem; font: inherit; min-height: 2.75rem; max-height: 8rem; padding: 0.5rem; border: 2px solid #5a6570;
      border-radius: 0.5rem; resize: vertical; color: var(--text); background: var(--bg); }
    .launcher { position: fixed; bottom: 1rem; right: 1rem; z-index: 2147483000; background: var(--accent);
      color: var(--accent-text); border-color: var(--accent); border-radius: 2rem; padding: 0.6rem 1rem; max-width: calc(100vw - 2rem);
      box-shadow: 0 0.25rem 1rem rgba(0,0,0,.25); }
    .launcher:focus-visible { box-shadow: 0 0 0 2px var(--ring-gap); }
    :host([position="left"]) .launcher { right: auto; left: 1rem; }
    @media (max-width: 36rem), (max-height: 36rem) {
      :host(:not([mode="page"])) .panel { inset: 0; width: 100%; height: 100vh; height: 100dvh; border-radius: 0; }
      header .subtitle { display: none; }
      header { flex-wrap: nowrap; }
      header h1, header h2 { font-size: 1rem; }
      header button { padding: 0.3rem 0.5rem; }
    }
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

  // Text with its links: the text is split at each link's own words, and every piece stays a text node (no HTML from
  // the server). A phone number becomes a tel: link, an address one that opens in a new tab.
  function linkified(text, links, callClass) {
    const out = [];
    const usable = (links || []).filter((l) => l && typeof l.text === "string" && l.text && SAFE_HREF.test(l.href || ""));
    let rest = text;
    while (rest) {
      let first = null;
      for (const link of usable) {
        const at = rest.indexOf(link.text);
        if (at >= 0 && (!first || at < first.at || (at === first.at && link.text.length > first.link.text.length))) {
          first = { at, link };
        }
      }
      if (!first) { out.push(document.createTextNode(rest)); break; }
      if (first.at) out.push(document.createTextNode(rest.slice(0, first.at)));
      const tel = first.link.href.startsWith("tel:");
      const a = el("a", { href: first.link.href }, first.link.text);
      if (!tel) { a.setAttribute("target", "_blank"); a.setAttribute("rel", "noopener noreferrer"); }
      if (tel && callClass) a.className = callClass;
      out.push(a);
      rest = rest.slice(first.at + first.link.text.length);
    }
    return out;
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
      const page = this.page = this.getAttribute("mode") === "page";

      // The widget's own language on its text, so a screen reader on a host page in another language reads it
      // with the right voice; a reply in the other language carries its own (render).
      this.panel = el("section", { class: "panel", "aria-label": L.title, lang: this.lang });
      const header = el("header");
      header.append(el(page ? "h1" : "h2", {}, L.title));
      // "Delete" in the header (no row of its own: on a phone every line goes to the conversation); it asks first.
      this.deleteButton = el("button", { type: "button", "aria-label": L.del, title: L.del }, L.delShort);
      this.deleteButton.addEventListener("click", () => this.askToDelete());
      this.exitButton = el("button", { type: "button", class: "exit", title: L.exitHint }, L.exit);
      this.exitButton.addEventListener("click", () => this.quickExit());
      header.append(this.deleteButton, this.exitButton);
      if (!page) {
        const close = el("button", { type: "button", "aria-label": L.close }, "×");
        close.addEventListener("click", () => this.toggle(false));
        header.append(close);
      }
      header.append(el("p", { class: "subtitle" }, L.subtitle));

      const banner = el("p", { class: "banner", role: "note" });
      banner.append(...linkified(L.banner, BANNER_LINKS));
      this.confirmBar = el("div", { class: "confirm", role: "group", "aria-labelledby": "dsc-confirm" });
      this.confirmBar.hidden = true;
      // The log is not a live region itself: new messages are read out once from `announcer` (politely), and a
      // crisis reply once by its own role="alert", never twice.
      this.log = el("div", { class: "log", role: "log", "aria-live": "off", "aria-label": L.log, tabindex: "0" });
      this.announcer = el("div", { class: "sr", role: "status" });
      this.choiceArea = el("div", { class: "choices", role: "group", "aria-label": L.choices });
      this.choiceArea.hidden = true;
      this.typing = el("div", { class: "typing", role: "status" });
      this.progressBox = el("div", { class: "progress", role: "status" });
      this.progressText = el("span", { id: "dsc-progress" });
      this.progressBar = el("progress", { "aria-labelledby": "dsc-progress" });

      const form = el("form");
      const inputId = "dsc-input";
      form.append(el("label", { for: inputId }, L.input));
      this.input = el("textarea", { id: inputId, rows: "1", maxlength: "2000", autocomplete: "off" });
      this.input.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
      });
      this.sendButton = el("button", { type: "submit", class: "primary" }, L.send);
      form.append(this.input, this.sendButton);
      form.addEventListener("submit", (event) => { event.preventDefault(); this.send(this.input.value, true); });

      this.panel.append(header, this.confirmBar, banner, this.log, this.choiceArea, this.typing, this.progressBox, form,
        this.announcer);
      this.shadowRoot.append(this.panel);
      if (!page) {
        this.launcher = el("button", { type: "button", class: "launcher", "aria-expanded": "false", lang: this.lang }, L.open);
        this.launcher.addEventListener("click", () => this.toggle(true));
        this.shadowRoot.append(this.launcher);
        // A reload does not open the panel by itself: the doctor opens it again (the conversation is kept).
        this.panel.hidden = true;
        this.panel.addEventListener("keydown", (event) => {
          if (event.key === "Escape") { event.preventDefault(); this.toggle(false); }
        });
      }
      this.restore();
      if (!this.state.transcript.length && page) this.send("hello", false);
      if (page && this.state.transcript.length) this.followPageLanguage();
    }

    // The transcript as it was, the open question's choices and progress too, read from the start of the last reply.
    restore() {
      let lastReply = null;
      let previous = null;
      for (const item of this.state.transcript) {
        const bubble = this.render(item, false, false);
        if (bubble && item.from === "bot" && (!previous || previous.from !== "bot")) lastReply = bubble;
        previous = item;
      }
      this.showChoices(this.state.choices || [], false);
      this.showProgress(this.state.progress || null);
      if (lastReply) this.scrollToStart(lastReply);
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
      this.launcher.hidden = open;  // the panel's own close button (and Escape) closes it
      this.launcher.setAttribute("aria-expanded", String(open));
      if (open) {
        if (this.state.transcript.length && this.log.lastElementChild) this.scrollToStart(this.firstOfLastReply());
        const first = this.choiceArea.querySelector("button");
        (first || this.input).focus();
        if (!this.state.transcript.length) this.send("hello", false);
      } else {
        this.launcher.focus();
      }
    }

    // One bubble. A reply is shown from its first line (scrollToStart), never scrolled past to the bottom.
    render(item, store, live) {
      const L = this.labels;
      let bubble;
      if (item.from === "note") {
        bubble = el("p", { class: "msg note" }, item.text);
        if (live) this.announce(item.text);
      } else if (item.from === "bot" && item.kind === "crisis") {
        bubble = this.crisisBubble(item, live);
      } else {
        bubble = el("p", { class: "msg " + (item.from === "me" ? "me" : "bot") });
        if (item.lang === "nb" || item.lang === "en") bubble.setAttribute("lang", item.lang);
        bubble.append(el("span", { class: "sr" }, (item.from === "me" ? L.you : L.bot) + ": "));
        bubble.append(...linkified(item.text || "", item.links));
        if (live && item.from === "bot") this.announce(item.text, item.lang);
      }
      this.log.append(bubble);
      if (store) { this.state.transcript.push(item); this.save(); }
      return bubble;
    }

    // The crisis reply: a heading, the numbers as large tap targets in their own list, then the offer of a person.
    // Announced once, assertively (role="alert", only when it arrives: not again after a reload).
    crisisBubble(item, live) {
      const L = this.labels;
      const lang = item.lang === "nb" || item.lang === "en" ? item.lang : this.lang;
      const bubble = el("div", { class: "msg bot crisis", lang });
      if (live) bubble.setAttribute("role", "alert");
      bubble.append(el(this.page ? "h2" : "h3", {}, LABELS[lang].crisis));
      let list = null;
      for (const line of (item.text || "").split(/\n+/)) {
        const bullet = /^\s*[•*-]\s*/.exec(line);
        if (bullet) {
          if (!list) { list = el("ul"); bubble.append(list); }
          const li = el("li");
          li.append(...linkified(line.slice(bullet[0].length), item.links, "call"));
          list.append(li);
        } else if (line.trim()) {
          list = null;
          const p = el("p");
          p.append(...linkified(line, item.links, "call"));
          bubble.append(p);
        }
      }
      bubble.prepend(el("span", { class: "sr" }, L.bot + ": "));
      return bubble;
    }

    announce(text, lang) {
      const line = el("p", lang ? { lang } : {}, text);
      this.announcer.replaceChildren(line);
    }

    // The start of `bubble` at the top of the transcript (as far as the transcript can scroll).
    scrollToStart(bubble) {
      if (!bubble) return;
      this.log.scrollTop = Math.max(0, bubble.offsetTop - 8);
    }

    firstOfLastReply() {
      let node = this.log.lastElementChild;
      while (node && node.previousElementSibling && !node.previousElementSibling.classList.contains("me")) {
        node = node.previousElementSibling;
      }
      return node;
    }

    // The open question's choices, below the transcript (not in the log: they are not read out with each message).
    showChoices(buttons, store = true) {
      this.choiceArea.replaceChildren();
      const usable = (buttons || []).filter((b) => b && typeof b.title === "string" && typeof b.payload === "string");
      for (const choice of usable) {
        const b = el("button", { type: "button" }, choice.title);
        b.addEventListener("click", () => this.send(choice.payload, false, choice.title));
        this.choiceArea.append(b);
      }
      this.choiceArea.hidden = !usable.length;
      this.choiceArea.removeAttribute("aria-busy");
      if (store) { this.state.choices = usable; this.save(); }
    }

    clearChoices() {
      this.showChoices([]);
    }

    // While an answer given with a button is on its way, its choices stay (focus stays on the button) but do nothing.
    pendChoices(pending) {
      for (const b of this.choiceArea.querySelectorAll("button")) {
        if (pending) b.setAttribute("aria-disabled", "true"); else b.removeAttribute("aria-disabled");
      }
      if (pending) this.choiceArea.setAttribute("aria-busy", "true"); else this.choiceArea.removeAttribute("aria-busy");
    }

    // "Question 4 of 10" with a bar, above the text box; hidden when a reply does not say.
    showProgress(progress, store = false) {
      const ok = progress && Number.isInteger(progress.question) && Number.isInteger(progress.of) &&
        progress.question >= 1 && progress.question <= progress.of;
      // The status region itself stays (a live region that appears is not read out); its content comes and goes.
      if (ok) {
        this.progressText.textContent = this.labels.progress(progress.question, progress.of);
        this.progressBar.max = progress.of;
        this.progressBar.value = progress.question;
        this.progressBox.replaceChildren(this.progressText, this.progressBar);
      } else {
        this.progressBox.replaceChildren();
      }
      if (store) { this.state.progress = ok ? progress : null; this.save(); }
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
      if (message.length > 2000) { this.render({ from: "note", text: L.tooLong }, false, true); return; }
      if (!this.state.id) { this.state.id = newConversationId(); this.save(); }
      this.busy = true;
      this.sendButton.disabled = true;
      if (this.retryNote) { this.retryNote.remove(); this.retryNote = null; }
      const silent = !fromInput && !shownAs;  // the greeting that opens a conversation
      if (shownAs) this.pendChoices(true);
      else if (!silent) this.clearChoices();
      if (!silent) {
        this.render({ from: "me", text: shownAs || message }, true, false);
        this.log.scrollTop = this.log.scrollHeight;
      }
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
        let first = null;
        for (const m of data.messages || []) {
          if (m.lang === "nb" || m.lang === "en") this.state.lang = m.lang;  // the language the conversation is in
          if (m.text) {
            const item = { from: "bot", text: m.text, lang: m.lang, links: Array.isArray(m.links) ? m.links : [] };
            if (m.kind === "crisis") item.kind = "crisis";
            const bubble = this.render(item, true, true);
            first = first || bubble;
          }
          if (m.buttons && m.buttons.length) buttons = m.buttons;
        }
        this.showProgress(data.progress || null, true);
        const hadFocus = this.shadowRoot.activeElement;
        this.showChoices(buttons);
        this.scrollToStart(first);
        this.settleFocus(hadFocus, Boolean(shownAs));
      } catch (error) {
        if (!silent) {
          // The message did not get through: take its bubble back out; the words stay in the box to send again.
          this.state.transcript.pop();
          this.save();
          const mine = this.log.lastElementChild;
          if (mine && mine.classList.contains("me")) mine.remove();
        }
        if (shownAs) this.pendChoices(false);
        if (fromInput) this.input.value = message;
        this.retryNote = el("div", { class: "retry" });
        this.retryNote.append(el("p", { class: "msg note", role: "alert" }, (error && error.note) || L.failed));
        const again = el("button", { type: "button" }, L.retry);
        again.addEventListener("click", () => this.send(fromInput ? this.input.value : message, fromInput, shownAs));
        this.retryNote.append(again);
        this.log.append(this.retryNote);
        this.log.scrollTop = this.retryNote.offsetTop;
      } finally {
        this.setTyping(false);
        this.busy = false;
        this.sendButton.disabled = false;
      }
    }

    // Where focus goes when a reply has come: never away from a doctor who is typing; after an answer given with a
    // button, to the new question's first choice, else to the text box (never to the page's body).
    settleFocus(hadFocus, byButton) {
      if (this.panel.hidden) return;
      const active = this.shadowRoot.activeElement;
      if (active === this.input) return;
      const lost = !active || !this.panel.contains(active) || active === hadFocus && !active.isConnected;
      if (byButton || (lost && hadFocus && this.choiceArea.contains(hadFocus))) {
        (this.choiceArea.querySelector("button") || this.input).focus();
      }
    }

    // "Delete my conversation" asks once, in the panel; Cancel leaves everything as it was.
    askToDelete() {
      const L = this.labels;
      const question = el("p", { id: "dsc-confirm" }, L.confirm);
      const yes = el("button", { type: "button", class: "danger" }, L.confirmYes);
      const no = el("button", { type: "button" }, L.cancel);
      yes.addEventListener("click", () => this.deleteConversation());
      no.addEventListener("click", () => { this.confirmBar.hidden = true; this.deleteButton.focus(); });
      this.confirmBar.replaceChildren(question, yes, no);
      this.confirmBar.hidden = false;
      no.focus();
    }

    async deleteConversation() {
      const L = this.labels;
      const id = this.state.id;
      this.confirmBar.hidden = true;
      if (id) {
        try {
          const reply = await fetch(SERVER + "/api/conversations/" + encodeURIComponent(id), {
            method: "DELETE", credentials: "omit", referrerPolicy: "no-referrer",
          });
          if (!reply.ok) throw new Error("status " + reply.status);
        } catch (_) {
          this.log.append(el("p", { class: "msg note", role: "alert" }, L.deleteFailed));
          this.deleteButton.focus();
          return;
        }
      }
      this.forget();
      this.log.replaceChildren(el("p", { class: "msg note" }, L.deleted));
      this.announce(L.deleted);
      this.showProgress(null);
      // A fresh start, offered where the choices are: a new conversation with a new id.
      this.choiceArea.replaceChildren();
      const again = el("button", { type: "button" }, L.restart);
      again.addEventListener("click", () => { this.choiceArea.hidden = true; this.input.focus(); this.send("hello", false); });
      this.choiceArea.append(again);
      this.choiceArea.hidden = false;
      again.focus();
    }

    quickExit() {
      this.forget();
      this.choiceArea.replaceChildren();
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
