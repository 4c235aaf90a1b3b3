// The sandbox inbox: a client of the control API, like any test. Messages are grouped into
// conversations by number; server-sent events from /_mock/events keep them current.
"use strict";

const state = {
  messages: new Map(),  // id -> message view
  inbound: [],          // injected replies
  phone: null,          // the open conversation
  selected: null,       // the message in the detail pane
  picked: false,        // a person chose them; until then the newest conversation is open
  filters: {},
};

// Each provider's name for people, by its name in the data: the page is given them.
const PROVIDERS = JSON.parse(document.body.dataset.providers || "{}");

const $ = (id) => document.getElementById(id);

function escapeHtml(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => ({
    "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
}

// Every request that changes something says it is JSON, a body or not: the control plane
// refuses other content types (415), which a page on another site could send unasked.
async function api(method, path, body) {
  const options = {method, headers: {}};
  if (method !== "GET") options.headers["Content-Type"] = "application/json";
  if (body !== undefined) options.body = JSON.stringify(body);
  const response = await fetch(path, options);
  const data = response.headers.get("content-type")?.includes("json")
    ? await response.json() : await response.text();
  if (!response.ok) {
    throw new Error(data?.error || `${method} ${path}: ${response.status}`);
  }
  return data;
}

function notice(text) {
  $("notice").textContent = text || "";
}

async function guarded(work) {
  try {
    notice("");
    await work();
  } catch (error) {
    notice(error.message);
  }
}

// -- loading ------------------------------------------------------------------------------

function query(params) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value) q.set(key, value);
  }
  const text = q.toString();
  return text ? `?${text}` : "";
}

async function loadMessages() {
  // The newest 500: a page costs what it holds (the control API takes at most 1000).
  const data = await api("GET", `/_mock/messages${query({...state.filters, limit: 500})}`);
  state.messages = new Map(data.messages.map((m) => [m.id, m]));
  render();
}

async function loadInbound() {
  try {
    state.inbound = (await api("GET", "/_mock/inbound")).inbound || [];
  } catch {
    state.inbound = [];
  }
}

async function loadClock() {
  const clock = await api("GET", "/_mock/clock");
  $("clock-now").textContent = clock.now.replace("T", " ").replace("Z", " UTC");
  $("clock-mode").textContent = clock.speed && clock.speed !== 1
    ? `${clock.mode} ×${clock.speed}` : clock.mode;
}

async function loadFaults() {
  let rules = [];
  try {
    rules = (await api("GET", "/_mock/faults")).faults || [];
  } catch {
    rules = [];
  }
  $("faults").innerHTML = rules.length ? rules.map((rule) => `
    <li data-fault="${escapeHtml(rule.id)}">
      <span>${escapeHtml(describeFault(rule))}</span>
      <button type="button" data-remove-fault="${escapeHtml(rule.id)}">Remove</button>
    </li>`).join("") : "<li>none</li>";
}

function describeFault(rule) {
  const detail = rule.code ?? rule.status ?? rule.seconds ?? "";
  const where = [rule.provider, rule.endpoint, rule.account, rule.phone, rule.text]
    .filter(Boolean).join(" ");
  const left = rule.remaining === null || rule.remaining === undefined
    ? "" : `, ${rule.remaining} left`;
  return `#${rule.id} ${rule.action}${detail !== "" ? ` ${detail}` : ""}`
    + `${where ? ` on ${where}` : ""} (fired ${rule.fired}${left})`;
}

// -- rendering ------------------------------------------------------------------------------

function conversations() {
  const byPhone = new Map();
  for (const message of state.messages.values()) {
    const list = byPhone.get(message.phone) || [];
    list.push(message);
    byPhone.set(message.phone, list);
  }
  return [...byPhone.entries()]
    .map(([phone, list]) => ({phone, list: list.sort((a, b) => a.id - b.id)}))
    .sort((a, b) => b.list.at(-1).id - a.list.at(-1).id);
}

function providerName(provider) {
  return PROVIDERS[provider] || provider;
}

// Until a person picks one, the newest conversation is open, with its newest message in the
// detail pane: the page never opens on an empty pane when there is something to show.
function openNewest(threads) {
  if (state.picked && threads.some((t) => t.phone === state.phone)) return;
  state.picked = false;  // the picked one is gone (a filter, a reset): follow the newest
  const newest = threads[0];
  if (!newest) {
    state.phone = state.selected = null;
    return;
  }
  const last = newest.list.at(-1);
  state.phone = newest.phone;
  if (state.selected !== last.id) {
    state.selected = last.id;
    guarded(() => loadSelected(last));
  }
}

