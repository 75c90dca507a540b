// The agenda's day view: one day's hours, each event where its time is, the all-day ones on
// top, and a line at the current time (the owner's clock) when the day is today.

import { addDays, hhmm, instantAt, time, today } from "../dates.js";
import { deleteButton, empty, h, label } from "../ui.js";

const DAY_MINUTES = 24 * 60;

/** Minutes from the start of `day` (owner's clock) to instant `d`, kept within the day. */
function minutesInto(day, d) {
  const start = instantAt(day).getTime();
  const length = (instantAt(addDays(day, 1)).getTime() - start) / 60000; // 23 or 25 on DST days
  const m = (new Date(d).getTime() - start) / 60000;
  return (Math.min(Math.max(m, 0), length) / length) * DAY_MINUTES;
}

/** Lanes for overlapping events: each gets the first lane free at its start. */
function lanes(events) {
  const ends = [];
  const placed = events.map((ev) => {
    const start = new Date(ev.starts_at).getTime();
    let lane = ends.findIndex((end) => end <= start);
    if (lane < 0) lane = ends.push(0) - 1;
    ends[lane] = Math.max(new Date(ev.ends_at).getTime(), start + 15 * 60000);
    return [ev, lane];
  });
  return { placed, count: Math.max(ends.length, 1) };
}

const pct = (minutes) => `${((minutes / DAY_MINUTES) * 100).toFixed(3)}%`;

function recurring(ev) {
  return ev.recurrence ? h("span", { class: "tm", title: ev.recurrence_text || "Répété" }, "🔁 ", h("span", { class: "sr-only" }, ev.recurrence_text || "répété")) : null;
}

function timed(day, ev, lane, count, onDelete) {
  const top = minutesInto(day, ev.starts_at);
  const bottom = Math.max(minutesInto(day, ev.ends_at), top + 20);
  return h(
    "div",
    {
      class: `ev slot${ev.source === "google" ? " google" : ""}${ev.pending ? " pending" : ""}`,
      style: { top: pct(top), height: pct(bottom - top), left: `${(lane / count) * 100}%`, width: `${100 / count}%` },
    },
    h("div", { class: "top" }, h("span", { class: "tm" }, `${time(ev.starts_at)}–${time(ev.ends_at)}`), deleteButton(() => onDelete(ev), `Supprimer « ${ev.title} »`)),
    h("span", null, ev.title),
    ev.location ? h("span", { class: "tm" }, ev.location) : null,
    recurring(ev),
  );
}

/** The current-time line, on today only: where now is in the day, and its time. */
function nowLine(day) {
  if (day !== today()) return null;
  const now = new Date();
  return h("div", { class: "now-line", id: "now-line", dataset: { time: hhmm(now) }, style: { top: pct(minutesInto(day, now)) } },
    h("span", { class: "now-label mono" }, h("span", { class: "sr-only" }, "Maintenant : "), hhmm(now)));
}

/** One day of `events` (those that touch it), as hours. */
export function dayTimeline(day, events, { onDelete }) {
  const from = instantAt(day);
  const to = instantAt(addDays(day, 1));
  const mine = events
    .filter((ev) => new Date(ev.starts_at) < to && (new Date(ev.ends_at) > from || new Date(ev.starts_at) >= from))
    .sort((a, b) => new Date(a.starts_at) - new Date(b.starts_at));
  const allDay = mine.filter((ev) => ev.all_day);
  const { placed, count } = lanes(mine.filter((ev) => !ev.all_day));
  return h(
    "div",
    { class: "dayview", id: "dayview", dataset: { day } },
    h("div", { class: "allday" }, label("Toute la journée"),
      allDay.length ? allDay.map((ev) => h("div", { class: `ev${ev.source === "google" ? " google" : ""}${ev.pending ? " pending" : ""}` },
        h("div", { class: "top" }, h("span", null, ev.title), deleteButton(() => onDelete(ev), `Supprimer « ${ev.title} »`)), recurring(ev)))
        : h("span", { class: "muted" }, "—")),
    h("div", { class: "hours" },
      Array.from({ length: 24 }, (_, hour) => h("div", { class: "hour" }, h("span", { class: "hl mono" }, `${String(hour).padStart(2, "0")}:00`))),
      h("div", { class: "lanes" }, placed.map(([ev, lane]) => timed(day, ev, lane, count, onDelete))),
      nowLine(day)),
    mine.length ? null : empty("Rien de prévu ce jour-là."),
  );
}
