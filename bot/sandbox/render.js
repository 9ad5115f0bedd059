// How the sandbox page draws one chat message as Telegram would: text with its entities,
// photos and documents, edits and content protection, inline buttons under the message, and the
// reply keyboard under the chat (the share-contact button among them). sandbox.js calls these
// and owns what a click does (`act`).
"use strict";

// The number a patient "shares" from the share-contact button: fake, and the same every time.
const CONTACT_PHONE = (id) => `+39333${String(id).padStart(7, "0")}`;

function drawMessage(phone, m) {
  const box = document.createElement("div");
  box.className = `msg ${m.from_bot ? "bot" : "user"}`;
  box.dataset.messageId = m.message_id;
  const bubble = document.createElement("div");
  bubble.className = "bubble";
  const photos = (m.media && m.media.photo) || [];
  if (photos.length) {
    const img = document.createElement("img");
    img.src = `/api/emulator/files/${encodeURIComponent(photos[photos.length - 1].file_id)}`;
    img.alt = "";
    bubble.appendChild(img);
  }
  if (m.media && m.media.document) {
    const doc = m.media.document;
    const link = document.createElement("a");
    link.href = `/api/emulator/files/${encodeURIComponent(doc.file_id)}`;
    link.download = doc.file_name || "file";
    link.textContent = `📄 ${doc.file_name || "file"}`;
    bubble.append(link, document.createElement("br"));
  }
  if (m.media && m.media.contact) bubble.append(`📞 ${m.media.contact.phone_number}`);
  const text = m.text != null ? m.text : m.caption;
  if (text) bubble.appendChild(formatted(text, m.entities || []));
  const meta = document.createElement("span");
  meta.className = "meta";
  // The time the message was sent, by the bot's clock (the emulator's dates follow it).
  meta.textContent = [m.protect_content ? `🔒 ${t("protected")}` : "", m.edit_count ? t("edited") : "",
    timeOf(m.date)].filter(Boolean).join(" · ");
  bubble.appendChild(meta);
  box.appendChild(bubble);
  const markup = m.reply_markup;
  if (m.from_bot && markup && markup.inline_keyboard) box.appendChild(drawInline(phone, m, markup.inline_keyboard));
  return box;
}

// Times and days in the practice's timezone, as the bot writes them.
function timeOf(seconds) {
  return new Intl.DateTimeFormat(S.lang, { timeZone: S.tz, hour: "2-digit", minute: "2-digit" })
    .format(new Date(seconds * 1000));
}

function dayOf(seconds) {
  // en-CA writes YYYY-MM-DD: a key that compares and sorts as the calendar does.
  return new Intl.DateTimeFormat("en-CA", { timeZone: S.tz, year: "numeric", month: "2-digit", day: "2-digit" })
    .format(new Date(seconds * 1000));
}

// A separator where the day changes, as Telegram draws one: "Today", "Yesterday" or the date.
function drawDay(seconds) {
  const now = botNow() / 1000;
  const day = dayOf(seconds);
  const el = document.createElement("div");
  el.className = "day";
  el.dataset.day = day;
  if (day === dayOf(now)) el.textContent = t("today");
  else if (day === dayOf(now - 86400)) el.textContent = t("yesterday");
  else {
    el.textContent = new Intl.DateTimeFormat(S.lang, { timeZone: S.tz, weekday: "long", day: "numeric", month: "long" })
      .format(new Date(seconds * 1000));
  }
  return el;
}

function drawInline(phone, m, rows) {
  const keyboard = document.createElement("div");
  keyboard.className = "inline";
  for (const row of rows) {
    const line = document.createElement("div");
    line.className = "row";
    for (const button of row) {
      let el;
      if (button.url) {
        el = document.createElement("a");
        el.href = button.url;
        el.target = "_blank";
        el.rel = "noopener";
      } else {
        el = document.createElement("button");
        el.type = "button";
        el.addEventListener("click", () => act(phone, "tap", { label: button.text, message_id: m.message_id }));
      }
      el.textContent = button.text;
      line.appendChild(el);
    }
    keyboard.appendChild(line);
  }
  return keyboard;
}

function drawKeyboard(phone, markup) {
  const box = phone.el.querySelector(".keyboard");
  const rows = (markup && markup.keyboard) || [];
  box.replaceChildren(...rows.map((row) => {
    const line = document.createElement("div");
    line.className = "row";
    for (const key of row) {
      const label = typeof key === "string" ? key : key.text;
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = label;
      const contact = typeof key === "object" && key.request_contact;
      button.addEventListener("click", () =>
        act(phone, "reply_button", contact ? { label, phone_number: CONTACT_PHONE(phone.id) } : { label }));
      line.appendChild(button);
    }
    return line;
  }));
  box.hidden = rows.length === 0;
}

// Telegram's entities count UTF-16 code units, as JavaScript strings do: slice and wrap runs.
const STYLES = { bold: "strong", italic: "em", underline: "u", strikethrough: "s", code: "code", pre: "pre" };

function formatted(text, entities) {
  const out = document.createElement("span");
  const cuts = new Set([0, text.length]);
  for (const e of entities) { cuts.add(e.offset); cuts.add(e.offset + e.length); }
  const points = [...cuts].filter((p) => p >= 0 && p <= text.length).sort((a, b) => a - b);
  for (let i = 0; i < points.length - 1; i++) {
    const [from, to] = [points[i], points[i + 1]];
    let node = document.createTextNode(text.slice(from, to));
    for (const e of entities) {
      if (e.offset > from || e.offset + e.length < to) continue;
      node = wrap(node, e, text.slice(e.offset, e.offset + e.length));
    }
    out.appendChild(node);
  }
  return out;
}

function wrap(node, entity, whole) {
  let el;
  if (STYLES[entity.type]) {
    el = document.createElement(STYLES[entity.type]);
  } else if (entity.type === "text_link" || entity.type === "url") {
    el = document.createElement("a");
    el.href = entity.url || whole;
    el.target = "_blank";
    el.rel = "noopener";
  } else if (entity.type === "spoiler") {
    el = document.createElement("span");
    el.className = "spoiler";
  } else {
    return node;
  }
  el.appendChild(node);
  return el;
}
