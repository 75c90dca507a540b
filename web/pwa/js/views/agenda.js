// Agenda: a week, Monday to Sunday, or one day by the hour; create and delete events. A series
// comes as its occurrences (same id, each its own `occurrence_start`), marked 🔁 with its rule.

import { mutate, withQuery } from "../api.js";
import {
  addDays, dayMonth, dayNumber, dayOf, hhmm, instantAt, localInstant, longDay, noon, time, today, weekStart,
} from "../dates.js";
import { ageSlot, readList, showAge } from "../offline.js";
import { overlay, tempId } from "../queue.js";
import { big, clear, deleteButton, dialog, errorBox, h, label, section, swap, toast } from "../ui.js";
import { dayTimeline } from "./agenda_day.js";

const WEEKDAYS = ["Lun", "Mar", "Mer", "Jeu", "Ven", "Sam", "Dim"];
// The Monday ("YYYY-MM-DD", owner's calendar) of the week on screen; kept while the app is
// open: back from another page, same week.
let shownWeek = null;
// "week" or "day", and the day the day view shows (in `shownWeek`); kept like the week.
let shownMode = "week";
let shownDay = null;

export async function agendaView(root) {
  shownWeek ??= weekStart();
  let events = [];
  const weekEl = h("div", { class: "week", id: "week" });
  const titleEl = h("span");

  // The next full hour on the owner's clock, for an hour.
  const soon = new Date(Date.now() + 3600000);
  const nextHour = instantAt(dayOf(soon), `${hhmm(soon).slice(0, 2)}:00`);
  const f = {
    title: h("input", { class: "input", name: "title", id: "event-title", placeholder: "Titre de l'événement", required: true, maxlength: 2000, autocomplete: "off" }),
    day: h("input", { class: "input", name: "day", type: "date", required: true, value: dayOf(nextHour) }),
    start: h("input", { class: "input", name: "start", type: "time", value: hhmm(nextHour) }),
    end: h("input", { class: "input", name: "end", type: "time", value: hhmm(new Date(nextHour.getTime() + 3600000)) }),
    location: h("input", { class: "input", name: "location", placeholder: "Lieu (facultatif)", autocomplete: "off" }),
    allDay: h("input", { class: "check", type: "checkbox", name: "all_day" }),
  };
  f.allDay.addEventListener("change", () => { f.start.disabled = f.end.disabled = f.allDay.checked; });
  const field = (name, input) => h("label", { class: "field" }, label(name), input);
  const form = h(
    "form",
    { class: "form", id: "event-form" },
    h("div", { class: "row" }, h("div", { class: "grow" }, field("Titre", f.title)), field("Jour", f.day), field("Début", f.start), field("Fin", f.end)),
    h("div", { class: "row" }, h("div", { class: "grow" }, field("Lieu", f.location)),
      h("label", { class: "row", style: { alignItems: "center", minHeight: "42px" } }, f.allDay, label("Toute la journée")),
      h("button", { class: "btn primary", type: "submit" }, "Créer l'événement")),
  );

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const day = f.day.value;
    const body = { title: f.title.value.trim(), all_day: f.allDay.checked };
    if (!body.title || !day) return;
    if (body.all_day) {
      body.starts_at = localInstant(day);
      body.ends_at = localInstant(addDays(day, 1));
    } else {
      body.starts_at = localInstant(day, f.start.value || "09:00");
      body.ends_at = localInstant(day, f.end.value || f.start.value || "10:00");
      if (body.ends_at < body.starts_at) {
        toast("La fin est avant le début.", { error: true });
        return;
      }
    }
    if (f.location.value.trim()) body.location = f.location.value.trim();
    const temp = tempId();
    const draft = { ...body, id: temp, pending: true, source: "local" };
    events.push(draft);
    f.title.value = "";
    f.location.value = "";
    shownWeek = weekStart(day);
    shownDay = day;
    drawWeek();
    try {
      const r = await mutate("POST", "/agenda/events", body, { temp });
      if (!r.queued) swap(events, draft, r.data);
    } catch (err) {
      events = events.filter((x) => x !== draft);
      toast(`Événement non créé : ${err.message}`, { error: true });
    }
    load();
  });

  // `occurrence`: only that one of a series; otherwise the event, every occurrence of it.
  async function remove(ev, occurrence = null) {
    const gone = (x) => (occurrence ? x === ev : x.id === ev.id);
    const removed = events.filter(gone);
    events = events.filter((x) => !gone(x));
    drawWeek();
    try {
      const path = `/agenda/events/${ev.id}`;
      await mutate("DELETE", occurrence ? withQuery(path, { occurrence }) : path);
    } catch (err) {
      if (err.status !== 404) {
        events.push(...removed);
        toast(`Événement non supprimé : ${err.message}`, { error: true });
        drawWeek();
      }
    }
  }

  // A series asks which: this occurrence, or the whole series.
  function askRemove(ev) {
    const d = dialog({ title: `Supprimer « ${ev.title} »` });
    const choose = (occurrence) => () => { d.close(); remove(ev, occurrence); };
    d.body.append(h("p", null, `🔁 ${ev.recurrence_text}`));
    d.foot.append(
      h("button", { class: "btn", type: "button", onclick: choose(ev.occurrence_start) }, "Cette occurrence"),
      h("button", { class: "btn danger", type: "button", onclick: choose(null) }, "Toute la série"),
    );
  }

  const removeButton = (ev) => (ev.recurrence
    ? h("button", { class: "x-btn", type: "button", "aria-label": `Supprimer « ${ev.title} »`, title: "Supprimer", onclick: () => askRemove(ev) }, "×")
    : deleteButton(() => remove(ev), `Supprimer « ${ev.title} »`));

  function drawWeek() {
    if (shownMode === "day") return drawDay();
    titleEl.textContent = `Semaine du ${dayMonth(noon(shownWeek))} au ${dayMonth(noon(addDays(shownWeek, 6)))}`;
    const now = today();
    clear(weekEl, WEEKDAYS.map((name, i) => {
      const day = addDays(shownWeek, i);
      const from = instantAt(day);
      const to = instantAt(addDays(day, 1));
      const mine = events
        .filter((ev) => new Date(ev.starts_at) < to && (new Date(ev.ends_at) > from || new Date(ev.starts_at) >= from))
        .sort((a, b) => (b.all_day - a.all_day) || new Date(a.starts_at) - new Date(b.starts_at));
      return h(
        "div",
        { class: `day${day === now ? " today" : ""}`, dataset: { day } },
        h("div", { class: "day-head" }, label(name), h("span", { class: "d" }, String(dayNumber(day)))),
        h("div", { class: "day-body" }, mine.map((ev) => h(
          "div",
          { class: `ev${ev.source === "google" ? " google" : ""}${ev.pending ? " pending" : ""}` },
          h("div", { class: "top" },
            h("span", { class: "tm" }, ev.all_day ? "JOURNÉE" : `${time(ev.starts_at)}–${time(ev.ends_at)}`),
            removeButton(ev)),
          h("span", null, ev.title),
          ev.recurrence ? h("span", { class: "rule" }, `🔁 ${ev.recurrence_text}`) : null,
          ev.location ? h("span", { class: "tm" }, ev.location) : null,
        ))),
      );
    }));
  }

  async function load(opts) {
    const from = shownWeek;
    try {
      const path = withQuery("/agenda/events", { from: localInstant(from), to: localInstant(addDays(from, 7)) });
      const { data: list, at } = await readList(path, "agenda", { ...opts, pick: keptWeek(from) });
      if (from !== shownWeek) return; // the owner moved on meanwhile
      events = await overlay("/agenda/events", list);
      showAge(age, at);
      drawWeek();
    } catch (err) {
      clear(weekEl, errorBox(err));
    }
  }

  const go = (days) => () => {
    shownWeek = days === null ? weekStart() : addDays(shownWeek, days);
    events = [];
    drawWeek();
    load();
  };

  // ------------------------------------------------------------ the day view

  const age = ageSlot();
  const dayEl = h("div", { id: "day" });
  const modeButtons = [["week", "Semaine"], ["day", "Jour"]].map(([mode, name]) => h("button", {
    type: "button", dataset: { mode }, onclick: () => setMode(mode),
  }, name));
  const prevBtn = h("button", { class: "btn sm", type: "button", onclick: () => step(-1) }, "←");
  const nextBtn = h("button", { class: "btn sm", type: "button", onclick: () => step(1) }, "→");
  const todayBtn = h("button", { class: "btn sm", type: "button", id: "agenda-today", onclick: () => step(0) }, "Aujourd'hui");

  function drawDay() {
    titleEl.textContent = longDay(noon(shownDay)).replace(/^./, (c) => c.toUpperCase());
    clear(dayEl, dayTimeline(shownDay, events, { onDelete: (ev) => (ev.recurrence ? askRemove(ev) : remove(ev)) }));
  }

  function setMode(mode) {
    shownMode = mode;
    if (mode === "day") shownDay = shownWeek === weekStart() ? today() : shownWeek;
    drawMode();
    drawWeek();
  }

  function drawMode() {
    const day = shownMode === "day";
    for (const b of modeButtons) b.setAttribute("aria-pressed", String(b.dataset.mode === shownMode));
    prevBtn.setAttribute("aria-label", day ? "Jour précédent" : "Semaine précédente");
    nextBtn.setAttribute("aria-label", day ? "Jour suivant" : "Semaine suivante");
    weekEl.hidden = day;
    dayEl.hidden = !day;
  }

  /** ← and →: a day or a week; 0: back to today. The week's events are loaded as before. */
  function step(direction) {
    if (shownMode === "week") return go(direction === 0 ? null : 7 * direction)();
    shownDay = direction === 0 ? today() : addDays(shownDay, direction);
    if (weekStart(shownDay) === shownWeek) return drawDay();
    shownWeek = weekStart(shownDay);
    events = [];
    drawDay();
    return load();
  }

  clear(
    root,
    h("header", { class: "hero" }, label("Agenda", "[ 04 ]"), big(["La semaine, ", "d'un coup d'œil", "."])),
    section("04.1", titleEl, [
      h("div", { class: "tabs inline", role: "toolbar", "aria-label": "Vue" }, modeButtons),
      prevBtn, todayBtn, nextBtn,
    ]),
    age,
    weekEl,
    dayEl,
    section("04.2", "Nouvel événement", null, h("div", { class: "body" }, form)),
  );
  shownDay ??= today();
  drawMode();
  drawWeek();
  await load();
  return { refresh: load };
}

/** Offline: the week from `from` out of the kept agenda window (undefined when outside it). */
function keptWeek(from) {
  return (events, kept) => {
    const { window } = kept;
    if (window && (from < window.from || addDays(from, 7) > window.to)) return undefined;
    const start = instantAt(from);
    const end = instantAt(addDays(from, 7));
    return events.filter((ev) => new Date(ev.starts_at) < end && new Date(ev.ends_at) >= start);
  };
}
