// Settings: the bearer on this device, the digest, reminder and weekly review times, the
// offline queue, the AI journal (with undo), links, and what the AI costs (usage.js).

import { ApiError, get, mutate, request, sync, token } from "../api.js";
import { describe } from "../proposal.js";
import { forgetLists } from "../offline.js";
import { forgetOwner } from "../owner.js";
import { clearQueue, count } from "../queue.js";
import { dayMonth, time } from "../dates.js";
import { inTelegram } from "../telegram.js";
import { big, chip, clear, empty, errorBox, h, label, section, toast } from "../ui.js";
import { eventErrors, needsReconnect, stoppedNotice } from "./google_state.js";
import { usageSection } from "../usage.js";
import { sessionsSection, telegramAccess } from "./sessions.js";

export const API_CACHE_PREFIX = "ordinarthur-api";

export async function forgetDevice() {
  token.clear();
  forgetOwner();
  await clearQueue().catch(() => {});
  await forgetLists();
  if ("caches" in window) {
    for (const key of await caches.keys()) if (key.startsWith(API_CACHE_PREFIX)) await caches.delete(key);
  }
}

export async function settingsView(root, _params, { navigate }) {
  let settings = null;
  let failure = null;
  try {
    settings = await get("/settings", { fresh: true });
  } catch (err) {
    failure = err;
  }
  const fromSettings = (draw) => (settings ? draw(settings) : errorBox(failure));
  clear(
    root,
    h("header", { class: "hero" }, label("Réglages", "[ 07 ]"), big(["Les ", "réglages", ", sans détour."])),
    h("div", { class: "grid cols-2" }, section("07.1", "Accès", null, inTelegram() ? telegramAccess() : accessSection(navigate)), section("07.2", "Rappels", null, fromSettings(scheduleSection))),
    h("div", { class: "grid cols-2" }, section("07.3", "Hors ligne", null, await offlineSection()), section("07.4", "Liens", null, linksSection())),
    h("div", { class: "grid cols-2" }, section("07.5", "Google Agenda", null, settings ? await googleSection(settings) : errorBox(failure)), section("07.6", "Journal de l'agent", null, await journalSection())),
    h("div", { class: "grid cols-2" }, section("07.7", "Appareils Telegram", null, await sessionsSection())),
    section("07.8", "Coût de l'IA", null, await usageSection()),
  );
  return null;
}

function accessSection(navigate) {
  const current = token.get() || "";
  const input = h("input", { class: "input mono", type: "password", name: "token", autocomplete: "off", placeholder: "Nouveau token", "aria-label": "Nouveau token" });
  const msg = h("p", { class: "label" });
  const form = h("form", { class: "inline-form" }, input, h("button", { class: "btn", type: "submit" }, "Remplacer"));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const value = input.value.trim();
    if (!value) return;
    try {
      await request("POST", "/auth/verify", { bearer: value });
      token.set(value);
      input.value = "";
      toast("Nouveau token enregistré.");
      navigate(location.pathname, { replace: true });
    } catch (err) {
      msg.textContent = err instanceof ApiError && err.status === 401 ? "Token refusé." : err.message;
    }
  });
  const forget = h("button", { class: "btn danger", type: "button", id: "forget-token" }, "Oublier ce token");
  forget.addEventListener("click", async () => {
    const pending = await count().catch(() => 0);
    if (pending && forget.dataset.armed !== "1") {
      forget.dataset.armed = "1";
      forget.textContent = `${pending} modification(s) en attente seront perdues — confirmer`;
      return;
    }
    await forgetDevice();
    toast("Token oublié sur cet appareil.");
    navigate("/app/");
  });
  return h("div", { class: "body form" },
    h("div", { class: "meta" }, h("span", { class: "k" }, "Token"), h("span", { class: "mono" }, current ? `••••••••${current.slice(-4)}` : "—")),
    h("p", { class: "muted" }, "Gardé uniquement sur cet appareil (localStorage). Jamais dans les fichiers de l'app."),
    form, msg, h("div", { class: "row" }, forget));
}

function timeInput(value, name) {
  return h("input", { class: "input", type: "time", value, required: true, "aria-label": name, style: { maxWidth: "150px" } });
}

// The weekly review's day, as the API writes it ("SUN 18:00") and as the owner reads it.
const WEEKDAYS = [["MON", "Lundi"], ["TUE", "Mardi"], ["WED", "Mercredi"], ["THU", "Jeudi"], ["FRI", "Vendredi"], ["SAT", "Samedi"], ["SUN", "Dimanche"]];

