// Health: today's meds toggle and the 30-day heatmap.

import { get, mutate } from "../api.js";
import { queuedCount } from "../queue.js";
import { big, clear, dayMonth, errorBox, h, label, section, startOfDay, toast } from "../ui.js";

const TOGGLE = "/health-tab/today/toggle";

/** Today's check-in, with the toggles still queued offline applied. */
export async function readToday(opts) {
  const today = await get("/health-tab/today", opts);
  const flips = await queuedCount("POST", TOGGLE);
  return flips % 2 ? { ...today, meds_taken: !today.meds_taken, pending: true } : today;
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
    const optimistic = { ...checkin, meds_taken: !taken };
    changed(optimistic);
    try {
      const r = await mutate("POST", TOGGLE, {});
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
  const first = days.length ? new Date(`${days[0].day}T00:00:00`) : startOfDay();
  const blanks = (first.getDay() + 6) % 7;
  return h(
    "div",
    { class: "heat", id: "heatmap", role: "img", "aria-label": "Prise des médocs sur 30 jours" },
    names.map((n) => h("span", { class: "wd" }, n)),
    Array.from({ length: blanks }, () => h("span", { class: "cell blank" })),
    days.map((d) => {
      const date = new Date(`${d.day}T00:00:00`);
      const cls = ["cell", d.meds_taken ? "on" : "", d.skipped ? "skip" : "", d.day === todayIso ? "today" : ""].join(" ");
      return h("span", { class: cls, title: `${dayMonth(date)} · ${d.meds_taken ? "pris" : "pas pris"}${d.note ? ` · ${d.note}` : ""}` }, String(date.getDate()));
    }),
  );
}
