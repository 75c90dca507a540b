// Job offers: filters (all / remote / hybrid / starred), star, applied, archive.

import { get, mutate, withQuery } from "../api.js";
import { overlay } from "../queue.js";
import { big, chip, clear, dayMonth, empty, errorBox, h, label, toast } from "../ui.js";
import { labelOf } from "../vocabulary.js";

const remote = (type) => labelOf("remote_types", type, { cap: true });
const FILTERS = () => [
  ["all", "Toutes", {}],
  ...["remote", "hybrid"].map((type) => [type, remote(type), { remote_type: type }]),
  ["starred", "★ Favoris", {}],
];
let filter = "all";

/** Links come from scraped offers: only http(s) may become an href. */
function safeUrl(value) {
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

export async function jobsView(root) {
  let jobs = [];
  const tabs = h("div", { class: "tabs", role: "toolbar", "aria-label": "Filtres" });
  const listEl = h("ul", { class: "list", id: "job-list" });

  async function patch(job, change, what) {
    const before = { ...job };
    Object.assign(job, change);
    if (change.archived) jobs = jobs.filter((j) => j !== job);
    draw();
    try {
      const r = await mutate("PATCH", `/jobs/${job.id}`, change);
      if (!r.queued) Object.assign(job, r.data);
    } catch (err) {
      Object.assign(job, before);
      if (change.archived) jobs.push(job);
      toast(`${what} : ${err.message}`, { error: true });
    }
    draw();
  }

  function row(job) {
    const href = safeUrl(job.apply_url) || safeUrl(job.source_url);
    const where = [job.company, job.location].filter(Boolean).join(" · ");
    const pay = salary(job);
    return h(
      "li",
      { class: `item job${job.pending ? " pending" : ""}`, dataset: { id: job.id } },
      h("button", {
        class: "star", type: "button", "aria-pressed": String(job.starred), title: job.starred ? "Retirer des favoris" : "Favori",
        onclick: () => patch(job, { starred: !job.starred }, "Favori non changé"),
      }, job.starred ? "★" : "☆"),
      h("div", { class: "main-col" },
        href ? h("a", { class: "title", href, target: "_blank", rel: "noopener noreferrer" }, job.title) : h("span", { class: "title" }, job.title),
        where ? label(where) : null,
        h("div", { class: "sub" },
          job.remote_type ? chip(remote(job.remote_type), job.remote_type === "remote" ? "accent" : "") : null,
          pay ? chip(pay, "plain") : null,
          (job.stack || []).slice(0, 6).map((s) => chip(s, "plain")),
          label(`Vue le ${dayMonth(job.first_seen_at)}`),
          job.applied_at ? label(`Postulé le ${dayMonth(job.applied_at)}`) : null)),
      h("div", { class: "acts-col" },
        h("button", {
          class: `btn sm${job.applied_at ? " primary" : ""}`, type: "button",
          onclick: () => patch(job, { applied_at: job.applied_at ? null : new Date().toISOString() }, "Candidature non notée"),
        }, job.applied_at ? "✓ Postulé" : "Postulé"),
        h("button", { class: "btn sm", type: "button", onclick: () => patch(job, { archived: true }, "Offre non archivée") }, "Archiver")),
    );
  }

  function draw() {
    clear(tabs, FILTERS().map(([key, name]) => h("button", {
      type: "button", "aria-pressed": String(filter === key), dataset: { filter: key },
      onclick: () => { filter = key; jobs = []; draw(); load(); },
    }, name)));
    const shown = filter === "starred" ? jobs.filter((j) => j.starred) : jobs;
    clear(listEl, shown.length ? shown.map(row) : h("li", null, empty("Aucune offre pour ce filtre.")));
  }

  async function load(opts) {
    const mine = filter;
    const params = { archived: false, limit: 300, ...FILTERS().find(([key]) => key === filter)[2] };
    try {
      const list = await get(withQuery("/jobs", params), opts);
      if (mine !== filter) return;
      jobs = (await overlay("/jobs", list)).filter((j) => !j.archived);
      draw();
    } catch (err) {
      clear(listEl, h("li", null, errorBox(err)));
    }
  }

  clear(
    root,
    h("header", { class: "hero" }, label("Offres", "[ 06 ]"), big(["Le prochain ", "terrain de jeu", "."])),
    h("section", { class: "section" }, tabs, listEl),
  );
  draw();
  await load();
  return { refresh: load };
}
