// Account and status (/app/settings/account): how each part of the service is doing, from
// GET /status. Whether things are configured, never a secret (the server sends none).

import { get } from "../api.js";
import { dayMonth, time } from "../dates.js";
import { big, chip, clear, empty, errorBox, h, label, section } from "../ui.js";
import { eventErrors, restoredEvents, stoppedNotice } from "./google_state.js";

// The scheduler's timers by job id; an id not listed here shows as it is.
const JOB_NAMES = { digest: "Digest du matin", "google-sync": "Synchro Google", snooze: "Rappel reporté" };
const SEND_NAMES = { digest: "Digest", meds_reminder: "Rappel médocs", meds: "Rappel médocs" };

const when = (d) => (d ? `${dayMonth(d)} ${time(d)}` : "jamais");
const jobName = (id) => JOB_NAMES[id] || (id.startsWith("meds-") ? `Rappel médocs ${id.slice(5)}` : id);
const yesNo = (ok, yes = "Configuré", no = "Non configuré") => chip(ok ? yes : no, ok ? "accent" : "plain");

const rows = (...pairs) => pairs.filter(Boolean).map(([k, v]) => h("div", { class: "meta" }, h("span", { class: "k" }, k), h("span", null, v)));
const facts = (...pairs) => h("div", { class: "body form" }, rows(...pairs));

function telegram(t) {
  return facts(
    ["État", yesNo(t.configured)],
    t.configured ? ["Mode", t.mode === "webhook" ? "Webhook" : "Long polling"] : null,
    ["Propriétaire", t.owner_id === null ? "—" : h("span", { class: "mono" }, String(t.owner_id))],
    ["Dernier message reçu", when(t.last_update_at)],
  );
}

function google(g) {
  if (!g.configured) {
    return h("div", { class: "body form" }, rows(["État", yesNo(false)]),
      h("p", { class: "muted" }, "À définir sur le serveur :"),
      h("ul", { class: "chips" }, g.missing.map((name) => h("li", { class: "chip plain" }, name))));
  }
  return h("div", { class: "body form" },
    rows(
      ["État", yesNo(g.connected, "Connecté", "Pas encore connecté")],
      ["Calendrier", g.calendar_id ? h("span", { class: "mono" }, g.calendar_id) : "—"],
      ["Dernière synchro réussie", when(g.last_sync_at)],
      ["Dernière erreur", g.last_error ? h("span", { class: "late" }, g.last_error) : "aucune"],
      ["Événements refusés", String(g.event_errors.length)],
    ),
    stoppedNotice(g),
    eventErrors(g),
    restoredEvents(g),
  );
}

function model(m, s) {
  return facts(
    ["Modèle", m.configured ? `${m.name}` : "Non configuré : l'analyse hors-ligne répond"],
    ["Repli hors-ligne", m.fallback_active ? chip("Actif", "accent") : chip("Inactif", "plain")],
    ["Dernière réponse", m.last_used ? `${m.last_used} · ${when(m.last_used_at)}` : "—"],
    ["Dictée (Groq)", s.configured ? s.model : "Non configurée"],
  );
}

function scheduler(s) {
  const state = !s.running ? "Arrêté" : s.leader ? "Meneur (envoie les messages)" : "En attente (une autre instance mène)";
  return h("div", { class: "body form" },
    rows(["État", state]),
    label("Prochains envois"),
    s.next_runs.length
      ? h("ul", { class: "list", id: "next-runs" }, s.next_runs.map((r) => h("li", { class: "item" }, h("span", { class: "title" }, jobName(r.job)), label(when(r.at)))))
      : empty(s.leader ? "Rien de programmé." : "Seul le meneur programme les envois."),
    label("Derniers envois"),
    s.last_sends.length
      ? h("ul", { class: "list", id: "last-sends" }, s.last_sends.map((x) => h("li", { class: "item" },
        h("div", { class: "main-col" }, h("span", { class: "title" }, `${SEND_NAMES[x.kind] || x.kind} · ${x.slot}`),
          x.error ? h("span", { class: "late" }, x.error) : label(x.sent_at ? `Envoyé ${when(x.sent_at)}` : `Réservé ${when(x.claimed_at)}`)))))
      : empty("Aucun envoi pour l'instant."));
}

function database(d, version) {
  return facts(
    ["Base", d.embedded ? "PostgreSQL embarqué" : "PostgreSQL externe (DATABASE_URL)"],
    ["Migration", d.migration_head ? h("span", { class: "mono" }, d.migration_head) : "—"],
    ["Version", h("span", { class: "mono" }, version)],
  );
}

export async function accountView(root) {
  const body = h("div", { id: "status" });

  async function load(opts) {
    let s;
    try {
      s = await get("/status", { fresh: true, ...opts });
    } catch (err) {
      clear(body, errorBox(err));
      return;
    }
    clear(body,
      h("div", { class: "grid cols-2" }, section("07.9", "Telegram", null, telegram(s.telegram)), section("07.10", "Google Agenda", null, google(s.google))),
      h("div", { class: "grid cols-2" }, section("07.11", "Modèle et dictée", null, model(s.model, s.speech_to_text)), section("07.12", "Base de données", null, database(s.database, s.version))),
      section("07.13", "Planificateur", null, scheduler(s.scheduler)));
  }

  clear(
    root,
    h("header", { class: "hero" },
      h("div", { class: "hint-row" }, h("a", { class: "btn sm", href: "/app/settings" }, "← Réglages")),
      label("Réglages · compte", "[ 07 ]"), big(["L'état ", "du service", "."])),
    body,
  );
  await load();
  return { refresh: load };
}
