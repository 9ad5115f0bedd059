// The sandbox page: draws each phone from the emulator's transcript and sends what you do there
// (type, tap, share your number, attach a file) as that user, through the sandbox server.
// Everything shown comes from the emulator, so a reload shows the same chats.
"use strict";

const S = { labels: {}, phones: new Map(), seq: 0, epoch: 0, lang: "it", tz: "Europe/Rome", offset: 0 };

function t(key) { return S.labels[key] || key; }

async function api(path, options = {}) {
  const response = await fetch(path, options);
  const type = response.headers.get("content-type") || "";
  const body = type.includes("json") ? await response.json() : await response.text();
  if (!response.ok) throw new Error((body && body.error) || String(response.status));
  return body;
}

function post(path, body) {
  return api(path, {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify(body || {}),
  });
}

function notice(text) {
  const box = document.getElementById("notice");
  box.textContent = text || "";
  box.hidden = !text;
}

// The bot's clock: the system's moved by the sandbox's time travel.
function botNow() { return Date.now() + S.offset * 1000; }

function showClock(clock) {
  S.offset = clock.offset_seconds;
  document.getElementById("clock-now").textContent = clock.local;
  const hours = clock.offset_seconds / 3600;
  const shown = hours >= 24 ? `${(hours / 24).toFixed(1)} d` : `${hours.toFixed(hours < 1 ? 2 : 1)} h`;
  document.getElementById("clock-offset").textContent = clock.offset_seconds > 0 ? `(+${shown})` : "";
}

async function load() {
  const lang = new URLSearchParams(location.search).get("lang");
  const state = await api("/api/state" + (lang ? `?lang=${encodeURIComponent(lang)}` : ""));
  S.labels = state.labels;
  S.lang = state.lang;
  S.tz = state.timezone;
  document.documentElement.lang = state.lang;
  document.title = `${t("title")} · ${state.practice}`;
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
  showClock(state.clock);
  const people = [
    ...state.patients.map((p) => ({ ...p, role: "patient" })),
    { ...state.doctor, role: "doctor" },
  ];
  const main = document.getElementById("phones");
  const wanted = new Set(people.map((p) => p.id));
  for (const [id, phone] of S.phones) {
    if (!wanted.has(id)) { phone.el.remove(); S.phones.delete(id); }
  }
  const doctor = S.phones.get(state.doctor.id);
  for (const person of people) {
    if (S.phones.has(person.id)) continue;  // moving a phone in the page would lose its scroll
    const phone = makePhone(person);
    S.phones.set(person.id, phone);
    // Patients, then the doctor: a patient added later goes in before the doctor's phone.
    main.insertBefore(phone.el, person.role === "patient" && doctor ? doctor.el : null);
  }
  await Promise.all([...S.phones.keys()].map(refresh));
}

function makePhone(person) {
  const el = document.getElementById("phone-template").content.firstElementChild.cloneNode(true);
  const phone = { id: person.id, role: person.role, el, transcript: null, seen: 0 };
  el.dataset.user = person.id;
  el.dataset.role = person.role;
  el.querySelector(".role").textContent = t(person.role);
  el.querySelector(".name").textContent = person.name;
  el.querySelector(".user-id").textContent = `id ${person.id}`;
  el.querySelector(".text").placeholder = t("placeholder");
  el.querySelector(".send").setAttribute("aria-label", t("send"));
  el.querySelector(".attach").title = t("attach");
  el.querySelector(".commands").setAttribute("aria-label", t("commands"));
  el.querySelector(".commands").title = t("commands");
  const start = el.querySelector(".start");
  start.textContent = t("start");
  start.addEventListener("click", () => act(phone, "messages", { text: "/start" }));
  el.querySelector(".composer").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = el.querySelector(".text");
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    act(phone, "messages", { text });
  });
  el.querySelector(".commands").addEventListener("click", () => toggleCommands(phone));
  el.querySelector("input[type=file]").addEventListener("change", (event) => upload(phone, event.target));
  return phone;
}

async function act(phone, action, body) {
  try {
    const result = await post(`/api/emulator/users/${phone.id}/${action}`, body);
    if (result.callback_query_id) setTimeout(() => callbackAnswer(phone, result.callback_query_id), 700);
    await refresh(phone.id);
  } catch (error) {
    toast(phone, error.message);
  }
}

async function upload(phone, input) {
  const file = input.files[0];
  input.value = "";
  if (!file) return;
  const form = new FormData();
  form.append("file", file, file.name);
  const kind = /^image\/(jpeg|png)$/.test(file.type) ? "photo" : "document";
  try {
    await api(`/api/emulator/users/${phone.id}/${kind}`, { method: "POST", body: form });
    await refresh(phone.id);
  } catch (error) {
    toast(phone, error.message);
  }
}

async function callbackAnswer(phone, id) {
  try {
    const query = await api(`/api/emulator/callbacks/${encodeURIComponent(id)}`);
    if (query.answer && query.answer.text) toast(phone, query.answer.text);
  } catch (_ignored) { /* an unanswered tap shows nothing, as in Telegram */ }
}

