// Inside Telegram there is no token to paste: the signed initData Telegram gave this page buys
// a session token (`POST /auth/telegram`), kept like the bearer. When that session ends (30
// days, or revoked), the owner is asked to reopen the app from Telegram, which signs it in
// again with fresh data; changes waiting in the offline queue stay queued meanwhile.

import { ApiError, request, token } from "./api.js";
import { count } from "./queue.js";
import { big, clear, h, label } from "./ui.js";
import { close, initData } from "./telegram.js";

function screen(root, title, ...body) {
  clear(
    root,
    h(
      "div",
      { class: "onboard", id: "telegram-signin" },
      h("div", { class: "section-head" }, h("span", { class: "n" }, "[ 00 ]"), h("span", { class: "t" }, "ORDINARTHUR·OS — TELEGRAM"), h("span", { class: "x" }, h("span", { class: "dot" }))),
      h("div", { class: "panel" },
        h("div", { class: "grid", style: { gap: "18px", alignContent: "start" } }, label("Telegram", "[ — ]"), big(title)),
        h("div", { class: "grid", style: { gap: "18px", alignContent: "start" } }, ...body)),
      h("div", { class: "footer mono" }, h("span", null, "CHAT-FIRST PERSONAL OS"), h("span", null, "FR")),
    ),
  );
}

function explain(err) {
  if (err instanceof ApiError && err.offline) return "Hors ligne : la connexion par Telegram demande le réseau.";
  if (err instanceof ApiError && err.status === 403) return "Cette app ne sert que son propriétaire.";
  if (err instanceof ApiError && err.code === "init_data_expired") return "Telegram a ouvert l'app il y a plus de 24 heures : ferme-la et rouvre-la depuis le chat.";
  if (err instanceof ApiError && err.code === "telegram_not_configured") return "Le serveur n'a pas de bot Telegram configuré.";
  return `Telegram n'a pas pu te connecter : ${err.message}`;
}

const closeButton = () => h("button", { class: "btn primary", type: "button", id: "telegram-close", onclick: close }, "Fermer l'app");

/** Sign in with Telegram's data, then `done()`; on a refusal, say why and how to get in. */
export async function telegramSignIn(root, done) {
  screen(root, ["Connexion par ", "Telegram", "…"], h("p", { class: "msg", role: "status" }, "Vérification de ton identité auprès de Telegram."));
  try {
    token.setSession(await request("POST", "/auth/telegram", { body: { init_data: initData() }, anonymous: true }));
  } catch (err) {
    const retry = h("button", { class: "btn", type: "button", onclick: () => telegramSignIn(root, done) }, "Réessayer");
    screen(root, ["Connexion ", "impossible", "."], h("p", { class: "msg err", role: "alert" }, explain(err)), h("div", { class: "row" }, retry, closeButton()));
    return;
  }
  done();
}

/** The session ended while the app was open: reopening from Telegram signs in again. */
export async function askToReopen(root) {
  const pending = await count().catch(() => 0);
  const many = pending > 1;
  const kept = pending
    ? `${pending} modification${many ? "s" : ""} en attente ${many ? "sont gardées" : "est gardée"} sur cet appareil et ${many ? "partiront" : "partira"} à la prochaine connexion.`
    : "Rien n'est perdu.";
  screen(
    root,
    ["Session ", "terminée", "."],
    h("p", { class: "msg", role: "alert", id: "session-ended" }, "Ta session a expiré ou a été déconnectée. Ferme l'app et rouvre-la depuis le chat Telegram (bouton Ouvrir) pour te reconnecter."),
    h("p", { class: "label", id: "kept-changes" }, kept),
    h("div", { class: "row" }, closeButton()),
  );
}
