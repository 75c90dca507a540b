// What the AI costs (GET /ai/usage): the last 30 days as a bar chart drawn here in SVG (no
// chart library), the same numbers as a table for screen readers and the curious, this month
// against the budget, and the budget itself (PUT /settings {ai_monthly_budget_eur}).

import { ApiError, get, mutate, withQuery } from "./api.js";
import { addDays, dayMonth, noon, today } from "./dates.js";
import { chip, clear, empty, errorBox, h, label, svg, toast } from "./ui.js";

const DAYS = 30;
const W = 300; // viewBox units; the SVG scales to the section's width
const H = 110;
const TOP = 14; // room for the scale's label
const BOTTOM = 16; // room for the first and last day
const STEP = W / DAYS;

const number = new Intl.NumberFormat("fr-FR");

/** "1,23 €"; under a cent "0,0042 €" rather than "0,00 €"; null: "prix inconnu". */
export function euros(value) {
  if (value === null || value === undefined) return "prix inconnu";
  const digits = value === 0 || Math.abs(value) >= 0.01 ? 2 : 4;
  return `${value.toLocaleString("fr-FR", { minimumFractionDigits: digits, maximumFractionDigits: digits })} €`;
}

function seconds(value) {
  const s = Math.round(value);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
}

/** The section: chart, table, budget; an error box when the report cannot be read. */
export async function usageSection() {
  const last = today();
  const first = addDays(last, 1 - DAYS);
  let report;
  try {
    report = await get(withQuery("/ai/usage", { from: first, to: last }), { fresh: true });
  } catch (err) {
    return h("div", { class: "body" }, errorBox(err));
  }
  const byDay = new Map(report.days.map((d) => [d.day, d]));
  const days = Array.from({ length: DAYS }, (_, i) => byDay.get(addDays(first, i)) || { day: addDays(first, i), requests: 0, cost_eur: 0 });
  const budget = h("div", { class: "form", id: "ai-budget" });
  const drawBudget = (state) => clear(budget, ...budgetBlock(state, report.usd_eur_rate, drawBudget));
  drawBudget(report.budget);
  return h("div", { class: "body form" },
    chart(days, report.total, last),
    table(report),
    budget);
}

function chart(days, total, todayIso) {
  const max = Math.max(0, ...days.map((d) => d.cost_eur));
  const base = H - BOTTOM;
  const scale = max > 0 ? (base - TOP) / max : 0;
  const dearest = days.reduce((a, d) => (d.cost_eur > a.cost_eur ? d : a), days[0]);
  const summary = max > 0
    ? `Total ${euros(total.cost_eur)} sur ${DAYS} jours ; le jour le plus cher : ${dayMonth(noon(dearest.day))}, ${euros(dearest.cost_eur)}. Le détail est dans le tableau qui suit.`
    : `Aucun coût sur ${DAYS} jours.`;
  return svg("svg", {
    class: "usage-chart", id: "ai-usage-chart", viewBox: `0 0 ${W} ${H}`, role: "img",
    "aria-labelledby": "ai-usage-chart-title ai-usage-chart-desc",
  },
  svg("title", { id: "ai-usage-chart-title" }, `Coût de l'IA par jour, ${DAYS} derniers jours`),
  svg("desc", { id: "ai-usage-chart-desc" }, summary),
  days.map((d, i) => {
    const height = d.cost_eur > 0 ? Math.max(1, d.cost_eur * scale) : 0;
    return svg("rect", {
      class: d.day === todayIso ? "bar today" : "bar",
      x: (i * STEP + 1).toFixed(2), y: (base - height).toFixed(2), width: (STEP - 2).toFixed(2), height: height.toFixed(2),
    }, svg("title", null, `${dayMonth(noon(d.day))} : ${euros(d.cost_eur)} · ${d.requests} requête${d.requests > 1 ? "s" : ""}`));
  }),
  svg("line", { class: "axis", x1: 0, x2: W, y1: base, y2: base }),
  svg("text", { class: "tick", x: 0, y: 10 }, max > 0 ? `max ${euros(max)}` : "0 €"),
  svg("text", { class: "tick", x: 0, y: H - 3 }, dayMonth(noon(days[0].day))),
  svg("text", { class: "tick", x: W, y: H - 3, "text-anchor": "end" }, dayMonth(noon(days[days.length - 1].day))));
}

