// The local web chat: send what is typed or pressed to /api/chat, show the replies.
// Replies are put in with textContent only (never HTML from the server); links become <a>.
"use strict";
const log = document.getElementById("log");
const input = document.getElementById("text");
const OFFLINE = document.body.dataset.offline;
const LINK = /https?:\/\/[^\s<>"'「」（）、，。]+/g;
let user = localStorage.getItem("civic-user");
if (!user) {
  user = "web-" + crypto.getRandomValues(new Uint32Array(2)).join("");
  localStorage.setItem("civic-user", user);
}

function make(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) withLinks(node, text);
  return node;
}

// Text with its URLs as links that open in a new tab.
function withLinks(node, text) {
  let at = 0;
  for (const found of text.matchAll(LINK)) {
    const url = found[0].replace(/[.,;:!?)\]]+$/, "");
    node.append(text.slice(at, found.index));
    const a = make("a");
    a.href = url;
    a.textContent = url;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    node.append(a);
    at = found.index + url.length;
  }
  node.append(text.slice(at));
}

function bubble(text, who) {
  return log.appendChild(make("p", "msg " + who, text));
}

function card(c) {
  const box = make("article", "msg bot card");
  box.append(make("h2", "", c.title));
  if (c.fields.length) {
    const rows = make("dl");
    for (const [label, value] of c.fields) rows.append(make("dt", "", label), make("dd", "", value));
    box.append(rows);
  }
  if (c.body) box.append(make("p", "", c.body));
  if (c.footer) box.append(make("p", "footnote", c.footer));
  if (c.url) {
    const line = make("p");
    const a = make("a");
    a.href = c.url;
    a.textContent = c.url_label ? c.url_label + "：" + c.url : c.url;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    line.append(a);
    box.append(line);
  }
  return log.appendChild(box);
}

function choices(list) {
  if (!list || !list.length) return null;
  const row = make("div", "choices");
  row.setAttribute("role", "group");
  for (const c of list) {
    const b = make("button");
    b.type = "button";
    b.textContent = c.label;
    b.addEventListener("click", () => press(c));
    row.append(b);
  }
  return log.appendChild(row);
}

// Buttons of earlier turns stay clickable, but out of the tab order: Tab goes to what is new.
function retire() {
  for (const row of log.querySelectorAll(".choices:not(.old)")) {
    row.classList.add("old");
    for (const b of row.querySelectorAll("button")) b.tabIndex = -1;
  }
}

function show(replies) {
  let last = null;
  for (const r of replies) {
    if (r.cards) {
      if (r.lead) last = bubble(r.lead, "bot");
      for (const c of r.cards) {
        last = card(c);
        last = choices(c.choices) || last;
      }
      last = choices(r.after) || last;
    } else {
      last = bubble(r.text, "bot");
      last = choices(r.choices) || last;
    }
  }
  if (last) last.scrollIntoView({block: "end"});  // the newest element, buttons included
}

async function send(body) {
  retire();
  let data = null;
  try {
    const res = await fetch("/api/chat", {method: "POST",
      headers: {"Content-Type": "application/json"}, body: JSON.stringify({user, ...body})});
    data = await res.json();  // an error status still brings the bot's own words (replies)
  } catch (e) {
    data = null;
  }
  if (data && Array.isArray(data.replies) && (data.replies.length || !data.error)) {
    show(data.replies);
  } else {
    bubble(OFFLINE, "bot error").scrollIntoView({block: "end"});
  }
}

function press(c) {
  bubble(c.label, "me");
  input.focus({preventScroll: true});
  send({payload: c.payload});
}

document.getElementById("form").addEventListener("submit", (e) => {
  e.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  bubble(text, "me");
  input.value = "";
  send({text});
});
send({event: "follow"});
// Pushed messages (reminders, replies from volunteers or the district office).
setInterval(async () => {
  try {
    const res = await fetch("/api/poll?user=" + encodeURIComponent(user));
    const data = await res.json();
    if (Array.isArray(data.replies) && data.replies.length) show(data.replies);
  } catch (e) {
    // offline for a moment: the next poll tries again
  }
}, 4000);