function render() {
  const threads = conversations();
  openNewest(threads);
  $("empty").hidden = threads.length > 0;
  $("threads").innerHTML = threads.map(({phone, list}) => {
    const last = list.at(-1);
    const providers = [...new Set(list.map((m) => providerName(m.provider)))];
    return `<li data-phone="${escapeHtml(phone)}" class="${phone === state.phone ? "active" : ""}">
      <span class="phone">+${escapeHtml(phone)}</span>
      <span class="count status-${last.status}">${list.length} · ${last.status}</span>
      <span class="providers">${providers.map((name) => `<span class="tag">${
        escapeHtml(name)}</span>`).join("")}</span>
      <span class="preview">${escapeHtml(last.text)}</span></li>`;
  }).join("");
  renderThread(threads.find((t) => t.phone === state.phone));
  renderDetail();
}

// The text, with the one-time code the server found in it (`code`) marked where it stands
// alone, as the server's own rule has it.
function textHtml(message) {
  const {text, code} = message;
  if (!code) return escapeHtml(text);
  const digits = code.replace(/[^\p{N}]/gu, "");
  const found = new RegExp(`(?<![\\p{L}\\p{N}_])${digits}(?![\\p{L}\\p{N}_])`, "u")
    .exec(text);
  if (!digits || !found) return escapeHtml(text);
  return escapeHtml(text.slice(0, found.index))
    + `<mark class="otp" title="the one-time code">${escapeHtml(code)}</mark>`
    + escapeHtml(text.slice(found.index + found[0].length));
}

function timeOf(iso) {
  return iso.slice(11, 19);
}

function bubble(message) {
  const steps = message.timeline.map((step) => `<li class="status-${step.status}"
      title="${escapeHtml(step.at)}">${step.status}${step.err ? ` (err ${step.err})` : ""}
      ${timeOf(step.at)}</li>`).join("");
  const encoding = message.encoding || "";
  return `<li class="bubble${message.id === state.selected ? " selected" : ""}"
      data-id="${message.id}" data-status="${message.status}">
    <div class="from">${escapeHtml(providerName(message.provider))}
      · ${escapeHtml(message.sender || "—")} · ${escapeHtml(message.account)}</div>
    <div class="text">${textHtml(message)}</div>
    ${message.text_hint ? `<div class="charset">${escapeHtml(message.text_hint)}</div>` : ""}
    <div class="meta">${escapeHtml(encoding)} · ${message.parts}
      part${message.parts === 1 ? "" : "s"} · ${escapeHtml(message.cost)}</div>
    ${message.decided_by
      ? `<div class="decided">decided by ${escapeHtml(message.decided_by)}</div>` : ""}
    <ol class="timeline">${steps}</ol></li>`;
}

function inboundBubble(reply) {
  return `<li class="bubble inbound">
    <div class="from">reply from +${escapeHtml(reply.phone)} to
      ${escapeHtml(reply.login || reply.account || "")}</div>
    <div class="text">${escapeHtml(reply.text)}</div>
    <div class="meta">${escapeHtml(reply.at || "")}</div></li>`;
}

function renderThread(thread) {
  $("reply").hidden = !thread;
  if (!thread) {
    $("thread-title").textContent = state.phone ? `+${state.phone}` : "Pick a conversation";
    $("bubbles").innerHTML = "";
    return;
  }
  $("thread-title").textContent = `+${thread.phone}`;
  const replies = state.inbound.filter((r) => r.phone === thread.phone);
  const items = [...thread.list.map((m) => ({at: m.created_at, html: bubble(m)})),
                 ...replies.map((r) => ({at: r.at || "", html: inboundBubble(r)}))]
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const list = $("bubbles");
  const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 20;
  list.innerHTML = items.map((item) => item.html).join("");
  if (atBottom) list.scrollTop = list.scrollHeight;
}