function reviewInputs(weekly) {
  const [day, at] = weekly.split(" ");
  const select = h("select", { class: "select", id: "review-day", "aria-label": "Jour du bilan de la semaine" },
    WEEKDAYS.map(([code, name]) => h("option", { value: code, selected: code === day }, name)));
  const time = timeInput(at, "Heure du bilan de la semaine");
  time.id = "review-time";
  return { select, time, value: () => `${select.value} ${time.value}` };
}

function scheduleSection(settings) {
  const digest = timeInput(settings.digest_time, "Heure du digest");
  digest.id = "digest-time";
  const reminders = h("div", { class: "row", id: "reminders" });
  const addReminder = (value) => {
    const input = timeInput(value, "Heure d'un rappel");
    const wrap = h("div", { class: "inline-form" }, input, h("button", {
      class: "btn sm", type: "button", "aria-label": "Retirer ce rappel",
      onclick: () => { if (reminders.children.length > 1) wrap.remove(); },
    }, "×"));
    reminders.append(wrap);
  };
  settings.med_reminder_times.forEach(addReminder);
  const before = h("input", {
    class: "input", type: "number", id: "event-reminder", min: "0", max: "10080", step: "1", required: true,
    value: String(settings.event_reminder_minutes), "aria-label": "Minutes avant un événement (0 : aucun rappel)", style: { maxWidth: "150px" },
  });
  const review = reviewInputs(settings.weekly_review);
  const form = h("form", { class: "form", id: "settings-form" },
    h("label", { class: "field" }, label("Digest du matin"), digest),
    h("div", { class: "field" }, label("Rappels médocs"), reminders,
      h("div", null, h("button", { class: "btn sm", type: "button", onclick: () => reminders.children.length < 12 && addReminder("12:00") }, "+ Ajouter un rappel"))),
    h("label", { class: "field" }, label("Rappel avant un événement (minutes, 0 : aucun)"), before),
    h("div", { class: "field" }, label("Bilan de la semaine"), h("div", { class: "inline-form" }, review.select, review.time)),
    h("div", { class: "meta" }, h("span", { class: "k" }, "Fuseau"), h("span", null, settings.timezone)),
    h("div", { class: "row" }, h("button", { class: "btn primary", type: "submit" }, "Enregistrer")));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const times = [...reminders.querySelectorAll("input")].map((i) => i.value).filter(Boolean);
    const body = {
      digest_time: digest.value,
      med_reminder_times: [...new Set(times)].sort(),
      event_reminder_minutes: Number(before.value),
      weekly_review: review.value(),
    };
    try {
      const r = await mutate("PUT", "/settings", body, { queue: false });
      const ahead = r.data.event_reminder_minutes ? `${r.data.event_reminder_minutes} min avant chaque événement` : "aucun rappel d'événement";
      toast(`Enregistré : digest à ${r.data.digest_time}, rappels à ${r.data.med_reminder_times.join(", ")}, ${ahead}.`);
    } catch (err) {
      toast(err.offline ? "Hors ligne : les réglages demandent le réseau." : `Non enregistré : ${err.message}`, { error: true });
    }
  });
  return h("div", { class: "body" }, form);
}

async function offlineSection() {
  const pending = await count().catch(() => 0);
  const reg = "serviceWorker" in navigator ? await navigator.serviceWorker.getRegistration("/app/") : null;
  const state = reg?.active ? "actif" : reg ? "en installation" : "absent";
  return h("div", { class: "body form" },
    h("div", { class: "meta" }, h("span", { class: "k" }, "Service worker"), h("span", { id: "sw-state" }, state)),
    h("div", { class: "meta" }, h("span", { class: "k" }, "En attente"), h("span", null, `${pending} modification${pending > 1 ? "s" : ""}`)),
    h("p", { class: "muted" }, "Hors ligne, les changements attendent ici et partent dans l'ordre au retour du réseau."),
    h("div", { class: "row" },
      h("button", { class: "btn", type: "button", onclick: () => sync() }, "Synchroniser maintenant"),
      h("button", { class: "btn", type: "button", onclick: async () => {
        for (const key of await caches.keys()) if (key.startsWith(API_CACHE_PREFIX)) await caches.delete(key);
        toast("Cache des données vidé.");
      } }, "Vider le cache")));
}

