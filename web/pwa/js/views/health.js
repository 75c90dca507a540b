// Health: today's meds toggle and the 30-day heatmap.

import { get, mutate } from "../api.js";
import { dayMonth, dayNumber, noon, today as ownerToday, weekday } from "../dates.js";
import { queued } from "../queue.js";
import { big, clear, errorBox, h, label, section, toast } from "../ui.js";

const TOGGLE = "/health-tab/today/toggle";

/**
 * Today's check-in, with the presses still queued offline applied. Offline, the copy the
 * worker kept may be of an earlier day: then today is a day not yet checked.
 */
export async function readToday(opts) {
  let today = await get("/health-tab/today", opts);
  if (today.day < ownerToday()) today = { day: ownerToday(), meds_taken: false, note: null, skipped: false };
  const presses = (await queued("POST", TOGGLE)).filter((m) => !m.body?.day || m.body.day === today.day);
  if (!presses.length) return today;
  // Each press says the state it asked for (one queued by an older version flips).
  const taken = presses.reduce((was, m) => (typeof m.body?.meds_taken === "boolean" ? m.body.meds_taken : !was), today.meds_taken);
  return { ...today, meds_taken: taken, pending: true };
}

/** The big meds button; `changed(checkin)` after each (optimistic) flip. */
export function medsToggle(checkin, changed) {
  const taken = checkin.meds_taken;
  const btn = h(
    "button",
    { class: "meds", id: "meds-toggle", type: "button", "aria-pressed": String(taken) },
    h("span", { class: "grid", style: { gap: "6px" } },
      label(checkin.pending ? "Médocs · en attente de synchro" : "Médocs du jour"),
      big(taken ? ["Médocs ", "pris", "."] : ["Pas encore ", "pris", "."], "big sm")),
    h("span", { class: "state" }, taken ? "✓ Pris" : "Cocher"),
  );
  btn.addEventListener("click", async () => {
    btn.disabled = true;
    // The day it was pressed on and the state it asks for, not "flip today": replayed from the
    // offline queue tomorrow, it still means this. A page left open since yesterday shows
    // yesterday's state: a press on a new day means taken.
    const day = ownerToday();
    const next = checkin.day === day ? !taken : true;
    const optimistic = { ...checkin, day, meds_taken: next };
    changed(optimistic);
    try {
      const r = await mutate("POST", TOGGLE, { day, meds_taken: next });
      changed(r.queued ? { ...optimistic, pending: true } : r.data);
    } catch (err) {
      toast(`Impossible de cocher : ${err.message}`, { error: true });
      changed(checkin);
    }
  });
  return btn;
}

export async function healthView(root) {
  let today = null;
  let history = [];
  const toggleEl = h("div");
  const heatEl = h("div", { class: "body grid", style: { gap: "16px" } });
  const statsEl = h("div", { class: "stat-row" });

  clear(
    root,
    h("header", { class: "hero" }, label("Santé", "[ 05 ]"), big(["Un jour après ", "l'autre", "."])),
    section("05.1", "Aujourd'hui", null, toggleEl),
    statsEl,
    section("05.2", "30 derniers jours", null, heatEl),
  );

  function draw() {
    const days = history.map((d) => (d.day === today.day ? { ...d, meds_taken: today.meds_taken } : d));
    const taken = days.filter((d) => d.meds_taken).length;
    let streak = 0;
    for (let i = days.length - 1; i >= 0 && days[i].meds_taken; i--) streak++;
    clear(toggleEl, medsToggle(today, (next) => { today = next; draw(); }));
    clear(statsEl,
      h("div", { class: "stat" }, label("Jours pris"), h("span", { class: "v" }, `${taken}/${days.length}`)),
      h("div", { class: "stat" }, label("Série en cours"), h("span", { class: "v" }, `${streak} j`)),
      h("div", { class: "stat" }, label("Taux"), h("span", { class: "v" }, days.length ? `${Math.round((100 * taken) / days.length)} %` : "—")),
      h("div", { class: "stat" }, label("Note du jour"), h("span", { class: "muted" }, today.note || "—")));
    clear(heatEl, heatmap(days, today.day), h("div", { class: "legend" },
      h("span", null, h("i", { class: "on" }), "pris"), h("span", null, h("i"), "pas pris")));
  }

  async function load(opts) {
    try {
      [today, history] = await Promise.all([readToday(opts), get("/health-tab/history?days=30", opts)]);
      draw();
    } catch (err) {
      clear(toggleEl, errorBox(err));
    }
  }

  await load();
  return { refresh: load };
}

function heatmap(days, todayIso) {
  const names = ["L", "M", "M", "J", "V", "S", "D"];
  const blanks = weekday(days.length ? days[0].day : todayIso);
  return h(
    "div",
    { class: "heat", id: "heatmap", role: "img", "aria-label": "Prise des médocs sur 30 jours" },
    names.map((n) => h("span", { class: "wd" }, n)),
    Array.from({ length: blanks }, () => h("span", { class: "cell blank" })),
    days.map((d) => {
      const cls = ["cell", d.meds_taken ? "on" : "", d.skipped ? "skip" : "", d.day === todayIso ? "today" : ""].join(" ");
      return h("span", { class: cls, title: `${dayMonth(noon(d.day))} · ${d.meds_taken ? "pris" : "pas pris"}${d.note ? ` · ${d.note}` : ""}` }, String(dayNumber(d.day)));
    }),
  );
}