function renderDetail() {
  const message = state.messages.get(state.selected);
  $("detail").hidden = !message;
  $("account").hidden = !message;
  if (!message) return;
  // One id of ours, and beside it the one the client was given (the provider's own id).
  $("detail-id").textContent = `#${message.id}`;
  $("detail-ext-id").textContent = `${providerName(message.provider)} id ${message.ext_id}`;
  $("detail-decided").hidden = !message.decided_by;
  $("detail-decided").textContent = message.decided_by ? `Decided by ${message.decided_by}` : "";
  $("detail-charset").hidden = !message.text_hint;
  $("detail-charset").textContent = message.text_hint || "";
  renderActions(message);
  const fields = ["provider", "account", "phone", "sender", "status", "err", "channel",
                  "encoding", "parts", "cost", "created_at", "send_at", "valid_until", "code"];
  $("detail-fields").innerHTML = fields
    .filter((name) => message[name] !== undefined && message[name] !== null)
    .map((name) => `<dt>${name}</dt><dd>${escapeHtml(message[name])}</dd>`).join("");
  $("account-name").textContent = `${message.provider}/${message.account}`;
}

// Only what the control API would do to this message: a message that has not ended can be
// delivered, failed or expired; a delivered one read; an ended one nothing.
function renderActions(message) {
  const open = message.status === "queued" || message.status === "sent";
  const readable = message.status === "delivered";
  $("deliver").hidden = !open;
  $("fail-form").hidden = !open;
  $("expire").hidden = !open;
  $("read").hidden = !readable;
  $("actions").hidden = !open && !readable;
  $("no-actions").hidden = open || readable;
  $("no-actions").textContent = `The message is ${message.status}: nothing left to do.`;
}

function loadSelected(message) {
  return Promise.all([loadRaw(message), loadAccount(message)]);
}

// The request that created a message: the newest journal entry of its account whose answer
// gave the message's provider id.
async function loadRaw(message) {
  $("detail-request").textContent = "—";
  $("detail-answer").textContent = "—";
  let entries = [];
  try {
    entries = (await api("GET", `/_mock/journal${query({
      provider: message.provider, account: message.account, limit: 1000})}`)).entries;
  } catch {
    return;  // the journal is off (size 0): nothing to show
  }
  const entry = entries.find((e) => (e.ids || []).includes(String(message.ext_id)));
  if (!entry) return;
  $("detail-request").textContent =
    `${entry.method} ${entry.path}\n${JSON.stringify(entry.params, null, 1)}`;
  $("detail-answer").textContent = `${entry.status}\n${entry.answer}`;
}

async function loadAccount(message) {
  const accounts = (await api("GET", "/_mock/accounts")).accounts;
  const account = accounts.find((a) => a.provider === message.provider
                                       && a.login === message.account);
  if (!account) return;
  $("balance").value = account.balance;
  if (account.carrier) $("carrier").value = account.carrier;
}

// -- live updates ---------------------------------------------------------------------------

// The control API's filters, as /_mock/messages applies them.
function matches(message) {
  const f = state.filters;
  return (!f.provider || message.provider === f.provider)
    && (!f.account || message.account === f.account)
    && (!f.phone || message.phone.includes(f.phone.replace(/^\+/, "")))
    && (!f.status || message.status === f.status)
    && (!f.text || message.text.toLowerCase().includes(f.text.toLowerCase()));
}

async function refreshMessage(id) {
  try {
    const message = await api("GET", `/_mock/messages/${id}`);
    if (matches(message)) {
      state.messages.set(message.id, message);
    } else {
      state.messages.delete(message.id);
    }
  } catch {
    state.messages.delete(id);
  }
  render();
  // the journal writes a request down once it is answered, maybe after its message's event
  const shown = state.messages.get(state.selected);
  if (id === state.selected && shown && $("detail-request").textContent === "—") {
    loadRaw(shown);
  }
}

function follow() {
  const events = new EventSource("/_mock/events");
  events.onopen = () => {
    $("live").textContent = "live";
    $("live").className = "pill on";
  };
  events.onerror = () => {
    $("live").textContent = "offline";
    $("live").className = "pill off";
  };
  events.onmessage = (event) => handle(JSON.parse(event.data));
  for (const name of ["accepted", "status", "dropped", "inbound"]) {
    events.addEventListener(name, (event) => handle(JSON.parse(event.data || "{}"), name));
  }
}

function handle(data, name) {
  if (name === "dropped") {  // fell behind: read everything again
    guarded(loadAll);
    return;
  }
  if (name === "inbound") {  // a reply, injected here or by anyone else
    if (!state.inbound.some((r) => r.id === data.id)) state.inbound.push(data);
    render();
    return;
  }
  if (data.id !== undefined) refreshMessage(data.id);
  loadClock();
}

// -- actions ----------------------------------------------------------------------------------

async function loadAll() {
  await Promise.all([loadClock(), loadInbound(), loadFaults()]);
  await loadMessages();
}

