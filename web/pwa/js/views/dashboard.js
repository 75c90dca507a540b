// Today: the day's events, the todos due (and late), the meds toggle, the 🎤 and Cmd-K doors.

import { get, withQuery } from "../api.js";
import { addDays, instantAt, longDay, noon, time, today } from "../dates.js";
import { owner } from "../owner.js";
import { openPalette } from "../palette.js";
import { overlay } from "../queue.js";
import { big, clear, empty, errorBox, h, label, micIcon, section } from "../ui.js";
import { startVoice } from "../voice.js";
import { medsToggle, readToday } from "./health.js";
import { todoActions, todoItem } from "./todos.js";

export async function dashboardView(root, _params, { navigate }) {
  // The owner's day (TIMEZONE), from its first instant to the next day's.
  const day = instantAt(today());
  const tomorrow = instantAt(addDays(today(), 1));
  const [weekday, ...rest] = longDay(noon(today())).split(" ");
  const name = owner()?.name;
  let todos = [];
  let events = [];
  let checkin = null;

  const stats = h("div", { class: "stat-row" });
  const eventsEl = h("div", { id: "today-events" });
  const todosEl = h("ul", { class: "list", id: "today-todos" });
  const medsEl = h("div");
  const isMac = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

  clear(
    root,
    h(
      "header",
      { class: "hero" },
      label(name ? `Bonjour ${name} · ${weekday}` : `Aujourd'hui · ${weekday}`, "[ 01 ]"),
      big([`${weekday[0].toUpperCase()}${weekday.slice(1)} `, rest.join(" "), "."]),
      h(
        "div",
        { class: "hint-row" },
        h("button", { class: "mic-hero", type: "button", onclick: () => startVoice() }, h("span", { class: "ico" }, micIcon(22)), "Dicter une commande"),
        h("button", { class: "btn ghost", type: "button", onclick: () => openPalette({ navigate }) },
          h("span", { class: "kbd" }, isMac ? "⌘K" : "Ctrl K"), "Palette · tape une commande"),
      ),
    ),
    stats,
    h("div", { class: "grid cols-2" },
      section("01.1", "Agenda du jour", [h("a", { class: "btn sm", href: "/app/agenda" }, "Semaine →")], eventsEl),
      section("01.2", "À faire aujourd'hui", [h("a", { class: "btn sm", href: "/app/todos" }, "Tout →")], todosEl)),
    section("01.3", "Santé", [h("a", { class: "btn sm", href: "/app/health" }, "30 jours →")], medsEl),
  );

  function draw() {
    const open = todos.filter((t) => t.status !== "done");
    const late = open.filter((t) => new Date(t.due_at) < day);
    clear(stats,
      stat("Tâches du jour", open.length - late.length),
      stat("En retard", late.length, late.length > 0),
      stat("Événements", events.length),
      stat("Médocs", checkin ? (checkin.meds_taken ? "✓" : "—") : "…"));
    clear(eventsEl, events.length ? events.map(eventRow) : empty("Aucun événement aujourd'hui."));
    clear(todosEl, todos.length
      ? todos.map((t) => todoItem(t, todoActions(todos, draw)))
      : h("li", null, empty("Rien d'échu aujourd'hui.")));
    if (checkin) clear(medsEl, medsToggle(checkin, (next) => { checkin = next; draw(); }));
  }

  async function load(opts) {
    try {
      const [t, e, c] = await Promise.all([
        get(withQuery("/todos", { due_before: tomorrow.toISOString(), limit: 500 }), opts),
        get(withQuery("/agenda/events", { from: day.toISOString(), to: tomorrow.toISOString() }), opts),
        readToday(opts),
      ]);
      const dueToday = (x) => x.due_at && new Date(x.due_at) < tomorrow;
      todos = (await overlay("/todos", t)).filter((x) => dueToday(x) && x.status !== "archived" && (x.status !== "done" || new Date(x.due_at) >= day));
      events = (await overlay("/agenda/events", e)).sort((a, b) => new Date(a.starts_at) - new Date(b.starts_at));
      checkin = c;
      draw();
    } catch (err) {
      clear(eventsEl, errorBox(err));
    }
  }

  await load();
  return { refresh: load };
}

function stat(name, value, hot = false) {
  return h("div", { class: "stat" }, label(name), h("span", { class: `v${hot ? " late" : ""}` }, String(value)));
}

function eventRow(ev) {
  return h(
    "div",
    { class: "event-row" },
    h("div", { class: "when" }, ev.all_day ? "JOURNÉE" : time(ev.starts_at), ev.all_day ? null : h("div", { class: "muted" }, time(ev.ends_at))),
    h("div", { class: "what" }, h("span", null, ev.title), ev.location ? label(ev.location) : null),
  );
}
