// Job offers: filters (all / remote / hybrid / starred, and a place: the frequent ones as
// chips, any other typed), star, applied, archive; one offer's page; the search criteria.

import { get, mutate, withQuery } from "../api.js";
import { dayMonth } from "../dates.js";
import { JOBS, ageSlot, fold, readList, recall, showAge } from "../offline.js";
import { overlay } from "../queue.js";
import { big, chip, clear, empty, errorBox, h, label, section, toast } from "../ui.js";
import { labelOf } from "../vocabulary.js";

const remote = (type) => labelOf("remote_types", type, { cap: true });
const FILTERS = () => [
  ["all", "Toutes", {}],
  ...["remote", "hybrid"].map((type) => [type, remote(type), { remote_type: type }]),
  ["starred", "★ Favoris", {}],
];
let filter = "all";
let place = ""; // a location the offers must contain ("" : anywhere)

/** Links come from scraped offers: only http(s) may become an href. */
export function safeUrl(value) {
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

function salary(job) {
  const k = (n) => `${Math.round(n / 1000)}`;
  if (job.salary_min && job.salary_max) return `${k(job.salary_min)}–${k(job.salary_max)} k€`;
  if (job.salary_min || job.salary_max) return `${k(job.salary_min || job.salary_max)} k€`;
  return null;
}

/** Star, applied, archive: optimistic, queued offline; `redraw` after each change. */
async function patchJob(job, change, what, redraw) {
  const before = { ...job };
  Object.assign(job, change);
  redraw();
  try {
    const r = await mutate("PATCH", `/jobs/${job.id}`, change);
    if (!r.queued) Object.assign(job, r.data);
    else job.pending = true;
  } catch (err) {
    Object.assign(job, before);
    toast(`${what} : ${err.message}`, { error: true });
  }
  redraw();
}

const starButton = (job, redraw) => h("button", {
  class: "star", type: "button", "aria-pressed": String(job.starred), title: job.starred ? "Retirer des favoris" : "Favori",
  "aria-label": `Favori : ${job.title}`,
  onclick: () => patchJob(job, { starred: !job.starred }, "Favori non changé", redraw),
}, job.starred ? "★" : "☆");

const appliedButton = (job, redraw) => h("button", {
  class: `btn sm${job.applied_at ? " primary" : ""}`, type: "button",
  onclick: () => patchJob(job, { applied_at: job.applied_at ? null : new Date().toISOString() }, "Candidature non notée", redraw),
}, job.applied_at ? "✓ Postulé" : "Postulé");

/** Offline: the kept offers that the filters keep, as the API would answer. */
function keptJobs(params) {
  return (jobs) => jobs.filter((j) => !j.archived
    && (!params.remote_type || j.remote_type === params.remote_type)
    && (!params.location || fold(j.location).includes(fold(params.location))));
}

/** The frequent places: from the API, or counted in the kept offers when offline. */
async function frequentPlaces() {
  try {
    if (navigator.onLine) return (await get(withQuery("/jobs/locations", { limit: 8 }))).map((l) => l.location);
  } catch {
    // offline after all: count them here
  }
  const counts = new Map();
  for (const j of (await recall("jobs"))?.data || []) {
    if (j.location) counts.set(j.location, (counts.get(j.location) || 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([name]) => name);
}

export async function jobsView(root) {
  let jobs = [];
  let places = [];
  const tabs = h("div", { class: "tabs", role: "toolbar", "aria-label": "Filtres" });
  const chips = h("div", { class: "place-chips", role: "toolbar", "aria-label": "Lieux fréquents", id: "place-chips" });
  const placeInput = h("input", { class: "input", type: "search", name: "location", id: "place-input", placeholder: "Lieu (ex. marseille)", autocomplete: "off", "aria-label": "Lieu", value: place });
  const placeForm = h("form", { class: "inline-form", id: "place-form", role: "search" }, placeInput, h("button", { class: "btn", type: "submit" }, "Filtrer"));
  const listEl = h("ul", { class: "list", id: "job-list" });
  const age = ageSlot();

  placeForm.addEventListener("submit", (e) => {
    e.preventDefault();
    choosePlace(placeInput.value.trim());
  });

  function choosePlace(value) {
    place = value;
    placeInput.value = value;
    jobs = [];
    draw();
    load();
  }

  function row(job) {
    const where = [job.company, job.location].filter(Boolean).join(" · ");
    const pay = salary(job);
    const open = !String(job.id).startsWith("tmp-");
    return h(
      "li",
      { class: `item job${job.pending ? " pending" : ""}`, dataset: { id: job.id } },
      starButton(job, draw),
      h("div", { class: "main-col" },
        open ? h("a", { class: "title", href: `/app/jobs/${job.id}` }, job.title) : h("span", { class: "title" }, job.title),
        where ? label(where) : null,
        h("div", { class: "sub" },
          job.remote_type ? chip(remote(job.remote_type), job.remote_type === "remote" ? "accent" : "") : null,
          pay ? chip(pay, "plain") : null,
          (job.stack || []).slice(0, 6).map((s) => chip(s, "plain")),
          label(`Vue le ${dayMonth(job.first_seen_at)}`),
          job.applied_at ? label(`Postulé le ${dayMonth(job.applied_at)}`) : null)),
      h("div", { class: "acts-col" },
        appliedButton(job, draw),
        h("button", { class: "btn sm", type: "button", onclick: () => {
          jobs = jobs.filter((j) => j !== job);
          patchJob(job, { archived: true }, "Offre non archivée", () => {
            if (!job.archived && !jobs.includes(job)) jobs.push(job);
            draw();
          });
        } }, "Archiver")),
    );
  }

  function draw() {
    clear(tabs, FILTERS().map(([key, name]) => h("button", {
      type: "button", "aria-pressed": String(filter === key), dataset: { filter: key },
      onclick: () => { filter = key; jobs = []; draw(); load(); },
    }, name)));
    const shownPlaces = place && !places.some((p) => fold(p) === fold(place)) ? [...places, place] : places;
    clear(chips,
      h("button", { class: "chip-btn", type: "button", "aria-pressed": String(!place), onclick: () => choosePlace("") }, "Partout"),
      shownPlaces.map((p) => h("button", {
        class: "chip-btn", type: "button", "aria-pressed": String(fold(p) === fold(place)), dataset: { place: p }, onclick: () => choosePlace(p),
      }, p)));
    const shown = filter === "starred" ? jobs.filter((j) => j.starred) : jobs;
    clear(listEl, shown.length ? shown.map(row) : h("li", null, empty("Aucune offre pour ce filtre.")));
  }

  async function load(opts) {
    const mine = `${filter}|${place}`;
    const params = { archived: false, limit: 300, location: place || undefined, ...FILTERS().find(([key]) => key === filter)[2] };
    try {
      const { data, at } = await readList(withQuery("/jobs", params), "jobs", { ...opts, pick: keptJobs(params) });
      if (mine !== `${filter}|${place}`) return;
      jobs = (await overlay("/jobs", data)).filter((j) => !j.archived);
      showAge(age, at);
      draw();
    } catch (err) {
      clear(listEl, h("li", null, errorBox(err)));
    }
  }

  clear(
    root,
    h("header", { class: "hero" }, label("Offres", "[ 06 ]"), big(["Le prochain ", "terrain de jeu", "."]),
      h("div", { class: "hint-row" }, h("a", { class: "btn sm", href: "/app/settings/jobs" }, "Critères de recherche →")), age),
    h("section", { class: "section" }, tabs, h("div", { class: "body places" }, chips, placeForm), listEl),
  );
  draw();
  const placesRead = frequentPlaces().then((found) => { places = found; draw(); }).catch(() => {});
  await Promise.all([load(), placesRead]);
  return { refresh: load };
}

// ---------------------------------------------------------------- one offer

export async function jobView(root, [jobId]) {
  const path = `/jobs/${encodeURIComponent(jobId)}`;
  const back = h("a", { class: "btn sm", href: "/app/jobs" }, "← Offres");
  let job;
  let at;
  try {
    ({ data: job, at } = await readList(path, "jobs", { pick: (all) => all.find((j) => String(j.id) === jobId) }));
  } catch (err) {
    clear(root, h("header", { class: "hero" }, h("div", { class: "hint-row" }, back, label("Offre", "[ 06 ]")), big(["Offre ", "introuvable", "."])), errorBox(err));
    return null;
  }
  const age = ageSlot();
  const facts = h("div", { class: "body form", id: "job-facts" });
  const acts = h("div", { class: "row", id: "job-actions" });

  function draw() {
    const pay = salary(job);
    const source = safeUrl(job.source_url);
    const apply = safeUrl(job.apply_url);
    const fact = (k, v) => (v ? h("div", { class: "meta" }, h("span", { class: "k" }, k), h("span", null, v)) : null);
    clear(facts,
      fact("Entreprise", job.company),
      fact("Lieu", job.location),
      fact("Télétravail", job.remote_type ? remote(job.remote_type) : null),
      fact("Salaire", pay),
      fact("Vue le", dayMonth(job.first_seen_at)),
      fact("Postulé le", job.applied_at ? dayMonth(job.applied_at) : null),
      job.stack?.length ? h("div", { class: "chips", id: "job-stack" }, job.stack.map((s) => chip(s, "plain"))) : null,
      h("div", { class: "row" },
        source ? h("a", { class: "btn", id: "job-source", href: source, target: "_blank", rel: "noopener noreferrer" }, "Voir l'annonce ↗") : null,
        apply && apply !== source ? h("a", { class: "btn", id: "job-apply", href: apply, target: "_blank", rel: "noopener noreferrer" }, "Postuler ↗") : null));
    clear(acts,
      starButton(job, draw),
      appliedButton(job, draw),
      h("button", { class: "btn sm", type: "button", id: "job-archive", onclick: () => patchJob(job, { archived: !job.archived }, "Offre non changée", draw) },
        job.archived ? "Désarchiver" : "Archiver"));
  }

  clear(
    root,
    h("header", { class: "hero" },
      h("div", { class: "hint-row" }, back, label(`Offre · ${job.source}`, "[ 06 ]")),
      big([job.title]), age),
    h("div", { class: "grid cols-2" },
      section("06.1", "L'offre", [acts], facts),
      // Text, never markup: a scraped description cannot run anything or restyle the page.
      section("06.2", "Description", null, h("div", { class: "body" },
        job.description ? h("div", { class: "description", id: "job-description" }, job.description) : empty("Pas de description.")))),
  );
  showAge(age, at);
  draw();
  return null;
}