function wire() {
  $("filters").addEventListener("input", () => {
    state.filters = Object.fromEntries(new FormData($("filters")));
    guarded(loadMessages);
  });
  $("filters").addEventListener("submit", (event) => event.preventDefault());

  $("threads").addEventListener("click", (event) => {
    const item = event.target.closest("li[data-phone]");
    if (!item) return;
    state.phone = item.dataset.phone;
    state.picked = true;
    const thread = conversations().find((t) => t.phone === state.phone);
    const last = thread && thread.list.at(-1);
    if (last && state.messages.get(state.selected)?.phone !== state.phone) {
      state.selected = last.id;
      guarded(() => loadSelected(last));
    }
    render();
  });

  $("bubbles").addEventListener("click", (event) => {
    const item = event.target.closest("li[data-id]");
    if (!item) return;
    state.selected = Number(item.dataset.id);
    state.picked = true;
    const message = state.messages.get(state.selected);
    render();
    guarded(() => loadSelected(message));
  });

  document.querySelectorAll("[data-advance]").forEach((button) => {
    button.addEventListener("click", () => guarded(() => advance(button.dataset.advance)));
  });
  $("advance-form").addEventListener("submit", (event) => {
    event.preventDefault();
    guarded(() => advance($("advance-seconds").value));
  });

  $("clear").addEventListener("click", () => guarded(async () => {
    if (!confirm("Forget every message and restore the configured accounts?")) return;
    await api("POST", "/_mock/reset");
    state.phone = state.selected = null;
    state.picked = false;
    await loadAll();
  }));

  for (const action of ["deliver", "read", "expire"]) {
    $(action).addEventListener("click", () => guarded(async () => {
      await api("POST", `/_mock/messages/${state.selected}/${action}`);
      await refreshMessage(state.selected);
    }));
  }
  $("fail-form").addEventListener("submit", (event) => {
    event.preventDefault();
    guarded(async () => {
      await api("POST", `/_mock/messages/${state.selected}/fail`,
                {err: Number($("fail-err").value)});
      await refreshMessage(state.selected);
    });
  });

  $("reply").addEventListener("submit", (event) => {
    event.preventDefault();
    guarded(async () => {
      const thread = conversations().find((t) => t.phone === state.phone);
      const last = thread.list.at(-1);
      await api("POST", "/_mock/inbound", {provider: last.provider, login: last.account,
                                          phone: state.phone, text: $("reply-text").value});
      $("reply-text").value = "";
      await loadInbound();
      render();
    });
  });

  $("balance-form").addEventListener("submit", (event) => {
    event.preventDefault();
    guarded(() => updateAccount({balance: $("balance").value}));
  });
  $("carrier").addEventListener("change", () => guarded(
    () => updateAccount({carrier: $("carrier").value})));

  $("fault-form").addEventListener("submit", (event) => {
    event.preventDefault();
    guarded(async () => {
      const message = state.messages.get(state.selected);
      const spec = {action: $("fault-action").value};
      if (message) Object.assign(spec, {provider: message.provider, account: message.account});
      const value = $("fault-value").value;
      if (spec.action === "status") spec.status = Number(value || 503);
      if (spec.action === "error") spec.code = /^\d+$/.test(value) ? Number(value) : value;
      if (spec.action === "delay") spec.seconds = Number(value || 2);
      if ($("fault-times").value) spec.times = Number($("fault-times").value);
      await api("POST", "/_mock/faults", spec);
      await loadFaults();
    });
  });

  $("faults").addEventListener("click", (event) => {
    const id = event.target.dataset.removeFault;
    if (id) guarded(async () => {
      await api("DELETE", `/_mock/faults/${id}`);
      await loadFaults();
    });
  });
}

async function advance(seconds) {
  const value = Number(seconds);
  if (!(value >= 0)) throw new Error("seconds: a number >= 0");
  await api("POST", "/_mock/clock/advance", {seconds: value});
  await loadClock();
  await loadMessages();
}

async function updateAccount(fields) {
  const message = state.messages.get(state.selected);
  await api("POST", "/_mock/accounts", {provider: message.provider, login: message.account,
                                        ...fields});
  await loadAccount(message);
}

// A link may carry filters: /_mock/ui/?account=alex&provider=<name>
function filtersFromAddress() {
  const given = new URLSearchParams(location.search);
  for (const field of $("filters").elements) {
    if (field.name && given.has(field.name)) field.value = given.get(field.name);
  }
  state.filters = Object.fromEntries(new FormData($("filters")));
}

filtersFromAddress();
wire();
guarded(loadAll);
follow();
