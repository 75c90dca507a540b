// The Google link's state as GET /status tells it, for the settings page and the account page:
// a sync stopped until the owner reconnects (and why), the events Google refused (each one,
// with Google's reason), the events the last sync recreated in Google.

import { dayMonth, time } from "../dates.js";
import { h, label } from "../ui.js";

const STOPPED = {
  calendar_gone: "Le calendrier « ordinarthur-os » a été supprimé dans Google : la synchro est arrêtée. Reconnecte Google Agenda pour le recréer ; tes propres événements y seront renvoyés.",
  token_refused: "Google a refusé l'accès à ton agenda (autorisation retirée ou expirée) : la synchro est arrêtée. Reconnecte Google Agenda.",
};

const when = (d) => `${dayMonth(d)} ${time(d)}`;

export const needsReconnect = (g) => Boolean(g && g.stopped);

export function stoppedNotice(g) {
  if (!needsReconnect(g)) return null;
  return h("p", { class: "late", id: "google-stopped", role: "alert" }, STOPPED[g.stopped] || g.stopped);
}

export function eventErrors(g) {
  const errors = (g && g.event_errors) || [];
  if (!errors.length) return null;
  const plural = errors.length > 1;
  return h("div", { class: "form", id: "google-event-errors" },
    label(`${errors.length} événement${plural ? "s" : ""} refusé${plural ? "s" : ""} par Google (les autres sont synchronisés)`),
    h("ul", { class: "list" }, errors.map((e) => h("li", { class: "item" },
      h("div", { class: "main-col" },
        h("span", { class: "title" }, e.title),
        h("span", { class: "late" }, e.error),
        label(when(e.starts_at)))))));
}

export function restoredEvents(g) {
  const restored = (g && g.restored) || [];
  if (!restored.length) return null;
  return h("div", { class: "form", id: "google-restored" },
    label("Recréés dans Google à la dernière synchro (supprimés là-bas après une modification ici)"),
    h("ul", { class: "chips" }, restored.map((r) => h("li", { class: "chip plain" }, r.title))));
}
