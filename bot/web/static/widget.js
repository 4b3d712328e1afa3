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
      // The live chat with a counsellor on duty (docs/live-handoff.md).
      counsellor: "Counsellor",
      waiting: (n) => n ? `Waiting for a counsellor — you are number ${n} in the queue.` : "Waiting for a counsellor.",
      waitHelp: "While you wait: acute danger 113 · Mental Helse, any hour: 116 123 · Kirkens SOS: 22 40 00 40",
      noAnswer: "No one has answered yet.",
      noAnswerHelp: "If you are in acute danger, call 113 now. You can talk to someone at any hour:",
      keepWaiting: "Keep waiting",
      backToBot: "Back to the assistant",
      joined: (name) => `${name} is now in the chat. Your messages go to ${name}, not to the assistant.`,
      personTyping: (name) => `${name} is writing…`,
      inputTo: (name) => `Your message to ${name}`,
      endChat: "End chat",
      leaveQueue: "Leave the queue",
      endConfirm: (name) => `End the chat with ${name}?`,
      leaveConfirm: "Leave the queue and go back to the assistant?",
      consentTitle: (name) => `Before ${name} sees anything`,
      consentThemes: (name) => `Share the themes so far with ${name}? They are short headings from your answers ` +
        "(such as “sleep” or “workload”), not your own words.",
      consentHistory: (name) => `Share what you wrote to the assistant earlier in this chat? ${name} can then read it.`,
      shareThemes: "Yes, share the themes",
      shareHistory: "Yes, share my messages",
      no: "No",
      consentSaid: (name, themes, history) => themes || history
        ? `Shared with ${name}: ${[themes && "the themes", history && "your earlier messages"].filter(Boolean).join(" and ")}.`
        : `Nothing from before was shared with ${name}.`,
      ended: (name) => (name ? `The chat with ${name} has ended.` : "You are no longer in the queue.") +
        " You are talking with the assistant again.",
      liveFailed: "That did not go through. Please try again.",
    },
    nb: {
      title: "Støtte for leger",
      subtitle: "Anonym egenvurdering",
      banner: "Akutt fare: 113 · Legevakt 116 117 · Mental Helse, hele døgnet: 116 123",
      log: "Samtale",
      input: "Din melding",
      choices: "Svaralternativer",
      progress: (n, of) => `Spørsmål ${n} av ${of}`,
      crisis: "Få hjelp nå",
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
      tooLong: "Meldingen kan ikke være lengre enn 2000 tegn.",
      open: "Snakk om hvordan du har det (anonymt). Akutt fare: ring 113",
      close: "Lukk chatten",
      you: "Du",
      bot: "Assistent",
      counsellor: "Rådgiver",
      waiting: (n) => n ? `Venter på en rådgiver – du er nummer ${n} i køen.` : "Venter på en rådgiver.",
      waitHelp: "Mens du venter: akutt fare 113 · Mental Helse, hele døgnet: 116 123 · Kirkens SOS: 22 40 00 40",
      noAnswer: "Ingen har svart ennå.",
      noAnswerHelp: "Er du i akutt fare, ring 113 nå. Du kan snakke med noen hele døgnet:",
      keepWaiting: "Fortsett å vente",
      backToBot: "Tilbake til assistenten",
      joined: (name) => `${name} er nå med i samtalen. Meldingene dine går til ${name}, ikke til assistenten.`,
      personTyping: (name) => `${name} skriver…`,
      inputTo: (name) => `Din melding til ${name}`,
      endChat: "Avslutt samtalen",
      leaveQueue: "Gå ut av køen",
      endConfirm: (name) => `Vil du avslutte samtalen med ${name}?`,
      leaveConfirm: "Vil du gå ut av køen og tilbake til assistenten?",
      consentTitle: (name) => `Før ${name} ser noe`,
      consentThemes: (name) => `Vil du dele temaene så langt med ${name}? Det er korte stikkord fra svarene dine ` +
        "(som «søvn» eller «arbeidsmengde»), ikke dine egne ord.",
      consentHistory: (name) => `Vil du dele det du skrev til assistenten tidligere i samtalen? Da kan ${name} lese det.`,
      shareThemes: "Ja, del temaene",
      shareHistory: "Ja, del meldingene",
      no: "Nei",
      consentSaid: (name, themes, history) => themes || history
        ? `Delt med ${name}: ${[themes && "temaene", history && "meldingene dine fra før"].filter(Boolean).join(" og ")}.`
        : `Ingenting fra før er delt med ${name}.`,
      ended: (name) => (name ? `Samtalen med ${name} er avsluttet.` : "Du står ikke lenger i køen.") +
        " Nå snakker du med assistenten igjen.",
      liveFailed: "Det gikk ikke. Prøv igjen.",
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
  // The helplines in the live chat's own texts (waiting, no answer yet) and in the assistant's messages in its stream.
  const LIVE_LINKS = BANNER_LINKS.concat([{ text: "22 40 00 40", href: "tel:22400040" }]);
  // When no one has answered yet: the numbers to call, as large buttons.
  const CALL_NOW = [
    { text: "113", href: "tel:113" },
    { text: "Mental Helse 116 123", href: "tel:116123" },
    { text: "Kirkens SOS 22 40 00 40", href: "tel:22400040" },
  ];
  const TYPING_SHOWN_MS = 4000;
  const TYPING_PING_MS = 3000;
  // When the stream has not said "ended" this long after the doctor ended the chat, the widget ends it by itself.
  const END_FALLBACK_MS = 10000;
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
    .msg.person { background: #e7f3eb; border-left: 4px solid #1e6b3a; align-self: flex-start; }
    .msg .who { display: block; font-size: 0.85rem; font-weight: 700; color: #14532d; }
    .live { border-bottom: 1px solid #b9c6d3; background: #f3f7fb; padding: 0.375rem 0.75rem; display: flex;
      flex-direction: column; gap: 0.375rem; }
    .live.active { background: #e7f3eb; border-left: 4px solid #1e6b3a; border-bottom-color: #9cc5a9; }
    .live p { margin: 0; line-height: 1.4; }
    .live .status { font-weight: 600; }
    .live .help { font-size: 0.9rem; }
    .live .alert { background: #fff4f4; border: 2px solid var(--danger); border-radius: 0.5rem; padding: 0.375rem 0.5rem;
      font-weight: 400; }
    .live .alert strong { display: block; color: #7a0f12; }
    .live .calls { display: flex; flex-wrap: wrap; gap: 0.25rem 0.5rem; margin-top: 0.25rem; }
    .live .calls a.call { margin: 0; font-size: 1.05rem; }
    .live .consent { display: flex; flex-direction: column; gap: 0.375rem; }
    .live h2, .live h3 { margin: 0; font-size: 1.05rem; }
    .live-actions { display: flex; flex-wrap: wrap; gap: 0.5rem; }
    .live-actions:empty { display: none; }
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
        if (fresh && typeof saved.id === "string" && Array.isArray(saved.transcript)) {
          const live = saved.live;
          if (live && (typeof live !== "object" || !Array.isArray(live.held) || typeof live.status !== "object")) saved.live = null;
          return saved;
        }
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
      // The live chat's bar, under the banner: who the doctor is talking to or waiting for (a polite status that
      // stays in the page, its words change), the helplines while waiting, the consent questions, and its buttons.
      this.liveBar = el("div", { class: "live" });
      this.liveStatus = el("div", { class: "status", role: "status" });
      this.liveHelp = el("p", { class: "help" });
      this.liveConsent = el("div", { class: "consent", role: "group", "aria-labelledby": "dsc-consent" });
      this.liveActions = el("div", { class: "live-actions" });
      this.liveBar.append(this.liveStatus, this.liveHelp, this.liveConsent, this.liveActions);
      this.liveBar.hidden = true;

      const form = el("form");
      const inputId = "dsc-input";
      this.inputLabel = el("label", { for: inputId }, L.input);
      form.append(this.inputLabel);
      this.input = el("textarea", { id: inputId, rows: "1", maxlength: "2000", autocomplete: "off" });
      this.input.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
      });
      this.input.addEventListener("input", () => this.pingTyping());
      this.sendButton = el("button", { type: "submit", class: "primary" }, L.send);
      form.append(this.input, this.sendButton);
      form.addEventListener("submit", (event) => { event.preventDefault(); this.send(this.input.value, true); });

      this.panel.append(header, this.confirmBar, banner, this.liveBar, this.log, this.choiceArea, this.typing, this.progressBox, form,
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
      // A live chat open before the reload: its bar as it was, and its stream from the last message seen.
      if (this.state.live) {
        this.showLive(this.state.live.status || { state: "queued" });
        this.openStream();
      }
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
      } else if (item.from === "person") {
        // The counsellor's message: their name on it, in its own colour, never taken for the assistant's.
        bubble = el("p", { class: "msg person" });
        if (item.lang === "nb" || item.lang === "en") bubble.setAttribute("lang", item.lang);
        bubble.append(el("span", { class: "who" }, item.name || L.counsellor));
        bubble.append(el("span", { class: "sr" }, ` (${L.counsellor}): `));
        bubble.append(...linkified(item.text || "", LIVE_LINKS));
        if (live) this.announce((item.name || L.counsellor) + ": " + item.text, item.lang);
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
        this.setTyping(!this.state.live);
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
      const mine = { from: "me", text: shownAs || message };
      if (!silent) {
        this.render(mine, true, false);
        this.log.scrollTop = this.log.scrollHeight;
      }
      // To a person, no "the assistant is writing": the counsellor's own typing shows (live events).
      if (!this.state.live) this.setTyping(true);
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
        const hadFocus = this.shadowRoot.activeElement;
        // While a chat with a person is open, the assistant's progress and choices wait (kept for afterwards).
        const live = this.liveAnswer(data, mine);
        this.showProgress(live ? null : data.progress || null, !live);
        this.showChoices(live ? [] : buttons);
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
        if (!this.typingTimer) this.setTyping(false);  // not the counsellor's "is writing"
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
      if (this.state.live) {
        this.closeStream();
        await this.livePost("end");
        this.state.live = null;
        this.liveBar.hidden = true;
        this.inputLabel.textContent = L.input;
      }
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

    // --- The live chat with a counsellor (docs/live-handoff.md) ----------------------------------------------
    liveUrl(what) {
      return SERVER + "/api/live/" + encodeURIComponent(this.state.id) + "/" + what;
    }

    get counsellorName() {
      const status = this.state.live && this.state.live.status;
      return (status && typeof status.counsellor === "string" && status.counsellor) || this.labels.counsellor;
    }

    // The relay's answer while or when a chat opens: the doctor's message's seq, the chat's state. True while open.
    liveAnswer(data, mine) {
      const live = data.live && typeof data.live === "object" ? data.live : null;
      const open = live && (live.state === "queued" || live.state === "active");
      if (this.state.live) {
        if (Number.isInteger(data.seq) && data.seq > 0 && !this.seen(data.seq)) { mine.seq = data.seq; this.save(); }
        if (open) this.applyState(live);
        else if (!live) this.finishLive();  // the relay took it to the assistant: no chat is open on the server
      } else if (open) {
        this.state.live = { last: 0, status: live, held: [] };
        this.save();
        this.showLive(live);
        this.openStream();
      }
      return Boolean(this.state.live);
    }

    seen(seq) {
      return this.state.transcript.some((item) => item.seq === seq) ||
        (this.state.live && this.state.live.held.some((item) => item.seq === seq));
    }

    // The stream: from the start for a new chat, after a reload (or when it had to be opened anew) from the last
    // message seen (?last_id=); EventSource itself reconnects with Last-Event-ID after a dropped connection.
    openStream() {
      this.closeStream();
      const last = this.state.live.last;
      const source = new EventSource(this.liveUrl("events") + (last ? "?last_id=" + last : ""), { withCredentials: false });
      const read = (handler) => (event) => {
        let data = null;
        try { data = JSON.parse(event.data); } catch (_) { return; }
        if (data && typeof data === "object" && this.state.live && this.stream === source) handler(data, event);
      };
      source.addEventListener("message", read((data, event) => this.liveMessage(data, event)));
      source.addEventListener("state", read((data) => this.applyState(data)));
      source.addEventListener("typing", read((data) => { if (data.who === "counsellor") this.counsellorTyping(); }));
      source.addEventListener("open", () => { this.streamTries = 0; });
      source.addEventListener("error", () => {
        // A dropped connection is tried again by the browser; a refused one (404: no chat any more, or a proxy's 502
        // while the server restarts) closes the stream: asked once more, by hand, after a pause.
        if (source.readyState !== EventSource.CLOSED || this.stream !== source) return;
        this.stream = null;
        this.streamTries = (this.streamTries || 0) + 1;
        this.reopenTimer = setTimeout(() => this.recheckStream(), Math.min(30, 2 ** this.streamTries) * 1000);
      });
      this.stream = source;
    }

    async recheckStream() {
      if (!this.state.live) return;
      const stop = new AbortController();
      try {
        const reply = await fetch(this.liveUrl("events"), { credentials: "omit", referrerPolicy: "no-referrer", signal: stop.signal });
        stop.abort();
        if (reply.status === 404) { this.finishLive(); return; }
      } catch (_) { /* not reachable yet: the stream tries again */ }
      if (this.state.live) this.openStream();
    }

    closeStream() {
      clearTimeout(this.reopenTimer);
      if (this.stream) this.stream.close();
      this.stream = null;
    }

    // One message from the stream, shown once: a seq already shown is passed over; the doctor's own message, shown
    // when sent, gets its seq here if the relay's answer has not brought it yet.
    liveMessage(data, event) {
      const live = this.state.live;
      const seq = Number.isInteger(data.seq) ? data.seq : Number(event.lastEventId);
      if (!Number.isInteger(seq) || seq < 1 || typeof data.text !== "string") return;
      live.last = Math.max(live.last || 0, seq);
      if (this.seen(seq)) { this.save(); return; }
      const lang = data.lang === "nb" || data.lang === "en" ? data.lang : undefined;
      if (data.author === "doctor") {
        const sent = this.state.transcript.findLast((item) => item.from === "me" && !item.seq && item.text === data.text);
        if (sent) { sent.seq = seq; this.save(); return; }
        this.render({ from: "me", text: data.text, seq }, true, false);
      } else if (data.author === "counsellor") {
        const item = { from: "person", name: typeof data.name === "string" ? data.name : "", text: data.text, lang, seq };
        // Nothing from the counsellor before the doctor has answered the consent questions.
        if (this.consentPending()) { live.held.push(item); this.save(); return; }
        this.clearTyping();
        this.render(item, true, true);
      } else {
        const links = Array.isArray(data.links) ? data.links : LIVE_LINKS;
        this.render({ from: "bot", text: data.text, lang, links, seq }, true, true);
        if (Array.isArray(data.buttons) && data.buttons.length) this.state.closingChoices = data.buttons;
      }
      this.log.scrollTop = this.log.scrollHeight;
    }

    // The chat's state: the bar shows it; "ended" hands the chat back to the assistant.
    applyState(data) {
      if (!this.state.live) return;
      if (data.state === "ended") { this.finishLive(); return; }
      if (data.state !== "queued" && data.state !== "active") return;
      if (data.timed_out && this.state.live.keptWaiting) data = Object.assign({}, data, { timed_out: false });
      if (!data.timed_out) delete this.state.live.keptWaiting;
      this.state.live.status = data;
      this.save();
      this.showLive(data);
    }

    showLive(status) {
      const L = this.labels;
      const name = this.counsellorName;
      this.liveBar.hidden = false;
      this.liveBar.classList.toggle("active", status.state === "active");
      this.showProgress(null);
      const hadFocus = this.shadowRoot.activeElement;
      const actions = [];
      let said;
      if (status.state === "active") {
        said = [el("p", {}, L.joined(name))];
        this.liveHelp.hidden = true;
        this.inputLabel.textContent = L.inputTo(name);
        const consent = status.consent || {};
        if (this.consentPending()) this.askConsent(hadFocus);
        else { this.endConsent(); this.releaseHeld(); }
        actions.push(this.liveButton(L.endChat, () => this.askToEndLive()));
      } else if (status.timed_out) {
        // No one yet, said plainly: 113 and the lines open all night as buttons to call, then the two ways on.
        const help = el("div", { class: "alert" });
        const calls = el("p", { class: "calls" });
        calls.append(...CALL_NOW.map((line) => el("a", { href: line.href, class: "call" }, line.text)));
        help.append(el("strong", {}, L.noAnswer), el("p", {}, L.noAnswerHelp), calls);
        said = [help];
        this.liveHelp.hidden = true;
        actions.push(this.liveButton(L.keepWaiting, () => this.keepWaiting(true), "primary"),
          this.liveButton(L.backToBot, () => this.keepWaiting(false)));
      } else {
        said = [el("p", {}, L.waiting(Number.isInteger(status.position) && status.position > 0 ? status.position : 0))];
        this.liveHelp.replaceChildren(...linkified(L.waitHelp, LIVE_LINKS));
        this.liveHelp.hidden = false;
        actions.push(this.liveButton(L.leaveQueue, () => this.askToEndLive()));
      }
      // The status's words change only when they say something new (a screen reader reads each change once).
      const text = said.map((p) => p.textContent).join(" ");
      if (this.liveStatus.textContent !== text) this.liveStatus.replaceChildren(...said);
      // The buttons are replaced only when they change; one that had the focus hands it to the new first one.
      const labels = actions.map((b) => b.textContent).join("|");
      if (labels !== Array.from(this.liveActions.children, (b) => b.textContent).join("|")) {
        const focused = this.liveActions.contains(hadFocus);
        this.liveActions.replaceChildren(...actions);
        if (focused && !this.panel.hidden) (actions[0] || this.input).focus();
      }
    }

    // Until the doctor has answered the consent questions, the counsellor's messages wait (the counsellor sees
    // nothing either). A state that already carries the answers (another page load gave them) releases them.
    consentPending() {
      const live = this.state.live;
      const consent = (live && live.status && live.status.consent) || {};
      return Boolean(live) && !live.consented && typeof consent.themes !== "boolean";
    }

    releaseHeld() {
      const live = this.state.live;
      if (!live || !live.held.length) return;
      for (const item of live.held.splice(0)) this.render(item, true, false);
      this.save();
      this.log.scrollTop = this.log.scrollHeight;
    }

    liveButton(label, action, kind) {
      const b = el("button", { type: "button", class: kind || "" }, label);
      b.addEventListener("click", action);
      return b;
    }

    // Before the counsellor sees anything: the themes so far (yes/no), then the earlier messages (yes/no), sent
    // together. Focus moves to the question only when it is not in the text box (a doctor typing keeps typing).
    askConsent(hadFocus) {
      if (this.consentAsked) return;
      const L = this.labels;
      const name = this.counsellorName;
      this.consentAsked = true;
      const answers = {};
      const step = (question, yesLabel, key, next) => {
        const heading = el(this.page ? "h2" : "h3", { id: "dsc-consent" }, L.consentTitle(name));
        const yes = this.liveButton(yesLabel, () => { answers[key] = true; next(); }, "primary");
        const no = this.liveButton(L.no, () => { answers[key] = false; next(); });
        const row = el("div", { class: "live-actions" });
        row.append(yes, no);
        this.liveConsent.replaceChildren(heading, el("p", {}, question), row);
        this.liveConsent.hidden = false;
        return yes;
      };
      const second = () => {
        const focused = this.liveConsent.contains(this.shadowRoot.activeElement);
        const yes = step(L.consentHistory(name), L.shareHistory, "history", () => this.sendConsent(answers));
        if (focused) yes.focus();
      };
      const first = step(L.consentThemes(name), L.shareThemes, "themes", second);
      if (!this.panel.hidden && hadFocus !== this.input) first.focus();
    }

    endConsent() {
      this.consentAsked = false;
      this.liveConsent.replaceChildren();
      this.liveConsent.hidden = true;
    }

    async sendConsent(answers) {
      const L = this.labels;
      const reply = await this.livePost("consent", { themes: answers.themes, history: answers.history });
      if (!reply) { this.consentAsked = false; this.askConsent(null); return; }
      const live = this.state.live;
      if (!live) return;
      live.consented = true;
      this.endConsent();
      this.render({ from: "note", text: L.consentSaid(this.counsellorName, answers.themes, answers.history) }, true, true);
      this.releaseHeld();
      this.input.focus();
    }

    // A POST to the chat; a failure is said once in the log. The answer's JSON, or null.
    async livePost(what, body) {
      try {
        const reply = await fetch(this.liveUrl(what), {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(body || {}),
          credentials: "omit",
          referrerPolicy: "no-referrer",
        });
        if (reply.status === 404) { this.finishLive(); return null; }
        if (!reply.ok) throw new Error("status " + reply.status);
        try { return await reply.json(); } catch (_) { return {}; }
      } catch (_) {
        if (what !== "typing") this.log.append(el("p", { class: "msg note", role: "alert" }, this.labels.liveFailed));
        return null;
      }
    }

    async keepWaiting(keep) {
      if (!this.state.live) return;
      if (!(await this.livePost("wait", { keep_waiting: keep })) || !this.state.live) return;
      if (keep) {
        this.state.live.keptWaiting = true;
        this.applyState(Object.assign({}, this.state.live.status, { timed_out: false }));
        this.input.focus();
      } else {
        this.awaitEnd();
      }
    }

    // "End chat" (or "Leave the queue") asks once, in the panel, like delete.
    askToEndLive() {
      const L = this.labels;
      const active = this.state.live && this.state.live.status.state === "active";
      const question = el("p", { id: "dsc-confirm" }, active ? L.endConfirm(this.counsellorName) : L.leaveConfirm);
      const yes = el("button", { type: "button", class: "danger" }, active ? L.endChat : L.leaveQueue);
      const no = el("button", { type: "button" }, L.cancel);
      const back = () => (this.liveActions.querySelector("button") || this.input).focus();
      yes.addEventListener("click", async () => {
        this.confirmBar.hidden = true;
        back();
        if (this.state.live && (await this.livePost("end"))) this.awaitEnd();
      });
      no.addEventListener("click", () => { this.confirmBar.hidden = true; back(); });
      this.confirmBar.replaceChildren(question, yes, no);
      this.confirmBar.hidden = false;
      no.focus();
    }

    // The stream brings the assistant's closing message, then "ended"; should it not come, the chat ends here.
    awaitEnd() {
      clearTimeout(this.endTimer);
      this.endTimer = setTimeout(() => this.finishLive(), END_FALLBACK_MS);
    }

    // At most one "typing" a few seconds while the doctor types to a counsellor who is in the chat.
    pingTyping() {
      const live = this.state.live;
      if (!live || live.status.state !== "active" || !this.input.value.trim()) return;
      const now = Date.now();
      if (this.lastPing && now - this.lastPing < TYPING_PING_MS) return;
      this.lastPing = now;
      this.livePost("typing");
    }

    counsellorTyping() {
      clearTimeout(this.typingTimer);
      this.setTyping(true, this.labels.personTyping(this.counsellorName));
      this.typingTimer = setTimeout(() => this.clearTyping(), TYPING_SHOWN_MS);
    }

    clearTyping() {
      clearTimeout(this.typingTimer);
      this.typingTimer = null;
      if (!this.busy || this.state.live) this.setTyping(false);
    }

    // Back to the assistant: said once in the log, the bar gone, the assistant's choices (the closing message's)
    // and progress shown again.
    finishLive() {
      const live = this.state.live;
      if (!live) return;
      clearTimeout(this.endTimer);
      this.closeStream();
      this.clearTyping();
      this.endConsent();
      const name = live.status && live.status.state === "active" ? this.counsellorName : "";
      const choices = this.state.closingChoices || [];
      this.state.live = null;
      delete this.state.closingChoices;
      this.render({ from: "note", text: this.labels.ended(name) }, true, true);
      this.liveBar.hidden = true;
      this.liveStatus.replaceChildren();
      this.liveActions.replaceChildren();
      this.inputLabel.textContent = this.labels.input;
      this.confirmBar.hidden = true;
      this.showProgress(this.state.progress || null);
      const hadFocus = this.shadowRoot.activeElement;
      this.showChoices(choices);
      this.log.scrollTop = this.log.scrollHeight;
      if (!this.panel.hidden && hadFocus !== this.input) (this.choiceArea.querySelector("button") || this.input).focus();
    }

    quickExit() {
      // The live chat ends too; a beacon gets out while the page goes.
      if (this.state.live && this.state.id) {
        this.closeStream();
        try { navigator.sendBeacon(this.liveUrl("end")); } catch (_) { /* the page goes all the same */ }
      }
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