function table(report) {
  if (!report.days.length) return empty("Aucun appel à l'IA sur 30 jours.");
  const cells = (what, s) => [
    what,
    h("td", null, number.format(s.requests)),
    h("td", null, `${number.format(s.input_tokens)} / ${number.format(s.output_tokens)}`),
    h("td", null, s.audio_seconds ? seconds(s.audio_seconds) : "—"),
    h("td", null, cost(s)),
  ];
  return h("details", { class: "usage-details" },
    h("summary", null, "Les chiffres, jour par jour"),
    h("table", { class: "usage-table", id: "ai-usage-table" },
      h("caption", { class: "sr-only" }, "Coût de l'IA par jour"),
      h("thead", null, h("tr", null, ["Jour", "Requêtes", "Jetons (entrée / sortie)", "Audio", "Coût"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", null, report.days.map((d) => h("tr", null, cells(h("th", { scope: "row" }, dayMonth(noon(d.day))), d)))),
      h("tfoot", null, h("tr", null, cells(h("th", { scope: "row" }, "Total"), report.total)))),
    h("ul", { class: "chips" }, report.models.map((m) => h("li", { class: "chip plain" }, `${m.model} · ${euros(m.cost_eur)}`))));
}

// A day or a total: what could be priced, and how many requests could not.
function cost(s) {
  if (s.unpriced_requests === s.requests) return euros(null);
  return s.unpriced_requests ? `${euros(s.cost_eur)} (+ ${s.unpriced_requests} sans prix)` : euros(s.cost_eur);
}

function budgetBlock(state, rate, redraw) {
  const input = h("input", {
    class: "input", type: "number", min: "0", step: "0.01", inputmode: "decimal", name: "budget", id: "ai-budget-input",
    value: state.limit_eur === null ? "" : String(state.limit_eur), placeholder: "Sans plafond",
  });
  const form = h("form", { class: "inline-form", id: "ai-budget-form" }, input, h("button", { class: "btn", type: "submit" }, "Enregistrer"));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const value = input.value.trim() === "" ? null : Number(input.value);
    if (value !== null && !(value >= 0)) return;
    try {
      const r = await mutate("PUT", "/settings", { ai_monthly_budget_eur: value }, { queue: false });
      const limit = r.data.ai_monthly_budget_eur;
      toast(limit === null ? "Budget IA : sans plafond." : `Budget IA : ${euros(limit)} par mois.`);
      redraw({ ...state, limit_eur: limit, reached: limit !== null && state.spent_eur >= limit });
    } catch (err) {
      toast(err instanceof ApiError && err.offline ? "Hors ligne : les réglages demandent le réseau." : `Non enregistré : ${err.message}`, { error: true });
    }
  });
  return [
    h("div", { class: "meta" }, h("span", { class: "k" }, "Ce mois-ci"),
      h("span", { id: "ai-month-cost" }, state.limit_eur === null ? euros(state.spent_eur) : `${euros(state.spent_eur)} sur ${euros(state.limit_eur)}`),
      state.reached ? chip("atteint", "accent") : null),
    h("label", { class: "field", for: "ai-budget-input" }, label("Budget mensuel de l'IA (€)")),
    form,
    h("p", { class: "muted" },
      "Une fois atteint, le parseur local répond jusqu'au mois prochain ; la transcription vocale continue. ",
      `Vide : le plafond du serveur (AI_MONTHLY_BUDGET_EUR), s'il y en a un. Prix genai-prices en dollars, comptés à ${rate.toLocaleString("fr-FR")} € le dollar.`),
  ];
}
