// Settings: the devices signed in from Telegram (GET /auth/sessions), each with its last use
// and a way to sign it out (DELETE /auth/sessions/{id}); inside Telegram, this device's own
// session.

import { get, request, token } from "../api.js";
import { dayMonth, time } from "../dates.js";
import { chip, clear, empty, errorBox, h, label, toast } from "../ui.js";

const when = (at) => `${dayMonth(at)} ${time(at)}`;

/** Inside Telegram, instead of the bearer form: how this device is signed in. */
export function telegramAccess() {
  const expires = token.expires();
  return h("div", { class: "body form", id: "telegram-access" },
    h("div", { class: "meta" }, h("span", { class: "k" }, "Connexion"), h("span", null, "Par Telegram")),
    h("div", { class: "meta" }, h("span", { class: "k" }, "Valable jusqu'au"), h("span", null, expires ? when(expires) : "—")),
    h("p", { class: "muted" }, "Aucun token à saisir : Telegram prouve que c'est toi. La session dure 30 jours ; à son terme, rouvre l'app depuis le chat."));
}

function signOutButton(session, onDone) {
  // Which device, for a screen reader going through the buttons alone.
  const which = h("span", { class: "sr-only" }, ` : ${session.device}`);
  const btn = h("button", { class: "btn sm danger", type: "button" }, session.current ? "Me déconnecter" : "Déconnecter", which);
  btn.addEventListener("click", async () => {
    if (btn.dataset.armed !== "1") {
      btn.dataset.armed = "1";
      clear(btn, "Sûr ?", which);
      return;
    }
    btn.disabled = true;
    try {
      await request("DELETE", `/auth/sessions/${session.id}`);
      toast(session.current ? "Cet appareil est déconnecté." : "Appareil déconnecté.");
      if (session.current) window.dispatchEvent(new CustomEvent("auth-lost"));
      else onDone();
    } catch (err) {
      toast(err.message, { error: true });
      btn.disabled = false;
    }
  });
  return btn;
}

/** The list of devices signed in from Telegram, redrawn after each sign-out. */
export async function sessionsSection() {
  const box = h("div", { id: "sessions" });
  const draw = async () => {
    let sessions;
    try {
      sessions = await get("/auth/sessions", { fresh: true });
    } catch (err) {
      clear(box, errorBox(err));
      return;
    }
    if (!sessions.length) {
      clear(box, empty("Aucun appareil connecté par Telegram."));
      return;
    }
    clear(box, h("ul", { class: "list", id: "session-list" }, sessions.map((s) => h("li", { class: "item" },
      h("div", { class: "main-col" },
        h("span", { class: "title" }, s.device),
        h("div", { class: "sub" },
          s.current ? chip("cet appareil", "accent") : null,
          label(`Utilisé le ${when(s.last_used_at)} · expire le ${dayMonth(s.expires_at)}`))),
      signOutButton(s, draw)))));
  };
  await draw();
  return h("div", { class: "body form" },
    h("p", { class: "muted" }, "Les appareils où l'app a été ouverte depuis Telegram. Déconnecte ceux que tu ne reconnais pas."),
    box);
}