// The agenda syncs both ways with a dedicated "ordinarthur-os" calendar; Google's consent page
// comes back to /app/settings. Not configured on the server: say so, and what to set there,
// rather than offer buttons that can only fail. Configured: the link's state from GET /status
// (a sync waiting for a reconnection, the events Google refused).
async function googleSection({ google }) {
  if (!google.configured) {
    return h("div", { class: "body form", id: "google-status" },
      h("div", { class: "meta" }, h("span", { class: "k" }, "État"), h("span", null, "Non configuré")),
      h("p", { class: "muted" }, "Pour synchroniser l'agenda avec Google, définis sur le serveur ces variables d'environnement, puis redémarre-le :"),
      h("ul", { class: "chips", id: "google-missing" }, google.missing.map((name) => h("li", { class: "chip plain" }, name))),
      h("p", { class: "muted" }, "La marche à suivre est dans le README, section « Google Calendar »."));
  }
  let state = null;
  try {
    state = (await get("/status", { fresh: true })).google;
  } catch {
    state = null; // the buttons still work; the state shows on the account page
  }
  const connect = h("button", { class: "btn", type: "button" }, needsReconnect(state) ? "Reconnecter Google Agenda" : state?.connected ? "Reconnecter" : "Connecter Google Agenda");
  connect.addEventListener("click", async () => {
    connect.disabled = true;
    try {
      const { url } = await request("GET", "/agenda/google/oauth/start", { fresh: true });
      window.location.assign(url);
    } catch (err) {
      toast(err.message, { error: true });
      connect.disabled = false;
    }
  });
  const syncNow = h("button", { class: "btn", type: "button" }, "Synchroniser maintenant");
  syncNow.addEventListener("click", async () => {
    syncNow.disabled = true;
    try {
      const r = await request("POST", "/agenda/google/sync");
      const refused = r.errors.length ? `, ${r.errors.length} refusé(s) par Google` : "";
      const restored = r.restored.length ? `, ${r.restored.length} recréé(s) dans Google` : "";
      toast(`Synchronisé : ${r.pushed} envoyé(s), ${r.pulled} reçu(s), ${r.deleted} supprimé(s)${refused}${restored}.`);
      window.dispatchEvent(new CustomEvent("data-changed"));
    } catch (err) {
      toast(err.message, { error: true });
    } finally {
      syncNow.disabled = false;
    }
  });
  return h("div", { class: "body form", id: "google-section" },
    h("p", { class: "muted" }, "Ton agenda et le calendrier Google « ordinarthur-os » se synchronisent dans les deux sens, toutes les 15 minutes."),
    stoppedNotice(state),
    eventErrors(state),
    h("div", { class: "row" }, connect, syncNow));
}

function linksSection() {
  const link = (href, text, note) => h("li", { class: "item" }, h("div", { class: "main-col" },
    h("a", { class: "title", href, target: "_blank", rel: "noopener" }, text), label(note)));
  const page = (href, text, note, id) => h("li", { class: "item" }, h("div", { class: "main-col" },
    h("a", { class: "title", href, id }, text), label(note)));
  return h("ul", { class: "list" },
    page("/app/settings/account", "Compte et état du service", "Telegram · Google · modèle · envois · base", "account-link"),
    page("/app/settings/jobs", "Critères des offres", "Ce que le digest garde", "criteria-link"),
    link("/health", "État du service", "GET /health · public"),
    link("/app/manifest.webmanifest", "Manifeste de l'app", "Installable · hors ligne"),
    h("li", { class: "item" }, h("div", { class: "main-col" }, h("span", { class: "title" }, "Raccourcis"),
      label("⌘K / Ctrl K : palette · micro : mémo vocal · Échap : fermer"))));
}

async function journalSection() {
  let actions;
  try {
    actions = await get("/ai/actions?limit=12", { fresh: true });
  } catch (err) {
    return errorBox(err);
  }
  if (!actions.length) return empty("L'agent n'a encore rien proposé.");
  const recent = (a) => a.confirmed_at && Date.now() - new Date(a.confirmed_at) < 10 * 60 * 1000;
  return h("ul", { class: "list", id: "journal" }, actions.map((a) => {
    const d = describe(a.fn, a.row || a.args);
    const undo = h("button", { class: "btn sm", type: "button" }, "↩ Annuler");
    undo.addEventListener("click", async () => {
      undo.disabled = true;
      try {
        await request("POST", "/ai/command/undo", { body: { proposal_id: a.proposal_id } });
        toast("Annulé.");
        window.dispatchEvent(new CustomEvent("data-changed"));
      } catch (err) {
        toast(err.message, { error: true });
      }
    });
    return h("li", { class: "item" },
      h("div", { class: "main-col" },
        h("span", { class: "title" }, `${d.kind} · ${d.title}`),
        h("div", { class: "sub" }, chip(a.status, a.status === "confirmed" ? "accent" : "plain"), chip(a.source, "plain"),
          label(`${dayMonth(a.created_at)} ${time(a.created_at)}`),
          a.transcript || a.input_text ? h("span", { class: "muted" }, `« ${a.transcript || a.input_text} »`) : null)),
      a.status === "confirmed" && recent(a) ? undo : null);
  }));
}
