// The counsellor's live pages (bot/web/counsellor_live.py): the queue and a chat, updated by Server-Sent Events.
// Text only (textContent, never HTML); every word comes from the page's data- attributes (bot/web/i18n.py).
"use strict";
(function () {
  function post(url, csrf, fields) {
    var body = new FormData();
    body.append("csrf", csrf);
    Object.keys(fields || {}).forEach(function (k) { body.append(k, fields[k]); });
    return fetch(url, { method: "POST", body: body, credentials: "same-origin", headers: { "X-Requested-With": "fetch" } });
  }
  function beep() {
    try {
      var audio = new (window.AudioContext || window.webkitAudioContext)();
      var tone = audio.createOscillator();
      tone.frequency.value = 660;
      tone.connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.25);
    } catch (e) { /* no sound: the title still says it */ }
  }

  var queue = document.getElementById("queue");
  if (queue) {
    var d = queue.dataset, title = document.title, known = null;
    var source = new EventSource("/counsellor/live/events");
    source.addEventListener("queue", function (event) {
      var chats = JSON.parse(event.data).chats.filter(function (c) { return c.state === "queued"; });
      queue.textContent = "";
      if (!chats.length) {
        var none = document.createElement("li");
        none.textContent = d.empty;
        queue.appendChild(none);
      }
      chats.forEach(function (chat) {
        var item = document.createElement("li");
        if (chat.crisis) {
          var flag = document.createElement("strong");
          flag.textContent = d.crisis + " ";
          item.appendChild(flag);
        }
        item.appendChild(document.createTextNode(chat.code + " · " + d.waited.replace("{minutes}", Math.floor(chat.waited_seconds / 60)) + " "));
        var take = document.createElement("button");
        take.type = "button";
        take.textContent = d.take;
        take.addEventListener("click", function () {
          post("/counsellor/live/" + chat.id + "/take", d.csrf).then(function (reply) {
            return reply.json().then(function (body) {
              if (reply.ok) { window.location.href = body.url; } else { take.disabled = true; take.textContent = d.taken; }
            });
          });
        });
        item.appendChild(take);
        queue.appendChild(item);
      });
      var ids = chats.map(function (c) { return c.id; });
      var arrived = known !== null && ids.some(function (id) { return known.indexOf(id) < 0; });
      known = ids;
      document.title = chats.length ? "(" + chats.length + ") " + d.new + " · " + title : title;
      if (arrived) beep();
    });
  }

  var log = document.getElementById("messages");
  if (log) {
    var m = log.dataset, typing = document.getElementById("typing"), alertBox = document.getElementById("alert");
    var typingTimer = null, lastTyping = 0;
    var stream = new EventSource("/counsellor/live/" + m.chat + "/events?last_id=" + m.last);
    stream.addEventListener("message", function (event) {
      var msg = JSON.parse(event.data), item = document.createElement("li"), who = document.createElement("strong");
      who.textContent = (msg.author === "doctor" ? m.doctor : msg.author === "assistant" ? m.assistant : msg.name) + ": ";
      item.appendChild(who);
      item.appendChild(document.createTextNode(msg.text));
      log.appendChild(item);
      if (msg.author === "doctor") { typing.textContent = ""; }
    });
    stream.addEventListener("typing", function () {
      typing.textContent = typing.dataset.text;
      clearTimeout(typingTimer);
      typingTimer = setTimeout(function () { typing.textContent = ""; }, 4000);
    });
    stream.addEventListener("alert", function () {
      var p = document.createElement("p");
      p.className = "flag";
      p.textContent = m.alert;
      alertBox.textContent = "";
      alertBox.appendChild(p);
      beep();
    });
    stream.addEventListener("state", function (event) {
      var state = JSON.parse(event.data), consent = document.getElementById("consent");
      if (consent && state.consent.themes !== null) { window.location.reload(); }
      if (state.state === "ended") { stream.close(); var p = document.createElement("p"); p.textContent = m.ended; log.after(p); }
    });
    var form = document.getElementById("send");
    if (form) {
      var text = document.getElementById("text");
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        if (!text.value.trim()) return;
        post(form.action, m.csrf, { text: text.value }).then(function (reply) { if (reply.ok) text.value = ""; });
      });
      text.addEventListener("input", function () {
        if (Date.now() - lastTyping > 3000) { lastTyping = Date.now(); post("/counsellor/live/" + m.chat + "/typing", m.csrf); }
      });
    }
  }
})();
