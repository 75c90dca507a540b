// Agenda: a week, Monday to Sunday; create and delete events. A series comes as its
// occurrences (same id, each its own `occurrence_start`), marked 🔁 with its rule in words.

import { get, mutate, withQuery } from "../api.js";
import {
  addDays, dayMonth, dayNumber, dayOf, hhmm, instantAt, localInstant, noon, time, today, weekStart,
} from "../dates.js";
import { overlay, tempId } from "../queue.js";
import { big, clear, deleteButton, dialog, errorBox, h, label, section, swap, toast } from "../ui.js";

const WEEKDAYS = ["Lun", "Mar", "Mer", "Jeu", "Ven", "Sam", "Dim"];
// The Monday ("YYYY-MM-DD", owner's calendar) of the week on screen; kept while the app is
// open: back from another page, same week.
let shownWeek = null;

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
      const list = await get(withQuery("/agenda/events", { from: localInstant(from), to: localInstant(addDays(from, 7)) }), opts);
      if (from !== shownWeek) return; // the owner moved on meanwhile
      events = await overlay("/agenda/events", list);
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

  clear(
    root,
    h("header", { class: "hero" }, label("Agenda", "[ 04 ]"), big(["La semaine, ", "d'un coup d'œil", "."])),
    section("04.1", titleEl, [
      h("button", { class: "btn sm", type: "button", onclick: go(-7), "aria-label": "Semaine précédente" }, "←"),
      h("button", { class: "btn sm", type: "button", onclick: go(null) }, "Aujourd'hui"),
      h("button", { class: "btn sm", type: "button", onclick: go(7), "aria-label": "Semaine suivante" }, "→"),
    ]),
    weekEl,
    section("04.2", "Nouvel événement", null, h("div", { class: "body" }, form)),
  );
  drawWeek();
  await load();
  return { refresh: load };
}