function toast(phone, text) {
  const box = phone.el.querySelector(".toast");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(phone.toastTimer);
  phone.toastTimer = setTimeout(() => { box.hidden = true; }, 3500);
}

async function toggleCommands(phone) {
  const list = phone.el.querySelector(".command-list");
  if (!list.hidden) { list.hidden = true; return; }
  const { commands } = await api(`/api/emulator/users/${phone.id}/commands`);
  list.replaceChildren(...commands.map((c) => {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = `/${c.command}`;
    const hint = document.createElement("span");
    hint.textContent = c.description;
    button.appendChild(hint);
    button.addEventListener("click", () => { list.hidden = true; act(phone, "messages", { text: `/${c.command}` }); });
    return button;
  }));
  list.hidden = commands.length === 0;
}

async function refresh(id) {
  const phone = S.phones.get(id);
  if (!phone) return;
  let transcript;
  try {
    transcript = await api(`/api/emulator/chats/${id}/transcript`);
  } catch (_noChatYet) {
    transcript = { seq: 0, messages: [], reply_keyboard: null };
  }
  if (phone.transcript && transcript.seq === phone.transcript.seq) return;
  phone.transcript = transcript;
  draw(phone);
  phone.el.dataset.seq = transcript.seq;  // drawn up to here (tests wait on it)
}

function draw(phone) {
  const chat = phone.el.querySelector(".chat");
  const atBottom = chat.scrollHeight - chat.scrollTop - chat.clientHeight < 60;
  const messages = phone.transcript.messages.filter((m) => !m.deleted);
  const nodes = [];
  let day = null;
  for (const m of messages) {
    if (dayOf(m.date) !== day) { day = dayOf(m.date); nodes.push(drawDay(m.date)); }
    nodes.push(drawMessage(phone, m));
  }
  if (nodes.length === 0) {
    const empty = document.createElement("p");
    empty.className = "empty";
    empty.textContent = phone.role === "doctor" ? t("empty_doctor") : t("empty");
    nodes.push(empty);
  }
  chat.replaceChildren(...nodes);
  phone.el.querySelector(".start").hidden = !(phone.role === "patient" && messages.length === 0);
  drawKeyboard(phone, phone.transcript.reply_keyboard);
  const grew = messages.length !== phone.seen;
  phone.seen = messages.length;
  if (atBottom || grew) chat.scrollTop = chat.scrollHeight;
}

async function watch() {
  for (;;) {
    const epoch = S.epoch;
    try {
      const changes = await api(`/api/emulator/wait?after_seq=${S.seq}&timeout=25`);
      if (epoch !== S.epoch) continue;  // a reset or reload happened meanwhile
      if (changes.seq < S.seq) { S.seq = 0; await load(); continue; }  // the emulator restarted
      S.seq = changes.seq;
      notice("");
      const unknown = changes.chat_ids.filter((id) => !S.phones.has(id));
      if (unknown.length) await load();
      await Promise.all(changes.chat_ids.map(refresh));
    } catch (_offline) {
      notice(t("offline"));
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

async function busy(work) {
  const tools = [...document.querySelectorAll(".tool")];
  tools.forEach((b) => { b.disabled = true; });
  try {
    await work();
  } catch (error) {
    notice(error.message);
  } finally {
    tools.forEach((b) => { b.disabled = false; });
  }
}

function travel(body) {
  return busy(async () => {
    notice(t("travelling"));
    const moved = await post("/api/clock", body);
    showClock(moved.clock);
    notice(body.next && !moved.reminder_at ? t("nothing_due") : "");
    // "Today" may have become "Yesterday": redraw the day separators of unchanged chats too.
    for (const phone of S.phones.values()) if (phone.transcript) draw(phone);
    await Promise.all([...S.phones.keys()].map(refresh));
  });
}

function wire() {
  for (const button of document.querySelectorAll("[data-minutes]")) {
    button.addEventListener("click", () => travel({ minutes: Number(button.dataset.minutes) }));
  }
  document.getElementById("next-reminder").addEventListener("click", () => travel({ next: true }));
  document.getElementById("add-patient").addEventListener("click", () => busy(async () => {
    await post("/api/patients");
    await load();
  }));
  document.getElementById("reset").addEventListener("click", () => {
    if (!window.confirm(t("reset_confirm"))) return;
    busy(async () => {
      await post("/api/reset");
      S.epoch += 1;
      S.seq = 0;
      for (const phone of S.phones.values()) phone.el.remove();
      S.phones.clear();
      await load();
    });
  });
}

// The bot's clock runs on between jumps; a look twice a minute keeps the header honest.
async function tick() {
  try {
    showClock((await api("/api/state")).clock);
  } catch (_offline) { /* watch() says so */ }
}

wire();
setInterval(tick, 30000);
load().then(watch, (error) => { notice(error.message); watch(); });
